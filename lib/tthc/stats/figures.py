"""Every figure of the report for one unit and period, as of the period's end (domain.md §3–§6).

:func:`compute_figures` runs a handful of DuckDB queries (every total of the period and the YTD
window in one aggregation, the per-field and per-procedure table, catalogue coverage, the
catalogue snapshot, PAKN, the late cases) and assembles
:class:`Figures`: the flat values of ``tthc stats --json`` (docs/stats-json.md), the reason for
every N/A, how each rate was defined, the national by-field table, the checks and the
comparisons with the previous period and the same period last year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

import duckdb
import pandas as pd

from tthc.stats import checks as checks_mod
from tthc.stats.casetable import (
    COUNT_COLUMNS,
    UNKNOWN_FIELD,
    Window,
    case_table,
    timing_sql,
    units_filter,
    within_sql,
)
from tthc.stats.checks import CASE_COLUMNS, Check, frame_records
from tthc.stats.completeness import (
    CASE_FACTS,
    LATE_CASES_FACTS,
    Judge,
    Need,
    Verdict,
    figure_needs,
)
from tthc.stats.coverage import Coverage, load_coverages
from tthc.stats.numbers import format_count, format_rate, rate
from tthc.stats.periods import Period, ytd_start
from tthc.stats.profile import RATE_SPECS, Profile

# Columns of the national form, in order: (key, number, Vietnamese heading).
NATIONAL_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("cases_total", "(1)", "Tổng số hồ sơ nhận giải quyết"),
    ("cases_new_online", "(2)", "Trong kỳ: trực tuyến"),
    ("cases_new_in_person_postal", "(3)", "Trong kỳ: trực tiếp, dịch vụ bưu chính"),
    ("cases_carried_over", "(4)", "Từ kỳ trước"),
    ("cases_resolved", "(5)", "Đã giải quyết: tổng số"),
    ("cases_resolved_early", "(6)", "Trước hạn"),
    ("cases_resolved_on_time", "(7)", "Đúng hạn"),
    ("cases_resolved_late", "(8)", "Quá hạn"),
    ("cases_in_progress", "(9)", "Đang giải quyết: tổng số"),
    ("cases_in_progress_within", "(10)", "Trong hạn"),
    ("cases_in_progress_overdue", "(11)", "Quá hạn"),
    ("cases_withdrawn", "", "Rút, dừng, trả lại"),
)

# The public per-field keys: the national form's counts, with the in-person-or-postal sum (the
# form's column 3) right after its two parts.
_AFTER_POSTAL = CASE_COLUMNS.index("cases_new_postal") + 1
BY_FIELD_COLUMNS = (
    *CASE_COLUMNS[:_AFTER_POSTAL],
    "cases_new_in_person_postal",
    *CASE_COLUMNS[_AFTER_POSTAL:],
)

# Which column's absence makes a flag unknown (the reason shown for N/A).
_FLAG_COLUMN = {
    "with_components": "Thành phần hồ sơ số hóa (HoSoCoThanhPhanSoHoa)",
    "with_result_file": "File kết quả đính kèm (DinhKemKetQua)",
    "with_both": "Thành phần hồ sơ số hóa hoặc File kết quả đính kèm",
    "reusing_data": "Tái sử dụng thành phần hồ sơ (CoTaiSuDungTPHS)",
}
_BASE_PHRASE = {
    "received": "hồ sơ tiếp nhận",
    "resolved": "hồ sơ đã giải quyết",
    "handled": "hồ sơ phải giải quyết (mới và kỳ trước)",
    "catalogue": "thủ tục trong danh mục",
    "dvctt_received": "hồ sơ tiếp nhận của thủ tục DVCTT",
    "due": "hồ sơ đến hạn (đã giải quyết và đang giải quyết quá hạn)",
    "fee_bearing_received": "hồ sơ tiếp nhận có phí, lệ phí",
    "fee_bearing_resolved": "hồ sơ đã giải quyết có phí, lệ phí",
}
ZERO_DENOMINATOR = "mẫu số bằng 0"
NO_CATALOGUE = "chưa nạp danh mục TTHC"
NO_PAKN = "chưa nạp dữ liệu phản ánh, kiến nghị"
NO_CHANNEL = "thiếu cột Kênh thực hiện"
NO_POSTAL = "tệp xuất chỉ có cột Trực tuyến (có/không): không tách được hồ sơ bưu chính"
MERGED_EARLY = "bộ quy ước báo cáo gộp trước hạn vào đúng hạn"


@dataclass(frozen=True)
class RateInfo:
    """How one rate was computed, so the report can explain it."""

    key: str
    title: str
    value: Decimal | None
    numerator: int | None
    denominator: int | None
    numerator_base: str
    base: str  # the denominator's set (profile ``denominator``)
    window: str  # period | ytd
    window_start: date
    window_end: date
    decimals: int
    rule: str  # rounding rule
    na_reason: str | None = None

    @property
    def base_phrase(self) -> str:
        return _BASE_PHRASE.get(self.base, self.base)

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "value": None if self.value is None else float(self.value),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "numerator_base": self.numerator_base,
            "base": self.base,
            "window": self.window,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "decimals": self.decimals,
            "rule": self.rule,
            "na_reason": self.na_reason,
        }


@dataclass
class Figures:
    """All figures of one unit-period. ``values`` is the flat JSON of ``tthc stats --json``."""

    unit: str
    period: Period
    profile: Profile
    ytd_start: date
    values: dict[str, Any]
    na: dict[str, str]
    rates: dict[str, RateInfo]
    # The national form by lĩnh vực (field, is_total, BY_FIELD_COLUMNS; None = N/A) and the
    # cases per procedure, as records: a city of a hundred units builds no frame it does not
    # show. ``by_field`` and ``by_procedure`` are the same as frames, built when first read.
    field_rows: list[dict[str, Any]]
    procedure_rows: list[dict[str, Any]]
    late_cases: pd.DataFrame
    checks: list[Check]
    third_bucket: dict[str, int]
    comparisons: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # The notes saying the exports do not cover the period or the year to date (also in notes):
    # a reviewer must see them before the figures, so the runner reports them as warnings.
    coverage_warnings: list[str] = field(default_factory=list)
    # Figures printed from part of their window (allowed partial figures only): key -> verdict.
    partial: dict[str, Verdict] = field(default_factory=dict)
    # Figures N/A because the exports do not cover what they need: key -> reason (also in na).
    coverage_na: dict[str, str] = field(default_factory=dict)
    # 'complete', 'incomplete' (coverage N/A, partial figures not allowed) or 'partial'.
    completeness: str = "complete"
    # What the exports cover, for the first-page mark of a report that is not complete ("").
    completeness_note: str = ""
    # What the unit's exports cover (every report): "danh sách hồ sơ có số liệu từ … đến …".
    data_note: str = ""
    # The figures of the comparison periods ('previous', 'last_year'; None when the exports
    # determine none of their counts), whose flat values are ``comparisons``: a city sums them.
    comparison_figures: dict[str, Figures | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every consistency check holds."""
        return all(c.ok for c in self.checks)

    @cached_property
    def by_field(self) -> pd.DataFrame:
        """The national form by lĩnh vực: ``field``, ``is_total`` (the last row) and the
        :data:`BY_FIELD_COLUMNS` as nullable integers (NA: N/A)."""
        return field_frame(self.field_rows)

    @cached_property
    def by_procedure(self) -> pd.DataFrame:
        """Cases per procedure: code, name, lĩnh vực, level and the case-table counts."""
        return pd.DataFrame(self.procedure_rows, columns=PROCEDURE_COLUMNS)

    def fmt(self, key: str, profile: Profile | None = None) -> str:
        """A value as the report writes it: counts with the profile's separators, rates with
        the rate's decimals and suffix, 'N/A' for None. ``profile``: whose number format (a
        city's table writes its units' figures the city's way); default the figures' own."""
        v = self.values.get(key)
        profile = profile or self.profile
        if key.startswith("rate_"):
            info = self.rates.get(key.removeprefix("rate_"))
            decimals = info.decimals if info else 2
            return format_rate(None if v is None else Decimal(str(v)), profile, decimals)
        return format_count(v, profile)

    def national_table(self) -> pd.DataFrame:
        """The by-field table with the national form's numbered headings, for documents."""
        df = self.by_field.set_index("field")
        cols = {}
        for key, num, heading in NATIONAL_COLUMNS:
            title = heading if key != "cases_resolved_on_time" else self.profile.on_time_label
            cols[key] = f"{num} {title}".strip()
        out = df[[k for k, _, _ in NATIONAL_COLUMNS]].rename(columns=cols)
        out.index.name = "Lĩnh vực"
        return out

    def to_json(self) -> dict[str, Any]:
        """The object printed by ``tthc stats --json`` (schema: docs/stats-json.md)."""
        out = dict(self.values)
        out["na"] = dict(self.na)
        out["rates"] = {k: r.to_json() for k, r in self.rates.items()}
        out["third_bucket"] = dict(self.third_bucket)
        out["comparisons"] = self.comparisons
        out["late_cases"] = None if "late_cases" in self.na else _records(self.late_cases)
        out["partial"] = {k: v.to_json() for k, v in self.partial.items()}
        out["notes"] = list(self.notes)
        return out


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in frame_records(df):
        clean = {}
        for k, v in rec.items():
            if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
                clean[k] = None
            elif isinstance(v, pd.Timestamp | datetime):
                clean[k] = v.isoformat()
            elif hasattr(v, "item"):
                clean[k] = v.item()
            else:
                clean[k] = v
        out.append(clean)
    return out


