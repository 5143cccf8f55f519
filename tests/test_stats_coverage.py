"""Which days the exports cover (per list, per unit, across a roll-up), which facts that makes
known, and what the figures become where they are not."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from stats_factory import FULL_AS_OF, FULL_FROM, Factory, make_catalogue

from tthc.stats.coverage import (
    Coverage,
    ExportList,
    UnitCoverage,
    case_data_start,
    default_month,
    last_covered_month,
    load_coverage,
    merge,
    subtract,
)
from tthc.stats.figures import compute_figures
from tthc.stats.periods import PeriodError, month_period
from tthc.stats.profile import Profile

JUNE = month_period(2026, 6)  # 15/5/2026 – 14/6/2026
D = date


def lst(
    f: date | None,
    t: date | None,
    x: datetime | None,
    source: str = "title",
    unit: str = "xa-a",
    ingested: datetime = datetime(2026, 7, 1, 9),
) -> ExportList:
    return ExportList(unit, "cases", "a.xlsx", f, t, x, source, ingested)


def cov(*lists: ExportList) -> Coverage:
    return Coverage("cases", (UnitCoverage("xa-a", "cases", lists),))


# The sample's case list: "Từ ngày 01/01/2026 đến ngày 14/06/2026", "Ngày xuất: 15/06/2026 08:00".
SAMPLE = lst(D(2026, 1, 1), D(2026, 6, 14), datetime(2026, 6, 15, 8))


def test_a_list_covers_its_range_up_to_its_last_whole_day_before_export() -> None:
    assert SAMPLE.effective == (D(2026, 1, 1), D(2026, 6, 14))
    # Exported at 10:00 on 10/6 although the title says "đến 14/06": the list holds up to 9/6.
    assert lst(D(2026, 1, 1), D(2026, 6, 14), datetime(2026, 6, 10, 10)).effective == (
        D(2026, 1, 1),
        D(2026, 6, 9),
    )
    # A date without a time (23:59:59) holds that day.
    assert lst(D(2026, 1, 1), None, datetime(2026, 6, 14, 23, 59, 59)).effective == (
        D(2026, 1, 1),
        D(2026, 6, 14),
    )
    assert lst(None, None, datetime(2026, 6, 15)).effective is None  # no range in the title
    # No date anywhere (as_of is the ingest time): no export time, range cut before the ingest.
    blind = lst(D(2026, 1, 1), D(2026, 12, 31), datetime(2026, 7, 1, 9), "ingest_time")
    assert blind.export_time is None and blind.effective == (D(2026, 1, 1), D(2026, 6, 30))


def test_spans_merge_when_they_touch_and_subtract_gives_the_gaps() -> None:
    spans = [(D(2026, 3, 1), D(2026, 3, 31)), (D(2026, 1, 1), D(2026, 2, 28))]
    assert merge(spans) == [(D(2026, 1, 1), D(2026, 3, 31))]
    assert subtract(D(2025, 12, 15), D(2026, 4, 14), merge(spans)) == [
        (D(2025, 12, 15), D(2025, 12, 31)),
        (D(2026, 4, 1), D(2026, 4, 14)),
    ]
    assert subtract(D(2026, 1, 5), D(2026, 1, 9), spans) == []


@pytest.mark.parametrize(
    ("key", "received", "open_start", "open_end", "during"),
    [
        ("2026-06", True, True, True, True),
        # 15/12/2025-14/1/2026: the first days are missing, what is open at the end is not.
        ("2026-01", False, False, True, False),
        ("2026-09", False, False, False, False),
        ("2025-06", False, False, False, False),
        ("2026-07", False, True, False, False),  # open on 15/6 is known: the list was taken then
    ],
)
def test_the_sample_list_tells_these_facts(key, received, open_start, open_end, during) -> None:
    c = cov(SAMPLE)
    year, month = map(int, key.split("-"))
    p = month_period(year, month)
    nxt = p.next().start
    assert (c.received(p.start, p.end), c.open_at(p.start), c.open_at(nxt)) == (
        received,
        open_start,
        open_end,
    )
    assert c.during(p.start, p.end) is during


def test_reasons_name_the_missing_days() -> None:
    c = cov(SAMPLE)
    jan = month_period(2026, 1)
    assert c.why_not_received(jan.start, jan.end) == (
        "thiếu dữ liệu hồ sơ từ 15/12/2025 đến 31/12/2025"
    )
    assert c.why_not_open_at(jan.start) == "danh sách hồ sơ chỉ có từ ngày 01/01/2026"
    sep = month_period(2026, 9)
    assert c.why_not_during(sep.start, sep.end) == (
        "thiếu dữ liệu hồ sơ từ 15/08/2026 đến 14/09/2026"
    )
    # In progress at 14/9 needs the cases received from 15/6 on.
    assert c.why_not_open_at(D(2026, 9, 15)) == "thiếu dữ liệu hồ sơ từ 15/06/2026 đến 14/09/2026"
    # Taken at 12:00 on 14/6: that day is not whole in the list.
    early = cov(lst(D(2026, 1, 1), None, datetime(2026, 6, 14, 12)))
    assert early.during(D(2026, 5, 15), D(2026, 6, 13))
    assert early.why_not_during(JUNE.start, JUNE.end) == "thiếu dữ liệu hồ sơ ngày 14/06/2026"
    assert cov().why_not_received(jan.start, jan.end) == "chưa nạp danh sách hồ sơ"
    assert (
        cov(lst(None, None, datetime(2026, 6, 15)))
        .why_not_received(jan.start, jan.end)
        .startswith("không rõ phạm vi ngày của danh sách hồ sơ đã nạp")
    )


def test_monthly_lists_hand_their_open_cases_on() -> None:
    """Lists '15/(M-1)-14/M' exported on the 15th: each lists the cases still open at its start,
    so the year to date is known even though only the last list was taken after 14/6."""
    months = [
        lst(
            D(2025, 12, 15) if m == 1 else D(2026, m - 1, 15),
            D(2026, m, 14),
            datetime(2026, m, 15, 8),
        )
        for m in range(1, 7)
    ]
    c = cov(*months)
    assert c.during(D(2026, 1, 1), D(2026, 6, 14))
    assert c.open_at(D(2025, 12, 15))
    # Drop March's list: a gap 15/2-14/3; every window touching it is not covered.
    gap = cov(*(m for i, m in enumerate(months) if i != 2))
    assert gap.covered == [(D(2025, 12, 15), D(2026, 2, 14)), (D(2026, 3, 15), D(2026, 6, 14))]
    assert gap.units[0].gaps == [(D(2026, 2, 15), D(2026, 3, 14))]
    assert not gap.received(D(2026, 1, 1), D(2026, 6, 14))
    assert not gap.during(D(2026, 1, 1), D(2026, 6, 14))
    assert gap.during(D(2026, 1, 15), D(2026, 2, 14))  # February's list, taken on 15/2, tells it
    assert not gap.during(D(2026, 2, 15), D(2026, 3, 14))
    assert gap.why_not_during(D(2026, 2, 15), D(2026, 3, 14)) == (
        "thiếu dữ liệu hồ sơ từ 15/02/2026 đến 14/03/2026"
    )
    # February's open cases are lost after 15/2 until April's list lists them as open on 15/3.
    assert not gap.open_at(D(2026, 3, 1))
    assert gap.why_not_open_at(D(2026, 3, 1)) == "thiếu dữ liệu hồ sơ từ 15/02/2026 đến 28/02/2026"
    assert gap.open_at(D(2026, 3, 15)) and gap.during(D(2026, 3, 15), D(2026, 4, 14))


def test_a_list_starting_after_the_previous_export_does_not_take_its_cases_over() -> None:
    a = lst(D(2026, 1, 1), D(2026, 3, 31), datetime(2026, 4, 1, 8))
    b = lst(D(2026, 4, 10), D(2026, 6, 30), datetime(2026, 7, 1, 8))
    c = cov(a, b)
    assert c.units[0].tracked_until == {0: datetime(2026, 4, 1, 8), 1: datetime(2026, 7, 1, 8)}
    assert not c.during(D(2026, 3, 15), D(2026, 4, 14))
    assert c.during(D(2026, 5, 15), D(2026, 6, 14))  # open on 10/4 are in b
    assert c.during(D(2026, 1, 1), D(2026, 3, 31))


def test_an_export_time_read_from_the_data_is_a_lower_bound() -> None:
    # No date in the title: as_of is the latest date inside (14/6 16:00), the real export later.
    c = cov(lst(D(2026, 1, 1), D(2026, 6, 14), datetime(2026, 6, 14, 16), "data"))
    assert not c.during(JUNE.start, JUNE.end)  # 14/6 may have had more cases
    assert c.why_not_during(JUNE.start, JUNE.end) == "thiếu dữ liệu hồ sơ ngày 14/06/2026"
    assert c.during(D(2026, 4, 15), D(2026, 5, 14))


def test_a_list_without_an_export_time_tells_no_state() -> None:
    c = cov(lst(D(2026, 1, 1), D(2026, 6, 14), datetime(2026, 7, 1, 9), "ingest_time"))
    assert c.received(JUNE.start, JUNE.end)
    assert not c.open_at(JUNE.start) and not c.during(JUNE.start, JUNE.end)
    assert c.why_not_during(JUNE.start, JUNE.end) == "không rõ thời điểm xuất danh sách hồ sơ"


def test_a_rollup_knows_what_every_unit_knows() -> None:
    a = UnitCoverage("xa-a", "cases", (SAMPLE,))
    b = UnitCoverage(
        "xa-b",
        "cases",
        (lst(D(2026, 3, 1), D(2026, 6, 14), datetime(2026, 6, 15, 8), unit="xa-b"),),
    )
    both = Coverage("cases", (a, b))
    assert both.covered == [(D(2026, 3, 1), D(2026, 6, 14))]
    assert both.during(JUNE.start, JUNE.end)
    assert not both.received(D(2026, 1, 1), JUNE.end)
    assert both.why_not_received(D(2026, 1, 1), JUNE.end) == (
        "xa-b: thiếu dữ liệu hồ sơ từ 01/01/2026 đến 28/02/2026"
    )


def test_data_start_is_the_first_covered_day_and_the_latest_across_units(tmp_path) -> None:
    f = Factory.create(tmp_path / "c.duckdb")
    assert case_data_start(f.con, "xa-a") is None  # no case export at all
    f.ingest("xa-a", "cases", datetime(2026, 6, 15, 8), covers_from=D(2026, 1, 1))
    f.ingest("xa-a", "cases", datetime(2026, 6, 15, 8), covers_from=D(2026, 5, 15))
    f.ingest("xa-a", "catalogue")  # a catalogue has no range and does not matter
    f.ingest("xa-b", "cases", datetime(2026, 6, 15, 8), covers_from=D(2026, 3, 1))
    assert case_data_start(f.con, "xa-a") == D(2026, 1, 1)
    assert case_data_start(f.con, ["xa-a", "xa-b"]) == D(2026, 3, 1)
    assert case_data_start(f.con, ["xa-a", "xa-c"]) is None  # xa-c has no export
    # A list whose title names no range adds nothing; the ranged ones still count.
    f.ingest("xa-b", "cases", datetime(2026, 6, 15, 8))
    assert case_data_start(f.con, "xa-b") == D(2026, 3, 1)
    assert load_coverage(f.con, "xa-b").to_json()["lists_without_range"] == 1
    f.con.close()


def test_the_default_month_is_the_last_closed_and_covered_one(tmp_path) -> None:
    c = cov(SAMPLE)
    assert last_covered_month(c, "nd09", D(2026, 11, 30)).key == "2026-06"
    assert last_covered_month(c, "nd09", D(2026, 6, 15)).key == "2026-06"
    assert last_covered_month(c, "nd09", D(2026, 6, 14)).key == "2026-05"  # June not closed
    assert last_covered_month(c, "calendar", D(2026, 11, 30)).key == "2026-05"
    assert last_covered_month(cov(), "nd09", D(2026, 11, 30)) is None
    f = Factory.create(tmp_path / "d.duckdb")
    with pytest.raises(PeriodError, match="chưa nạp danh sách hồ sơ"):
        default_month(f.con, "xa-a", "nd09", D(2026, 11, 30))
    f.con.close()


# --- figures ------------------------------------------------------------------------------------


@pytest.fixture
def factory(tmp_path):
    f = Factory.create(tmp_path / "w.duckdb")
    f.catalogue("xa-a", make_catalogue(1, 1), as_of="2025-01-01")
    f.ingest("xa-a", "pakn", FULL_AS_OF, covers_from=FULL_FROM)  # a PAKN list with none in it
    f.case(received="2025-06-01", ended="2025-06-02", outcome="resolved")  # same month last year
    f.case(received="2026-05-01")  # previous month
    f.case(received="2026-06-01")
    yield f
    f.con.close()


def test_figures_compare_only_with_what_the_exports_cover(factory) -> None:
    f = compute_figures(factory.con, "xa-a", JUNE, Profile())
    assert f.comparisons["previous"] is not None and f.comparisons["last_year"] is not None
    assert f.completeness == "complete" and f.coverage_warnings == []
    # The case list starts on 01/01/2026: May is covered, June 2025 is not, whatever is stored.
    factory.set_covers_from(D(2026, 1, 1))
    f = compute_figures(factory.con, "xa-a", JUNE, Profile())
    assert f.comparisons["previous"]["cases_new"] == 1
    assert f.comparisons["last_year"] is None
    assert f.values["case_data_start"] == "2026-01-01"
    assert f.completeness == "complete"
    # Starting on 20/4/2026: in May only what is open at its end is known.
    factory.set_covers_from(D(2026, 4, 20))
    f = compute_figures(factory.con, "xa-a", JUNE, Profile())
    prev = f.comparisons["previous"]
    assert prev["cases_new"] is None and prev["cases_in_progress"] == 1
    # The year to date starts on 1/1: the procedure coverage over it is N/A, the period's not.
    assert f.values["rate_procedures_with_cases"] is None
    assert f.coverage_na["rate_procedures_with_cases"] == (
        "thiếu dữ liệu hồ sơ từ 01/01/2026 đến 19/04/2026"
    )
    assert f.values["cases_total"] == 2 and f.completeness == "incomplete"
    [warning] = f.coverage_warnings
    assert warning.startswith(
        "Báo cáo chưa đầy đủ: danh sách hồ sơ có số liệu từ 20/04/2026 đến 31/12/2099"
    )
    assert warning in f.notes


def test_figures_of_part_of_a_period_are_na_or_marked_when_allowed(factory) -> None:
    factory.set_covers_from(D(2026, 5, 20))  # five days of the period are missing
    strict = compute_figures(factory.con, "xa-a", JUNE, Profile())
    v = strict.values
    assert v["cases_new"] is None and v["cases_total"] is None and v["rate_on_time"] is None
    assert strict.na["cases_new"] == "thiếu dữ liệu hồ sơ từ 15/05/2026 đến 19/05/2026"
    assert v["cases_in_progress"] == 2  # open at the end: known
    assert strict.by_field["cases_new"].isna().all()
    assert strict.by_field["cases_in_progress"].tolist() == [2, 2]
    # No check quotes a figure the report does not print.
    assert not any("cases_new" in c.name for c in strict.checks)
    assert strict.to_json()["late_cases"] is None and "late_cases" in strict.na
    assert strict.completeness == "incomplete"
    loose = compute_figures(factory.con, "xa-a", JUNE, Profile(), allow_partial=True)
    assert loose.values["cases_new"] == 1 and loose.completeness == "partial"
    assert loose.partial["cases_new"].note == "chỉ tính số liệu từ 20/05/2026 đến 14/06/2026"
    assert loose.to_json()["partial"]["cases_new"] == {
        "covered": [["2026-05-20", "2026-06-14"]],
        "note": "chỉ tính số liệu từ 20/05/2026 đến 14/06/2026",
    }
    assert "cases_in_progress" not in loose.partial  # determined: no mark
    # The profile setting does the same.
    by_profile = compute_figures(factory.con, "xa-a", JUNE, Profile(allow_partial=True))
    assert by_profile.values["cases_new"] == 1 and by_profile.completeness == "partial"
    # Comparisons stay strict.
    assert loose.comparisons["previous"] is None


def test_the_report_bundle_carries_the_completeness(tmp_path) -> None:
    """What the runner reads: a report the exports do not cover says so first, with its status."""
    from report_fixture import UNIT
    from report_fixture import build as build_fixture_warehouse

    from tthc import warehouse
    from tthc.render import report

    db = build_fixture_warehouse(tmp_path / "fixture.duckdb")
    bundle = report.payload(report.load_report_data(UNIT, "2026-06", db=db))
    assert bundle["completeness"] == {"status": "complete", "note": "", "na": [], "partial": []}
    assert not any(w.startswith("Báo cáo chưa đầy đủ") for w in bundle["warnings"])
    con = warehouse.connect(db)
    con.execute("UPDATE ingests SET covers_from = DATE '2026-05-20' WHERE kind = 'cases'")
    con.close()
    data = report.load_report_data(UNIT, "2026-06", db=db)
    bundle = report.payload(data)
    assert bundle["completeness"]["status"] == "incomplete"
    assert "cases_total" in bundle["completeness"]["na"]
    assert bundle["warnings"][0].startswith(
        "Báo cáo chưa đầy đủ: danh sách hồ sơ có số liệu từ 20/05/2026 đến 14/06/2026"
    )
    assert bundle["warnings"][0] in data.figures.notes
    partial = report.payload(report.load_report_data(UNIT, "2026-06", db=db, allow_partial=True))
    assert partial["completeness"]["status"] == "partial"
    assert "cases_total" in partial["completeness"]["partial"]
