"""A city's figures (thành phố, tỉnh): every member unit's own and the city's, in a few queries.

:func:`compute_city` computes the figures of each member unit (xã, phường) with
:func:`tthc.stats.figures.compute_units` — a dozen queries grouped by unit for all of them,
however many, and for each unit exactly what ``tthc stats --unit`` prints — and then the city's:

- **counts** (every count key of a unit's JSON: Biểu 06 columns, the third bucket, procedures,
  DVCTT cases, digitisation, payment, PAKN) are the sums of the units' counts. Each case belongs
  to one unit, so nothing is counted twice (domain.md §4 item 7);
- **rates** are recomputed from the summed numerators and denominators under the city's
  profile (its rounding and decimals), never averaged over units: 1/1 and 0/99 make 1%;
- **absence is not zero**: a unit whose exports do not cover a figure (its figure is N/A,
  :mod:`tthc.stats.completeness`) makes the city's figure N/A too, with the units named
  ("thiếu số liệu của 2/5 đơn vị: …"). With partial figures allowed (``--allow-partial`` or the
  city profile's ``allow_partial``) the city's figure is the sum over the units that have it,
  marked "chỉ tính 3/5 đơn vị có số liệu (thiếu: …)"; such units are listed in
  :attr:`CityFigures.units_missing`, never counted as zero;
- **one convention**: a unit whose profile counts differently from the city's (another period
  rule, comparison, third-bucket placement, early/on-time practice, YTD start or rate
  definition: :func:`counting_key`) is counted again under the city's profile, and that is what
  the city sums (:attr:`CityFigures.recounted`; a note says so); the unit's own figures stay
  under its own profile. Rounding, decimals and number format do not count: the city
  recomputes its rates and writes its numbers its own way;
- **checks**: the identities of Biểu 06 for every unit row and for the city row, the city row =
  the sum of the unit rows column by column, and the city row recomputed by one independent
  query over all the member units' cases, which must equal the sum of the units.

The comparisons (previous period, same period last year) are summed the same way, always strictly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from tthc.stats import checks as checks_mod
from tthc.stats.casetable import UNKNOWN_FIELD, Window, case_table
from tthc.stats.checks import CASE_COLUMNS, Check
from tthc.stats.completeness import CASE_FACTS, PAKN_FACTS, RATE_COUNTS
from tthc.stats.figures import (
    _PROCEDURE_COUNTS,
    BY_FIELD_COLUMNS,
    MERGED_EARLY,
    ZERO_DENOMINATOR,
    Figures,
    RateInfo,
    _apply_practice,
    _records,
    compute_units,
    period_header,
)
from tthc.stats.numbers import rate
from tthc.stats.periods import Period, ytd_start
from tthc.stats.profile import RATE_SPECS, Profile

if TYPE_CHECKING:  # pragma: no cover
    from tthc.cities import CityParams

# Every count of a unit's flat values that the city sums (docs/stats-json.md).
COUNT_KEYS: tuple[str, ...] = tuple(
    dict.fromkeys([*CASE_FACTS, *PAKN_FACTS, *(count for count, _, _ in RATE_COUNTS)])
)
# Profile settings that change what every figure counts.
_BASE_SETTINGS = ("period_rule", "comparison", "third_bucket", "early_on_time")
_SETTING_NAMES = {
    "period_rule": "kỳ báo cáo",
    "comparison": "cách so sánh hạn",
    "third_bucket": "cách tính hồ sơ rút, dừng, trả lại",
    "early_on_time": "cách tính trước hạn, đúng hạn",
    "ytd_start": "đầu kỳ lũy kế",
}
NO_PERIOD_DATA = "không có số liệu của kỳ này"
_LISTED = 3  # units named in a reason before "và N đơn vị khác"


@dataclass(frozen=True)
class UnitsVerdict:
    """A city figure summed over part of its units (partial figures allowed): ``missing`` units
    have no value, ``partial_units`` have one computed from part of its window. Plays the part
    of :class:`tthc.stats.completeness.Verdict` in ``Figures.partial``."""

    missing: tuple[str, ...]
    partial_units: tuple[str, ...]
    total: int
    names: Mapping[str, str] = field(default_factory=dict)  # unit -> name written in notes

    ok = False
    partial = True
    covered: tuple = ()

    @property
    def reason(self) -> str:
        return self.note

    @property
    def note(self) -> str:
        """'chỉ tính 3/5 đơn vị có số liệu (thiếu: xa-d, xa-e)', and/or 'gồm số liệu một phần
        kỳ của xa-b'."""
        parts = []
        if self.missing:
            have = self.total - len(self.missing)
            parts.append(
                f"chỉ tính {have}/{self.total} đơn vị có số liệu "
                f"(thiếu: {_names(self.missing, self.names)})"
            )
        if self.partial_units:
            parts.append(f"gồm số liệu một phần kỳ của {_names(self.partial_units, self.names)}")
        return "; ".join(parts)

    def to_json(self) -> dict[str, object]:
        return {
            "units_missing": list(self.missing),
            "units_partial": list(self.partial_units),
            "note": self.note,
        }


