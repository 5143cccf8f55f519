"""Report jobs: one (unit, period) each, JSON-safe so any executor can ship them to a worker.

A city's consolidated report is one more job of ``kind`` "city" (its ``unit`` is the city's
slug, its folder ``DIR/<city>/<period>/`` beside its units'): it reads the warehouse like the
units' jobs, so it runs in the same batch, in any order (:func:`build_city_jobs` puts it last).

A :class:`Job` says *what* to make; :func:`prepare_job` validates everything a person can get wrong
(unit params, profile, narrative, warehouse, output folder) in the calling process, before any
kernel starts, and returns a :class:`PreparedJob` carrying what the worker and the manifest need.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tthc.errors import ParamsError, ReportError, TthcError
from tthc.paths import default_db, notebooks_dir, outputs_dir

FORMATS = ("ipynb", "html", "pdf", "docx")
REPORT_NOTEBOOK = "monthly_report.ipynb"
CITY_NOTEBOOK = "city_report.ipynb"
KINDS = ("unit", "city")
# What the city's report is written as: every format of a unit's. Its notebook displays the
# document as Parts of blocks (tthc.render.city_report), which the DOCX builder reads
# (tthc.render.word), as the unit report's.
CITY_FORMATS = ("ipynb", "html", "pdf", "docx")
MANIFEST = "manifest.json"
FAILED_NOTEBOOK = "report.failed.ipynb"


@dataclass(frozen=True)
class Job:
    """One report: a unit (or, ``kind`` "city", a city) and a period (by key, with the unit's
    or the city's period rule)."""

    unit: str  # the unit's slug, or the city's for a city job
    period: str  # Period.key: '2026-06', '2026-Q2', '2026-05-15_2026-06-14', …
    out_dir: str
    formats: tuple[str, ...] = FORMATS
    db: str = ""
    force: bool = False
    rule: str = "nd09"
    notebook: str = ""  # the report notebook; default notebooks/monthly_report.ipynb
    # Print figures the exports cover only in part, marked (None: the profile's allow_partial).
    allow_partial: bool | None = None
    kind: str = "unit"  # "unit" | "city" (the consolidated report of the city ``unit``)

    @property
    def folder(self) -> Path:
        return Path(self.out_dir) / self.unit / self.period

    @property
    def notebook_path(self) -> Path:
        if self.notebook:
            return Path(self.notebook)
        return notebooks_dir() / (CITY_NOTEBOOK if self.kind == "city" else REPORT_NOTEBOOK)

    @property
    def label(self) -> str:
        return f"{self.unit} {self.period}"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["formats"] = list(self.formats)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Job:
        return cls(**{**data, "formats": tuple(data["formats"])})

    @property
    def is_city(self) -> bool:
        return self.kind == "city"


@dataclass
class PreparedJob:
    """A validated job plus what the worker and the manifest need (all JSON-safe)."""

    job: Job
    parameters: dict[str, Any]  # what papermill injects into the notebook
    profile: str
    period_title: str
    period_range: str
    narrative: dict[str, Any]  # Narrative.summary(): file, placeholder, number, issue date
    warnings: list[str] = field(default_factory=list)  # narrative lint and missing sections
    ingests: list[dict[str, Any]] = field(default_factory=list)
    validate_seconds: float = 0.0
    kind: str = "unit"  # for the manifest: "unit" or "city"
    unit_name: str = ""  # 'xã An Trường', for the outputs index ('' for a city)
    city: str = ""  # the unit's ``city`` param, or the city itself (the index groups by it)
    city_name: str = ""  # its name (params/cities/<city>.yaml), '' when unknown
    units: list[str] = field(default_factory=list)  # a city job's units


def period_from_key(key: str, rule: str = "nd09"):
    """The :class:`~tthc.stats.periods.Period` a key names (inverse of ``Period.key``)."""
    from tthc.stats import periods as P

    if m := re.fullmatch(r"(\d{4})-(\d{2})", key):
        return P.month_period(int(m[1]), int(m[2]), rule)
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", key):
        return P.quarter_period(int(m[1]), int(m[2]), rule)
    if m := re.fullmatch(r"(\d{4})-H([12])", key):
        return P.half_year_period(int(m[1]), int(m[2]), rule)
    if m := re.fullmatch(r"(\d{4})-9M", key):
        return P.nine_months_period(int(m[1]), rule)
    if m := re.fullmatch(r"(\d{4})", key):
        return P.year_period(int(m[1]), rule)
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:_|\.\.)(\d{4}-\d{2}-\d{2})", key):
        return P.custom_period(date.fromisoformat(m[1]), date.fromisoformat(m[2]), rule)
    raise ParamsError(f"Kỳ báo cáo '{key}' không hợp lệ.")


