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
from dataclasses import dataclass, field
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
        "ended_before_received": "ended_before_received",
        "dvctt_received": "keep AND is_new AND level IN ('full', 'partial')",
        "dvctt_online": "keep AND is_new AND level IN ('full', 'partial') AND channel = 'online'",
        "dvctt_channel_missing": "keep AND is_new AND level IN ('full', 'partial') AND channel IS NULL",
        "new_not_in_catalogue": "is_new AND level IS NULL",
        "due_missing": "keep AND due_missing",
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
    # Over the case classes of ``z`` (one row per distinct combination, ``n`` cases each).
    lines = [
        f"coalesce(sum(n) FILTER (WHERE {cond}), 0)::BIGINT AS {name}"
        for name, cond in parts.items()
    ]
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


# --- case classes --------------------------------------------------------------------------
#
# A case enters a window's counts only through comparisons of its reception, end and due date
# with the window's bounds (and through attributes that do not depend on the window). With every
# bound of every window in one sorted list, a timestamp is told apart from all of them by its
# *slot*, the number of bounds at or before it: ``t >= b`` exactly when ``slot(t) > index(b)``.
# So the cases are first grouped into classes (unit, slots, attributes: a packed integer key,
# one hash per case), and the windows are joined to the classes, not to the cases: the same
# counts, with the expensive part proportional to the classes (a few thousand per unit), not
# to the cases of a whole city.


@dataclass(frozen=True)
class _Bounds:
    """The sorted bounds of a set of windows and each window's slot thresholds."""

    points: tuple[datetime, ...]

    @classmethod
    def of(cls, windows: Sequence[Window], profile: Profile) -> _Bounds:
        pts = set()
        for w in windows:
            pts |= {w.start_ts, w.end_excl_ts, _within_bound(w, profile)}
        return cls(tuple(sorted(pts)))

    def index(self, t: datetime) -> int:
        """The slot threshold of bound ``t``: ``x >= t`` iff ``slot(x) >= index(t)``."""
        return self.points.index(t) + 1

    def slot_sql(self, col: str, null: int | None = None) -> str:
        """``col``'s slot, how many bounds are at or before it (``null`` for NULL, default
        NULL): a binary search written as nested CASE, a few comparisons per value."""

        def search(lo: int, hi: int) -> str:  # the slot among points[lo:hi], all >= lo
            if lo >= hi:
                return str(lo)
            mid = (lo + hi) // 2
            bound = f"TIMESTAMP '{self.points[mid].isoformat(sep=' ')}'"
            return (
                f"CASE WHEN {col} < {bound} THEN {search(lo, mid)} ELSE {search(mid + 1, hi)} END"
            )

        when_null = "NULL" if null is None else str(null)
        return f"CASE WHEN {col} IS NULL THEN {when_null} ELSE {search(0, len(self.points))} END"

    @property
    def bits(self) -> int:
        return (len(self.points) + 1).bit_length()  # slots 0..n, and the NULL code n + 1


def _within_bound(w: Window, profile: Profile) -> datetime:
    """The bound of "in progress within the deadline" (:func:`within_sql`): due on or after the
    window's last day (date comparison: its 00:00) or at or after 23:59:59 of it (timestamp)."""
    if profile.comparison == "date":
        return datetime.combine(w.end, time.min)
    return w.end_excl_ts - timedelta(seconds=1)


# Attributes of a case that are not about time, as small codes: (name, source expression,
# known values, or None for a nullable boolean).
_CATEGORIES: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("channel", "cs.channel", ("online", "in_person", "postal")),
    ("channel_scheme", "cs.channel_scheme", ("code", "online_flag")),
    ("outcome", "cs.outcome", ("pending", "resolved", "withdrawn", "stopped", "returned")),
    ("has_components", "cs.has_components", None),
    ("has_result_file", "cs.has_result_file", None),
    ("reused_data", "cs.reused_data", None),
    ("fee_bearing", "cs.fee_bearing", None),
    ("paid_online", "cs.paid_online", None),
)
_LEVELS = ("none", "partial", "full")
_OTHER = "(khác)"  # a value outside the known ones: equal to none of them, not NULL


def _encode(expr: str, values: tuple[str, ...] | None) -> tuple[str, int]:
    """(SQL code 0..n of ``expr``: 0 NULL, then the values, then any other, bits)."""
    if values is None:
        return f"CASE WHEN {expr} IS NULL THEN 0 WHEN {expr} THEN 2 ELSE 1 END", 2
    whens = " ".join(f"WHEN {expr} = '{v}' THEN {i}" for i, v in enumerate(values, start=1))
    return (
        f"CASE WHEN {expr} IS NULL THEN 0 {whens} ELSE {len(values) + 1} END",
        (len(values) + 1).bit_length(),
    )