# --- catalogue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueSnapshot:
    ingest_ids: tuple[int, ...]
    as_of: datetime | None
    total: int
    partial: int
    full: int
    fallback: bool  # no snapshot on or before the period end: the earliest one was used
    missing_units: tuple[str, ...] = ()  # units of a roll-up with no catalogue at all


@dataclass(frozen=True)
class CatalogueIndex:
    """Every catalogue snapshot (danh mục TTHC) of some units, read in two queries, from which
    the snapshot of any of them (or of a roll-up) for any period is picked without querying.

    ``snapshots``: unit -> (ingest_id, as_of or None) of each snapshot; ``counts``: (unit,
    ingest_id) -> (procedures, một phần, toàn trình), distinct (code, level) pairs.
    """

    snapshots: Mapping[str, tuple[tuple[int, datetime | None], ...]]
    counts: Mapping[tuple[str, int], tuple[int, int, int]]

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, units: str | Sequence[str]) -> CatalogueIndex:
        unit_sql, params = units_filter(units)
        rows = con.execute(
            f"""
            SELECT p.unit, p.ingest_id, coalesce(i.as_of, i.ingested_at) AS as_of
            FROM (SELECT DISTINCT unit, ingest_id FROM procedures WHERE {unit_sql}) p
            LEFT JOIN ingests i ON i.ingest_id = p.ingest_id
            ORDER BY p.unit, p.ingest_id
            """,
            params,
        ).fetchall()
        snaps: dict[str, list[tuple[int, datetime | None]]] = {}
        for u, iid, as_of in rows:
            snaps.setdefault(u, []).append((iid, as_of))
        counts = con.execute(
            f"""
            SELECT unit, ingest_id, count(*), count(*) FILTER (WHERE level = 'partial'),
                   count(*) FILTER (WHERE level = 'full')
            FROM (SELECT DISTINCT unit, ingest_id, procedure_code, level FROM procedures
                  WHERE {unit_sql})
            GROUP BY unit, ingest_id
            """,
            params,
        ).fetchall()
        return cls(
            snapshots={u: tuple(v) for u, v in snaps.items()},
            counts={(u, iid): (int(t), int(p), int(f)) for u, iid, t, p, f in counts},
        )

    def snapshot(self, unit: str | Sequence[str], period: Period) -> CatalogueSnapshot | None:
        """Per unit, the latest snapshot with ``as_of`` before the period's end (its last day
        included), else the earliest one (``fallback``); their counts summed over the units of
        a roll-up. None when no unit has a catalogue."""
        units = [unit] if isinstance(unit, str) else list(unit)
        chosen: dict[str, tuple[int, datetime | None]] = {}
        fallback = False
        # No as_of at all sorts as the oldest; ties broken by ingest order.
        key = lambda s: (s[1] or datetime.min, s[0])  # noqa: E731
        for u in units:
            snaps = self.snapshots.get(u)
            if not snaps:
                continue
            before = [s for s in snaps if s[1] is None or s[1] < period.end_excl_ts]
            if before:
                chosen[u] = max(before, key=key)
            else:
                chosen[u] = min(snaps, key=key)
                fallback = True
        if not chosen:
            return None
        sums = [self.counts.get((u, iid), (0, 0, 0)) for u, (iid, _) in chosen.items()]
        as_ofs = [a for _, a in chosen.values() if a is not None]
        return CatalogueSnapshot(
            ingest_ids=tuple(iid for iid, _ in chosen.values()),
            as_of=max(as_ofs) if as_ofs else None,
            total=sum(c[0] for c in sums),
            partial=sum(c[1] for c in sums),
            full=sum(c[2] for c in sums),
            fallback=fallback,
            missing_units=tuple(u for u in units if u not in chosen),
        )


