"""Which days the ingested exports cover, as facts a figure can be checked against.

A case list (danh sách hồ sơ) is exported over a reception window, "Từ ngày f đến ngày t" in its
title (``ingests.covers_from``, ``ingests.covers_to``), at an export time x (``ingests.as_of``,
``as_of_source`` says where it came from). Such a list holds every case received in [f, t] and
every case still open on f (the sample lists the 2025 cases open on 01/01/2026), each in its
state at x. So, per unit and kind (cases, PAKN):

- a list covers the days [f, min(t, the last whole day before x)] (a list exported at 08:00 on
  15/06 cannot hold 15/06's cases); that is its *effective range*;
- the *covered days* are the union of the effective ranges, merged into *segments* when they
  touch; the days between segments are *gaps*;
- which cases were **received** over a window is known when the window lies inside one segment;
- a list *tracks* its cases up to its export time, and further when a later list takes them
  over: a list M exported later that starts no later than L's export time (so M lists every case
  of L still open then) and whose range reaches at least as far as L's tracks them up to M's own
  tracking time (:attr:`UnitCoverage.tracked_until`). Monthly lists "15/5–14/6" exported on
  15/6 hand their open cases on to the next month's list this way. A list (with a range or
  not) that holds open cases and is tracked only to some moment makes every state after it
  unknown: its cases would read as still open then (:meth:`UnitCoverage.stale`);
- which cases were **open at the start of a day** d (carried over into a period starting on d,
  in progress at the end of the day before) is known when the lists tracked to d or later form a
  segment that starts on or before d and reaches d − 1 (or starts on d): every case received in
  it is listed, every older case still open was open at its start and is listed too;
- what happened **during** a window [s, e] (resolved, withdrawn, on time or late) is known when
  the lists tracked past the end of e form one segment holding [s, e].

Where ``as_of`` came from decides how far the export time is trusted (conservative reading):
``title`` is the export time (or the end of the title's range when it names no export time: the
list claims the state at that day's end); ``data`` (no date in the title) is the latest date
inside the file, a lower bound of the real export time, so it is used as is; ``ingest_time``
(no date anywhere) gives no export time at all: the list tells no state, and its range is cut at
the day before the ingest. A list whose title names no range ("Từ ngày …") covers nothing that can
be told: a window then reads "không rõ phạm vi". A roll-up of several units knows a fact only when
every unit knows it (the intersection of the units' coverage).

A catalogue (danh mục TTHC) snapshot covers the day it was taken and after, until the next one:
:func:`tthc.stats.figures.catalogue_snapshot` picks it, and a period ending before the earliest
snapshot has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from itertools import pairwise

import duckdb

from tthc.stats.casetable import units_filter
from tthc.stats.periods import (
    Period,
    PeriodError,
    last_complete_period,
    vn_padded_date,
    vn_today,
)

ONE_DAY = timedelta(days=1)
Span = tuple[date, date]  # both days inclusive

# What a kind's records are called in a reason ("thiếu dữ liệu hồ sơ từ …").
NOUNS = {"cases": "hồ sơ", "pakn": "phản ánh, kiến nghị"}
LIST_NOUNS = {"cases": "danh sách hồ sơ", "pakn": "danh sách phản ánh, kiến nghị"}


def _start(d: date) -> datetime:
    return datetime.combine(d, time.min)


def last_whole_day(moment: datetime) -> date:
    """The last day a list taken at ``moment`` holds entirely: that day when taken at its very
    end (23:59:59, a date without a time), else the day before."""
    return moment.date() if moment.time() >= time(23, 59, 59) else moment.date() - ONE_DAY


@dataclass(frozen=True)
class ExportList:
    """One ingested list (a row of ``ingests``) as coverage sees it."""

    unit: str
    kind: str
    file_name: str
    covers_from: date | None
    covers_to: date | None
    as_of: datetime | None
    as_of_source: str | None
    ingested_at: datetime
    # Records whose stored state comes from this list and that are open in it (not finished
    # when it was taken): stale after its tracking ends unless a later list lists them again.
    open_records: int = 0

    @property
    def export_time(self) -> datetime | None:
        """Up to when the list tells its records' states; None when unknown (``ingest_time``)."""
        if self.as_of_source == "ingest_time" or self.as_of is None:
            return None
        return self.as_of

    @cached_property
    def effective(self) -> Span | None:
        """The days the list holds entirely, or None (no range in its title, or none left)."""
        if self.covers_from is None:
            return None
        moment = self.export_time or self.ingested_at
        last = last_whole_day(moment)
        if self.export_time is None:  # only an upper bound of the export time is known
            last = min(last, self.ingested_at.date() - ONE_DAY)
        if self.covers_to is not None:
            last = min(last, self.covers_to)
        return (self.covers_from, last) if last >= self.covers_from else None

    @property
    def last_listed_day(self) -> date | None:
        """The last reception day the list may hold: its effective range's end, or for a list
        without a range the day it was taken."""
        eff = self.effective
        if eff is not None:
            return eff[1]
        return self.export_time.date() if self.export_time is not None else None

    def to_json(self) -> dict[str, object]:
        eff = self.effective
        return {
            "unit": self.unit,
            "file_name": self.file_name,
            "covers_from": self.covers_from.isoformat() if self.covers_from else None,
            "covers_to": self.covers_to.isoformat() if self.covers_to else None,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "as_of_source": self.as_of_source,
            "effective": [eff[0].isoformat(), eff[1].isoformat()] if eff else None,
        }


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted, merged spans; two spans merge when they overlap or touch (end + 1 day = start)."""
    out: list[Span] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + ONE_DAY:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def intersect(spans: Sequence[Span], start: date, end: date) -> list[Span]:
    """The parts of ``spans`` inside [start, end]."""
    out = []
    for a, b in spans:
        lo, hi = max(a, start), min(b, end)
        if lo <= hi:
            out.append((lo, hi))
    return out


def subtract(start: date, end: date, spans: Sequence[Span]) -> list[Span]:
    """The days of [start, end] outside ``spans`` (merged), as spans."""
    out = []
    cursor = start
    for a, b in merge(spans):
        if b < cursor:
            continue
        if a > end:
            break
        if a > cursor:
            out.append((cursor, min(a - ONE_DAY, end)))
        cursor = max(cursor, b + ONE_DAY)
        if cursor > end:
            break
    if cursor <= end:
        out.append((cursor, end))
    return out


def spans_phrase(spans: Sequence[Span]) -> str:
    """'từ 01/01/2026 đến 14/06/2026' (several joined by 'và'); a single day 'ngày 01/01/2026'."""
    parts = [
        f"ngày {vn_padded_date(a)}" if a == b else f"từ {vn_padded_date(a)} đến {vn_padded_date(b)}"
        for a, b in spans
    ]
    return " và ".join(parts)


def _moment_phrase(x: datetime) -> str:
    if x.time() >= time(23, 59, 59):
        return f"hết ngày {vn_padded_date(x.date())}"
    return f"{x:%H:%M} ngày {vn_padded_date(x.date())}"


@dataclass(frozen=True)
class UnitCoverage:
    """The coverage of one unit's lists of one kind ('cases' or 'pakn')."""

    unit: str
    kind: str
    lists: tuple[ExportList, ...]

    @property
    def ranged(self) -> list[ExportList]:
        return [x for x in self.lists if x.effective is not None]

    @cached_property
    def tracked_until(self) -> dict[int, datetime | None]:
        """Per list (index in :attr:`lists`), up to when the state of every case it lists is
        known: its export time, or a later list's when that one takes its open cases over (it
        starts no later than the first list was taken, so it lists every case still open then,
        and reaches at least as far). None: no export time."""
        lists = self.lists
        order = sorted(
            range(len(lists)), key=lambda i: lists[i].export_time or datetime.min, reverse=True
        )
        out: dict[int, datetime | None] = {}
        for i in order:  # later exports first: what they are tracked to is already known
            x, last = lists[i].export_time, lists[i].last_listed_day
            best = x
            if x is not None and last is not None:
                for j, until in out.items():
                    m, m_eff = lists[j], lists[j].effective
                    if (
                        until is not None
                        and m_eff is not None
                        and m.export_time is not None
                        and m.export_time > x
                        # open at x means open at 00:00 of the next day as well
                        and _start(m_eff[0]) <= x + timedelta(seconds=1)
                        and (m_eff[0] > last or m_eff[1] >= last)
                        and (best is None or until > best)
                    ):
                        best = until
            out[i] = best
        return out

    def stale(self, moment: datetime) -> list[ExportList]:
        """Lists holding open cases whose state at ``moment`` nobody tells: taken before it and
        not taken over by a later list. Their cases read as still open then, maybe wrongly."""
        return [
            x
            for i, x in enumerate(self.lists)
            if x.open_records and (self.tracked_until[i] is None or self.tracked_until[i] < moment)
        ]

    def segments(self, tracked_to: datetime | None = None) -> list[Span]:
        """Covered days of the lists whose cases are tracked to ``tracked_to`` or later (of
        every list when None)."""
        found = self._segments.get(tracked_to)
        if found is None:
            found = self._segments[tracked_to] = self._compute_segments(tracked_to)
        return list(found)

    @cached_property
    def _segments(self) -> dict[datetime | None, list[Span]]:
        return {}  # memo of segments(): the lists never change

    def _compute_segments(self, tracked_to: datetime | None) -> list[Span]:
        spans = []
        for i, x in enumerate(self.lists):
            if x.effective is None:
                continue
            if tracked_to is not None:
                until = self.tracked_until[i]
                if until is None or until < tracked_to:
                    continue
            spans.append(x.effective)
        return merge(spans)

    @property
    def covered(self) -> list[Span]:
        return self.segments()

    @property
    def gaps(self) -> list[Span]:
        seg = self.covered
        return [(a[1] + ONE_DAY, b[0] - ONE_DAY) for a, b in pairwise(seg)]

    @property
    def latest_export(self) -> datetime | None:
        times = [x.export_time for x in self.ranged if x.export_time is not None]
        return max(times) if times else None

    # --- facts ---------------------------------------------------------------------------------

    def received(self, start: date, end: date) -> bool:
        """The records received on every day of [start, end] are all listed."""
        return any(a <= start and end <= b for a, b in self.covered)

    def open_at(self, day: date) -> bool:
        """The records open at 00:00 on ``day`` are all listed, in their state at that moment."""
        moment = _start(day)
        return not self.stale(moment) and any(
            a <= day <= b + ONE_DAY for a, b in self.segments(moment)
        )

    def during(self, start: date, end: date) -> bool:
        """Everything that happened to the records during [start, end] is known."""
        moment = _start(end + ONE_DAY)
        return not self.stale(moment) and any(
            a <= start and end <= b for a, b in self.segments(moment)
        )

    # --- why a fact does not hold ---------------------------------------------------------------

    def _unknown(self) -> str | None:
        if not self.lists:
            return f"chưa nạp {LIST_NOUNS[self.kind]}"
        if not self.ranged:
            return (
                f"không rõ phạm vi ngày của {LIST_NOUNS[self.kind]} đã nạp (tiêu đề tệp không ghi "
                "“Từ ngày … đến ngày …”)"
            )
        return None

    def _missing(self, start: date, end: date, spans: Sequence[Span]) -> str | None:
        miss = subtract(start, end, spans)
        if not miss:
            return None
        return f"thiếu dữ liệu {NOUNS[self.kind]} {spans_phrase(miss)}"

    def _why_stale(self, moment: datetime) -> str | None:
        stale = self.stale(moment)
        if not stale:
            return None
        x = stale[0]
        when = f" xuất lúc {_moment_phrase(x.export_time)}" if x.export_time else ""
        return (
            f"chưa rõ tình trạng của {x.open_records} {NOUNS[self.kind]} còn mở trong tệp "
            f"{x.file_name}{when}: không có danh sách nào xuất sau đó liệt kê lại"
        )

    def _too_early(self, day: date) -> str:
        latest = self.latest_export
        if latest is None:
            return f"không rõ thời điểm xuất {LIST_NOUNS[self.kind]}"
        return (
            f"{LIST_NOUNS[self.kind]} mới nhất xuất lúc {_moment_phrase(latest)}, "
            f"trước khi hết ngày {vn_padded_date(day)}"
        )

    def why_not_received(self, start: date, end: date) -> str | None:
        if self.received(start, end):
            return None
        return self._unknown() or self._missing(start, end, self.covered) or ""

    def why_not_open_at(self, day: date) -> str | None:
        if self.open_at(day):
            return None
        unknown = self._unknown()
        if unknown:
            return unknown
        first = self.covered[0][0]
        if day < first:
            return f"{LIST_NOUNS[self.kind]} chỉ có từ ngày {vn_padded_date(first)}"
        if day > first:
            # The gap nearest the day: the cases received then and still open are unknown.
            miss = subtract(first, day - ONE_DAY, self.covered)
            if miss:
                return f"thiếu dữ liệu {NOUNS[self.kind]} {spans_phrase(miss[-1:])}"
        return self._why_stale(_start(day)) or self._too_early(day - ONE_DAY)

    def why_not_during(self, start: date, end: date) -> str | None:
        if self.during(start, end):
            return None
        unknown = self._unknown()
        if unknown:
            return unknown
        missing = self._missing(start, end, self.covered)
        if missing:
            return missing
        stale = self._why_stale(_start(end + ONE_DAY))
        if stale:
            return stale
        untracked = subtract(start, end, self.segments(_start(end + ONE_DAY)))
        if untracked and self.latest_export is not None:
            return (
                f"chưa rõ tình trạng đến hết ngày {vn_padded_date(end)} của {NOUNS[self.kind]} "
                f"tiếp nhận {spans_phrase(untracked)}: {LIST_NOUNS[self.kind]} có các ngày này "
                "xuất trước đó"
            )
        return self._too_early(end)

    def to_json(self) -> dict[str, object]:
        return {
            "covered": [[a.isoformat(), b.isoformat()] for a, b in self.covered],
            "gaps": [[a.isoformat(), b.isoformat()] for a, b in self.gaps],
            "latest_export": self.latest_export.isoformat() if self.latest_export else None,
            "lists": [x.to_json() for x in self.lists],
            "lists_without_range": len(self.lists) - len(self.ranged),
        }


