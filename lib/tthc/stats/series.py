"""Series for the report's charts: per reporting month, and per resolved case. SQL only, no
personal data (codes, procedures and dates, never a citizen's name or address)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import pandas as pd

from tthc.stats.casetable import UNKNOWN_FIELD, Window, case_table, units_filter
from tthc.stats.coverage import Coverage, load_coverage
from tthc.stats.numbers import rate
from tthc.stats.periods import Period, period_of_month_containing
from tthc.stats.profile import Profile


def reporting_months(start: date, end: date, rule: str) -> list[Period]:
    """Monthly periods (under ``rule``) from the one containing ``start`` to the one containing
    ``end``, in order."""
    if end < start:
        raise ValueError("end before start")
    out = [period_of_month_containing(start, rule)]
    last = period_of_month_containing(end, rule)
    while out[-1].key != last.key:
        out.append(out[-1].next())
    return out


def month_coverage(coverage: Coverage, month: Period) -> str:
    """'complete' (every case of the month and what happened to it is known), 'partial' (some
    of its days are covered), 'none' (none is) or 'unknown' (no list names its range)."""
    if not coverage.covered:
        return "unknown" if any(u.lists for u in coverage.units) else "none"
    if coverage.during(month.start, month.end):
        return "complete"
    return "partial" if coverage.covered_in(month.start, month.end) else "none"


def monthly_series(
    con: duckdb.DuckDBPyConnection,
    unit: str | Sequence[str],
    start: date,
    end: date,
    profile: Profile,
) -> pd.DataFrame:
    """Per reporting month: new, resolved, in progress at the month's end, the early-or-on-time
    count and rate (over resolved, profile rounding and decimals of ``on_time``).

    Columns: period_key, label ('T6/2026'), period_start, period_end, cases_new, cases_resolved,
    cases_resolved_early_or_on_time, cases_in_progress, rate_on_time (float; NaN when nothing
    was resolved that month), coverage (:func:`month_coverage`), covered_from and covered_to
    (the first and last covered day of the month; None when none is). A month with no covered
    day has no counts (None), not zeros; a partial month has the counts of its covered days.
    """
    coverage = load_coverage(con, unit, "cases")
    months = reporting_months(start, end, profile.period_rule)
    windows = [Window(m.key, m.start, m.end) for m in months]
    df = case_table(con, unit, windows, profile, by=())
    totals = df[df["grouping"] == "total"].set_index("window")
    decimals = profile.rate_def("on_time").decimals
    rows = []
    for m in months:
        r = totals.loc[m.key]
        resolved = int(r["cases_resolved"])
        good = int(r["cases_resolved_early"]) + int(r["cases_resolved_on_time"])
        value = rate(good, resolved, decimals, profile.rounding)
        status = month_coverage(coverage, m)
        uncovered = status in ("none", "unknown")
        spans = coverage.covered_in(m.start, m.end)
        rows.append(
            {
                "period_key": m.key,
                "label": f"T{m.number}/{m.year}",
                "period_start": m.start,
                "period_end": m.end,
                "cases_new": None if uncovered else int(r["cases_new"]),
                "cases_resolved": None if uncovered else resolved,
                "cases_resolved_early_or_on_time": None if uncovered else good,
                "cases_in_progress": None if uncovered else int(r["cases_in_progress"]),
                "rate_on_time": None if value is None or uncovered else float(value),
                "coverage": status,
                "covered_from": spans[0][0] if spans else None,
                "covered_to": spans[-1][1] if spans else None,
            }
        )
    return pd.DataFrame(rows)


def processing_times(
    con: duckdb.DuckDBPyConnection, unit: str | Sequence[str], period: Period
) -> pd.DataFrame:
    """One row per case resolved in the period: field, procedure, days used (received → ended)
    and days allowed (received → due; None without a due date), as fractional days."""
    unit_sql, params = units_filter(unit)
    return con.execute(
        f"""
        SELECT coalesce(field, '{UNKNOWN_FIELD}') AS field, procedure_code,
               coalesce(procedure_name, procedure_code) AS procedure_name,
               round(epoch(ended_at - received_at) / 86400, 2) AS days_used,
               round(epoch(due_at - received_at) / 86400, 2) AS days_allowed
        FROM cases
        WHERE {unit_sql} AND outcome = 'resolved' AND received_at IS NOT NULL
          AND ended_at >= ? AND ended_at < ?
        ORDER BY field, procedure_code, received_at
        """,
        [*params, period.start_ts, period.end_excl_ts],
    ).df()