def notebook_period(period: Any) -> str:
    """How the report notebook's ``period`` parameter names a period: the key, except that a
    from/to window is written 'YYYY-MM-DD..YYYY-MM-DD' (``tthc.render.report.resolve_period``)."""
    if period.kind == "custom":
        return f"{period.start.isoformat()}..{period.end.isoformat()}"
    return period.key


def month_range(spec: str) -> list[str]:
    """'2026-01:2026-06' -> ['2026-01', …, '2026-06'] (month keys, both ends included)."""
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*:\s*(\d{4})-(\d{1,2})\s*", spec)
    if not m:
        raise ParamsError(f"Khoảng tháng '{spec}' không hợp lệ: dùng dạng 2026-01:2026-06.")
    a = int(m[1]) * 12 + int(m[2]) - 1
    b = int(m[3]) * 12 + int(m[4]) - 1
    if not (1 <= int(m[2]) <= 12 and 1 <= int(m[4]) <= 12) or b < a:
        raise ParamsError(f"Khoảng tháng '{spec}' không hợp lệ: tháng đầu phải trước tháng cuối.")
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in range(a, b + 1)]


def build_jobs(
    units: list[str] | str,
    periods: list[Any],
    *,
    out_dir: str | Path | None = None,
    formats: tuple[str, ...] | list[str] | None = None,
    db: str | Path | None = None,
    force: bool = False,
    notebook: str | Path | None = None,
    params_base: Path | None = None,
    allow_partial: bool | None = None,
) -> list[Job]:
    """One job per (unit, period), units outer, periods in order.

    ``units`` is a list of slugs or ``"all"`` (every ``params/units/*.yaml``). ``periods`` are
    :class:`Period` objects or keys; each is re-read under the unit's own period rule (a profile
    setting), so ``--month 2026-06`` means 15/5–14/6 for an nd09 unit and 1/6–30/6 for a calendar
    one. ``formats`` (of :data:`FORMATS`) apply to every unit; without them each unit gets the
    notebook and the formats its params choose (``UnitParams.formats``).
    """
    from tthc.stats.profile import load_profile
    from tthc.units import list_units, load_unit

    if units == "all":
        units = list_units(params_base)
        if not units:
            raise ParamsError("Không có đơn vị nào trong params/units/: không có báo cáo để lập.")
    bad = [f for f in formats or () if f not in FORMATS]
    if bad or (formats is not None and not formats):
        raise ParamsError(
            f"Định dạng '{','.join(bad) or '(trống)'}' không hỗ trợ: chọn trong {','.join(FORMATS)}."
        )
    out = Path(out_dir) if out_dir else outputs_dir()
    dbp = Path(db) if db else default_db()
    jobs: list[Job] = []
    seen: set[tuple[str, str]] = set()
    for unit in dict.fromkeys(units):  # a unit named twice must not race itself on one folder
        params = load_unit(unit, params_base)
        rule = load_profile(params.profile, params_base).period_rule
        chosen = formats if formats is not None else ("ipynb", *params.formats)
        for p in periods:
            key = p if isinstance(p, str) else p.key
            key = period_from_key(key, rule).key  # validates the key
            if (unit, key) in seen:
                continue
            seen.add((unit, key))
            jobs.append(
                Job(
                    unit=unit,
                    period=key,
                    out_dir=str(out.resolve()),
                    formats=tuple(f for f in FORMATS if f in chosen),
                    db=str(dbp.resolve()),
                    force=force,
                    rule=rule,
                    notebook=str(Path(notebook).resolve()) if notebook else "",
                    allow_partial=allow_partial,
                )
            )
    return jobs


def build_city_jobs(
    city: str,
    periods: list[Any],
    *,
    out_dir: str | Path | None = None,
    formats: tuple[str, ...] | list[str] | None = None,
    db: str | Path | None = None,
    force: bool = False,
    params_base: Path | None = None,
    allow_partial: bool | None = None,
    units: bool = True,
) -> list[Job]:
    """Every member unit's jobs (with ``units``) then the city's own, per period.

    The city's period rule is its profile's (:func:`tthc.stats.city.load_city_profiles`); a
    unit's job reads the same period key under the unit's own rule, as ``--unit`` does.
    ``formats`` (of :data:`FORMATS`) apply to every job; without them each unit gets its params'
    formats and the city's report every format the city report has (:data:`CITY_FORMATS`)."""
    from tthc.stats.city import load_city_profiles

    loaded = load_city_profiles(city, base=params_base)
    jobs: list[Job] = []
    if units:
        jobs = build_jobs(
            loaded.units,
            periods,
            out_dir=out_dir,
            formats=formats,
            db=db,
            force=force,
            params_base=params_base,
            allow_partial=allow_partial,
        )
    if formats is None:
        formats = CITY_FORMATS
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ParamsError(
            f"Định dạng '{','.join(bad) or '(trống)'}' không hỗ trợ: chọn trong {','.join(FORMATS)}."
        )
    out = Path(out_dir) if out_dir else outputs_dir()
    dbp = Path(db) if db else default_db()
    rule = loaded.profile.period_rule
    for p in dict.fromkeys(p if isinstance(p, str) else p.key for p in periods):
        jobs.append(
            Job(
                unit=loaded.city.city,
                period=period_from_key(p, rule).key,
                out_dir=str(out.resolve()),
                formats=tuple(f for f in CITY_FORMATS if f in formats),
                db=str(dbp.resolve()),
                force=force,
                rule=rule,
                allow_partial=allow_partial,
                kind="city",
            )
        )
    return jobs