@dataclass(frozen=True)
class Coverage:
    """One kind's coverage for one unit or a roll-up: a fact holds when it holds for every unit;
    the covered days are the days every unit covers."""

    kind: str
    units: tuple[UnitCoverage, ...]

    @property
    def covered(self) -> list[Span]:
        spans = self.units[0].covered
        for u in self.units[1:]:
            spans = [piece for a, b in u.covered for piece in intersect(spans, a, b)]
        return merge(spans)

    def covered_in(self, start: date, end: date) -> list[Span]:
        return intersect(self.covered, start, end)

    def received(self, start: date, end: date) -> bool:
        return all(u.received(start, end) for u in self.units)

    def open_at(self, day: date) -> bool:
        return all(u.open_at(day) for u in self.units)

    def during(self, start: date, end: date) -> bool:
        return all(u.during(start, end) for u in self.units)

    def _first_reason(self, reasons: list[tuple[str, str | None]]) -> str | None:
        for unit, reason in reasons:
            if reason is not None:
                return f"{unit}: {reason}" if len(self.units) > 1 else reason
        return None

    def why_not_received(self, start: date, end: date) -> str | None:
        return self._first_reason([(u.unit, u.why_not_received(start, end)) for u in self.units])

    def why_not_open_at(self, day: date) -> str | None:
        return self._first_reason([(u.unit, u.why_not_open_at(day)) for u in self.units])

    def why_not_during(self, start: date, end: date) -> str | None:
        return self._first_reason([(u.unit, u.why_not_during(start, end)) for u in self.units])

    def phrase(self) -> str:
        """'danh sách hồ sơ có số liệu từ 01/01/2026 đến 14/06/2026 (xuất lúc 08:00 ngày
        15/06/2026)', or why nothing can be told."""
        for u in self.units:
            unknown = u._unknown()
            if unknown:
                return f"{u.unit}: {unknown}" if len(self.units) > 1 else unknown
        covered = self.covered
        if not covered:
            return f"{LIST_NOUNS[self.kind]} của các đơn vị không có ngày chung"
        out = f"{LIST_NOUNS[self.kind]} có số liệu {spans_phrase(covered)}"
        latest = [u.latest_export for u in self.units]
        if len(self.units) == 1 and latest[0] is not None:
            out += f" (xuất lúc {_moment_phrase(latest[0])})"
        return out

    def to_json(self) -> dict[str, object]:
        if len(self.units) == 1:
            return self.units[0].to_json()
        return {
            "covered": [[a.isoformat(), b.isoformat()] for a, b in self.covered],
            "units": {u.unit: u.to_json() for u in self.units},
        }


