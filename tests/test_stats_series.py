"""Chart series: per reporting month and per resolved case."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from stats_factory import Factory

from tthc.stats.periods import month_period
from tthc.stats.profile import Profile
from tthc.stats.series import monthly_series, processing_times, reporting_months


@pytest.fixture
def factory(tmp_path):
    f = Factory.create(tmp_path / "w.duckdb")
    f.case(
        received="2026-04-20 08:00", due="2026-04-25", ended="2026-04-24 08:00", outcome="resolved"
    )
    f.case(
        received="2026-05-20 08:00", due="2026-05-22", ended="2026-05-25 08:00", outcome="resolved"
    )
    f.case(
        received="2026-05-21 08:00", due="2026-06-05", ended="2026-06-02 20:00", outcome="resolved"
    )
    f.case(received="2026-06-01 08:00", due=None)
    f.case(received="2026-06-01 08:00", outcome="not_received")
    yield f
    f.con.close()


def test_reporting_months_follow_the_rule():
    months = reporting_months(date(2026, 1, 1), date(2026, 6, 14), "nd09")
    assert [m.key for m in months] == [
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
        "2026-06",
    ]
    assert [m.key for m in reporting_months(date(2026, 1, 1), date(2026, 3, 31), "calendar")] == [
        "2026-01",
        "2026-02",
        "2026-03",
    ]
    with pytest.raises(ValueError):
        reporting_months(date(2026, 2, 1), date(2026, 1, 1), "nd09")


def test_monthly_series_counts_and_rate(factory):
    df = monthly_series(factory.con, "xa-a", date(2026, 3, 20), date(2026, 6, 14), Profile())
    assert list(df["period_key"]) == ["2026-04", "2026-05", "2026-06"]
    assert list(df["label"]) == ["T4/2026", "T5/2026", "T6/2026"]
    assert list(df["cases_new"]) == [0, 1, 3]
    assert list(df["cases_resolved"]) == [0, 1, 2]
    assert list(df["cases_in_progress"]) == [0, 0, 1]
    assert math.isnan(df["rate_on_time"].iloc[0])
    assert df["rate_on_time"].iloc[1] == 100.0
    assert df["rate_on_time"].iloc[2] == 50.0  # one of two resolved in June was late
    assert df["period_start"].iloc[2] == date(2026, 5, 15)


def test_processing_times(factory):
    df = processing_times(factory.con, "xa-a", month_period(2026, 6))
    assert sorted(df["days_used"]) == [5.0, 12.5]
    assert sorted(df["days_allowed"]) == pytest.approx([2 - 1 / 3, 15 - 1 / 3], abs=0.01)
    assert set(df.columns) == {
        "field",
        "procedure_code",
        "procedure_name",
        "days_used",
        "days_allowed",
    }


def test_months_before_the_data_have_no_counts_and_the_first_is_partial(factory):
    # The cases' export listed cases received from 1/5 on (its title said "Từ ngày 01/05/2026").
    factory.set_covers_from(date(2026, 5, 1))
    df = monthly_series(factory.con, "xa-a", date(2026, 3, 20), date(2026, 6, 14), Profile())
    assert list(df["coverage"]) == ["none", "partial", "complete"]
    assert list(df["covered_from"]) == [None, date(2026, 5, 1), date(2026, 5, 15)]
    assert list(df["covered_to"]) == [None, date(2026, 5, 14), date(2026, 6, 14)]
    first = df.iloc[0]
    # No counts (missing), where a covered month with no cases would say 0.
    assert all(pd.isna(first[c]) for c in ("cases_new", "cases_resolved", "rate_on_time"))
    assert int(df.iloc[1]["cases_new"]) == 1  # the April case (20/4, month 15/4-14/5) still counts