def catalogue_snapshot(
    con: duckdb.DuckDBPyConnection, unit: str | Sequence[str], period: Period
) -> CatalogueSnapshot | None:
    """Per unit, the latest catalogue snapshot with ``as_of`` on or before the period end, else
    the earliest one (``fallback``); None when no unit has a catalogue
    (:meth:`CatalogueIndex.snapshot`)."""
    return CatalogueIndex.load(con, unit).snapshot(unit, period)


def catalogue_reason(snapshot: CatalogueSnapshot | None, period: Period) -> str | None:
    """Why ``period`` has no catalogue to count procedures against; None when it has one (every
    unit of a roll-up has a snapshot taken on or before the period's last day)."""
    if snapshot is None:
        return NO_CATALOGUE
    if snapshot.missing_units:
        return f"{NO_CATALOGUE} ({', '.join(snapshot.missing_units)})"
    if snapshot.fallback:
        taken = f" (bản sớm nhất ngày {snapshot.as_of:%d/%m/%Y})" if snapshot.as_of else ""
        return f"không có danh mục TTHC nạp đến ngày cuối kỳ {period.end:%d/%m/%Y}{taken}"
    return None


# --- PAKN ------------------------------------------------------------------------------------


PAKN_KEYS = ("pakn_received", "pakn_carried_over", "pakn_on_time", "pakn_late", "pakn_in_progress")


def pakn_counts_by_unit(
    con: duckdb.DuckDBPyConnection,
    units: Sequence[str],
    periods: Mapping[str, Period],
    profile: Profile,
) -> dict[str, dict[str, dict[str, int]] | None]:
    """PAKN of each unit as of each period's end, in two queries: unit -> period tag -> the
    counts of :data:`PAKN_KEYS`; None for a unit whose PAKN list was never ingested."""
    unit_sql, params = units_filter(list(units))
    loaded = {
        r[0]
        for r in con.execute(
            f"""SELECT unit FROM ingests WHERE {unit_sql} AND kind = 'pakn'
                UNION SELECT DISTINCT unit FROM pakn WHERE {unit_sql}""",
            [*params, *params],
        ).fetchall()
    }
    if profile.comparison == "date":
        on_time = "(due_at IS NULL OR CAST(handled_at AS DATE) <= CAST(due_at AS DATE))"
    else:
        on_time = "(due_at IS NULL OR handled_at <= due_at)"
    tags = list(periods)
    values = ", ".join("(?, ?::TIMESTAMP, ?::TIMESTAMP)" for _ in tags)
    w_params: list[object] = []
    for tag in tags:
        w_params += [tag, periods[tag].start_ts, periods[tag].end_excl_ts]
    rows = con.execute(
        f"""
        WITH w AS (SELECT * FROM (VALUES {values}) t(tag, ws, we))
        SELECT p.unit, w.tag,
            count(*) FILTER (WHERE received_at >= ws),
            count(*) FILTER (WHERE received_at < ws AND (handled_at IS NULL OR handled_at >= ws)),
            count(*) FILTER (WHERE handled_at >= ws AND handled_at < we AND {on_time}),
            count(*) FILTER (WHERE handled_at >= ws AND handled_at < we AND NOT {on_time}),
            count(*) FILTER (WHERE handled_at IS NULL OR handled_at >= we)
        FROM pakn p JOIN w ON p.received_at < w.we
        WHERE p.{unit_sql}
        GROUP BY p.unit, w.tag
        """,
        [*w_params, *params],
    ).fetchall()
    found = {(r[0], r[1]): dict(zip(PAKN_KEYS, map(int, r[2:]), strict=True)) for r in rows}
    zero = dict.fromkeys(PAKN_KEYS, 0)
    return {
        u: {tag: dict(found.get((u, tag), zero)) for tag in tags} if u in loaded else None
        for u in units
    }


def pakn_counts(
    con: duckdb.DuckDBPyConnection, unit: str | Sequence[str], period: Period, profile: Profile
) -> dict[str, int] | None:
    """PAKN as of the period end (summed over the units of a roll-up); None when no PAKN list
    was ever ingested for the unit (for any unit of the roll-up)."""
    units = [unit] if isinstance(unit, str) else list(unit)
    by_unit = pakn_counts_by_unit(con, units, {"p": period}, profile)
    known = [c["p"] for c in by_unit.values() if c is not None]
    if not known:
        return None
    return {k: sum(c[k] for c in known) for k in PAKN_KEYS}


# --- late cases ------------------------------------------------------------------------------


def late_cases(
    con: duckdb.DuckDBPyConnection, unit: str | Sequence[str], period: Period, profile: Profile
) -> pd.DataFrame:
    """Cases resolved late in the period and cases overdue in progress at its end.

    Columns: unit, case_code, procedure_code, procedure_name, field, received_at, due_at,
    ended_at (None when still open at the period end), status, days_late. No personal data.
    """
    unit_sql, params = units_filter(unit)
    timing = timing_sql(profile, "ended", "due_at")
    within = within_sql(profile, "due_at", "CAST(? AS DATE)", "CAST(? AS TIMESTAMP)")
    # Days late are calendar days between the due date and the end (or the period's last day),
    # under either granularity: "quá hạn 2 ngày" is what a reader counts on a calendar, and a
    # timestamp ceiling would call 2 days and 29 seconds "3 days".
    days = "date_diff('day', CAST(due_at AS DATE), CAST({ref} AS DATE))"
    sql = f"""
    WITH c AS (
        SELECT unit, case_code, procedure_code, procedure_name,
               coalesce(field, '{UNKNOWN_FIELD}') AS field, outcome, received_at, due_at,
               CASE WHEN outcome IN ('resolved', 'withdrawn', 'stopped', 'returned')
                    THEN ended_at END AS ended
        FROM cases
        WHERE {unit_sql} AND outcome <> 'not_received' AND received_at < ?
    )
    SELECT unit, case_code, procedure_code, procedure_name, field, received_at, due_at,
           CASE WHEN ended < ? THEN ended END AS ended_at,
           CASE WHEN ended >= ? AND ended < ? THEN 'đã giải quyết quá hạn'
                ELSE 'đang giải quyết quá hạn' END AS status,
           CASE WHEN ended >= ? AND ended < ? THEN {days.format(ref="ended")}
                ELSE {days.format(ref="(CAST(? AS TIMESTAMP) - INTERVAL 1 SECOND)")} END AS days_late
    FROM c
    WHERE (outcome = 'resolved' AND ended >= ? AND ended < ? AND {timing} = 1)
       OR ((ended IS NULL OR ended >= ?) AND due_at IS NOT NULL AND NOT {within})
    ORDER BY status, days_late DESC, received_at, case_code
    """
    s, e = period.start_ts, period.end_excl_ts
    within_arg = period.end if profile.comparison == "date" else e
    args = [*params, e, e, s, e, s, e, e, s, e, e, within_arg]
    df = con.execute(sql, args).df()
    df["ended_at"] = df["ended_at"].astype(object).where(df["ended_at"].notna(), None)
    return df