def _names(units: Sequence[str], names: Mapping[str, str] | None = None) -> str:
    """'xã A, xã B, xã C và 2 đơn vị khác' (slugs when no name is given)."""
    names = names or {}
    listed = ", ".join(names.get(u, u) for u in units[:_LISTED])
    more = len(units) - _LISTED
    return listed + (f" và {more} đơn vị khác" if more > 0 else "")


@dataclass
class CityFigures:
    """The figures of a city and of each of its member units for one period."""

    city: str
    period: Period
    profile: Profile
    figures: Figures  # the city's own, under the same keys as a unit's
    units: dict[str, Figures]  # unit slug -> its figures, in the city's order
    units_table: pd.DataFrame  # Biểu 06 by unit: one row per unit (``field`` = slug) + total
    # Units whose profile counts differently from the city's: their figures under the city's
    # profile, which are what the city sums (and the rows of ``units_table``).
    recounted: dict[str, Figures] = field(default_factory=dict)

    def contribution(self, unit: str) -> Figures:
        """What the city sums for ``unit``: its own figures, or them counted again under the
        city's profile (:attr:`recounted`)."""
        return self.recounted.get(unit) or self.units[unit]

    @property
    def units_missing(self) -> dict[str, Figures]:
        """Units whose exports do not cover the period entirely (status not complete)."""
        return {u: f for u, f in self.units.items() if f.completeness != "complete"}

    def to_json(self) -> dict[str, Any]:
        """``tthc stats --city --json``: the city's figures under a unit's keys, ``kind``,
        ``city``, ``units_missing`` and ``units`` (each unit's ``tthc stats --unit --json``)."""
        out = self.figures.to_json()
        out["kind"] = "city"
        out["city"] = self.city
        out["unit_count"] = len(self.units)
        out["units_table"] = _records(self.units_table)
        out["units_recounted"] = {
            u: {k: f.values.get(k) for k in (*COUNT_KEYS, *(f"rate_{r}" for r in RATE_SPECS))}
            for u, f in self.recounted.items()
        }
        out["units_missing"] = [
            {
                "unit": u,
                "completeness": f.completeness,
                "note": f.completeness_note,
                "na": sorted(f.coverage_na),
                "partial": sorted(f.partial),
            }
            for u, f in self.units_missing.items()
        ]
        out["units"] = [f.to_json() for f in self.units.values()]
        return out


# --- conventions -------------------------------------------------------------------------------


def counting_key(profile: Profile) -> tuple[object, ...]:
    """What a profile counts, leaving out how it writes the numbers (rounding, decimals, number
    format): two profiles with the same key give the same counts and rate parts."""
    return (
        *(getattr(profile, s) for s in (*_BASE_SETTINGS, "ytd_start")),
        tuple(
            (r.numerator, r.denominator, r.window)
            for r in (profile.rate_def(k) for k in RATE_SPECS)
        ),
    )


