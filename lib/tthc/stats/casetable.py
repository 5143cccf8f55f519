"""The case table of domain.md §3 as one DuckDB aggregation over any number of windows.

Every count is evaluated *as of the window's end*: only ``received_at`` and ``ended_at`` decide
where a case falls, never its current status alone, so re-running a past period on newer exports
gives the same figures. One scan of the unit's cases feeds every window and every grouping
(per lĩnh vực, per procedure, total) at once, which is what keeps a unit-period under a second on
a warehouse of millions of cases.

Classification of a case for a window ``[ws, we)`` (half-open local timestamps):

- relevant: received before ``we`` and not ended before ``ws``, outcome ≠ not_received;
- new: received on or after ``ws``; carried over: received before ``ws``;
- ended: outcome resolved or third bucket *and* ``ended_at`` set; resolved / third bucket when
  that end falls in the window; in progress when not ended by ``we``.

A case marked resolved (or withdrawn …) without an end date cannot be placed in time: it stays in
progress and is counted in ``end_missing`` so the report can say so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import duckdb
import pandas as pd

from tthc.stats.checks import CASE_COLUMNS
from tthc.stats.profile import Profile

TOTAL_LABEL = "Tổng cộng"
UNKNOWN_FIELD = "(không rõ lĩnh vực)"
UNKNOWN_PROCEDURE = "(không rõ thủ tục)"

# Digitisation flags: output name -> SQL expression of the flag and of "flag unknown".
FLAGS: dict[str, tuple[str, str]] = {
    "with_components": ("has_components", "has_components IS NULL"),
    "with_result_file": ("has_result_file", "has_result_file IS NULL"),
    "with_both": (
        "has_components AND has_result_file",
        "has_components IS NULL OR has_result_file IS NULL",
    ),
    "reusing_data": ("reused_data", "reused_data IS NULL"),
}
# Case sets a digitisation rate may be computed over (profile ``denominator``).
BASES: dict[str, str] = {
    "received": "keep AND is_new",
    "resolved": "is_resolved",
    "handled": "keep",
}

# The case-table counts: the national form's (checks.CASE_COLUMNS) and the internal ones the
# figures need to tell channels apart and to place the third bucket.
COUNT_COLUMNS = (
    *CASE_COLUMNS,
    "cases_new_channel_missing",
    "cases_new_online_flag",
    "third_withdrawn",
    "third_stopped",
    "third_returned",
)


@dataclass(frozen=True)
class Window:
    """A named window of local dates ``[start, end]``, both inclusive."""

    name: str
    start: date
    end: date

    @property
    def start_ts(self) -> datetime:
        return datetime.combine(self.start, time.min)

    @property
    def end_excl_ts(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min)


def units_filter(unit: str | Sequence[str]) -> tuple[str, list[str]]:
    """SQL predicate on ``unit`` and its parameters: one unit, or a roll-up of several."""
    units = [unit] if isinstance(unit, str) else list(unit)
    if not units:
        raise ValueError("at least one unit")
    if len(units) == 1:
        return "unit = ?", units
    return f"unit IN ({', '.join('?' for _ in units)})", units


def timing_sql(profile: Profile, ended: str, due: str) -> str:
    """-1 early, 0 on time, 1 late at the profile's granularity; no due date is on time."""
    if profile.comparison == "date":
        a, b = f"CAST({ended} AS DATE)", f"CAST({due} AS DATE)"
    else:
        a, b = ended, due
    return f"CASE WHEN {due} IS NULL THEN 0 WHEN {a} < {b} THEN -1 WHEN {a} = {b} THEN 0 ELSE 1 END"


def within_sql(profile: Profile, due: str, end_day: str, we: str) -> str:
    """In progress within the deadline at the window's end: due on/after the last day (date), or
    due at/after 23:59:59 of the last day (timestamp). No due date is within."""
    if profile.comparison == "date":
        return f"({due} IS NULL OR CAST({due} AS DATE) >= {end_day})"
    return f"({due} IS NULL OR {due} >= {we} - INTERVAL 1 SECOND)"