# --- assembling ------------------------------------------------------------------------------


def _apply_practice(
    rec: dict[str, Any], profile: Profile, online_flag: bool | None = None
) -> dict[str, str]:
    """Channel and early/on-time conventions on one row of counts; returns N/A reasons.

    ``online_flag``: whether any new case of the whole table came from a yes/no "Trực tuyến"
    export (decided on the total so that every row splits channels the same way and the total
    stays the sum of the fields); None decides from the row itself.
    """
    if online_flag is None:
        online_flag = bool(rec.get("cases_new_online_flag", 0))
    na: dict[str, str] = {}
    new = rec["cases_new"]
    missing = rec.get("cases_new_channel_missing", 0)
    if missing:
        reason = (
            NO_CHANNEL
            if missing == new
            else f"thiếu kênh thực hiện ở {missing}/{new} hồ sơ mới tiếp nhận"
        )
        for k in (
            "cases_new_online",
            "cases_new_in_person",
            "cases_new_postal",
            "cases_new_in_person_postal",
        ):
            rec[k] = None
            na[k] = reason
    else:
        rec["cases_new_in_person_postal"] = new - rec["cases_new_online"]
        if online_flag:
            # A yes/no "Trực tuyến" column: "no" means in person, postal is not distinguishable.
            rec["cases_new_in_person"] = new - rec["cases_new_online"]
            rec["cases_new_postal"] = None
            na["cases_new_postal"] = NO_POSTAL
    if profile.early_on_time != "disjoint":
        rec["cases_resolved_on_time"] = rec["cases_resolved_early"] + rec["cases_resolved_on_time"]
        rec["cases_resolved_early"] = None
        na["cases_resolved_early"] = MERGED_EARLY
    return na


def _field_records(
    rows: Sequence[Mapping[str, Any]], window: str = "period"
) -> list[Mapping[str, Any]]:
    """The total and per-field rows of one window of a case table's records."""
    return [r for r in rows if r["window"] == window and r["grouping"] in ("field", "total")]


def _field_rows(rows: Sequence[Mapping[str, Any]], profile: Profile) -> list[dict[str, Any]]:
    """The national form by lĩnh vực from case-table rows of one window (its total row and its
    field rows), channel and early/on-time practice applied: field rows sorted by name (the
    unknown field last), then the total row."""
    total = [r for r in rows if r["grouping"] == "total"]
    online_flag = bool(total[0]["cases_new_online_flag"]) if total else False
    recs = []
    for rec in map(dict, rows):
        _apply_practice(rec, profile, online_flag)
        out = {"field": rec["field"], "is_total": rec["grouping"] == "total"}
        out.update({k: None if rec.get(k) is None else int(rec[k]) for k in BY_FIELD_COLUMNS})
        recs.append(out)
    recs.sort(key=lambda r: (r["is_total"], r["field"] == UNKNOWN_FIELD, r["field"]))
    return recs


def field_frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """By-field records (:attr:`Figures.field_rows`) as a frame of nullable integers."""
    return pd.DataFrame(
        {
            "field": [r["field"] for r in rows],
            "is_total": [bool(r["is_total"]) for r in rows],
            **{k: pd.array([r.get(k) for r in rows], dtype="Int64") for k in BY_FIELD_COLUMNS},
        },
        columns=["field", "is_total", *BY_FIELD_COLUMNS],
    )


# The per-procedure table: the case table's counts (no in-person-or-postal sum there).
_PROCEDURE_COUNTS = [c for c in BY_FIELD_COLUMNS if c in COUNT_COLUMNS]
PROCEDURE_COLUMNS = ["procedure_code", "procedure_name", "field", "level", *_PROCEDURE_COUNTS]


def _text(value: Any) -> str | None:
    """A text cell of a frame: None for a missing one (None, NA or a float NaN, which a column
    of nothing but NULLs becomes)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return str(value)


def _procedure_rows(
    rows: Sequence[Mapping[str, Any]], levels: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Cases per procedure of the period (case-table records), with each procedure's level,
    sorted by lĩnh vực then code (missing codes last)."""
    out = [
        {
            "procedure_code": _text(r["procedure_code"]),
            "procedure_name": _text(r["procedure_name"]),
            "field": _text(r["field"]),
            "level": levels.get(_text(r["procedure_code"])),  # type: ignore[arg-type]
            **{k: int(r[k]) for k in _PROCEDURE_COUNTS},
        }
        for r in rows
        if r["window"] == "period" and r["grouping"] == "procedure"
    ]
    out.sort(
        key=lambda r: (
            r["field"] is None,
            r["field"] or "",
            r["procedure_code"] is None,
            r["procedure_code"] or "",
        )
    )
    return out


def _flag_rate(row: dict[str, int], flag: str, base: str) -> tuple[int | None, int, str | None]:
    """(numerator or None when unknown, denominator, N/A reason) of a digitisation flag."""
    den = int(row[f"base_{base}"])
    num = int(row[f"{flag}_{base}"])
    missing = int(row[f"{flag}_{base}_missing"])
    if missing and missing == den:
        return None, den, f"thiếu cột {_FLAG_COLUMN[flag]}"
    if missing:
        return None, den, f"thiếu thông tin {_FLAG_COLUMN[flag]} ở {missing}/{den} hồ sơ"
    return num, den, None