def prepare_city_job(job: Job, params_base: Path | None = None) -> PreparedJob:
    """Validate a city job without starting a kernel: the city's params and every unit's,
    their profiles, the city's narrative, the notebook, the warehouse (the units' ingest ledger
    for the manifest). A unit named like the city is refused: their report folders would be
    the same."""
    import time

    from tthc.report.narrative import load_narrative
    from tthc.stats.city import load_city_profiles

    t0 = time.perf_counter()
    loaded = load_city_profiles(job.unit, base=params_base)
    if job.unit in loaded.units:
        raise ParamsError(
            f"Đơn vị '{job.unit}' trùng tên với thành phố/tỉnh của nó: báo cáo của hai bên sẽ ghi "
            "vào cùng một thư mục; đổi tên tệp params/units/ của đơn vị."
        )
    period = period_from_key(job.period, job.rule)
    narrative = load_narrative(job.unit, period, base=params_base)
    if not job.notebook_path.exists():
        raise ReportError(f"Không tìm thấy notebook báo cáo {job.notebook_path}.")
    ingests = ingests_for_units(Path(job.db), loaded.units)
    warnings = [
        w
        for w in narrative.warnings
        if not w.startswith("Mục ") or any(f"Mục {s} " in w for s in ("II.1", "II.2", "III", "IV"))
    ]
    have = {i["unit"] for i in ingests}
    if not have:
        warnings.append(f"Kho dữ liệu chưa có tệp nào được nạp cho các đơn vị của '{job.unit}'.")
    from tthc.known import params_hint
    from tthc.warehouse import connect

    con = connect(Path(job.db), read_only=True)
    try:
        hint = params_hint(con, loaded.city.display_name, params_base)
    finally:
        con.close()
    if hint:
        warnings.append(hint)
    return PreparedJob(
        job=job,
        parameters={
            "city": job.unit,
            "period": notebook_period(period),
            "db": job.db,
            "profile": None,
            "allow_partial": job.allow_partial,
            # Only a report that writes a DOCX draws its charts a second time, as PNG.
            "docx": "docx" in job.formats,
        },
        profile=loaded.profile.name,
        period_title=period.title_phrase,
        period_range=period.range_phrase,
        narrative=narrative.summary(),
        warnings=warnings,
        ingests=ingests,
        validate_seconds=round(time.perf_counter() - t0, 4),
        kind="city",
        city=job.unit,
        city_name=loaded.city.name,
        units=list(loaded.units),
    )


def prepare_job(job: Job, params_base: Path | None = None) -> PreparedJob:
    """Validate one job without starting a kernel; raise the user's one-line error if bad.

    Order: output folder writable, unit params, the unit known (a params file or data, :mod:`tthc.known`), profile,
    narrative (and its lint), notebook file, warehouse (read-only, the unit's ingest ledger for
    the manifest). A complete report already made is skipped before this
    (:func:`complete_report`, ``tthc.report.runner.validate_jobs``).
    """
    import time

    from tthc.folders import check_writable_folder
    from tthc.known import require_unit_in
    from tthc.report.narrative import load_narrative
    from tthc.stats.profile import load_profile
    from tthc.units import load_unit

    check_writable_folder(job.folder, "thư mục báo cáo")  # a file in the way, no permission
    if job.is_city:
        return prepare_city_job(job, params_base)
    t0 = time.perf_counter()
    unit = load_unit(job.unit, params_base)
    require_unit_in(job.unit, job.db, params_base)
    load_profile(unit.profile, params_base)  # validated here, loaded again in the kernel
    period = period_from_key(job.period, job.rule)
    narrative = load_narrative(job.unit, period, base=params_base)
    if not job.notebook_path.exists():
        raise ReportError(f"Không tìm thấy notebook báo cáo {job.notebook_path}.")
    ingests = ingests_for_unit(Path(job.db), job.unit)
    warnings = list(narrative.warnings)
    if not ingests:
        warnings.append(f"Kho dữ liệu chưa có tệp nào được nạp cho đơn vị '{job.unit}'.")
    return PreparedJob(
        job=job,
        parameters={
            "unit": job.unit,
            "period": notebook_period(period),
            "db": job.db,
            "profile": unit.profile,
            "allow_partial": job.allow_partial,
            # Only a report that writes a DOCX draws its charts a second time, as PNG.
            "docx": "docx" in job.formats,
        },
        profile=unit.profile,
        period_title=period.title_phrase,
        period_range=period.range_phrase,
        narrative=narrative.summary(),
        warnings=warnings,
        ingests=ingests,
        validate_seconds=round(time.perf_counter() - t0, 4),
        kind="unit",
        unit_name=unit.display_name,
        city=unit.city or "",
        city_name=_city_name(unit.city, params_base),
    )