def _aggregates(profile: Profile, full: bool = True) -> str:
    third_resolved = profile.third_bucket == "resolved_on_time"
    # Placement of the third bucket (domain.md §4 item 1).
    res = "(is_resolved OR is_third)" if third_resolved else "is_resolved"
    early = "is_resolved AND timing = -1"
    on_time = "(is_resolved AND timing = 0)" + (" OR is_third" if third_resolved else "")
    late = "is_resolved AND timing = 1"
    parts = {
        "cases_total": "keep",
        "cases_new": "keep AND is_new",
        "cases_new_online": "keep AND is_new AND channel = 'online'",
        "cases_new_in_person": "keep AND is_new AND channel = 'in_person'",
        "cases_new_postal": "keep AND is_new AND channel = 'postal'",
        "cases_new_channel_missing": "keep AND is_new AND channel IS NULL",
        "cases_new_online_flag": "keep AND is_new AND channel_scheme = 'online_flag'",
        "cases_carried_over": "keep AND NOT is_new",
        "cases_resolved": res,
        "cases_resolved_early": early,
        "cases_resolved_on_time": on_time,
        "cases_resolved_late": late,
        "cases_in_progress": "is_open",
        "cases_in_progress_within": "is_open AND within",
        "cases_in_progress_overdue": "is_open AND NOT within",
        "cases_withdrawn": "is_third",
        "third_withdrawn": "is_third AND outcome = 'withdrawn'",
        "third_stopped": "is_third AND outcome = 'stopped'",
        "third_returned": "is_third AND outcome = 'returned'",
        "end_missing": "end_missing",
        "ended_before_received": "ended < received_at",
        "dvctt_received": "keep AND is_new AND level IN ('full', 'partial')",
        "dvctt_online": "keep AND is_new AND level IN ('full', 'partial') AND channel = 'online'",
        "dvctt_channel_missing": "keep AND is_new AND level IN ('full', 'partial') AND channel IS NULL",
        "new_not_in_catalogue": "is_new AND level IS NULL",
        "due_missing": "keep AND due_at IS NULL",
    }
    for base, cond in BASES.items():
        parts[f"base_{base}"] = cond
        for flag, (expr, missing) in FLAGS.items():
            parts[f"{flag}_{base}"] = f"({cond}) AND ({expr})"
            parts[f"{flag}_{base}_missing"] = f"({cond}) AND ({missing})"
    for base, cond in (("received", BASES["received"]), ("resolved", BASES["resolved"])):
        parts[f"fee_bearing_{base}"] = f"({cond}) AND fee_bearing"
        parts[f"fee_bearing_{base}_missing"] = f"({cond}) AND fee_bearing IS NULL"
        parts[f"paid_online_{base}"] = f"({cond}) AND fee_bearing AND paid_online"
        parts[f"paid_online_{base}_missing"] = f"({cond}) AND fee_bearing AND paid_online IS NULL"
    if not full:
        parts = {k: v for k, v in parts.items() if k in COUNT_COLUMNS}
    lines = [f"count(*) FILTER (WHERE {cond}) AS {name}" for name, cond in parts.items()]
    return ",\n    ".join(lines)


_KEYS = ("window", "unit", "grouping", "field", "procedure_code", "procedure_name")

COVERAGE_COLUMNS = (
    "procedures_with_cases",
    "procedures_partial_with_cases",
    "procedures_full_with_cases",
)


def _catalogue_sql(
    windows: Sequence[Window], ingests: Sequence[int] | Mapping[str, Sequence[int]]
) -> tuple[str, list[object]]:
    """SQL of (win, unit, procedure_code, level) rows: each window's catalogue snapshot."""
    if not isinstance(ingests, Mapping):
        ingests = {w.name: tuple(ingests) for w in windows}
    pairs = [(name, iid) for name, ids in ingests.items() for iid in ids]
    if not pairs:
        empty = "NULL::VARCHAR"
        return (
            f"SELECT {empty} AS win, {empty} AS unit, {empty} AS procedure_code, {empty} AS level WHERE false",
            [],
        )
    values = ", ".join("(?, ?::BIGINT)" for _ in pairs)
    sql = (
        f"SELECT m.win, p.unit, p.procedure_code, any_value(p.level) AS level "
        f"FROM procedures p JOIN (VALUES {values}) m(win, iid) ON p.ingest_id = m.iid "
        f"GROUP BY m.win, p.unit, p.procedure_code"
    )
    return sql, [v for pair in pairs for v in pair]