def compute_figures(
    con: duckdb.DuckDBPyConnection,
    unit: str | Sequence[str],
    period: Period,
    profile: Profile,
    *,
    comparisons: bool = True,
    detail: bool = True,
    allow_partial: bool | None = None,
) -> Figures:
    """All figures of ``unit`` (or the roll-up of several units) for ``period`` under ``profile``.

    The totals of the period, its YTD window and, with ``comparisons``, of the previous period
    and the same period last year (each with its own catalogue snapshot) come from one
    aggregation. ``detail=False`` skips the per-field and per-procedure tables and the late-case
    list (the flat values and the total row's checks remain).

    Every figure is judged against the days the exports cover (:mod:`tthc.stats.completeness`):
    one they do not determine is N/A with the reason, or, with ``allow_partial`` (default: the
    profile's ``allow_partial``), printed from the covered days and listed in ``partial``.
    Comparison periods are always judged strictly (a partial month compares with nothing).

    A roll-up (a list of units) is one set of figures over their cases together, knowing a fact
    only where every unit knows it; :func:`compute_units` gives each unit's own figures instead.
    """
    units = [unit] if isinstance(unit, str) else list(dict.fromkeys(unit))
    name = unit if isinstance(unit, str) else "+".join(units)
    return _compute(
        con,
        {name: units},
        period,
        profile,
        per_unit=False,
        comparisons=comparisons,
        detail=detail,
        allow_partial=allow_partial,
    )[name]


def compute_units(
    con: duckdb.DuckDBPyConnection,
    units: Sequence[str],
    period: Period,
    profile: Profile,
    *,
    comparisons: bool = True,
    detail: bool = True,
    allow_partial: bool | None = None,
    procedures: bool = True,
) -> dict[str, Figures]:
    """The figures of each of ``units`` for ``period`` under one ``profile``, from a fixed
    number of queries grouped by unit (about a dozen, however many units), not one computation
    per unit. ``result[u]`` equals ``compute_figures(con, u, period, profile, ...)`` exactly
    (the same code assembles both; tests/test_stats_city.py checks it for every unit).

    Returns unit -> :class:`Figures`, in the order of ``units`` (duplicates dropped). A unit
    without any data gets its figures all the same: N/A where the exports do not cover them.
    ``procedures=False`` leaves the per-procedure tables empty (``by_procedure``, in no JSON):
    grouping every unit's cases by procedure is the costliest part of the detail.
    """
    units = list(dict.fromkeys(units))
    if not units:
        raise ValueError("at least one unit")
    return _compute(
        con,
        {u: [u] for u in units},
        period,
        profile,
        per_unit=True,
        comparisons=comparisons,
        detail=detail,
        allow_partial=allow_partial,
        procedures=procedures,
    )


@dataclass(frozen=True)
class _Detail:
    """The period's per-field and per-procedure case table, late cases and procedure levels of
    one unit (or roll-up)."""

    groups: Sequence[Mapping[str, Any]]  # case-table records
    late: pd.DataFrame
    levels: Mapping[str, str]


def _split_records(
    df: pd.DataFrame, scopes: Mapping[str, Sequence[str]], per_unit: bool
) -> dict[str, list[dict[str, Any]]]:
    """The records of ``df`` per scope: by their ``unit`` when ``per_unit``, else all."""
    records = frame_records(df)
    if not per_unit:
        (name,) = scopes
        return {name: records}
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in scopes}
    for rec in records:
        out[rec["unit"]].append(rec)
    return out


def _split_frame(
    df: pd.DataFrame, scopes: Mapping[str, Sequence[str]], per_unit: bool
) -> dict[str, pd.DataFrame]:
    """The rows of ``df`` per scope, as frames numbered from 0."""
    if not per_unit:
        (name,) = scopes
        return {name: df}
    # Text as Python objects first: taking rows of Arrow-backed strings, unit by unit, costs
    # more than the query.
    df = df.astype({c: object for c in df.columns if pd.api.types.is_string_dtype(df[c])})
    where = df.groupby("unit", sort=False).indices
    return {
        name: df.take(where[name]).reset_index(drop=True) if name in where else df.iloc[0:0]
        for name in scopes
    }


def _procedure_levels(
    con: duckdb.DuckDBPyConnection, ingest_ids: Sequence[int]
) -> dict[str, dict[str, str]]:
    """unit -> procedure code -> level (một phần, toàn trình, none) in the given snapshots."""
    out: dict[str, dict[str, str]] = {}
    if not ingest_ids:
        return out
    in_sql = ", ".join("?" for _ in ingest_ids)
    for u, code, level in con.execute(
        f"SELECT unit, procedure_code, any_value(level) FROM procedures "
        f"WHERE ingest_id IN ({in_sql}) GROUP BY unit, procedure_code",
        list(ingest_ids),
    ).fetchall():
        out.setdefault(u, {})[code] = level
    return out


