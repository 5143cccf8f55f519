"""Reporting periods (kỳ báo cáo) and the Vietnamese phrases that name them.

Nghị định 09/2019/NĐ-CP Điều 12 fixes the data cut-off ("thời gian chốt số liệu"): a monthly
report for month M covers the 15th of M−1 to the 14th of M, and the quarter, half-year, 9-month
and annual windows are unions of those months (domain.md §2). Real reports also use the calendar
month and the 21st-to-20th window, so the rule is a setting (``nd09`` | ``calendar`` | ``day21``).

Every window is a pair of local calendar dates, both inclusive. SQL uses the half-open bound
``[start_ts, end_excl_ts)`` so that a case received at 23:59:59.5 on the last day still counts and
one received at 00:00 the next day does not, whatever the timestamp precision.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING

from tthc.errors import TthcError

if TYPE_CHECKING:  # pragma: no cover
    from tthc.stats.profile import Profile

RULES = ("nd09", "calendar", "day21")
KINDS = ("month", "quarter", "half", "nine_months", "year", "custom")

# Day of month M−1 on which month M's window starts, for rules that straddle two months.
_STRADDLE_DAY = {"nd09": 15, "day21": 21}

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodError(TthcError):
    """A period given on the command line or in params is malformed or impossible."""


@dataclass(frozen=True)
class Period:
    """A reporting window ``[start, end]`` (local dates, both inclusive).

    ``number`` is the month (1–12), quarter (1–4) or half (1–2); ``None`` for 9 months, year and
    custom windows. ``rule`` is the period rule that produced it, so that :meth:`next` and
    :meth:`previous` stay on the same rule.
    """

    start: date
    end: date
    kind: str
    year: int
    number: int | None
    rule: str = "nd09"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise PeriodError(f"Loại kỳ '{self.kind}' không hợp lệ.")
        if self.rule not in RULES:
            raise PeriodError(f"Quy tắc kỳ '{self.rule}' không hợp lệ (cần một trong {RULES}).")
        if self.end < self.start:
            raise PeriodError(
                f"Kỳ báo cáo không hợp lệ: ngày kết thúc {vn_date(self.end)} "
                f"trước ngày bắt đầu {vn_date(self.start)}."
            )

    # --- names -----------------------------------------------------------------------------

    @property
    def key(self) -> str:
        """Stable short key: '2026-06', '2026-Q2', '2026-H1', '2026-9M', '2026', or the two dates."""
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        if self.kind == "half":
            return f"{self.year}-H{self.number}"
        if self.kind == "nine_months":
            return f"{self.year}-9M"
        if self.kind == "year":
            return str(self.year)
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    @property
    def title_phrase(self) -> str:
        """How the report's title names the period: 'tháng 6 năm 2026', 'quý II năm 2026', …"""
        if self.kind == "month":
            return f"tháng {self.number} năm {self.year}"
        if self.kind == "quarter":
            return f"quý {_ROMAN[self.number or 1]} năm {self.year}"
        if self.kind == "half":
            which = "đầu" if self.number == 1 else "cuối"
            return f"6 tháng {which} năm {self.year}"
        if self.kind == "nine_months":
            return f"9 tháng năm {self.year}"
        if self.kind == "year":
            return f"năm {self.year}"
        return f"từ ngày {vn_date(self.start)} đến ngày {vn_date(self.end)}"

    @property
    def range_phrase(self) -> str:
        """The bracketed window under the title: 'Từ ngày 15/5/2026 đến 14/6/2026'."""
        return f"Từ ngày {vn_date(self.start)} đến {vn_date(self.end)}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    # --- bounds ------------------------------------------------------------------------------

    @property
    def start_ts(self) -> datetime:
        """00:00 on the first day (inclusive)."""
        return datetime.combine(self.start, time.min)

    @property
    def end_ts(self) -> datetime:
        """23:59:59.999999 on the last day (inclusive); SQL uses :attr:`end_excl_ts`."""
        return datetime.combine(self.end, time.max)

    @property
    def end_excl_ts(self) -> datetime:
        """00:00 on the day after the last day: the exclusive upper bound used in SQL."""
        return datetime.combine(self.end + timedelta(days=1), time.min)

    # --- navigation --------------------------------------------------------------------------

    def next(self) -> Period:
        """The following period of the same kind and rule (section III names the next month)."""
        return self._shift(+1)

    def previous(self) -> Period:
        """The preceding period of the same kind and rule."""
        return self._shift(-1)

    def same_period_last_year(self) -> Period:
        """The same period one year earlier (29/2 maps to 28/2 for custom windows)."""
        if self.kind == "custom":
            return custom_period(_minus_year(self.start), _minus_year(self.end), rule=self.rule)
        return _build(self.kind, self.year - 1, self.number, self.rule)

    def _shift(self, step: int) -> Period:
        if self.kind == "month":
            y, m = divmod((self.year * 12 + (self.number or 1) - 1) + step, 12)
            return month_period(y, m + 1, self.rule)
        if self.kind == "quarter":
            y, q = divmod((self.year * 4 + (self.number or 1) - 1) + step, 4)
            return quarter_period(y, q + 1, self.rule)
        if self.kind == "half":
            y, h = divmod((self.year * 2 + (self.number or 1) - 1) + step, 2)
            return half_year_period(y, h + 1, self.rule)
        if self.kind in ("nine_months", "year"):
            return _build(self.kind, self.year + step, None, self.rule)
        length = timedelta(days=self.days)
        return custom_period(self.start + step * length, self.end + step * length, rule=self.rule)

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    def with_rule(self, rule: str) -> Period:
        """The same named period under another period rule ('tháng 6' is 15/5–14/6 under nd09,
        1/6–30/6 under calendar); a from/to window keeps its dates."""
        if rule == self.rule:
            return self
        if self.kind == "custom":
            return custom_period(self.start, self.end, rule=rule)
        return _build(self.kind, self.year, self.number, rule)