def load_lists(
    con: duckdb.DuckDBPyConnection, unit: str | Sequence[str], kind: str
) -> list[ExportList]:
    """The ingested lists of ``kind`` of ``unit`` (every unit of a roll-up), in ingest order."""
    where, params = units_filter(unit)
    table, still_open = _OPEN[kind]
    rows = con.execute(
        f"""
        WITH open AS (
            SELECT ingest_id, count(*) AS n FROM {table} WHERE {where} AND {still_open}
            GROUP BY ingest_id
        )
        SELECT i.unit, i.kind, i.file_name, i.covers_from, i.covers_to, i.as_of, i.as_of_source,
               i.ingested_at, coalesce(open.n, 0)
        FROM ingests i LEFT JOIN open ON open.ingest_id = i.ingest_id
        WHERE i.kind = ? AND i.{where} ORDER BY i.ingest_id
        """,
        [*params, kind, *params],
    ).fetchall()
    return [ExportList(*row) for row in rows]


# Per kind: the table of its records and what "still open in the list that set its state" means
# (a case ended without an end date stays in progress in the statistics, so it counts too).
_OPEN = {
    "cases": (
        "cases",
        "outcome <> 'not_received' AND (outcome = 'pending' OR ended_at IS NULL)",
    ),
    "pakn": ("pakn", "handled_at IS NULL"),
}