def _compute(
    con: duckdb.DuckDBPyConnection,
    scopes: Mapping[str, Sequence[str]],
    period: Period,
    profile: Profile,
    *,
    per_unit: bool,
    comparisons: bool,
    detail: bool,
    allow_partial: bool | None,
    procedures: bool = True,
) -> dict[str, Figures]:
    """Figures per scope (a name and its units): each unit its own scope (``per_unit``, every
    query grouped by unit), or one roll-up scope of several units."""
    allow = profile.allow_partial if allow_partial is None else allow_partial
    all_units = list(dict.fromkeys(u for us in scopes.values() for u in us))
    coverages = {kind: load_coverages(con, all_units, kind) for kind in ("cases", "pakn")}

    def scope_coverage(kind: str, units: Sequence[str]) -> Coverage:
        return Coverage(kind, tuple(coverages[kind][u].units[0] for u in units))

    cov = {
        name: (scope_coverage("cases", us), scope_coverage("pakn", us))
        for name, us in scopes.items()
    }
    needs = figure_needs(profile)
    periods: dict[str, Period] = {"main": period}
    if comparisons:
        periods["previous"] = period.previous()
        periods["last_year"] = period.same_period_last_year()
    index = CatalogueIndex.load(con, all_units)
    snapshots = {
        name: {tag: index.snapshot(us, per) for tag, per in periods.items()}
        for name, us in scopes.items()
    }
    judges = {
        name: {
            tag: _judge(*cov[name], per, profile, snapshots[name][tag], allow and tag == "main")
            for tag, per in periods.items()
        }
        for name in scopes
    }
    # A comparison period of which the exports determine no case count is not worth a query.
    targets = {
        name: [
            tag
            for tag in periods
            if tag == "main" or any(judges[name][tag].verdict(needs[k]).ok for k in CASE_FACTS)
        ]
        for name in scopes
    }
    queried = [t for t in periods if any(t in ts for ts in targets.values())]
    windows: list[Window] = []
    cat_map: dict[str, tuple[int, ...]] = {}
    for tag in queried:
        per = periods[tag]
        ids = tuple(
            iid
            for name in scopes
            if tag in targets[name] and (snap := snapshots[name][tag]) is not None
            for iid in snap.ingest_ids
        )
        for kind, start in (("period", per.start), ("ytd", ytd_start(per, profile))):
            windows.append(Window(f"{tag}:{kind}", start, per.end))
            cat_map[f"{tag}:{kind}"] = ids
    table = _split_records(
        case_table(
            con, all_units, windows, profile, catalogue_ingests=cat_map, by=(), per_unit=per_unit
        ),
        scopes,
        per_unit,
    )
    totals = {
        name: {r["window"]: r for r in recs if r["grouping"] == "total"}
        for name, recs in table.items()
    }
    pakn_by_unit = pakn_counts_by_unit(con, all_units, {t: periods[t] for t in queried}, profile)

    def scope_pakn(units: Sequence[str], tag: str) -> dict[str, int] | None:
        known = [c[tag] for u in units if (c := pakn_by_unit[u]) is not None]
        return {k: sum(c[k] for c in known) for k in PAKN_KEYS} if known else None

    details: dict[str, _Detail] = {}
    if detail:
        groups = _split_records(
            case_table(
                con,
                all_units,
                [Window("period", period.start, period.end)],
                profile,
                full=False,
                per_unit=per_unit,
                by=("field", "procedure") if procedures else ("field",),
            ),
            scopes,
            per_unit,
        )
        late = _split_frame(late_cases(con, all_units, period, profile), scopes, per_unit)
        main_ids = [
            iid
            for name in scopes
            if (snap := snapshots[name]["main"]) is not None
            for iid in snap.ingest_ids
        ]
        levels = _procedure_levels(con, main_ids) if procedures else {}
        for name, us in scopes.items():
            merged: dict[str, str] = {}
            for u in us:
                for code, level in levels.get(u, {}).items():
                    merged.setdefault(code, level)
            details[name] = _Detail(groups[name], late[name], merged)
    first = _first_received(con, all_units)

    out: dict[str, Figures] = {}
    for name, us in scopes.items():
        comps: dict[str, dict[str, Any] | None] = {}
        comp_figs: dict[str, Figures | None] = {}
        if comparisons:
            comps = {"previous": None, "last_year": None}
            comp_figs = {"previous": None, "last_year": None}
            for tag in targets[name][1:]:
                other = _assemble(
                    name, periods[tag], profile, totals[name], tag, snapshots[name][tag],
                    judges[name][tag], pakn=scope_pakn(us, tag), detail=None, needs=needs,
                )  # fmt: skip
                comp_figs[tag] = other
                comps[tag] = {
                    k: v for k, v in other.values.items() if k not in ("checks", "by_field")
                }
        fig = _assemble(
            name, period, profile, totals[name], "main", snapshots[name]["main"],
            judges[name]["main"], pakn=scope_pakn(us, "main"), detail=details.get(name), needs=needs,
        )  # fmt: skip
        if all(first.get(u) is None for u in us):
            fig.notes.append(
                "Kho dữ liệu không có hồ sơ nào của đơn vị này: hãy kiểm tra đã nạp tệp xuất chưa."
            )
        cases_cov, pakn_cov = cov[name]
        fig.completeness = (
            "complete"
            if not (fig.coverage_na or fig.partial)
            else "partial"
            if allow
            else "incomplete"
        )
        fig.data_note = coverage_phrase(fig, cases_cov, pakn_cov)
        if fig.completeness != "complete":
            fig.completeness_note = completeness_note(fig, cases_cov, pakn_cov)
            fig.coverage_warnings = [f"Báo cáo chưa đầy đủ: {fig.completeness_note}"]
            fig.notes.extend(fig.coverage_warnings)
        covered = cases_cov.covered
        fig.values["case_data_start"] = covered[0][0].isoformat() if covered else None
        fig.values["completeness"] = fig.completeness
        fig.values["coverage"] = {"cases": cases_cov.to_json(), "pakn": pakn_cov.to_json()}
        fig.comparisons = comps
        fig.comparison_figures = comp_figs
        fig.values["comparisons"] = comps
        out[name] = fig
    return out


def _judge(
    cases: Coverage,
    pakn: Coverage,
    period: Period,
    profile: Profile,
    snapshot: CatalogueSnapshot | None,
    allow_partial: bool,
) -> Judge:
    return Judge(
        cases=cases,
        pakn=pakn,
        windows={
            "period": (period.start, period.end),
            "ytd": (ytd_start(period, profile), period.end),
        },
        catalogue_reason=catalogue_reason(snapshot, period),
        allow_partial=allow_partial,
    )


def coverage_phrase(fig: Figures, cases: Coverage, pakn: Coverage) -> str:
    """What a unit's exports cover: "danh sách hồ sơ có số liệu từ … đến … (xuất lúc …)",
    the PAKN list's where it differs, and the catalogue's lack where that made figures N/A."""
    parts = [cases.phrase()]
    if pakn.covered != cases.covered or not pakn.covered:
        parts.append(pakn.phrase())
    cat = fig.na.get("procedures_catalogue")
    if cat and "procedures_catalogue" in fig.coverage_na:
        parts.append(cat)
    return "; ".join(parts)


def completeness_note(fig: Figures, cases: Coverage, pakn: Coverage) -> str:
    """What the exports of a report that is not complete cover and what that makes of its
    figures: "danh sách hồ sơ có số liệu từ … đến … (xuất lúc …). 12 số liệu ghi N/A …"."""
    out = coverage_phrase(fig, cases, pakn)
    if fig.coverage_na:
        out += f". {len(fig.coverage_na)} số liệu ghi N/A vì thiếu dữ liệu"
    if fig.partial:
        out += (
            f". {len(fig.partial)} số liệu chỉ tính trên các ngày có dữ liệu, ghi rõ "
            "“chỉ tính số liệu từ … đến …”"
        )
    return out + "."


def period_header(name: str, period: Period, profile: Profile) -> dict[str, Any]:
    """The keys that open a unit's or a city's figures (``Figures.values``): whose they are
    (``unit``: the unit's or city's name), the period and its year-to-date start (ISO dates),
    how the period is named and delimited, and the profile's conventions they were computed
    under (domain.md §5); every other key is a figure."""
    return {
        "unit": name,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "ytd_start": ytd_start(period, profile).isoformat(),
        "profile": profile.name,
        "period_key": period.key,
        "period_kind": period.kind,
        "period_title": period.title_phrase,
        "period_range": period.range_phrase,
        "period_rule": period.rule,
        "rounding": profile.rounding,
        "comparison": profile.comparison,
        "third_bucket_placement": profile.third_bucket,
        "early_on_time_practice": profile.early_on_time,
    }