# --- constructors -------------------------------------------------------------------------------


def _check_rule(rule: str) -> None:
    if rule not in RULES:
        raise PeriodError(f"Quy tắc kỳ '{rule}' không hợp lệ (cần một trong {', '.join(RULES)}).")


def _month_window(year: int, month: int, rule: str) -> tuple[date, date]:
    _check_rule(rule)
    if not 1 <= month <= 12:
        raise PeriodError(f"Tháng {month} không hợp lệ (1–12).")
    if rule == "calendar":
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    day = _STRADDLE_DAY[rule]
    py, pm = (year - 1, 12) if month == 1 else (year, month - 1)
    return date(py, pm, day), date(year, month, day - 1)


def month_period(year: int, month: int, rule: str = "nd09") -> Period:
    """Monthly report of month ``month``: nd09 15/(M−1)–14/M; calendar 1–end; day21 21/(M−1)–20/M."""
    start, end = _month_window(year, month, rule)
    return Period(start, end, "month", year, month, rule)


def _months_window(year: int, first: int, last: int, rule: str) -> tuple[date, date]:
    return _month_window(year, first, rule)[0], _month_window(year, last, rule)[1]


def quarter_period(year: int, quarter: int, rule: str = "nd09") -> Period:
    """Quarter ``quarter``: the union of its three monthly windows (nd09: 15/12–14/3 for Q1)."""
    if not 1 <= quarter <= 4:
        raise PeriodError(f"Quý {quarter} không hợp lệ (1–4).")
    start, end = _months_window(year, 3 * quarter - 2, 3 * quarter, rule)
    return Period(start, end, "quarter", year, quarter, rule)


def half_year_period(year: int, half: int = 1, rule: str = "nd09") -> Period:
    """First (15/12 of the previous year – 14/6 under nd09) or second half-year."""
    if half not in (1, 2):
        raise PeriodError(f"Nửa năm {half} không hợp lệ (1 hoặc 2).")
    start, end = _months_window(year, 6 * half - 5, 6 * half, rule)
    return Period(start, end, "half", year, half, rule)


def nine_months_period(year: int, rule: str = "nd09") -> Period:
    """Nine months (provincial add-on): 15/12 of the previous year – 14/9 under nd09."""
    start, end = _months_window(year, 1, 9, rule)
    return Period(start, end, "nine_months", year, None, rule)


def year_period(year: int, rule: str = "nd09") -> Period:
    """Annual report: 15/12 of the previous year – 14/12 under nd09; 1/1–31/12 under calendar."""
    start, end = _months_window(year, 1, 12, rule)
    return Period(start, end, "year", year, None, rule)


def custom_period(start: date, end: date, rule: str = "nd09") -> Period:
    """Any from/to window (both inclusive). ``rule`` only matters for the YTD start."""
    return Period(start, end, "custom", end.year, None, rule)


def _build(kind: str, year: int, number: int | None, rule: str) -> Period:
    if kind == "month":
        return month_period(year, number or 1, rule)
    if kind == "quarter":
        return quarter_period(year, number or 1, rule)
    if kind == "half":
        return half_year_period(year, number or 1, rule)
    if kind == "nine_months":
        return nine_months_period(year, rule)
    if kind == "year":
        return year_period(year, rule)
    raise PeriodError(f"Không dựng được kỳ loại '{kind}'.")