def load_coverage(
    con: duckdb.DuckDBPyConnection, unit: str | Sequence[str], kind: str = "cases"
) -> Coverage:
    """The coverage of ``unit``'s lists of ``kind`` ('cases' or 'pakn'); a roll-up for several."""
    units = [unit] if isinstance(unit, str) else list(dict.fromkeys(unit))
    each = load_coverages(con, units, kind)
    return Coverage(kind, tuple(each[u].units[0] for u in units))


def load_coverages(
    con: duckdb.DuckDBPyConnection, units: Sequence[str], kind: str = "cases"
) -> dict[str, Coverage]:
    """Each unit's own coverage of ``kind`` (unit -> :class:`Coverage` of that unit alone), from
    one query for all of them."""
    units = list(dict.fromkeys(units))
    by_unit: dict[str, list[ExportList]] = {u: [] for u in units}
    for x in load_lists(con, units, kind):
        by_unit[x.unit].append(x)
    return {u: Coverage(kind, (UnitCoverage(u, kind, tuple(by_unit[u])),)) for u in units}


def case_data_start(con: duckdb.DuckDBPyConnection, unit: str | Sequence[str]) -> date | None:
    """The first day the case lists of ``unit`` cover (for a roll-up, the first day every unit
    covers); None when no list names a range."""
    covered = load_coverage(con, unit, "cases").covered
    return covered[0][0] if covered else None