def convention_settings(city: Profile, profiles: Mapping[str, Profile]) -> list[str]:
    """The settings (in words) in which ``profiles`` count differently from ``city``."""
    out = [
        _SETTING_NAMES[s]
        for s in (*_BASE_SETTINGS, "ytd_start")
        if any(getattr(p, s) != getattr(city, s) for p in profiles.values())
    ]
    for key in RATE_SPECS:
        c = city.rate_def(key)
        if any(
            (r := p.rate_def(key)).numerator != c.numerator
            or r.denominator != c.denominator
            or r.window != c.window
            for p in profiles.values()
        ):
            out.append(f"định nghĩa {c.title.lower()}")
    return out


# --- summing -----------------------------------------------------------------------------------


@dataclass
class _Sum:
    """One city figure: its value, or why not, and what it was summed over."""

    value: int | None
    reason: str | None = None
    coverage: bool = False  # N/A because some unit's exports do not cover it
    verdict: UnitsVerdict | None = None  # summed over part of the units (allowed)


def _why_missing(
    missing: Mapping[str, str],
    total: int,
    coverage_units: set[str],
    names: Mapping[str, str] | None = None,
) -> str:
    """'thiếu số liệu của 2/5 đơn vị (xã A, xã B)' for units whose exports do not cover the
    figure (each unit's days are in its own figures and in ``units_missing``), with the reason
    for any other ("xã C: thiếu cột Kênh thực hiện"); the reason itself when every unit has
    the same one."""
    names = names or {}
    reasons = set(missing.values())
    if len(missing) == total and len(reasons) == 1:
        return next(iter(reasons))  # the same for every unit: say it as it is
    shown = [
        names.get(u, u) if (u in coverage_units or not r) else f"{names.get(u, u)}: {r}"
        for u, r in list(missing.items())[:_LISTED]
    ]
    more = len(missing) - _LISTED
    listed = "; ".join(shown) + (f" và {more} đơn vị khác" if more > 0 else "")
    return f"thiếu số liệu của {len(missing)}/{total} đơn vị ({listed})"


def _combine(
    parts: Mapping[str, int | None],
    reasons: Mapping[str, str],
    coverage_units: set[str],
    partial_units: set[str],
    allow: bool,
    names: Mapping[str, str] | None = None,
) -> _Sum:
    """Sum ``parts`` (unit -> value or None) under the rule of the module docstring."""
    total = len(parts)
    missing = {u: reasons.get(u, "") for u, v in parts.items() if v is None}
    known = [v for v in parts.values() if v is not None]
    partial = tuple(u for u in parts if u in partial_units and parts[u] is not None)
    # Partial only when what is missing is days the exports do not cover, not a column.
    if missing and not (allow and known and all(u in coverage_units for u in missing)):
        reason = _why_missing(missing, total, coverage_units, names)
        return _Sum(None, reason, any(u in coverage_units for u in missing))
    value = sum(known)
    if missing or partial:
        return _Sum(value, verdict=UnitsVerdict(tuple(missing), partial, total, dict(names or {})))
    return _Sum(value)