def _coverage(
    con: duckdb.DuckDBPyConnection,
    unit_sql: str,
    unit_params: list[str],
    windows: Sequence[Window],
    catalogue: str,
    cat_params: list[object],
    per_unit: bool = False,
) -> dict[tuple[str, str | None], dict[str, int]]:
    """ "Phát sinh": per window (and unit, with ``per_unit``; else None), catalogue procedures
    with at least one case received in it.

    A separate query: DISTINCT aggregates inside the main one make DuckDB fan the whole
    aggregation out through a CTE, several times slower than counting distinct codes here.
    """
    values = ", ".join("(?, ?::TIMESTAMP, ?::TIMESTAMP)" for _ in windows)
    w_params: list[object] = []
    for w in windows:
        w_params += [w.name, w.start_ts, w.end_excl_ts]
    rows = con.execute(
        f"""
        WITH w AS (SELECT * FROM (VALUES {values}) t(win, ws, we)),
        cat AS ({catalogue}),
        p AS (
            SELECT DISTINCT w.win, cs.unit, cs.procedure_code
            FROM cases cs JOIN w ON cs.received_at >= w.ws AND cs.received_at < w.we
            WHERE cs.{unit_sql} AND cs.outcome <> 'not_received' AND cs.procedure_code IS NOT NULL
        )
        SELECT p.win, {"p.unit" if per_unit else "NULL"}, count(*),
               count(*) FILTER (WHERE cat.level = 'partial'),
               count(*) FILTER (WHERE cat.level = 'full')
        FROM p JOIN cat ON cat.win = p.win AND cat.unit = p.unit AND cat.procedure_code = p.procedure_code
        GROUP BY ALL
        """,
        [*w_params, *cat_params, *unit_params],
    ).fetchall()
    return {(r[0], r[1]): dict(zip(COVERAGE_COLUMNS, map(int, r[2:]), strict=True)) for r in rows}