def _minus_year(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29/2 -> 28/2
        return d.replace(year=d.year - 1, day=28)


# --- parsing -------------------------------------------------------------------------------

_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_QUARTER_RE = re.compile(r"^\s*(\d{4})-[Qq]([1-4])\s*$")


def _as_date(value: date | str, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise PeriodError(f"{what} '{value}' không hợp lệ: dùng dạng YYYY-MM-DD.") from exc


def parse_period(
    month: str | None = None,
    quarter: str | None = None,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    rule: str = "nd09",
) -> Period:
    """One period from exactly one of ``month`` ('2026-06'), ``quarter`` ('2026-Q2') or the pair
    ``date_from``/``date_to`` (ISO dates, both inclusive)."""
    given = [month is not None, quarter is not None, date_from is not None or date_to is not None]
    if sum(given) != 1:
        raise PeriodError("Cần đúng một kỳ: --month YYYY-MM, --quarter YYYY-Qn hoặc --from/--to.")
    if month is not None:
        m = _MONTH_RE.match(month)
        if not m:
            raise PeriodError(f"Tháng '{month}' không hợp lệ: dùng dạng YYYY-MM, ví dụ 2026-06.")
        return month_period(int(m.group(1)), int(m.group(2)), rule)
    if quarter is not None:
        q = _QUARTER_RE.match(quarter)
        if not q:
            raise PeriodError(f"Quý '{quarter}' không hợp lệ: dùng dạng YYYY-Qn, ví dụ 2026-Q2.")
        return quarter_period(int(q.group(1)), int(q.group(2)), rule)
    if date_from is None or date_to is None:
        raise PeriodError("Cần cả --from và --to (YYYY-MM-DD).")
    start = _as_date(date_from, "Ngày bắt đầu")
    end = _as_date(date_to, "Ngày kết thúc")
    return custom_period(start, end, rule)


def period_of_month_containing(d: date, rule: str = "nd09") -> Period:
    """The monthly period (under ``rule``) whose window contains ``d``."""
    _check_rule(rule)
    if rule != "calendar" and d.day >= _STRADDLE_DAY[rule]:
        y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
        return month_period(y, m, rule)
    return month_period(d.year, d.month, rule)


def vn_today() -> date:
    """Today's date in Vietnam (UTC+7, no daylight saving), whatever the machine's zone."""
    return datetime.now(timezone(timedelta(hours=7))).date()


def last_complete_period(today: date, rule: str = "nd09") -> Period:
    """The latest monthly period whose end is before ``today`` (what 'this month's report' means)."""
    return period_of_month_containing(today, rule).previous()


def ytd_start(period: Period, profile: Profile | str) -> date:
    """Start of the year-to-date window ending at ``period.end``.

    ``profile.ytd_start`` is 'MM-DD' (the sample's 01-01: calendar year to date; a merged unit may
    use 07-01) or 'period_rule' (the start of the annual window of the period's rule, e.g. 15/12
    of the previous year under nd09). A string argument is taken as that setting itself.
    """
    setting = profile if isinstance(profile, str) else profile.ytd_start
    rule = period.rule if isinstance(profile, str) else profile.period_rule
    if setting == "period_rule":
        year = period_of_month_containing(period.end, rule).year
        return year_period(year, rule).start
    m = re.fullmatch(r"(\d{2})-(\d{2})", setting)
    if not m:
        raise PeriodError(f"ytd_start '{setting}' không hợp lệ: dùng 'MM-DD' hoặc 'period_rule'.")
    month, day = int(m.group(1)), int(m.group(2))
    if (month, day) == (2, 29):
        raise PeriodError("ytd_start '02-29' không dùng được: năm không nhuận không có ngày này.")
    try:
        candidate = date(period.end.year, month, day)
    except ValueError as exc:
        raise PeriodError(f"ytd_start '{setting}' không phải một ngày hợp lệ.") from exc
    if candidate <= period.end:
        return candidate
    return date(candidate.year - 1, month, day)


# --- Vietnamese dates ------------------------------------------------------------------------


def vn_date(d: date) -> str:
    """'14/6/2026': day/month without zero padding, as the sample's range phrase writes it."""
    return f"{d.day}/{d.month}/{d.year}"


def vn_padded_date(d: date) -> str:
    """'01/01/2026': day and month on two digits, as the sample writes the YTD start."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def vn_long_date(d: date) -> str:
    """'ngày 14 tháng 6 năm 2026'."""
    return f"ngày {d.day} tháng {d.month} năm {d.year}"