def _decode(code: str, values: tuple[str, ...] | None) -> str:
    if values is None:
        return f"CASE {code} WHEN 2 THEN true WHEN 1 THEN false END"
    whens = " ".join(f"WHEN {i} THEN '{v}'" for i, v in enumerate(values, start=1))
    return f"CASE {code} {whens} WHEN {len(values) + 1} THEN '{_OTHER}' END"


@dataclass
class _Packer:
    """Packs small non-negative integer codes into as few BIGINT keys as needed."""

    fields: list[tuple[str, str, int]] = field(default_factory=list)  # (name, sql, bits)

    def add(self, name: str, sql: str, bits: int) -> None:
        self.fields.append((name, sql, bits))

    def layout(self) -> list[list[tuple[str, str, int, int]]]:
        keys: list[list[tuple[str, str, int, int]]] = [[]]
        used = 0
        for name, sql, bits in self.fields:
            if used + bits > 62:
                keys.append([])
                used = 0
            keys[-1].append((name, sql, bits, used))
            used += bits
        return keys

    def pack_sql(self) -> list[str]:
        return [
            " + ".join(f"(({sql})::BIGINT << {shift})" for _, sql, _, shift in key) or "0"
            for key in self.layout()
        ]

    def unpack_sql(self, key_names: Sequence[str]) -> dict[str, str]:
        out = {}
        for k, key in zip(key_names, self.layout(), strict=True):
            for name, _, bits, shift in key:
                out[name] = f"(({k} >> {shift}) & {(1 << bits) - 1})::INTEGER"
        return out


