"""Vietnamese working days (ngày làm việc) for the sample, 2025–2026.

Public servants work Monday to Friday. Public holidays (ngày nghỉ lễ, Tết) follow Bộ luật Lao
động 2019 Điều 112 and the yearly notices of Bộ Nội vụ, which also move single bridge days and
name a Saturday to make them up (làm bù). Deadlines of administrative procedures count working
days, so due dates (ngày hẹn trả) skip all of these.

Dates and their confidence:

- 2025: 1/1; Tết Ất Tỵ 25/1–2/2 (weekdays 27–31/1 off); Giỗ Tổ Hùng Vương 10/3 âm lịch = 7/4;
  30/4–1/5 with Friday 2/5 off, made up on Saturday 26/4; Quốc khánh 1/9–2/9. [H]
- 2026: 1/1 with Friday 2/1 off, made up on Saturday 10/1 (công văn 12729/VPCP-KGVX of
  25/12/2025) [H]; Tết Bính Ngọ (mùng 1 = 17/2) 14/2–22/2, weekdays 16–20/2 off (the nine-day
  break for public servants) [H]; Giỗ Tổ 10/3 âm lịch = Sunday 26/4, observed Monday 27/4 [H];
  30/4 and 1/5 (Thursday, Friday) [H]; Quốc khánh 2/9 plus the adjacent 1/9 [L: the second day
  was not yet announced]. Dates after mid-2026 matter only for the due dates of long
  procedures still open at the export.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, timedelta

HOLIDAYS: frozenset[date] = frozenset(
    [
        date(2025, 1, 1),
        *(date(2025, 1, d) for d in range(27, 32)),
        date(2025, 4, 7),
        date(2025, 4, 30),
        date(2025, 5, 1),
        date(2025, 5, 2),
        date(2025, 9, 1),
        date(2025, 9, 2),
        date(2026, 1, 1),
        date(2026, 1, 2),
        *(date(2026, 2, d) for d in range(16, 21)),
        date(2026, 4, 27),
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 9, 1),
        date(2026, 9, 2),
    ]
)

# Saturdays worked to make up a moved bridge day (ngày làm bù).
MAKE_UP_SATURDAYS: frozenset[date] = frozenset([date(2025, 4, 26), date(2026, 1, 10)])

FIRST_DAY = date(2025, 1, 1)
LAST_DAY = date(2026, 12, 31)


def is_working_day(day: date) -> bool:
    """A public servant's working day: Monday–Friday minus holidays, plus make-up Saturdays."""
    if day in MAKE_UP_SATURDAYS:
        return True
    return day.weekday() < 5 and day not in HOLIDAYS


class WorkCalendar:
    """Working days between FIRST_DAY and LAST_DAY, indexed for O(log n) arithmetic."""

    def __init__(self, first: date = FIRST_DAY, last: date = LAST_DAY) -> None:
        days = []
        day = first
        while day <= last:
            if is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        self.days: list[date] = days
        self._index = {d: i for i, d in enumerate(days)}

    def index(self, day: date) -> int:
        """Index of ``day``, which must be a working day."""
        return self._index[day]

    def index_on_or_after(self, day: date) -> int:
        """Index of the first working day on or after ``day``."""
        return bisect_left(self.days, day)

    def index_on_or_before(self, day: date) -> int:
        """Index of the last working day on or before ``day``."""
        i = bisect_left(self.days, day)
        return i if i < len(self.days) and self.days[i] == day else i - 1

    def add(self, day: date, n: int) -> date:
        """The working day ``n`` working days after the working day ``day``."""
        return self.days[self._index[day] + n]

    def between(self, first: date, last: date) -> list[date]:
        """Working days in [first, last]."""
        return self.days[self.index_on_or_after(first) : self.index_on_or_before(last) + 1]
