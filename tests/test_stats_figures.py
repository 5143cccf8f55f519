"""Figures on hand-built warehouses: every boundary of the issue, N/A reasons, the sample."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from stats_factory import FULL_AS_OF, FULL_FROM, Factory, make_catalogue

from tthc.sample.targets import FIGURES
from tthc.stats.figures import compute_figures
from tthc.stats.periods import custom_period, month_period
from tthc.stats.profile import Profile, load_profile

JUNE = month_period(2026, 6)  # 15/5/2026 – 14/6/2026
DATE = Profile(name="date")
STAMP = Profile(name="stamp", comparison="timestamp")


@pytest.fixture
def factory(tmp_path):
    f = Factory.create(tmp_path / "w.duckdb")
    yield f
    f.con.close()


def fig(f: Factory, profile: Profile = DATE, period=JUNE, unit="xa-a", **kw):
    return compute_figures(f.con, unit, period, profile, **kw)


def test_received_at_midnight_on_15th_is_new_and_2359_on_14th_carried(factory):
    factory.case(received="2026-05-15 00:00:00")
    factory.case(received="2026-05-14 23:59:59")
    factory.case(received="2026-06-14 23:59:59.999")
    factory.case(received="2026-06-15 00:00:00")  # next period: not counted at all
    v = fig(factory).values
    assert (v["cases_total"], v["cases_new"], v["cases_carried_over"]) == (3, 2, 1)
    assert v["cases_in_progress"] == 3


def test_ended_on_due_date_depends_on_granularity(factory):
    factory.case(
        received="2026-06-01 08:00",
        due="2026-06-05 17:00",
        ended="2026-06-05 09:00",
        outcome="resolved",
    )
    factory.case(
        received="2026-06-01 08:00",
        due="2026-06-05 17:00",
        ended="2026-06-05 17:00",
        outcome="resolved",
    )
    factory.case(
        received="2026-06-01 08:00",
        due="2026-06-05 17:00",
        ended="2026-06-05 18:00",
        outcome="resolved",
    )
    d = fig(factory, DATE).values
    assert (d["cases_resolved_early"], d["cases_resolved_on_time"], d["cases_resolved_late"]) == (
        0,
        3,
        0,
    )
    t = fig(factory, STAMP).values
    assert (t["cases_resolved_early"], t["cases_resolved_on_time"], t["cases_resolved_late"]) == (
        1,
        1,
        1,
    )


def test_no_due_date_is_on_time_and_within(factory):
    factory.case(received="2026-06-01", due=None, ended="2026-06-03", outcome="resolved")
    factory.case(received="2026-06-01", due=None)
    for profile in (DATE, STAMP):
        f = fig(factory, profile)
        v = f.values
        assert v["cases_resolved_on_time"] == 1
        assert (v["cases_in_progress_within"], v["cases_in_progress_overdue"]) == (1, 0)
        # No due date anywhere: the export lacked the column, the rate is not a silent 100%.
        assert v["rate_on_time"] is None
        assert f.na["rate_on_time"] == "thiếu cột Ngày hẹn trả"
        assert any("không có ngày hẹn trả" in n for n in f.notes)
    factory.case(received="2026-06-01", due="2026-06-02", ended="2026-06-03", outcome="resolved")
    f = fig(factory)
    assert f.values["rate_on_time"] == 50.0  # one case with a due date: the rule applies
    assert any(n.startswith("2 hồ sơ không có ngày hẹn trả") for n in f.notes)


def test_in_progress_within_at_the_end_date(factory):
    factory.case(received="2026-06-01", due="2026-06-14 17:00")  # due on the last day
    factory.case(received="2026-06-01", due="2026-06-13 17:00")
    factory.case(received="2026-06-01", due="2026-06-15 08:00")
    d = fig(factory, DATE).values
    assert (d["cases_in_progress_within"], d["cases_in_progress_overdue"]) == (2, 1)
    # Timestamp: due at 17:00 on the last day is before the end of that day.
    t = fig(factory, STAMP).values
    assert (t["cases_in_progress_within"], t["cases_in_progress_overdue"]) == (1, 2)


def test_ended_after_period_end_is_in_progress_whatever_its_status(factory):
    code = factory.case(
        received="2026-06-01", due="2026-06-20", ended="2026-06-15 00:00", outcome="resolved"
    )
    factory.case(received="2026-06-01", due="2026-06-20", ended="2026-06-20", outcome="withdrawn")
    f = fig(factory)
    v = f.values
    assert (v["cases_resolved"], v["cases_withdrawn"], v["cases_in_progress"]) == (0, 0, 2)
    assert v["cases_in_progress_within"] == 2
    # The next month sees them ended.
    nxt = fig(factory, period=JUNE.next()).values
    assert (nxt["cases_carried_over"], nxt["cases_resolved"], nxt["cases_withdrawn"]) == (2, 1, 1)
    assert code not in set(f.late_cases["case_code"])


def test_withdrawn_before_and_inside_the_period(factory):
    factory.case(received="2026-05-01", ended="2026-05-10", outcome="withdrawn")  # before: nowhere
    factory.case(received="2026-05-01", ended="2026-05-20", outcome="withdrawn")  # carried, third
    factory.case(received="2026-06-01", ended="2026-06-02", outcome="stopped")
    factory.case(received="2026-06-01", ended="2026-06-02", outcome="returned")
    factory.case(received="2026-06-01", due="2026-06-30")
    sep = fig(factory).values
    assert (sep["cases_total"], sep["cases_carried_over"], sep["cases_new"]) == (4, 1, 3)
    assert (sep["cases_resolved"], sep["cases_in_progress"], sep["cases_withdrawn"]) == (0, 1, 3)
    assert (
        sep["cases_third_withdrawn"],
        sep["cases_third_stopped"],
        sep["cases_third_returned"],
    ) == (1, 1, 1)
    assert all(c["ok"] for c in sep["checks"])
    folded = fig(factory, Profile(third_bucket="resolved_on_time")).values
    assert (folded["cases_total"], folded["cases_resolved"], folded["cases_resolved_on_time"]) == (
        4,
        3,
        3,
    )
    assert folded["cases_withdrawn"] == 3
    assert all(c["ok"] for c in folded["checks"])
    excluded = fig(factory, Profile(third_bucket="excluded")).values
    assert (excluded["cases_total"], excluded["cases_new"], excluded["cases_carried_over"]) == (
        1,
        1,
        0,
    )
    assert (excluded["cases_resolved"], excluded["cases_withdrawn"]) == (0, 3)
    assert all(c["ok"] for c in excluded["checks"])


def test_received_before_and_ended_before_start_is_nowhere(factory):
    factory.case(received="2026-04-01", ended="2026-05-14 23:59:59", outcome="resolved")
    factory.case(received="2026-04-01", ended="2026-05-15 00:00", outcome="resolved")
    v = fig(factory).values
    assert (v["cases_total"], v["cases_carried_over"], v["cases_resolved"]) == (1, 1, 1)


def test_not_received_cases_count_nowhere(factory):
    factory.case(received="2026-06-01", outcome="not_received")
    factory.case(received=None, outcome="not_received")
    assert fig(factory).values["cases_total"] == 0


def test_early_on_time_practices(factory):
    factory.case(received="2026-06-01", due="2026-06-05", ended="2026-06-03", outcome="resolved")
    factory.case(
        received="2026-06-01", due="2026-06-05", ended="2026-06-05 10:00", outcome="resolved"
    )
    factory.case(received="2026-06-01", due="2026-06-05", ended="2026-06-07", outcome="resolved")
    for practice in ("combined", "on_time_includes_early"):
        f = fig(factory, Profile(early_on_time=practice))
        v = f.values
        assert v["cases_resolved_early"] is None
        assert f.na["cases_resolved_early"]
        assert (v["cases_resolved_on_time"], v["cases_resolved_late"]) == (2, 1)
        assert all(c["ok"] for c in v["checks"])
        assert v["rate_on_time"] == pytest.approx(66.67)


def test_channels_and_na_reasons(factory):
    factory.case(received="2026-06-01", channel=None)
    factory.case(received="2026-06-01", channel=None)
    f = fig(factory)
    assert f.values["cases_new_online"] is None
    assert f.na["cases_new_online"] == "thiếu cột Kênh thực hiện"
    assert f.values["rate_online"] is None
    # Channels split new cases only: a carried case without channel changes nothing.
    factory.con.execute("DELETE FROM cases")
    factory.case(received="2026-05-01", channel=None)
    factory.case(received="2026-06-01", channel="online", channel_scheme="online_flag")
    factory.case(received="2026-06-01", channel="in_person", channel_scheme="online_flag")
    f = fig(factory)
    v = f.values
    assert (v["cases_new_online"], v["cases_new_in_person"], v["cases_new_postal"]) == (1, 1, None)
    assert "Trực tuyến" in f.na["cases_new_postal"]
    assert v["cases_new_in_person_postal"] == 1
    assert all(c["ok"] for c in v["checks"])


def test_flag_columns_missing_give_reasons_not_zero(factory):
    factory.case(received="2026-06-01", has_components=None, reused_data=None)
    factory.case(received="2026-06-01", has_components=None, reused_data=True)
    f = fig(factory)
    assert f.values["cases_with_components"] is None
    assert "thiếu cột Thành phần hồ sơ" in f.na["rate_with_components"]
    assert f.values["rate_reuse"] is None
    assert "1/2" in f.na["rate_reuse"]
    assert f.values["rate_with_result_file"] == 100.0


def test_without_any_case_list_nothing_reads_as_zero(factory):
    f = fig(factory)
    for key in ("cases_total", "cases_in_progress", "rate_on_time", "rate_online"):
        assert f.values[key] is None
        assert f.na[key] == f.coverage_na[key] == "chưa nạp danh sách hồ sơ"
    assert f.completeness == "incomplete"
    assert f.comparisons == {"previous": None, "last_year": None}


def test_zero_denominator_and_missing_catalogue_and_pakn(factory):
    # A case list covering every day, with no case in it: the counts are true zeros.
    factory.ingest("xa-a", "cases", as_of=FULL_AS_OF, covers_from=FULL_FROM)
    f = fig(factory)
    assert f.values["cases_total"] == 0
    assert f.values["rate_on_time"] is None
    assert f.na["rate_on_time"] == "mẫu số bằng 0"
    assert f.values["procedures_catalogue"] is None
    assert f.na["rate_procedures_with_cases"] == "chưa nạp danh mục TTHC"
    assert f.values["pakn_received"] is None
    assert f.na["pakn_received"] == "chưa nạp danh sách phản ánh, kiến nghị"
    assert any("không có hồ sơ" in n for n in f.notes)
    assert f.comparisons["previous"]["cases_total"] == 0


def test_pakn_counts(factory):
    factory.pakn(received="2026-05-01", due="2026-05-20", handled="2026-05-21")  # carried, late
    factory.pakn(received="2026-06-01", due="2026-06-10", handled="2026-06-10 16:00")
    factory.pakn(received="2026-06-01", due="2026-06-10", handled="2026-06-20")  # open at end
    factory.pakn(received="2026-04-01", due="2026-04-10", handled="2026-04-09")  # before: nowhere
    v = fig(factory).values
    assert (v["pakn_received"], v["pakn_carried_over"]) == (2, 1)
    assert (v["pakn_on_time"], v["pakn_late"], v["pakn_in_progress"]) == (1, 1, 1)


def test_catalogue_snapshot_as_of_period(factory):
    factory.catalogue("xa-a", make_catalogue(2, 2), as_of="2026-01-01")
    factory.catalogue("xa-a", make_catalogue(3, 3), as_of="2026-06-20")
    factory.case(received="2026-06-01", procedure_code="1.000001")
    v = fig(factory).values
    assert (v["procedures_catalogue"], v["procedures_partial_catalogue"]) == (4, 2)
    assert fig(factory, period=JUNE.next()).values["procedures_catalogue"] == 6
    # No snapshot taken by 14/6/2025: the later one is not the catalogue of that month.
    f = fig(factory, period=month_period(2025, 6))
    assert f.values["procedures_catalogue"] is None and f.values["rate_procedures_full"] is None
    assert f.coverage_na["procedures_catalogue"] == (
        "không có danh mục TTHC nạp đến ngày cuối kỳ 14/06/2025 (bản sớm nhất ngày 01/01/2026)"
    )


@pytest.mark.parametrize("comparison", ["date", "timestamp"])
def test_late_cases_list_has_no_personal_data(factory, comparison):
    factory.case(
        received="2026-06-01",
        due="2026-06-05 17:00",
        ended="2026-06-08 10:00",
        outcome="resolved",
        code="HS-LATE",
    )
    factory.case(
        received="2026-06-01",
        due="2026-06-05 09:00",
        ended="2026-06-07 09:00:30",
        outcome="resolved",
        code="HS-LATE-2D",
    )
    factory.case(received="2026-05-20", due="2026-06-01", code="HS-OPEN")
    factory.case(
        received="2026-05-20",
        due="2026-06-01",
        ended="2026-06-16",
        outcome="resolved",
        code="HS-AFTER",
    )
    late = fig(factory, Profile(name="p", comparison=comparison)).late_cases
    rows = {r["case_code"]: r for r in late.to_dict("records")}
    assert set(rows) == {"HS-LATE", "HS-LATE-2D", "HS-OPEN", "HS-AFTER"}
    assert rows["HS-LATE"]["days_late"] == 3
    # Calendar days, whatever the granularity: 2 days and 30 seconds late is 2 days late.
    assert rows["HS-LATE-2D"]["days_late"] == 2
    assert rows["HS-OPEN"]["ended_at"] is None and rows["HS-OPEN"]["days_late"] == 13
    assert rows["HS-AFTER"]["ended_at"] is None  # as of the period end it was still open
    assert set(late.columns) == {
        "unit",
        "case_code",
        "procedure_code",
        "procedure_name",
        "field",
        "received_at",
        "due_at",
        "ended_at",
        "status",
        "days_late",
    }


def test_by_field_table_and_total(factory):
    factory.case(received="2026-06-01", field="Hộ tịch")
    factory.case(received="2026-06-01", field="Chứng thực", ended="2026-06-02", outcome="resolved")
    factory.case(received="2026-06-01", field=None)
    f = fig(factory)
    bf = f.by_field
    assert list(bf["field"]) == ["Chứng thực", "Hộ tịch", "(không rõ lĩnh vực)", "Tổng cộng"]
    assert list(bf["cases_total"]) == [1, 1, 1, 3]
    assert bool(bf["is_total"].iloc[-1])
    nt = f.national_table()
    assert nt.loc["Tổng cộng", "(1) Tổng số hồ sơ nhận giải quyết"] == 3
    assert f.values["by_field"][-1]["field"] == "Tổng cộng"
    assert len(f.by_procedure) == 1  # all three cases share one procedure code


def test_comparisons_previous_and_last_year(factory):
    factory.case(received="2025-06-01", ended="2025-06-02", outcome="resolved")
    factory.case(received="2026-05-01")
    factory.case(received="2026-06-01")
    f = fig(factory)
    assert f.comparisons["previous"]["cases_new"] == 1
    assert f.comparisons["last_year"]["cases_resolved"] == 1
    assert "checks" not in f.comparisons["previous"]
    # The case list starts on 1/5/2025: January 2024 is not covered, so it compares with nothing.
    factory.set_covers_from(date(2025, 5, 1))
    assert fig(factory).comparisons["last_year"]["cases_resolved"] == 1
    g = fig(factory, period=month_period(2025, 1))
    assert g.comparisons["last_year"] is None


def test_rollup_of_two_units(factory):
    factory.case(unit="xa-a", received="2026-06-01")
    factory.case(unit="xa-b", received="2026-06-01", ended="2026-06-03", outcome="resolved")
    factory.case(unit="xa-b", received="2026-05-01")
    a, b = fig(factory, unit="xa-a").values, fig(factory, unit="xa-b").values
    both = fig(factory, unit=["xa-a", "xa-b"]).values
    assert both["unit"] == "xa-a+xa-b"
    for k in (
        "cases_total",
        "cases_new",
        "cases_carried_over",
        "cases_resolved",
        "cases_in_progress",
    ):
        assert both[k] == a[k] + b[k]


# --- the sample report (domain.md §10) built row by row ---------------------------------------------


def build_sample_like(f: Factory) -> None:
    """A warehouse whose figures are those of the sample report of An Trường, June 2026."""
    unit = "an-truong"
    cat = make_catalogue(155, 220)
    f.catalogue(unit, cat, as_of="2026-01-05")
    partial = [c[0] for c in cat[:28]]
    full = [c[0] for c in cat[155 : 155 + 23]]
    used = partial + full  # 51 procedures with cases since 1/1
    rows = []

    def add(i: int, **kw):
        code = used[i % len(used)]
        kw.setdefault("procedure_code", code)
        rows.append(f.case_row(unit=unit, **kw))

    n = 0
    # 7249 cases received 1/1–14/5 and resolved early before 15/5; 13 did not reuse data.
    start = datetime(2026, 1, 2, 8)
    for i in range(7249):
        rec = start + timedelta(minutes=25 * i)
        assert rec < datetime(2026, 5, 10)
        add(
            n,
            received=rec,
            due=rec + timedelta(days=3),
            ended=rec + timedelta(days=1),
            outcome="resolved",
            reused_data=i >= 13,
        )
        n += 1
    # 83 carried over from early May, resolved early in the period.
    for i in range(83):
        rec = datetime(2026, 5, 10, 8) + timedelta(minutes=40 * i)
        add(
            n,
            received=rec,
            due=datetime(2026, 5, 25, 17),
            ended=datetime(2026, 5, 20, 9),
            outcome="resolved",
        )
        n += 1
    # 2668 new online cases: 2602 early (100 of them on the due date, before the due hour), 1 late, 65 open.
    for i in range(2668):
        rec = datetime(2026, 5, 15, 7) + timedelta(minutes=15 * i)
        assert rec < datetime(2026, 6, 14)
        if i < 2602:
            if i < 100:
                day = (rec + timedelta(days=2)).replace(hour=0, minute=0)
                due, end = day + timedelta(hours=17), day + timedelta(hours=9)
            else:
                due, end = rec + timedelta(days=3), rec + timedelta(days=1)
            add(
                n,
                received=rec,
                due=due,
                ended=min(end, datetime(2026, 6, 14, 20)),
                outcome="resolved",
            )
        elif i == 2602:
            add(
                n,
                received=rec,
                due=rec + timedelta(days=1),
                ended=rec + timedelta(days=1, hours=2),
                outcome="resolved",
                procedure_code="2.000815",
                field="Chứng thực",
                procedure_name="Chứng thực bản sao điện tử từ bản chính",
            )
        else:
            add(n, received=rec, due=datetime(2026, 6, 20, 17), has_result_file=False)
        n += 1
    f.insert_cases(rows)
    f.pakn(unit, received="2026-05-20", due="2026-06-05", handled="2026-06-01")
    f.pakn(unit, received="2026-06-01", due="2026-06-12", handled="2026-06-10")


@pytest.fixture(scope="module")
def sample_con(tmp_path_factory):
    f = Factory.create(tmp_path_factory.mktemp("sample") / "w.duckdb")
    build_sample_like(f)
    con = f.reopen_read_only()
    yield con
    con.close()


def test_sample_figures_under_an_truong_profile(sample_con):
    f = compute_figures(sample_con, "an-truong", JUNE, load_profile("an-truong"))
    v = f.values
    expected = FIGURES
    assert {k: v[k] for k in expected} == expected
    assert f.ok
    assert (f.fmt("rate_procedures_with_cases"), f.fmt("rate_procedures_full")) == (
        "13.6%",
        "10.4%",
    )
    assert (f.fmt("rate_reuse"), f.fmt("rate_with_both"), f.fmt("cases_total")) == (
        "99.87%",
        "100%",
        "2751",
    )
    assert list(f.late_cases["procedure_name"]) == ["Chứng thực bản sao điện tử từ bản chính"]
    assert f.rates["reuse"].window == "ytd" and f.rates["reuse"].denominator == 10000


def test_sample_under_default_profile_gives_exact_rounding(sample_con):
    f = compute_figures(sample_con, "an-truong", JUNE, load_profile("default"))
    v = f.values
    assert v["rate_procedures_full"] == 10.5  # exact half-up; the sample's legacy rule gave 10.4
    assert f.fmt("rate_procedures_full") == "10,5%"
    # Calendar-date comparison: the 100 cases ended on their due date are on time, not early, and
    # the late case (two hours after its due time, same day) is on time too.
    assert (v["cases_resolved_early"], v["cases_resolved_on_time"], v["cases_resolved_late"]) == (
        2585,
        101,
        0,
    )
    assert v["rate_on_time"] == 100.0
    # Default digitisation base is the cases received in the period: open cases lack a result file.
    assert v["rate_with_result_file"] == pytest.approx(97.56)
    assert f.fmt("cases_total") == "2.751"
    assert f.fmt("rate_on_time") == "100,00%"
    assert f.ok


def test_custom_period_equals_month(sample_con):
    p = load_profile("an-truong")
    a = compute_figures(sample_con, "an-truong", JUNE, p, comparisons=False).values
    b = compute_figures(
        sample_con, "an-truong", custom_period(JUNE.start, JUNE.end), p, comparisons=False
    ).values
    skip = {"period_key", "period_kind", "period_title"}
    assert {k: v for k, v in a.items() if k not in skip} == {
        k: v for k, v in b.items() if k not in skip
    }