def sum_figures(
    name: str,
    period: Period,
    profile: Profile,
    units: Mapping[str, Figures | None],
    *,
    allow_partial: bool = False,
    names: Mapping[str, str] | None = None,
) -> Figures:
    """The city's figures from its units' (unit -> Figures, None: the unit has no figures of
    this period): counts summed, rates recomputed from the summed parts under ``profile``,
    N/A (or, ``allow_partial``, partial over the units that have it) where a unit lacks a
    figure; the units must count as ``profile`` does (:func:`counting_key`). ``checks`` hold the Biểu 06
    identities of the city row and of the by-field table; the unit rows are checked by
    :func:`units_table_checks`."""
    figs = {u: f for u, f in units.items() if f is not None}
    absent = {u: NO_PERIOD_DATA for u, f in units.items() if f is None}
    ytd = ytd_start(period, profile)
    values: dict[str, Any] = period_header(name, period, profile)
    na: dict[str, str] = {}
    coverage_na: dict[str, str] = {}
    partial: dict[str, UnitsVerdict] = {}

    def record(key: str, s: _Sum) -> None:
        values[key] = s.value
        if s.value is None:
            na[key] = s.reason or ""
            if s.coverage:
                coverage_na[key] = na[key]
        elif s.verdict is not None:
            partial[key] = s.verdict

    def parts_of(key: str) -> tuple[dict[str, int | None], dict[str, str], set[str], set[str]]:
        parts: dict[str, int | None] = {u: None for u in absent}
        reasons = dict(absent)
        cov = set(absent)
        part: set[str] = set()
        for u, f in figs.items():
            v = f.values.get(key)
            parts[u] = None if v is None else int(v)
            if v is None:
                reasons[u] = f.na.get(key, "")
                if key in f.coverage_na:
                    cov.add(u)
            elif key in f.partial:
                part.add(u)
        return {u: parts[u] for u in units}, reasons, cov, part

    for key in COUNT_KEYS:
        if key == "cases_resolved_early" and profile.early_on_time != "disjoint":
            record(key, _Sum(None, MERGED_EARLY))
            continue
        record(key, _combine(*parts_of(key), allow_partial, names))

    rates: dict[str, RateInfo] = {}
    spans = {"period": (period.start, period.end), "ytd": (ytd, period.end)}
    for key in RATE_SPECS:
        rd = profile.rate_def(key)
        ws, we = spans[rd.window]
        rkey = f"rate_{key}"
        num: int | None = None
        den: int | None = None
        value = None
        nums: dict[str, int | None] = {u: None for u in units}
        dens: dict[str, int | None] = {u: None for u in units}
        reasons = dict(absent)
        cov, part = set(absent), set()
        for u, f in figs.items():
            info = f.rates.get(key)
            if info is not None and info.numerator is not None and info.denominator is not None:
                nums[u], dens[u] = info.numerator, info.denominator
                if rkey in f.partial:
                    part.add(u)
            else:
                reasons[u] = (info.na_reason if info else None) or f.na.get(rkey, "")
                if rkey in f.coverage_na:
                    cov.add(u)
        s = _combine(nums, reasons, cov, part, allow_partial, names)
        if s.value is not None:
            num = s.value
            den = sum(d for d in dens.values() if d is not None)
            value = rate(num, den, rd.decimals, profile.rounding)
            if value is None:
                s = _Sum(None, ZERO_DENOMINATOR)
        rates[key] = RateInfo(
            key=key,
            title=rd.title,
            value=value,
            numerator=num,
            denominator=den,
            numerator_base=rd.numerator,
            base=rd.denominator,
            window=rd.window,
            window_start=ws,
            window_end=we,
            decimals=rd.decimals,
            rule=profile.rounding,
            na_reason=None if value is not None else s.reason,
        )
        values[rkey] = None if value is None else float(value)
        if value is None:
            na[rkey] = s.reason or ""
            if s.coverage:
                coverage_na[rkey] = na[rkey]
        elif s.verdict is not None:
            partial[rkey] = s.verdict

    third = {
        "withdrawn": values.get("cases_third_withdrawn") or 0,
        "stopped": values.get("cases_third_stopped") or 0,
        "returned": values.get("cases_third_returned") or 0,
    }
    # Catalogue snapshot dates: the latest of the units' (the city has no catalogue of its own).
    as_ofs = [f.values.get("catalogue_as_of") for f in figs.values()]
    values["catalogue_as_of"] = max((a for a in as_ofs if a), default=None)

    # The late cases of every unit, in the city's order of units.
    late_parts = {u: f.late_cases for u, f in figs.items() if "late_cases" not in f.na}
    late_missing = {u: f.na["late_cases"] for u, f in figs.items() if "late_cases" in f.na}
    late_missing.update(absent)
    late_frames = [late_parts[u] for u in units if u in late_parts]
    late = (
        pd.concat(late_frames, ignore_index=True)
        if late_frames
        else pd.DataFrame(
            columns=["unit", "case_code", "procedure_code", "procedure_name", "field"]
        )
    )
    if late_missing:
        s = _combine(
            {u: (0 if u in late_parts else None) for u in units},
            late_missing,
            set(late_missing),
            set(),
            allow_partial,
            names,
        )
        if s.value is None:
            late = late.iloc[0:0]
            na["late_cases"] = coverage_na["late_cases"] = s.reason or ""
        elif s.verdict is not None:
            partial["late_cases"] = s.verdict

    field_rows = _city_field_rows(figs, values)
    checks = checks_mod.check_case_rows(field_rows, profile)
    checks += checks_mod.check_pakn(values)
    checks += checks_mod.check_rate_parts(rates)
    values["checks"] = [c.to_json() for c in checks]
    values["checks_ok"] = all(c.ok for c in checks)
    values["by_field"] = [dict(r) for r in field_rows]
    notes = [f"{u}: {n}" for u, f in figs.items() for n in f.notes if n not in f.coverage_warnings]
    return Figures(
        unit=name,
        period=period,
        profile=profile,
        ytd_start=ytd,
        values=values,
        na=na,
        rates=rates,
        field_rows=field_rows,
        procedure_rows=_city_procedure_rows(figs),
        late_cases=late,
        checks=checks,
        third_bucket=third,
        notes=notes,
        partial=partial,  # type: ignore[arg-type]  # UnitsVerdict plays a Verdict's part
        coverage_na=coverage_na,
    )