def _city_name(city: str | None, params_base: Path | None) -> str:
    from tthc.report.index import city_name

    return city_name(city or "", params_base) if city else ""


def complete_report(job: Job) -> dict[str, Any] | None:
    """The manifest of the complete report already in the job's folder, else None.

    Complete means a manifest whose status is ``ok``. Any other status (a failed or interrupted
    run, or a report the exports did not cover entirely: ``incomplete``, ``partial``, which newer
    exports may complete) or no manifest at all means the folder holds nothing worth keeping, so
    a new run replaces it without --force.
    """
    from tthc.report.manifest import read_manifest

    manifest = read_manifest(job.folder)
    if manifest is None or manifest.get("status") != "ok":
        return None
    return manifest if made_from_current_inputs(job, manifest) else None


def made_from_current_inputs(job: Job, manifest: dict[str, Any]) -> bool:
    """Whether a report (its ``manifest``) was made from what ``job`` would read now: the same
    warehouse file, the same ingests of its unit (of the city's units, for a city report: ids
    and file hashes), and a narrative not edited since. Else it is made again: a report made
    from another warehouse (a unit's own, before the city's), before newer exports or before
    its text was written is not the report this run stands for."""
    stored = manifest.get("warehouse") or {}
    db = Path(job.db) if job.db else default_db()
    try:
        if not stored.get("path") or Path(stored["path"]).resolve() != db.resolve():
            return False
        rows = stored.get("ingests") or []
        if job.is_city:
            from tthc.stats.city import load_city_profiles

            units = load_city_profiles(job.unit).units  # members now, data or not
        else:
            units = [job.unit]
        now = ingests_for_units(db, units)
        if sorted((int(r["ingest_id"]), str(r["file_sha256"])) for r in rows) != sorted(
            (int(r["ingest_id"]), str(r["file_sha256"])) for r in now
        ):
            return False
        narrative = (manifest.get("narrative") or {}).get("path")
        # created_at is to the second: an edit counts from the second after it.
        made = dt.datetime.fromisoformat(str(manifest["created_at"])).timestamp() + 1
        return not (
            narrative and Path(narrative).is_file() and Path(narrative).stat().st_mtime > made
        )
    except (TthcError, OSError, KeyError, TypeError, ValueError):
        return False  # unreadable or unlike what this tthc writes: made again


def ingests_for_unit(db: Path, unit: str) -> list[dict[str, Any]]:
    """The unit's ingest ledger (ids, files, hashes, as-of dates) for the manifest; times as
    ISO 8601 with the +07:00 offset."""
    return [{k: v for k, v in i.items() if k != "unit"} for i in ingests_for_units(db, [unit])]


def ingests_for_units(db: Path, units: list[str]) -> list[dict[str, Any]]:
    """:func:`ingests_for_unit` of several units at once, each row with its ``unit``."""
    from tthc.vntime import iso_vn
    from tthc.warehouse import connect

    if not units:
        return []
    marks = ", ".join("?" for _ in units)
    con = connect(db, read_only=True)
    try:
        rows = con.execute(
            f"""
            SELECT unit, ingest_id, kind, file_name, file_sha256, sheet, as_of, ingested_at,
                   rows_read, rejected
            FROM ingests WHERE unit IN ({marks}) ORDER BY ingest_id
            """,
            units,
        ).fetchall()
    finally:
        con.close()
    keys = ("unit", "ingest_id", "kind", "file_name", "file_sha256", "sheet", "as_of",
            "ingested_at", "rows_read", "rejected")  # fmt: skip
    out = []
    for row in rows:
        item = dict(zip(keys, row, strict=True))
        for k in ("as_of", "ingested_at"):  # naive Vietnam time in the warehouse
            item[k] = iso_vn(item[k])
        out.append(item)
    return out
