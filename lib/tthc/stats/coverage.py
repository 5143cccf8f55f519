"""Which days the ingested exports cover, and what a figure over a window they do not fully
cover must say.

A case list is exported over a reception window ("Từ ngày 01/01/2026 đến ngày 14/06/2026" in its
title, stored as ``ingests.covers_from``). Days before the earliest such start are not in the
warehouse: a month there is not a month with no cases, a year-to-date figure starting there
counts only part of the year, and a comparison with a period there compares with nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb

from tthc.stats.casetable import units_filter
from tthc.stats.periods import vn_padded_date


def case_data_start(con: duckdb.DuckDBPyConnection, unit: str | Sequence[str]) -> date | None:
    """The first day from which the case lists of ``unit`` (every unit, for a roll-up) are
    complete: the earliest "Từ ngày …" among each unit's case exports, the latest of those
    across units. None when it cannot be told: a unit with no case export, or with one whose
    title names no range.

    Assumes a unit's exports leave no gap after their earliest start (an export's last day is
    its ``as_of``; gaps between exports are not detected here).
    """
    where, params = units_filter(unit)
    units = [unit] if isinstance(unit, str) else list(unit)
    rows = con.execute(
        f"""
        SELECT unit, bool_and(covers_from IS NOT NULL), min(covers_from)
        FROM ingests WHERE kind = 'cases' AND {where} GROUP BY unit
        """,
        params,
    ).fetchall()
    starts = {u: first for u, known, first in rows if known}
    if any(u not in starts for u in units):
        return None
    return max(starts.values())


def month_coverage(start: date, end: date, data_start: date | None) -> str:
    """'complete', 'partial' (the data begin inside the month), 'before_data' or 'unknown'."""
    if data_start is None:
        return "unknown"
    if end < data_start:
        return "before_data"
    return "partial" if start < data_start else "complete"


def covers(data_start: date | None, start: date) -> bool | None:
    """Whether the case data cover a window beginning on ``start``; None when unknown."""
    return None if data_start is None else data_start <= start


def coverage_notes(data_start: date | None, period_start: date, ytd_start: date) -> list[str]:
    """The notes a report must carry when its period or year-to-date window begins before the
    case data do (none when the data cover both, or when coverage is unknown)."""
    if data_start is None or (data_start <= ytd_start and data_start <= period_start):
        return []
    since = vn_padded_date(data_start)
    if data_start > period_start:
        return [
            f"Các tệp danh sách hồ sơ đã nạp chỉ bắt đầu từ ngày {since}, sau ngày đầu kỳ báo cáo "
            f"({vn_padded_date(period_start)}): số liệu của kỳ và lũy kế chưa đầy đủ; hãy nạp tệp xuất "
            "từ đầu kỳ (hoặc từ đầu năm)."
        ]
    return [
        f"Các tệp danh sách hồ sơ đã nạp chỉ bắt đầu từ ngày {since}: các số liệu lũy kế từ ngày "
        f"{vn_padded_date(ytd_start)} chỉ tính hồ sơ từ ngày {since}."
    ]
