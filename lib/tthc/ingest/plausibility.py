"""Whether a parsed date can be true: one rule set for every kind of export.

A date that parses is not yet a fact. Seen in real files: years 1900 and 9999, a reception
after the export was taken, an end or a return before the reception, a due date before the
reception, and one 2099 date that made every later export look older. Each rule below rejects
the row with the rule and the values named; nothing is corrected.

The rules use what the file says about itself (:class:`FileWindow`):

- every date is on or after :data:`EARLIEST` (no one-stop system predates 2000);
- reception, end, return and handling happen no later than the moment the file describes: the
  export time in its title ("Ngày xuất: 15/06/2026 08:00", "Tính đến ngày …"), else the time of
  ingest, plus :data:`TOLERANCE` (servers' clocks and date-only titles);
- a list "Từ ngày f đến ngày t" holds cases received by ``t`` (a later reception is not in that
  list), and cases received before ``f`` only while still open at ``f`` (carried over: the
  sample lists the 2025 cases still open on 01/01/2026);
- a due date (ngày hẹn trả, or its extension) is not before the reception day, and not more
  than :data:`DUE_HORIZON` after the file's moment;
- an end (kết thúc xử lý), a return (trả kết quả) or a handling (PAKN) is not before the
  reception.

And one rule for a whole case list (:func:`check_receptions_reach_end`): a list whose range
says it holds every case received up to a day, but whose receptions stop long before that day
at a pace that makes the silence impossible, was cut off (a copy or a download that stopped at a
line break); its range would vouch for days it does not hold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tthc.errors import InputFileError
from tthc.ingest.values import lit

EARLIEST = dt.datetime(2000, 1, 1)
TOLERANCE = dt.timedelta(days=1)
DUE_HORIZON = dt.timedelta(days=3 * 366)
_FMT = "'%d/%m/%Y %H:%M'"
_DAY = "'%d/%m/%Y'"


@dataclass(frozen=True)
class FileWindow:
    """What a file says about the span it describes."""

    covers_from: dt.date | None  # "Từ ngày …"
    covers_to: dt.date | None  # "… đến ngày …"
    export_time: dt.datetime | None  # "Ngày xuất …", "Tính đến …"
    ingest_time: dt.datetime

    @property
    def moment(self) -> dt.datetime:
        """The latest time any event in the file can have happened."""
        return self.export_time or self.ingest_time

    def describe_moment(self) -> str:
        when = self.moment.strftime("%d/%m/%Y %H:%M")
        return f"thời điểm xuất tệp ({when})" if self.export_time else f"thời điểm nạp ({when})"


def _ts(value: dt.datetime) -> str:
    return f"TIMESTAMP '{value:%Y-%m-%d %H:%M:%S}'"


def _show(col: str) -> str:
    return f"strftime({col}, {_FMT})"


def _event_rules(window: FileWindow, events: dict[str, str]) -> list[tuple[str, str]]:
    latest = _ts(window.moment + TOLERANCE)
    rules = []
    for col, label in events.items():
        rules.append(
            (
                f"{col} < {_ts(EARLIEST)}",
                f"{lit(label + ' (')} || {_show(col)} || ') trước năm 2000: không hợp lý'",
            )
        )
        rules.append(
            (
                f"{col} > {latest}",
                f"{lit(label + ' (')} || {_show(col)} || {lit(') sau ' + window.describe_moment())}",
            )
        )
    return rules


def _due_rules(window: FileWindow, due: str, received: str, label: str) -> list[tuple[str, str]]:
    horizon = _ts(window.moment + DUE_HORIZON)
    return [
        (
            f"{due} < {_ts(EARLIEST)} OR {due} > {horizon}",
            f"{lit(label + ' (')} || {_show(due)} || ') không hợp lý'",
        ),
        (
            f"CAST({due} AS DATE) < CAST({received} AS DATE)",
            f"{lit(label + ' (')} || strftime({due}, {_DAY}) || ') trước ngày tiếp nhận (' "
            f"|| strftime({received}, {_DAY}) || ')'",
        ),
    ]


def _window_rules(window: FileWindow, received: str, ended: str) -> list[tuple[str, str]]:
    rules = []
    if window.covers_to is not None:
        last = window.covers_to
        rules.append(
            (
                f"CAST({received} AS DATE) > DATE '{last:%Y-%m-%d}'",
                f"'Ngày tiếp nhận (' || {_show(received)} || {lit(f') sau ngày cuối của danh sách ({last:%d/%m/%Y})')}",
            )
        )
    if window.covers_from is not None:
        first = window.covers_from
        rules.append(
            (
                f"CAST({received} AS DATE) < DATE '{first:%Y-%m-%d}' AND {ended} IS NOT NULL "
                f"AND CAST({ended} AS DATE) < DATE '{first:%Y-%m-%d}'",
                f"'Hồ sơ tiếp nhận (' || strftime({received}, {_DAY}) || ') và kết thúc (' || "
                f"strftime({ended}, {_DAY}) || {lit(f') trước ngày đầu của danh sách ({first:%d/%m/%Y}): không thuộc danh sách này')}",
            )
        )
    return rules


def _order_rules(received: str, later: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (
            f"{col} < {received}",
            f"{lit(label + ' (')} || {_show(col)} || ') trước ngày tiếp nhận (' || "
            f"{_show(received)} || ')'",
        )
        for col, label in later.items()
    ]


def case_rules(window: FileWindow) -> list[tuple[str, str]]:
    """(condition, reason) pairs over staged case columns, in the order they are checked."""
    return (
        _event_rules(
            window,
            {
                "received_at": "Ngày tiếp nhận",
                "ended_at": "Ngày kết thúc xử lý",
                "returned_at": "Ngày trả kết quả",
            },
        )
        + _order_rules(
            "received_at", {"ended_at": "Ngày kết thúc xử lý", "returned_at": "Ngày trả kết quả"}
        )
        + _due_rules(window, "due_at", "received_at", "Ngày hẹn trả")
        + _window_rules(window, "received_at", "ended_at")
    )


def pakn_rules(window: FileWindow) -> list[tuple[str, str]]:
    """(condition, reason) pairs over staged PAKN columns."""
    return (
        _event_rules(window, {"received_at": "Ngày tiếp nhận", "handled_at": "Ngày xử lý"})
        + _order_rules("received_at", {"handled_at": "Ngày xử lý"})
        + _due_rules(window, "due_at", "received_at", "Hạn xử lý")
    )


def reject_sql(rules: list[tuple[str, str]]) -> str:
    """A CASE naming the first rule a row breaks (NULL when it breaks none)."""
    if not rules:
        return "NULL::VARCHAR"
    branches = " ".join(f"WHEN {cond} THEN {reason}" for cond, reason in rules)
    return f"CASE {branches} END"


# A case list's last reception may fall this many days before the end of its range whatever the
# pace (Tết closes offices for up to about ten days; online receptions go on over it).
GAP_DAYS = 14
# ... and when the list's own pace would have put at least this many receptions in the days
# after it, it was cut: for a Poisson count, P(0 | 20) = e^-20, about 2e-9.
GAP_EXPECTED = 20


def check_receptions_reach_end(con, window: FileWindow, file_name: str) -> None:
    """Refuse a case list (``_stg``, staged) whose receptions stop :data:`GAP_DAYS` or more
    before the last day its range vouches for, while its own pace over the days it does hold
    (receptions per calendar day since the range's start) puts :data:`GAP_EXPECTED` or more in
    the days missing. Raises :class:`~tthc.errors.InputFileError`.

    The range vouches for days only when the title gives its start (``covers_from``,
    :mod:`tthc.stats.coverage`); its end is the title's "đến ngày", or the export day.
    """
    if window.covers_from is None:
        return
    ends = [d for d in (window.covers_to, window.export_time and window.export_time.date()) if d]
    if not ends:
        return
    end = min(ends)
    last, n = con.execute(
        "SELECT max(received_at)::DATE, count(*) FROM _stg "
        "WHERE _reject IS NULL AND received_at::DATE BETWEEN ? AND ?",
        [window.covers_from, end],
    ).fetchone()
    if last is None:
        return
    gap = (end - last).days
    held = (last - window.covers_from).days + 1
    expected = n * gap / held
    if gap < GAP_DAYS or expected < GAP_EXPECTED:
        return
    from tthc.stats.numbers import format_count, format_decimal
    from tthc.stats.profile import NumberFormat

    pace = format_decimal(n / held, NumberFormat(), 1)
    raise InputFileError(
        f"Tệp {file_name} ghi danh sách hồ sơ tiếp nhận đến ngày {end:%d/%m/%Y} nhưng hồ sơ tiếp "
        f"nhận sau cùng là ngày {last:%d/%m/%Y}: {gap} ngày cuối không có hồ sơ nào, trong khi "
        f"theo nhịp của chính tệp (khoảng {pace} hồ sơ mỗi ngày) phải có khoảng "
        f"{format_count(round(expected), NumberFormat())} hồ sơ. Tệp có thể đã bị cắt bớt khi "
        "chép, tải về hoặc lọc: hãy xuất lại đủ danh sách rồi nạp lại."
    )