def _assemble(
    unit_name: str,
    period: Period,
    profile: Profile,
    totals: Mapping[str, Mapping[str, Any]],
    tag: str,
    snapshot: CatalogueSnapshot | None,
    judge: Judge,
    *,
    pakn: dict[str, int] | None,
    detail: _Detail | None,
    needs: Mapping[str, tuple[Need, ...]],
) -> Figures:
    """Figures of one period from its two total rows (``<tag>:period``, ``<tag>:ytd``), judged
    against the exports' coverage before the checks run (a check never quotes a figure the
    report does not print)."""
    ytd = ytd_start(period, profile)
    rows = {kind: dict(totals[f"{tag}:{kind}"]) for kind in ("period", "ytd")}
    spans = {"period": (period.start, period.end), "ytd": (ytd, period.end)}
    p = dict(rows["period"])
    na: dict[str, str] = _apply_practice(p, profile)
    notes: list[str] = []

    values: dict[str, Any] = period_header(unit_name, period, profile)
    for k in BY_FIELD_COLUMNS:
        values[k] = None if p.get(k) is None else int(p[k])
    third = {
        "withdrawn": int(p["third_withdrawn"]),
        "stopped": int(p["third_stopped"]),
        "returned": int(p["third_returned"]),
    }
    values["cases_third_withdrawn"] = third["withdrawn"]
    values["cases_third_stopped"] = third["stopped"]
    values["cases_third_returned"] = third["returned"]
    early_on_time = int(rows["period"]["cases_resolved_early"]) + int(
        rows["period"]["cases_resolved_on_time"]
    )
    values["cases_resolved_early_or_on_time"] = early_on_time

    rates: dict[str, RateInfo] = {}

    def add_rate(
        key: str, num: int | None, den: int | None, reason: str | None, rd_window: str
    ) -> None:
        rd = profile.rate_def(key)
        value = None
        if reason is None and den == 0:
            reason = ZERO_DENOMINATOR
        if reason is None and num is not None and den is not None:
            value = rate(num, den, rd.decimals, profile.rounding)
        ws, we = spans[rd_window]
        rates[key] = RateInfo(
            key=key,
            title=rd.title,
            value=value,
            numerator=num,
            denominator=den,
            numerator_base=rd.numerator,
            base=rd.denominator,
            window=rd_window,
            window_start=ws,
            window_end=we,
            decimals=rd.decimals,
            rule=profile.rounding,
            na_reason=reason if value is None else None,
        )
        values[f"rate_{key}"] = None if value is None else float(value)
        if value is None and reason:
            na[f"rate_{key}"] = reason

    # Coverage: procedures with cases received in the window, over the catalogue snapshot.
    for key, count_key, cat_attr in (
        ("procedures_with_cases", "procedures_with_cases", "total"),
        ("procedures_partial", "procedures_partial_with_cases", "partial"),
        ("procedures_full", "procedures_full_with_cases", "full"),
    ):
        rd = profile.rate_def(key)
        cat_key = count_key.replace("_with_cases", "_catalogue")
        if snapshot is None:
            values[count_key] = values[cat_key] = None
            na[count_key] = na[cat_key] = NO_CATALOGUE
            add_rate(key, None, None, NO_CATALOGUE, rd.window)
        else:
            num = int(rows[rd.window][count_key])
            den = getattr(snapshot, cat_attr)
            values[count_key], values[cat_key] = num, den
            add_rate(key, num, den, None, rd.window)
    # A snapshot taken after the period end (``fallback``) only gives the level of each case's
    # procedure; the figures counted against it are N/A (catalogue_reason).
    values["catalogue_as_of"] = (
        snapshot.as_of.isoformat() if snapshot is not None and snapshot.as_of else None
    )

    # Online share of the cases of DVCTT procedures.
    rd = profile.rate_def("dvctt_online")
    r = rows[rd.window]
    if snapshot is None:
        values["dvctt_cases"] = values["dvctt_cases_online"] = None
        na["dvctt_cases"] = na["dvctt_cases_online"] = NO_CATALOGUE
        add_rate("dvctt_online", None, None, NO_CATALOGUE, rd.window)
    else:
        den = int(r["dvctt_received"])
        values["dvctt_cases"] = den
        if r["dvctt_channel_missing"]:
            reason = NO_CHANNEL
            values["dvctt_cases_online"] = None
            na["dvctt_cases_online"] = reason
            add_rate("dvctt_online", None, den, reason, rd.window)
        else:
            values["dvctt_cases_online"] = int(r["dvctt_online"])
            add_rate("dvctt_online", int(r["dvctt_online"]), den, None, rd.window)

    # Online filing rate (QĐ 766 indicator 3.3).
    rd = profile.rate_def("online")
    r = dict(rows[rd.window])
    _apply_practice(r, profile)
    add_rate(
        "online",
        r["cases_new_online"],
        int(r["cases_new"]),
        None if r["cases_new_online"] is not None else NO_CHANNEL,
        rd.window,
    )

    # Digitisation and reuse (QĐ 766 indicators 4.2, 4.3).
    for key, flag, count_key in (
        ("with_components", "with_components", "cases_with_components"),
        ("with_result_file", "with_result_file", "cases_with_result_file"),
        ("with_both", "with_both", "cases_with_both"),
        ("reuse", "reusing_data", "cases_reusing_data"),
    ):
        rd = profile.rate_def(key)
        num, den, reason = _flag_rate(rows[rd.window], flag, rd.denominator)
        values[count_key] = num
        values[f"{count_key}_base"] = den
        if reason:
            na[count_key] = reason
        add_rate(key, num, den, reason, rd.window)

    # Online payment over fee-bearing cases (QĐ 766 indicator 3.6).
    rd = profile.rate_def("online_payment")
    r = rows[rd.window]
    base = rd.denominator.removeprefix("fee_bearing_")
    fee_missing = int(r[f"fee_bearing_{base}_missing"])
    paid_missing = int(r[f"paid_online_{base}_missing"])
    fee = int(r[f"fee_bearing_{base}"])
    if fee_missing:
        values["cases_fee_bearing"] = values["cases_paid_online"] = None
        reason = "thiếu cột Phí, lệ phí"
        na["cases_fee_bearing"] = na["cases_paid_online"] = reason
        add_rate("online_payment", None, None, reason, rd.window)
    elif paid_missing:
        values["cases_fee_bearing"], values["cases_paid_online"] = fee, None
        reason = "thiếu cột Thanh toán trực tuyến (DuocThanhToanTrucTuyen)"
        na["cases_paid_online"] = reason
        add_rate("online_payment", None, fee, reason, rd.window)
    else:
        paid = int(r[f"paid_online_{base}"])
        values["cases_fee_bearing"], values["cases_paid_online"] = fee, paid
        add_rate("online_payment", paid, fee, None, rd.window)

    # PAKN.
    for k in PAKN_KEYS:
        values[k] = None if pakn is None else pakn[k]
        if pakn is None:
            na[k] = NO_PAKN

    # On-time rate (tiến độ giải quyết).
    rd = profile.rate_def("on_time")
    r = rows[rd.window]
    num = int(r["cases_resolved_early"]) + int(r["cases_resolved_on_time"])
    if rd.numerator == "early_on_time_and_within":
        num += int(r["cases_in_progress_within"])
    den = {
        "resolved": int(r["cases_resolved"]),
        "due": int(r["cases_resolved"]) + int(r["cases_in_progress_overdue"]),
        "handled": int(r["cases_total"]),
    }[rd.denominator]
    # "No due date = on time" is the rule for a case; an export without the column at all would
    # otherwise read as a silent 100%.
    no_due = int(r["due_missing"]) == int(r["cases_total"]) > 0
    add_rate("on_time", num, den, "thiếu cột Ngày hẹn trả" if no_due else None, rd.window)
    # Keys of the schema come first; every rate key exists even when not in RATE_SPECS order.
    for key in RATE_SPECS:
        values.setdefault(f"rate_{key}", None)

    # Data-quality notes.
    if p["end_missing"]:
        notes.append(
            f"{p['end_missing']} hồ sơ đã kết thúc nhưng thiếu ngày kết thúc xử lý: "
            "được tính là đang giải quyết."
        )
    if p["due_missing"]:
        notes.append(
            f"{p['due_missing']} hồ sơ không có ngày hẹn trả: được tính là đúng hạn, trong hạn."
        )
    if p["ended_before_received"]:
        notes.append(f"{p['ended_before_received']} hồ sơ có ngày kết thúc trước ngày tiếp nhận.")
    if snapshot is not None and p["new_not_in_catalogue"]:
        notes.append(
            f"{p['new_not_in_catalogue']} hồ sơ mới tiếp nhận thuộc thủ tục không có trong danh mục TTHC."
        )

    if detail is not None:
        field_rows = _field_rows(_field_records(detail.groups), profile)
        procedure_rows = _procedure_rows(detail.groups, detail.levels if snapshot else {})
        late = detail.late
    else:
        field_rows = _field_rows([totals[f"{tag}:period"]], profile)  # the total row only
        procedure_rows = []
        late = pd.DataFrame(
            columns=["unit", "case_code", "procedure_code", "procedure_name", "field"]
        )
    partial, coverage_na = _apply_judge(judge, needs, profile, values, na, rates)
    hidden = [key for key in CASE_FACTS if key in coverage_na]
    for rows in (field_rows, procedure_rows):
        for row in rows:
            for key in hidden:
                if key in row:
                    row[key] = None
    late_verdict = judge.verdict(tuple(Need("cases", f, "period") for f in LATE_CASES_FACTS))
    if late_verdict.partial:
        partial["late_cases"] = late_verdict
    elif not late_verdict.ok:
        late = late.iloc[0:0]
        na["late_cases"] = coverage_na["late_cases"] = late_verdict.reason or ""
    if detail is not None:
        checks = checks_mod.check_case_rows(field_rows, profile)
    else:  # the total row alone: its identities (no field rows to sum)
        checks = [c for r in field_rows for c in checks_mod.check_row(r, profile, str(r["field"]))]
    checks += checks_mod.check_pakn(values)
    checks += checks_mod.check_rate_parts(rates)
    values["checks"] = [c.to_json() for c in checks]
    values["checks_ok"] = all(c.ok for c in checks)
    values["by_field"] = [dict(r) for r in field_rows]

    return Figures(
        unit=unit_name,
        period=period,
        profile=profile,
        ytd_start=ytd,
        values=values,
        na=na,
        rates=rates,
        field_rows=field_rows,
        procedure_rows=procedure_rows,
        late_cases=late,
        checks=checks,
        third_bucket=third,
        comparisons={},
        notes=notes,
        partial=partial,
        coverage_na=coverage_na,
    )