def default_month(
    con: duckdb.DuckDBPyConnection, unit: str, rule: str, today: date | None = None
) -> Period:
    """The period ``tthc report`` and ``tthc stats`` make when none is given:
    :func:`last_covered_month` of the unit's case lists (``today``: Vietnam's date by default).
    Raises :class:`~tthc.stats.periods.PeriodError` (one Vietnamese line) when there is none."""
    coverage = load_coverage(con, unit, "cases")
    period = last_covered_month(coverage, rule, today or vn_today())
    if period is None:
        raise PeriodError(
            f"Không có kỳ tháng nào đã khóa số liệu mà dữ liệu của đơn vị '{unit}' bao phủ trọn "
            f"vẹn ({coverage.phrase()}): hãy nạp danh sách hồ sơ hoặc chọn kỳ bằng --month."
        )
    return period


def default_month_line(unit: str, period: Period) -> str:
    """The first line printed when the period was not given: which one was taken, and why."""
    return (
        f"Kỳ báo cáo của {unit}: {period.title_phrase} ({period.range_phrase.lower()}), kỳ gần "
        "nhất đã khóa số liệu mà dữ liệu đã nạp bao phủ trọn vẹn (không chọn --month)."
    )


def last_covered_month(coverage: Coverage, rule: str, today: date) -> Period | None:
    """The latest monthly period (under ``rule``) that has closed before ``today`` and whose
    every case the lists tell (received, and what happened to them, to its last day); None when
    no closed month is covered. This is the default period of ``tthc report`` and ``tthc stats``.
    """
    covered = coverage.covered
    if not covered:
        return None
    first = covered[0][0]
    period = last_complete_period(today, rule)
    while period.end >= first:
        if coverage.during(period.start, period.end):
            return period
        period = period.previous()
    return None
