"""Which days the exports cover: per unit, across a roll-up, per month, and what the figures say."""

from __future__ import annotations

from datetime import date

import pytest
from stats_factory import Factory

from tthc.stats.coverage import case_data_start, coverage_notes, covers, month_coverage
from tthc.stats.figures import compute_figures
from tthc.stats.periods import month_period
from tthc.stats.profile import Profile

JUNE = month_period(2026, 6)  # 15/5/2026 – 14/6/2026


def test_data_start_is_each_units_earliest_range_start_and_the_latest_across_units(tmp_path):
    f = Factory.create(tmp_path / "c.duckdb")
    assert case_data_start(f.con, "xa-a") is None  # no case export at all
    f.ingest("xa-a", "cases", covers_from=date(2026, 1, 1))
    f.ingest("xa-a", "cases", covers_from=date(2026, 5, 15))
    f.ingest("xa-a", "catalogue")  # a catalogue has no range and does not matter
    f.ingest("xa-b", "cases", covers_from=date(2026, 3, 1))
    assert case_data_start(f.con, "xa-a") == date(2026, 1, 1)
    assert case_data_start(f.con, ["xa-a", "xa-b"]) == date(2026, 3, 1)
    assert case_data_start(f.con, ["xa-a", "xa-c"]) is None  # xa-c has no export
    f.ingest("xa-b", "cases")  # a list whose title names no range: coverage unknown
    assert case_data_start(f.con, "xa-b") is None
    f.con.close()


@pytest.mark.parametrize(
    ("start", "end", "data_start", "expected"),
    [
        (date(2025, 12, 15), date(2026, 1, 14), date(2026, 1, 1), "partial"),
        (date(2025, 11, 15), date(2025, 12, 14), date(2026, 1, 1), "before_data"),
        (date(2026, 1, 1), date(2026, 1, 31), date(2026, 1, 1), "complete"),
        (date(2025, 12, 1), date(2025, 12, 31), date(2026, 1, 1), "before_data"),
        (date(2025, 12, 15), date(2026, 1, 14), date(2026, 1, 14), "partial"),
        (date(2025, 12, 15), date(2026, 1, 14), None, "unknown"),
    ],
)
def test_month_coverage(start, end, data_start, expected):
    assert month_coverage(start, end, data_start) == expected


def test_covers_and_notes() -> None:
    assert covers(None, date(2026, 5, 15)) is None
    assert covers(date(2026, 5, 15), date(2026, 5, 15)) is True
    assert covers(date(2026, 5, 16), date(2026, 5, 15)) is False
    ytd, start = date(2026, 1, 1), date(2026, 5, 15)
    assert coverage_notes(None, start, ytd) == []
    assert coverage_notes(date(2026, 1, 1), start, ytd) == []
    assert coverage_notes(date(2026, 3, 1), start, ytd) == [
        "Các tệp danh sách hồ sơ đã nạp chỉ bắt đầu từ ngày 01/03/2026: các số liệu lũy kế từ "
        "ngày 01/01/2026 chỉ tính hồ sơ từ ngày 01/03/2026."
    ]
    [late] = coverage_notes(date(2026, 6, 1), start, ytd)
    assert late.startswith(
        "Các tệp danh sách hồ sơ đã nạp chỉ bắt đầu từ ngày 01/06/2026, sau ngày đầu kỳ báo cáo "
        "(15/05/2026): số liệu của kỳ và lũy kế chưa đầy đủ"
    )


@pytest.fixture
def factory(tmp_path):
    f = Factory.create(tmp_path / "w.duckdb")
    f.case(received="2025-06-01", ended="2025-06-02", outcome="resolved")  # same month last year
    f.case(received="2026-05-01")  # previous month
    f.case(received="2026-06-01")
    yield f
    f.con.close()


def test_figures_compare_only_with_periods_the_exports_cover(factory) -> None:
    # Without export ranges, the first case received decides (as before ranges were recorded).
    f = compute_figures(factory.con, "xa-a", JUNE, Profile())
    assert f.comparisons["previous"] is not None and f.comparisons["last_year"] is not None
    assert f.values["case_data_start"] is None
    # The case list starts on 01/01/2026: May is covered, June 2025 is not, whatever is stored.
    factory.set_covers_from(date(2026, 1, 1))
    f = compute_figures(factory.con, "xa-a", JUNE, Profile())
    assert f.comparisons["previous"]["cases_new"] == 1
    assert f.comparisons["last_year"] is None
    assert f.values["case_data_start"] == "2026-01-01"
    assert f.coverage_warnings == [] and not any("chỉ bắt đầu" in n for n in f.notes)
    # Starting on 20/4/2026: the previous period (15/4-14/5) is only partly there.
    factory.set_covers_from(date(2026, 4, 20))
    f = compute_figures(factory.con, "xa-a", JUNE, Profile())
    assert f.comparisons == {"previous": None, "last_year": None}
    assert any(
        n.startswith(
            "Các tệp danh sách hồ sơ đã nạp chỉ bắt đầu từ ngày 20/04/2026: các số liệu lũy kế"
        )
        for n in f.notes
    )
    # Starting inside the report period itself: the period's own figures are incomplete.
    factory.set_covers_from(date(2026, 5, 20))
    f = compute_figures(factory.con, "xa-a", JUNE, Profile())
    [warning] = f.coverage_warnings
    assert "sau ngày đầu kỳ báo cáo (15/05/2026)" in warning and warning in f.notes


def test_the_report_bundle_carries_coverage_warnings_first(tmp_path) -> None:
    """What the runner prints and the manifest keeps: the exports miss the period's first days."""
    from report_fixture import UNIT
    from report_fixture import build as build_fixture_warehouse

    from tthc import warehouse
    from tthc.render import report

    db = build_fixture_warehouse(tmp_path / "fixture.duckdb")
    data = report.load_report_data(UNIT, "2026-06", db=db)
    assert not any(w.startswith("Các tệp danh sách") for w in report.payload(data)["warnings"])
    con = warehouse.connect(db)
    con.execute("UPDATE ingests SET covers_from = DATE '2026-05-20' WHERE kind = 'cases'")
    con.close()
    data = report.load_report_data(UNIT, "2026-06", db=db)
    warnings = report.payload(data)["warnings"]
    assert warnings[0].startswith(
        "Các tệp danh sách hồ sơ đã nạp chỉ bắt đầu từ ngày 20/05/2026, sau ngày đầu kỳ báo cáo"
    )
    assert warnings[0] in data.figures.notes  # and in the document's statistical notes