def _apply_judge(
    judge: Judge,
    needs: Mapping[str, tuple[Need, ...]],
    profile: Profile,
    values: dict[str, Any],
    na: dict[str, str],
    rates: dict[str, RateInfo],
) -> tuple[dict[str, Verdict], dict[str, str]]:
    """Make every figure the exports do not determine N/A (its reason replaces any other, the
    days are what is missing first) or, when allowed, partial. Returns (partial, coverage N/A)."""
    partial: dict[str, Verdict] = {}
    coverage_na: dict[str, str] = {}
    for key, key_needs in needs.items():
        if key not in values:
            continue
        verdict = judge.verdict(key_needs)
        if verdict.ok:
            continue
        if verdict.partial:
            if values[key] is not None:  # else N/A for another reason, which stays
                partial[key] = verdict
            continue
        reason = verdict.reason or ""
        values[key] = None
        na[key] = coverage_na[key] = reason
        rate_key = key.removeprefix("rate_")
        if key.startswith("rate_") and rate_key in rates:
            # Its parts are counts over days not covered: not shown either.
            rates[rate_key] = replace(
                rates[rate_key], value=None, numerator=None, denominator=None, na_reason=reason
            )
    if profile.early_on_time != "disjoint" and "cases_resolved_early" in coverage_na:
        # Merged into on time by the profile, not missing: the profile's reason stays.
        del coverage_na["cases_resolved_early"]
        na["cases_resolved_early"] = MERGED_EARLY
    return partial, coverage_na


def _first_received(
    con: duckdb.DuckDBPyConnection, units: Sequence[str]
) -> dict[str, datetime | None]:
    """unit -> its first reception (None: no case at all)."""
    unit_sql, params = units_filter(list(units))
    rows = con.execute(
        f"SELECT unit, min(received_at) FROM cases WHERE {unit_sql} AND outcome <> 'not_received' "
        "GROUP BY unit",
        params,
    ).fetchall()
    found = dict(rows)
    return {u: found.get(u) for u in units}