def case_table(
    con: duckdb.DuckDBPyConnection,
    unit: str | Sequence[str],
    windows: Sequence[Window],
    profile: Profile,
    *,
    catalogue_ingests: Sequence[int] | Mapping[str, Sequence[int]] = (),
    by: Sequence[str] = ("field", "procedure"),
    full: bool = True,
    per_unit: bool = False,
) -> pd.DataFrame:
    """Counts per window, grouped by lĩnh vực, by procedure and in total.

    Returns one row per (window, group) with ``window``, ``grouping`` ('total' | 'field' |
    'procedure'), ``field``, ``procedure_code``, ``procedure_name`` and the count columns.
    ``catalogue_ingests`` are the catalogue snapshots (one per unit) whose levels decide DVCTT
    and coverage, for every window or per window name (a past period keeps its own catalogue);
    empty means no catalogue (those counts are 0 and flagged by the caller).
    ``full=False`` computes only the case-table columns (:data:`COUNT_COLUMNS`): the per-field
    and per-procedure groupings need nothing else, and the ~90 aggregates of the full set are
    what dominates the query time on large units.
    ``per_unit=True`` groups every row by unit as well (a ``unit`` column): the figures of many
    units from one scan, each unit's rows equal to what ``case_table`` gives for it alone;
    every (unit, window) has a total row.
    """
    if not windows:
        raise ValueError("at least one window")
    unit_sql, unit_params = units_filter(unit)
    values = ", ".join("(?, ?::TIMESTAMP, ?::TIMESTAMP, ?::DATE)" for _ in windows)
    w_params: list[object] = []
    for w in windows:
        w_params += [w.name, w.start_ts, w.end_excl_ts, w.end]
    max_we = max(w.end_excl_ts for w in windows)
    catalogue, cat_params = _catalogue_sql(windows, catalogue_ingests)
    excluded = profile.third_bucket == "excluded"
    u = "unit, " if per_unit else ""
    sets = [f"(win{', unit' if per_unit else ''})"]
    if "field" in by:
        sets.append(f"(win, {u}field)")
    if "procedure" in by:
        sets.append(f"(win, {u}procedure_key)")
    g_field = "grouping(field)" if "field" in by else "1"
    g_proc = "grouping(procedure_key)" if "procedure" in by else "1"
    sql = f"""
WITH w AS (
    SELECT * FROM (VALUES {values}) t(win, ws, we, end_day)
),
c AS (
    SELECT cs.unit, coalesce(cs.field, '{UNKNOWN_FIELD}') AS field,
           cs.procedure_code, cs.procedure_name,
           coalesce(cs.procedure_code, 'tên: ' || cs.procedure_name, '{UNKNOWN_PROCEDURE}') AS procedure_key,
           cs.channel, cs.channel_scheme, cs.outcome, cs.received_at, cs.due_at,
           CASE WHEN cs.outcome IN ('resolved', 'withdrawn', 'stopped', 'returned')
                THEN cs.ended_at END AS ended,
           cs.outcome <> 'pending' AND cs.ended_at IS NULL AS end_missing,
           cs.has_components, cs.has_result_file, cs.reused_data, cs.fee_bearing, cs.paid_online
    FROM cases cs
    WHERE cs.{unit_sql} AND cs.outcome <> 'not_received'
      AND cs.received_at IS NOT NULL AND cs.received_at < ?
),
cat AS ({catalogue}),
x AS (
    SELECT w.win, c.*, cat.level,
        c.received_at >= w.ws AS is_new,
        c.ended >= w.ws AND c.ended < w.we AND c.outcome = 'resolved' AS is_resolved_raw,
        coalesce(c.ended >= w.ws AND c.ended < w.we AND c.outcome <> 'resolved', false) AS is_third,
        c.ended IS NULL OR c.ended >= w.we AS is_open,
        {timing_sql(profile, "c.ended", "c.due_at")} AS timing,
        {within_sql(profile, "c.due_at", "w.end_day", "w.we")} AS within
    FROM c JOIN w ON c.received_at < w.we
        AND (c.ended IS NULL OR c.ended >= w.ws OR c.received_at >= w.ws)
    LEFT JOIN cat ON cat.win = w.win AND cat.unit = c.unit AND cat.procedure_code = c.procedure_code
),
y AS (
    SELECT *, coalesce(is_resolved_raw, false) AS is_resolved,
        {"NOT is_third" if excluded else "true"} AS keep
    FROM x
)
SELECT win AS "window",{" unit," if per_unit else ""}
    CASE WHEN {g_field} = 0 THEN 'field'
         WHEN {g_proc} = 0 THEN 'procedure' ELSE 'total' END AS grouping,
    CASE WHEN {g_field} = 0 THEN any_value(field)
         WHEN {g_proc} = 0 THEN any_value(field) ELSE '{TOTAL_LABEL}' END AS field,
    CASE WHEN {g_proc} = 0 THEN any_value(procedure_code) END AS procedure_code,
    CASE WHEN {g_proc} = 0
         THEN coalesce(any_value(procedure_name), any_value(procedure_key)) END AS procedure_name,
    {_aggregates(profile, full)}
FROM y
GROUP BY GROUPING SETS ({", ".join(sets)})
ORDER BY 1, 2, 3, 4{", 5" if per_unit else ""}
"""
    params = [*w_params, *unit_params, max_we, *cat_params]
    df = con.execute(sql, params).df()
    count_cols = [c for c in df.columns if c not in _KEYS]
    df[count_cols] = df[count_cols].fillna(0).astype("int64")
    units = list(dict.fromkeys([unit] if isinstance(unit, str) else unit))
    row_units = list(df["unit"]) if per_unit else [None] * len(df)
    if full:
        cov = _coverage(con, unit_sql, unit_params, windows, catalogue, cat_params, per_unit)
        for col in COVERAGE_COLUMNS:
            df[col] = [
                cov.get((w, u), {}).get(col, 0) if g == "total" else 0
                for w, u, g in zip(df["window"], row_units, df["grouping"], strict=True)
            ]
    # Every window (of every unit) must have a total row even when the unit has no case at all.
    have = {
        (w, u)
        for w, u, g in zip(df["window"], row_units, df["grouping"], strict=True)
        if g == "total"
    }
    missing = [
        (w.name, u)
        for u in (units if per_unit else [None])
        for w in windows
        if (w.name, u) not in have
    ]
    if missing:
        count_cols = [c for c in df.columns if c not in _KEYS]
        zeros = pd.DataFrame(
            [
                {
                    "window": name,
                    **({"unit": u} if per_unit else {}),
                    "grouping": "total",
                    "field": TOTAL_LABEL,
                    **dict.fromkeys(count_cols, 0),
                }
                for name, u in missing
            ]
        )
        df = pd.concat([df, zeros], ignore_index=True)
    return df