def _city_field_rows(
    figs: Mapping[str, Figures], values: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The national form by lĩnh vực for the city: each field's counts summed over the units
    (fields matched by name), the total row the city's own values. A column the city does not
    know in total (N/A) is N/A in every row; a field row sums the units that have it."""
    cols = list(BY_FIELD_COLUMNS)
    sums: dict[str, dict[str, int]] = {}
    for f in figs.values():
        for r in f.field_rows:
            if r["is_total"]:
                continue
            acc = sums.setdefault(r["field"], dict.fromkeys(cols, 0))
            for c in cols:
                if r.get(c) is not None:
                    acc[c] += int(r[c])
    rows: list[dict[str, Any]] = [
        {
            "field": name,
            "is_total": False,
            **{c: None if values.get(c) is None else acc[c] for c in cols},
        }
        for name, acc in sums.items()
    ]
    rows.sort(key=lambda r: (r["field"] == UNKNOWN_FIELD, r["field"]))
    rows.append({"field": "Tổng cộng", "is_total": True, **{c: values.get(c) for c in cols}})
    return rows


def _city_procedure_rows(figs: Mapping[str, Figures]) -> list[dict[str, Any]]:
    """Cases by procedure over the units (procedures matched by code, else by name)."""
    out: dict[str, dict[str, Any]] = {}
    for f in figs.values():
        for r in f.procedure_rows:
            key = r["procedure_code"] or f"tên: {r['procedure_name']}"
            acc = out.get(key)
            if acc is None:
                out[key] = dict(r)
                continue
            for c in _PROCEDURE_COUNTS:
                if acc.get(c) is None or r.get(c) is None:
                    acc[c] = None
                else:
                    acc[c] += r[c]
            acc["level"] = acc["level"] or r["level"]
    rows = list(out.values())
    rows.sort(
        key=lambda r: (r["field"] or "", r["procedure_code"] is None, r["procedure_code"] or "")
    )
    return rows


def units_table(units: Mapping[str, Figures], city: Figures) -> pd.DataFrame:
    """Biểu 06 by unit: one row per unit (``field`` = its slug) with its period totals, and the
    city's total row (``is_total``)."""
    cols = list(BY_FIELD_COLUMNS)
    recs = [
        {"field": u, "is_total": False, **{c: f.values.get(c) for c in cols}}
        for u, f in units.items()
    ]
    recs.append({"field": "Tổng cộng", "is_total": True, **{c: city.values.get(c) for c in cols}})
    frame = pd.DataFrame(recs, columns=["field", "is_total", *cols])
    for c in cols:
        frame[c] = frame[c].astype("Int64")
    return frame


def units_table_checks(table: pd.DataFrame, profile: Profile) -> list[Check]:
    """The identities of every unit row and the city row, and city = sum of units per column."""
    return checks_mod.check_case_table(table, profile, parts="các đơn vị")


def recount_checks(
    con: duckdb.DuckDBPyConnection,
    units: Sequence[str],
    period: Period,
    profile: Profile,
    city: Figures,
    *,
    complete_units: Sequence[str],
) -> list[Check]:
    """The city's Biểu 06 row recomputed by one query over every member unit's cases together
    (no grouping by unit) against the sum of the units, column by column: a case counted in two
    units, or a unit's count lost on the way, shows as a gap. Only for columns the city knows
    from all its units (``complete_units`` = ``units``); skipped otherwise."""
    if not units or list(complete_units) != list(units):
        return []
    table = case_table(
        con, list(units), [Window("all", period.start, period.end)], profile, by=(), full=False
    )
    row = {k: v for k, v in table.iloc[0].to_dict().items() if k not in ("window", "grouping")}
    _apply_practice(row, profile)
    out = []
    # With postal unknown for some unit (a yes/no "Trực tuyến" export, where "in person" means
    # "not online"), the cases of all units together split only into online and the rest.
    skip = {"cases_new_in_person"} if city.values.get("cases_new_postal") is None else set()
    for col in CASE_COLUMNS:
        have, want = row.get(col), city.values.get(col)
        if have is None or want is None or col in city.partial or col in skip:
            continue
        gap = int(want) - int(have)
        out.append(
            Check(
                name=f"Tổng các đơn vị = tính lại trên toàn bộ hồ sơ ({col})",
                ok=gap == 0,
                gap=gap,
                scope="Thành phố",
                detail=f"{want} {'=' if gap == 0 else '≠'} {have}",
            )
        )
    return out


# --- the whole computation -------------------------------------------------------------------


def compute_city(
    con: duckdb.DuckDBPyConnection,
    city: str,
    units: Sequence[str],
    period: Period,
    *,
    profiles: Mapping[str, Profile],
    city_profile: Profile,
    allow_partial: bool | None = None,
    comparisons: bool = True,
    detail: bool = True,
    procedures: bool = True,
    names: Mapping[str, str] | None = None,
) -> CityFigures:
    """Every member unit's figures and the city's for ``period`` (read under the city profile's
    period rule; each unit's figures under its own profile and rule, as ``tthc stats --unit``).

    ``units``: the member units' slugs in the city's order; ``profiles``: unit -> its profile.
    Units sharing a profile are computed together by :func:`compute_units` (a dozen queries for
    all of them). ``allow_partial`` None follows each profile's setting (the city's for the
    city). ``procedures=False``: no per-procedure tables (``tthc stats`` prints none).
    ``names``: unit -> how the city's notes and reasons name it ('xã An Trường'; the slug
    without). Raises ValueError for an empty city (the CLI refuses it first, in Vietnamese).
    """
    units = list(dict.fromkeys(units))
    if not units:
        raise ValueError("a city needs at least one unit")
    groups: dict[str, tuple[Profile, list[str]]] = {}
    for u in units:
        p = profiles[u]
        groups.setdefault(p.model_dump_json(), (p, []))[1].append(u)
    # Units whose profile counts differently from the city's are counted again under the
    # city's profile: what the city sums is the same count for every unit.
    city_key = counting_key(city_profile)
    recounted = [u for u in units if counting_key(profiles[u]) != city_key]
    # They are counted in the same queries as the units of the city's profile.
    if recounted:
        groups.setdefault(city_profile.model_dump_json(), (city_profile, []))
    city_group = city_profile.model_dump_json()
    figs: dict[str, Figures] = {}
    again: dict[str, Figures] = {}
    for key, (prof, members) in groups.items():
        extra = [u for u in recounted if u not in members] if key == city_group else []
        got = compute_units(
            con,
            [*members, *extra],
            period.with_rule(prof.period_rule),
            prof,
            comparisons=comparisons,
            detail=detail,
            allow_partial=allow_partial,
            procedures=procedures,
        )
        for u, f in got.items():
            (again if u in extra else figs)[u] = f
    figs = {u: figs[u] for u in units}
    contributions = {u: again.get(u, figs[u]) for u in units}
    allow = city_profile.allow_partial if allow_partial is None else allow_partial
    total = sum_figures(city, period, city_profile, contributions, allow_partial=allow, names=names)
    if recounted:
        settings = convention_settings(city_profile, {u: profiles[u] for u in recounted})
        total.notes.insert(
            0,
            f"Số liệu của {_names(recounted, names)} cộng vào thành phố được tính lại theo bộ quy "
            f"ước báo cáo của thành phố ({city_profile.name}) vì đơn vị dùng "
            f"{', '.join(settings)} khác; số liệu riêng của đơn vị vẫn theo bộ quy ước của đơn vị.",
        )
    table = units_table(contributions, total)
    # Units whose case table the exports determine (a count N/A for another reason, such as
    # early merged into on time, is skipped column by column).
    complete = [
        u
        for u, f in contributions.items()
        if not any(k in f.coverage_na or k in f.partial for k in CASE_COLUMNS)
    ]
    extra = units_table_checks(table, city_profile)
    extra += recount_checks(con, units, period, city_profile, total, complete_units=complete)
    total.checks += extra
    total.values["checks"] = [c.to_json() for c in total.checks]
    total.values["checks_ok"] = all(c.ok for c in total.checks)

    comps: dict[str, dict[str, Any] | None] = {}
    if comparisons:
        for tag, per in (
            ("previous", period.previous()),
            ("last_year", period.same_period_last_year()),
        ):
            members = {u: f.comparison_figures.get(tag) for u, f in contributions.items()}
            if all(m is None for m in members.values()):
                comps[tag] = None
                continue
            other = sum_figures(city, per, city_profile, members, names=names)
            comps[tag] = {k: v for k, v in other.values.items() if k not in ("checks", "by_field")}
            total.comparison_figures[tag] = other
    total.comparisons = comps
    total.values["comparisons"] = comps

    missing = {u: f for u, f in figs.items() if f.completeness != "complete"}
    total.completeness = (
        "complete"
        if not (total.coverage_na or total.partial)
        else "partial"
        if allow
        else "incomplete"
    )
    if total.completeness != "complete":
        # Short: each unit's own days are in its figures and in ``units_missing``.
        note = (
            f"{len(missing)}/{len(units)} đơn vị chưa đủ dữ liệu {period.title_phrase} "
            f"({_names(list(missing), names)})"
            if missing
            else "số liệu của các đơn vị chưa cộng được"
        )
        if total.coverage_na:
            note += f". {len(total.coverage_na)} số liệu của thành phố ghi N/A vì thiếu dữ liệu"
        if total.partial:
            note += (
                f". {len(total.partial)} số liệu của thành phố chỉ tính các đơn vị có số liệu, "
                "ghi rõ đơn vị thiếu"
            )
        total.completeness_note = note + "."
        total.coverage_warnings = [f"Báo cáo chưa đầy đủ: {total.completeness_note}"]
        total.notes[:0] = total.coverage_warnings
    starts = [f.values.get("case_data_start") for f in figs.values()]
    total.values["case_data_start"] = (
        max(starts) if starts and all(s is not None for s in starts) else None
    )
    total.values["completeness"] = total.completeness
    total.values["coverage"] = {
        "units_complete": [u for u in units if u not in missing],
        "units_not_complete": {u: f.completeness for u, f in missing.items()},
    }
    return CityFigures(
        city=city,
        period=period,
        profile=city_profile,
        figures=total,
        units=figs,
        units_table=table,
        recounted={u: again[u] for u in recounted},
    )


@dataclass(frozen=True)
class UnitRank:
    """One unit's place on one rate (for the city report's rankings)."""

    unit: str
    value: float | None
    numerator: int | None
    denominator: int | None
    rank: int | None  # 1 = best; None when the rate is N/A for the unit


def rank_units(city: CityFigures, rate_key: str) -> list[UnitRank]:
    """Units ordered by one rate as the city counts it (:meth:`CityFigures.contribution`),
    highest first; ties share a rank, ordered by larger denominator then slug; units whose
    rate is N/A come last, unranked."""
    rows = []
    for u in city.units:
        f = city.contribution(u)
        info = f.rates.get(rate_key)
        value = None if info is None or info.value is None else float(info.value)
        rows.append(
            (u, value, info.numerator if info else None, info.denominator if info else None)
        )
    known = sorted((r for r in rows if r[1] is not None), key=lambda r: (-r[1], -(r[3] or 0), r[0]))
    out: list[UnitRank] = []
    last: float | None = None
    rank = 0
    for i, (u, v, n, d) in enumerate(known, start=1):
        if v != last:
            rank, last = i, v
        out.append(UnitRank(u, v, n, d, rank))
    out += [UnitRank(u, None, n, d, None) for u, v, n, d in sorted(rows) if v is None]
    return out


# --- params -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CityUnits:
    """A city's params and its units as the statistics need them."""

    city: CityParams
    units: list[str]  # slugs
    names: dict[str, str]  # slug -> 'xã An Trường'
    profiles: dict[str, Profile]  # slug -> the unit's profile
    profile: Profile  # the city's


def load_city_profiles(
    slug: str, profile: str | None = None, base: Path | None = None
) -> CityUnits:
    """The city's params, its units (slugs, the order of :func:`tthc.cities.city_units`) with
    their names, each unit's profile and the city's profile: ``profile`` for all when given,
    else each unit's own, and for the city the one its units share (the ``default`` profile
    when they differ: the units that count differently are then counted again under it for
    the city's sums, :func:`compute_city`).

    Raises :class:`~tthc.errors.ParamsError` (one Vietnamese line) for an unknown city, a bad
    params file or a city without units."""
    from tthc.cities import city_units, load_city
    from tthc.errors import ParamsError
    from tthc.stats.profile import load_profile

    city = load_city(slug, base)
    members = city_units(slug, base)
    if not members:
        name = city.display_name
        raise ParamsError(
            f"{name[:1].upper()}{name[1:]} chưa có đơn vị nào: thêm 'city: {slug}' vào "
            "params/units/<đơn vị>.yaml của các xã, phường."
        )
    loaded: dict[str, Profile] = {}

    def get(name: str) -> Profile:
        if name not in loaded:
            loaded[name] = load_profile(name, base)
        return loaded[name]

    names = {u.unit: u.display_name for u in members}
    if profile:
        profiles = {u.unit: get(profile) for u in members}
        return CityUnits(city, list(profiles), names, profiles, get(profile))
    profiles = {u.unit: get(u.profile) for u in members}
    used = {u.profile for u in members}
    city_profile = get(next(iter(used))) if len(used) == 1 else get("default")
    return CityUnits(city, list(profiles), names, profiles, city_profile)


def city_default_month(
    con: duckdb.DuckDBPyConnection,
    city: CityParams,
    units: Sequence[str],
    rule: str,
    today: date | None = None,
) -> tuple[Period, str]:
    """The period of ``tthc stats --city`` / ``tthc report --city`` when none is given: the
    latest closed month that every unit with case lists covers entirely (the units without
    any are reported as missing data), and the line saying so. Raises
    :class:`~tthc.stats.periods.PeriodError` when no unit covers a closed month."""
    from tthc.stats.coverage import last_covered_month, load_coverages
    from tthc.stats.periods import PeriodError, vn_today

    day = today or vn_today()
    covs = load_coverages(con, units, "cases")
    months = [last_covered_month(c, rule, day) for c in covs.values()]
    known = [m for m in months if m is not None]
    if not known:
        raise PeriodError(
            f"Không có kỳ tháng nào đã khóa số liệu mà dữ liệu của các đơn vị thuộc "
            f"{city.display_name} bao phủ trọn vẹn: hãy nạp danh sách hồ sơ hoặc chọn kỳ bằng "
            "--month."
        )
    period = min(known, key=lambda p: p.start)
    line = (
        f"Kỳ báo cáo của {city.display_name}: {period.title_phrase} "
        f"({period.range_phrase.lower()}), kỳ gần nhất đã khóa số liệu mà dữ liệu của mọi đơn "
        f"vị có danh sách hồ sơ bao phủ trọn vẹn ({len(known)}/{len(units)} đơn vị; không "
        "chọn --month)."
    )
    return period, line