def _catalogue_sets(
    windows: Sequence[Window], ingests: Sequence[int] | Mapping[str, Sequence[int]]
) -> tuple[list[tuple[int, ...]], dict[str, int]]:
    """The distinct catalogue snapshots sets of the windows, and each window's (-1: none)."""
    if not isinstance(ingests, Mapping):
        ingests = {w.name: tuple(ingests) for w in windows}
    sets: list[tuple[int, ...]] = []
    which: dict[str, int] = {}
    for w in windows:
        ids = tuple(sorted(set(ingests.get(w.name, ()))))
        if not ids:
            which[w.name] = -1
            continue
        if ids not in sets:
            sets.append(ids)
        which[w.name] = sets.index(ids)
    return sets, which


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
    Procedures are first reduced to their reception slots (see "case classes" above).
    """
    bounds = _Bounds(tuple(sorted({t for w in windows for t in (w.start_ts, w.end_excl_ts)})))
    values = ", ".join("(?, ?::INTEGER, ?::INTEGER)" for _ in windows)
    w_params: list[object] = []
    for w in windows:
        w_params += [w.name, bounds.index(w.start_ts), bounds.index(w.end_excl_ts)]
    lo, hi = min(w.start_ts for w in windows), max(w.end_excl_ts for w in windows)
    rows = con.execute(
        f"""
        WITH w AS (SELECT * FROM (VALUES {values}) t(win, ws, we)),
        cat AS ({catalogue}),
        r AS (
            SELECT DISTINCT cs.unit, cs.procedure_code, {bounds.slot_sql("cs.received_at")} AS rs
            FROM cases cs
            WHERE cs.{unit_sql} AND cs.outcome <> 'not_received' AND cs.procedure_code IS NOT NULL
              AND cs.received_at >= ? AND cs.received_at < ?
        ),
        p AS (
            SELECT DISTINCT w.win, r.unit, r.procedure_code
            FROM r JOIN w ON r.rs >= w.ws AND r.rs < w.we
        )
        SELECT p.win, {"p.unit" if per_unit else "NULL"}, count(*),
               count(*) FILTER (WHERE cat.level = 'partial'),
               count(*) FILTER (WHERE cat.level = 'full')
        FROM p JOIN cat ON cat.win = p.win AND cat.unit = p.unit AND cat.procedure_code = p.procedure_code
        GROUP BY ALL
        """,
        [*w_params, *cat_params, *unit_params, lo, hi],
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

    The cases are counted through their classes (see "case classes" above): one pass over the
    cases, then the windows and the ~90 counts over a few thousand classes per unit.
    """
    if not windows:
        raise ValueError("at least one window")
    unit_sql, unit_params = units_filter(unit)
    bounds = _Bounds.of(windows, profile)
    cat_sets, cat_of = _catalogue_sets(windows, catalogue_ingests)
    values = ", ".join("(?, ?::INTEGER, ?::INTEGER, ?::INTEGER, ?::INTEGER)" for _ in windows)
    w_params: list[object] = []
    for w in windows:
        w_params += [
            w.name,
            bounds.index(w.start_ts),
            bounds.index(w.end_excl_ts),
            bounds.index(_within_bound(w, profile)),
            cat_of[w.name],
        ]
    min_ws = min(w.start_ts for w in windows)
    max_we = max(w.end_excl_ts for w in windows)
    excluded = profile.third_bucket == "excluded"

    # What a class is made of: the three slots, the attributes, each catalogue set's level.
    null_slot = len(bounds.points) + 1
    packer = _Packer()
    # ``ended`` (the end of a case that has ended) is spelled out from the stored columns: an
    # expression from the CTE above would be evaluated again at every comparison of the search.
    has_end = "cs.outcome IN ('resolved', 'withdrawn', 'stopped', 'returned')"
    packer.add("rs", bounds.slot_sql("cs.received_at", null_slot), bounds.bits)
    packer.add(
        "es",
        f"CASE WHEN {has_end} THEN {bounds.slot_sql('cs.ended_at', null_slot)} "
        f"ELSE {null_slot} END",
        bounds.bits,
    )
    packer.add("ds", bounds.slot_sql("cs.due_at", null_slot), bounds.bits)
    for name, expr, known in _CATEGORIES:
        packer.add(name, *_encode(expr, known))
    packer.add(
        "timing",
        f"CASE WHEN {has_end} THEN {timing_sql(profile, 'cs.ended_at', 'cs.due_at')} "
        "WHEN cs.due_at IS NULL THEN 0 ELSE 1 END + 1",
        2,
    )
    packer.add("end_missing", "(cs.outcome <> 'pending' AND cs.ended_at IS NULL)::INTEGER", 1)
    packer.add(
        "ended_before_received",
        f"({has_end} AND coalesce(cs.ended_at < cs.received_at, false))::INTEGER",
        1,
    )
    packer.add("due_missing", "(cs.due_at IS NULL)::INTEGER", 1)
    for j in range(len(cat_sets)):
        packer.add(f"lvl{j}", *_encode(f"cat{j}.level", _LEVELS))
    key_names = [f"k{i}" for i in range(len(packer.layout()))]
    unpack = packer.unpack_sql(key_names)

    def slot(name: str) -> str:
        return f"NULLIF({unpack[name]}, {null_slot})"

    cat_joins = []
    cat_params: list[object] = []
    for j, ids in enumerate(cat_sets):
        in_sql = ", ".join("?::BIGINT" for _ in ids)
        cat_joins.append(
            f"LEFT JOIN (SELECT unit, procedure_code, any_value(level) AS level FROM procedures "
            f"WHERE ingest_id IN ({in_sql}) GROUP BY unit, procedure_code) cat{j} "
            f"ON cat{j}.unit = cs.unit AND cat{j}.procedure_code = cs.procedure_code"
        )
        cat_params += list(ids)
    level = (
        "CASE w.cat "
        + " ".join(
            f"WHEN {j} THEN {_decode(unpack[f'lvl{j}'], _LEVELS)}" for j in range(len(cat_sets))
        )
        + " END"
        if cat_sets
        else "NULL::VARCHAR"
    )
    keys = ["field"] if "field" in by or "procedure" in by else []
    if "procedure" in by:
        keys += ["procedure_key", "procedure_code", "procedure_name"]
    class_keys = (["unit"] if per_unit else []) + keys
    g_cols = "".join(f"{k}, " for k in class_keys)
    null_keys = "".join(
        f"NULL::VARCHAR AS {k}, "
        for k in ("field", "procedure_key", "procedure_code", "procedure_name")
        if k not in keys
    )
    u = "unit, " if per_unit else ""
    sets = [f"(win{', unit' if per_unit else ''})"]
    if "field" in by:
        sets.append(f"(win, {u}field)")
    if "procedure" in by:
        sets.append(f"(win, {u}procedure_key)")
    g_field = "grouping(field)" if "field" in by else "1"
    g_proc = "grouping(procedure_key)" if "procedure" in by else "1"
    decoded = ",\n        ".join(
        f"{_decode(unpack[name], known)} AS {name}" for name, _, known in _CATEGORIES
    )
    sql = f"""
WITH w AS (
    SELECT * FROM (VALUES {values}) t(win, ws, we, wb, cat)
),
c AS (
    SELECT cs.*, coalesce(cs.field, '{UNKNOWN_FIELD}') AS field_key,
           coalesce(cs.procedure_code, 'tên: ' || cs.procedure_name, '{UNKNOWN_PROCEDURE}') AS procedure_key,
           CASE WHEN cs.outcome IN ('resolved', 'withdrawn', 'stopped', 'returned')
                THEN cs.ended_at END AS ended
    FROM cases cs
    WHERE cs.{unit_sql} AND cs.outcome <> 'not_received'
      AND cs.received_at IS NOT NULL AND cs.received_at < ?
),
k AS (
    SELECT cs.unit, cs.field_key AS field, cs.procedure_key, cs.procedure_code, cs.procedure_name,
        {", ".join(f"{sql_} AS {name}" for sql_, name in zip(packer.pack_sql(), key_names, strict=True))}
    FROM c cs {" ".join(cat_joins)}
    WHERE cs.ended IS NULL OR cs.ended >= ? OR cs.received_at >= ?
),
g AS (
    SELECT {g_cols}{", ".join(key_names)}, count(*) AS n FROM k GROUP BY ALL
),
d AS (
    SELECT {g_cols}{null_keys}n,
        {slot("rs")} AS rs, {slot("es")} AS es, {slot("ds")} AS ds,
        {decoded},
        {unpack["timing"]} - 1 AS timing, {unpack["end_missing"]} = 1 AS end_missing,
        {unpack["ended_before_received"]} = 1 AS ended_before_received,
        {unpack["due_missing"]} = 1 AS due_missing,
        {", ".join(key_names)}
    FROM g
),
x AS (
    SELECT w.win, d.*, {level} AS level,
        d.rs >= w.ws AS is_new,
        d.es >= w.ws AND d.es < w.we AND d.outcome = 'resolved' AS is_resolved_raw,
        coalesce(d.es >= w.ws AND d.es < w.we AND d.outcome <> 'resolved', false) AS is_third,
        d.es IS NULL OR d.es >= w.we AS is_open,
        (d.due_missing OR d.ds >= w.wb) AS within
    FROM d JOIN w ON d.rs < w.we AND (d.es IS NULL OR d.es >= w.ws OR d.rs >= w.ws)
),
y AS (
    SELECT *, coalesce(is_resolved_raw, false) AS is_resolved,
        {"NOT is_third" if excluded else "true"} AS keep
    FROM x
),
-- The classes of (window, case): every column the counts test, and the grouping keys.
z AS (
    SELECT win{", unit" if per_unit else ""}, field, procedure_key, procedure_code, procedure_name,
        keep, is_new, channel, channel_scheme, is_resolved, is_third, timing, is_open, within,
        outcome, end_missing, ended_before_received, level, due_missing, has_components,
        has_result_file, reused_data, fee_bearing, paid_online, sum(n) AS n
    FROM y
    GROUP BY ALL
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
FROM z
GROUP BY GROUPING SETS ({", ".join(sets)})
ORDER BY 1, 2, 3, 4{", 5" if per_unit else ""}
"""
    params = [*w_params, *unit_params, max_we, *cat_params, min_ws, min_ws]
    df = con.execute(sql, params).df()
    catalogue, cat_sql_params = _catalogue_sql(windows, catalogue_ingests)
    count_cols = [c for c in df.columns if c not in _KEYS]
    df[count_cols] = df[count_cols].fillna(0).astype("int64")
    units = list(dict.fromkeys([unit] if isinstance(unit, str) else unit))
    # Python lists of the key columns: iterating pandas' Arrow-backed strings is slow.
    row_windows, row_groupings = df["window"].tolist(), df["grouping"].tolist()
    row_units = df["unit"].tolist() if per_unit else [None] * len(df)
    if full:
        cov = _coverage(con, unit_sql, unit_params, windows, catalogue, cat_sql_params, per_unit)
        for col in COVERAGE_COLUMNS:
            df[col] = [
                cov.get((w, u), {}).get(col, 0) if g == "total" else 0
                for w, u, g in zip(row_windows, row_units, row_groupings, strict=True)
            ]
    # Every window (of every unit) must have a total row even when the unit has no case at all.
    have = {
        (w, u)
        for w, u, g in zip(row_windows, row_units, row_groupings, strict=True)
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
