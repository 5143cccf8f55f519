"""Reporting periods: every kind under every rule, phrases, navigation, leap years."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from tthc.errors import TthcError
from tthc.stats.periods import (
    PeriodError,
    custom_period,
    half_year_period,
    last_complete_period,
    month_period,
    nine_months_period,
    parse_period,
    period_of_month_containing,
    quarter_period,
    vn_date,
    vn_long_date,
    year_period,
    ytd_start,
)
from tthc.stats.profile import Profile


def test_nd09_month_is_15th_to_14th():
    p = month_period(2026, 6)
    assert (p.start, p.end) == (date(2026, 5, 15), date(2026, 6, 14))
    assert p.key == "2026-06"
    assert p.title_phrase == "tháng 6 năm 2026"
    assert p.range_phrase == "Từ ngày 15/5/2026 đến 14/6/2026"
    assert p.days == 31


def test_january_nd09_starts_in_previous_december():
    p = month_period(2026, 1)
    assert (p.start, p.end) == (date(2025, 12, 15), date(2026, 1, 14))


@pytest.mark.parametrize(
    ("rule", "start", "end"),
    [
        ("calendar", date(2024, 2, 1), date(2024, 2, 29)),
        ("nd09", date(2024, 1, 15), date(2024, 2, 14)),
        ("day21", date(2024, 1, 21), date(2024, 2, 20)),
    ],
)
def test_month_rules_leap_february(rule, start, end):
    p = month_period(2024, 2, rule)
    assert (p.start, p.end) == (start, end)


def test_calendar_february_non_leap():
    assert month_period(2026, 2, "calendar").end == date(2026, 2, 28)


def test_quarter_half_nine_months_year_nd09():
    q1 = quarter_period(2026, 1)
    assert (q1.start, q1.end, q1.key) == (date(2025, 12, 15), date(2026, 3, 14), "2026-Q1")
    assert q1.title_phrase == "quý I năm 2026"
    q2 = quarter_period(2026, 2)
    assert (q2.start, q2.end, q2.title_phrase) == (
        date(2026, 3, 15),
        date(2026, 6, 14),
        "quý II năm 2026",
    )
    assert quarter_period(2026, 4).title_phrase == "quý IV năm 2026"
    h1 = half_year_period(2026, 1)
    assert (h1.start, h1.end, h1.key) == (date(2025, 12, 15), date(2026, 6, 14), "2026-H1")
    assert h1.title_phrase == "6 tháng đầu năm 2026"
    h2 = half_year_period(2026, 2)
    assert (h2.start, h2.end, h2.title_phrase) == (
        date(2026, 6, 15),
        date(2026, 12, 14),
        "6 tháng cuối năm 2026",
    )
    n = nine_months_period(2026)
    assert (n.start, n.end, n.key, n.title_phrase) == (
        date(2025, 12, 15),
        date(2026, 9, 14),
        "2026-9M",
        "9 tháng năm 2026",
    )
    y = year_period(2026)
    assert (y.start, y.end, y.key, y.title_phrase) == (
        date(2025, 12, 15),
        date(2026, 12, 14),
        "2026",
        "năm 2026",
    )


def test_calendar_and_day21_aggregates():
    assert (quarter_period(2026, 2, "calendar").start, quarter_period(2026, 2, "calendar").end) == (
        date(2026, 4, 1),
        date(2026, 6, 30),
    )
    y = year_period(2026, "day21")
    assert (y.start, y.end) == (date(2025, 12, 21), date(2026, 12, 20))
    assert year_period(2026, "calendar").end == date(2026, 12, 31)


def test_custom_period_key_and_phrases():
    p = custom_period(date(2026, 5, 15), date(2026, 6, 14))
    assert p.key == "2026-05-15_2026-06-14"
    assert p.range_phrase == "Từ ngày 15/5/2026 đến 14/6/2026"
    assert p.title_phrase == "từ ngày 15/5/2026 đến ngày 14/6/2026"
    with pytest.raises(PeriodError):
        custom_period(date(2026, 6, 14), date(2026, 6, 13))


def test_next_previous_wrap_years():
    dec = month_period(2026, 12)
    assert dec.next().key == "2027-01"
    assert dec.next().start == date(2026, 12, 15)
    assert month_period(2026, 1).previous().key == "2025-12"
    assert quarter_period(2026, 4).next().key == "2027-Q1"
    assert quarter_period(2026, 1).previous().key == "2025-Q4"
    assert half_year_period(2026, 2).next().key == "2027-H1"
    assert nine_months_period(2026).next().key == "2027-9M"
    assert year_period(2026).previous().key == "2025"
    c = custom_period(date(2026, 6, 1), date(2026, 6, 10))
    assert (c.next().start, c.next().end) == (date(2026, 6, 11), date(2026, 6, 20))
    assert (c.previous().start, c.previous().end) == (date(2026, 5, 22), date(2026, 5, 31))
    # Navigation keeps the rule.
    assert month_period(2026, 6, "calendar").next().end == date(2026, 7, 31)


def test_same_period_last_year_and_leap_day():
    assert month_period(2026, 6).same_period_last_year().key == "2025-06"
    assert quarter_period(2026, 2).same_period_last_year().start == date(2025, 3, 15)
    c = custom_period(date(2024, 2, 29), date(2024, 3, 10))
    last = c.same_period_last_year()
    assert (last.start, last.end) == (date(2023, 2, 28), date(2023, 3, 10))
    assert month_period(2025, 3, "calendar").same_period_last_year().end == date(2024, 3, 31)


def test_bounds_half_open():
    p = month_period(2026, 6)
    assert p.start_ts == datetime(2026, 5, 15, 0, 0)
    assert p.end_ts == datetime.combine(date(2026, 6, 14), time.max)
    assert p.end_excl_ts == datetime(2026, 6, 15, 0, 0)


def test_parse_period_forms_and_errors():
    assert parse_period(month="2026-06").key == "2026-06"
    assert parse_period(month="2026-6", rule="calendar").start == date(2026, 6, 1)
    assert parse_period(quarter="2026-q3").key == "2026-Q3"
    p = parse_period(date_from="2026-01-01", date_to="2026-06-14")
    assert (p.kind, p.start, p.end) == ("custom", date(2026, 1, 1), date(2026, 6, 14))
    for kwargs in (
        {},
        {"month": "2026-06", "quarter": "2026-Q2"},
        {"month": "06/2026"},
        {"month": "2026-13"},
        {"quarter": "2026-Q5"},
        {"date_from": "2026-01-01"},
        {"date_from": "01/01/2026", "date_to": "2026-02-01"},
        {"month": "2026-06", "rule": "weekly"},
    ):
        with pytest.raises(TthcError):
            parse_period(**kwargs)


def test_month_containing_and_last_complete():
    assert period_of_month_containing(date(2026, 6, 14)).key == "2026-06"
    assert period_of_month_containing(date(2026, 6, 15)).key == "2026-07"
    assert period_of_month_containing(date(2026, 12, 20)).key == "2027-01"
    assert period_of_month_containing(date(2026, 6, 20), "day21").key == "2026-06"
    assert period_of_month_containing(date(2026, 6, 21), "day21").key == "2026-07"
    assert period_of_month_containing(date(2026, 6, 30), "calendar").key == "2026-06"
    # The latest monthly period whose end is before today.
    assert last_complete_period(date(2026, 6, 15)).key == "2026-06"
    assert last_complete_period(date(2026, 6, 14)).key == "2026-05"
    assert last_complete_period(date(2026, 7, 1), "calendar").key == "2026-06"
    assert last_complete_period(date(2026, 1, 10)).key == "2025-12"


def test_ytd_start_settings():
    june = month_period(2026, 6)
    assert ytd_start(june, Profile()) == date(2026, 1, 1)
    assert ytd_start(june, Profile(ytd_start="period_rule")) == date(2025, 12, 15)
    assert ytd_start(june, Profile(ytd_start="07-01")) == date(2025, 7, 1)
    jan = month_period(2026, 1)  # 15/12/2025 – 14/1/2026
    assert ytd_start(jan, Profile()) == date(2026, 1, 1)
    assert ytd_start(jan, Profile(ytd_start="period_rule")) == date(2025, 12, 15)
    cal = month_period(2026, 6, "calendar")
    assert ytd_start(cal, Profile(period_rule="calendar", ytd_start="period_rule")) == date(
        2026, 1, 1
    )


def test_vietnamese_dates():
    assert vn_date(date(2026, 6, 4)) == "4/6/2026"
    assert vn_date(date(2026, 12, 14)) == "14/12/2026"
    assert vn_long_date(date(2026, 6, 14)) == "ngày 14 tháng 6 năm 2026"
