"""Consistency checks on hand-made tables: gaps are reported with their size, never hidden."""

from __future__ import annotations

import pandas as pd

from tthc.sample.targets import FIGURES
from tthc.stats.checks import CASE_COLUMNS, check_case_table, check_pakn, check_row
from tthc.stats.profile import Profile

# The total row of the sample report (domain.md §10).
SAMPLE_TOTAL = {"field": "Tổng cộng", **{k: FIGURES[k] for k in CASE_COLUMNS}}


def _by_name(checks):
    return {c.name.split(": ", 1)[1]: c for c in checks}


def test_sample_report_satisfies_every_identity():
    checks = check_row(SAMPLE_TOTAL, Profile(), "Tổng cộng")
    assert len(checks) == 5
    assert all(c.ok and c.gap == 0 for c in checks)


def test_real_report_mistake_reported_with_gap():
    # Totals off by 2, as in real reports (domain.md §4): 2753 written instead of 2751.
    row = dict(SAMPLE_TOTAL, cases_total=2753)
    checks = _by_name(check_row(row, Profile(), "Tổng cộng"))
    assert checks["(1) = mới tiếp nhận + (4)"].gap == 2
    assert checks["(1) = (2) + (3) + (4)"].gap == 2
    assert checks["(1) = (5) + (9) + rút/dừng/trả lại"].gap == 2
    assert checks["(5) = (6) + (7) + (8)"].ok
    assert "2753 ≠" in checks["(1) = (2) + (3) + (4)"].detail


def test_third_bucket_rule_changes_the_identity():
    row = dict(
        SAMPLE_TOTAL, cases_total=2755, cases_new=2672, cases_new_online=2672, cases_withdrawn=4
    )
    sep = _by_name(check_row(row, Profile(third_bucket="separate"), "T"))
    assert sep["(1) = (5) + (9) + rút/dừng/trả lại"].ok
    exc = _by_name(check_row(row, Profile(third_bucket="excluded"), "T"))
    assert exc["(1) = (5) + (9)"].gap == 4


def test_unknown_parts_are_skipped_not_assumed_zero():
    row = dict(SAMPLE_TOTAL, cases_new_online=None, cases_new_in_person=None, cases_new_postal=None)
    names = set(_by_name(check_row(row, Profile(), "T")))
    assert "(1) = (2) + (3) + (4)" not in names
    assert "(1) = mới tiếp nhận + (4)" in names
    merged = dict(SAMPLE_TOTAL, cases_resolved_early=None, cases_resolved_on_time=2685)
    checks = _by_name(check_row(merged, Profile(early_on_time="combined"), "T"))
    assert checks["(5) = (6+7) + (8)"].ok


def test_column_3_of_a_city_row_is_its_own_count_when_postal_is_unknown():
    """A city's row sums a unit that knows postal (1 postal case) with one that does not (the
    yes/no scheme): postal is unknown for the city, column (3) is not. Rebuilt as in person +
    0 it read 1 where the form has 2, and the identity failed on correct figures."""
    row = {
        "cases_total": 2,
        "cases_new": 2,
        "cases_new_online": 0,
        "cases_new_in_person": 1,
        "cases_new_postal": None,
        "cases_new_in_person_postal": 2,
        "cases_carried_over": 0,
    }
    check = _by_name(check_row(row, Profile(), "Đất đai"))["(1) = (2) + (3) + (4)"]
    assert check.ok and check.detail == "2 = 0 + 2 + 0"
    wrong = _by_name(check_row(dict(row, cases_total=3), Profile(), "Đất đai"))
    assert wrong["(1) = (2) + (3) + (4)"].gap == 1


def _field(name, new, carried, early, late, within):
    resolved = early + late
    return {
        "field": name,
        "cases_total": new + carried,
        "cases_new": new,
        "cases_new_online": new,
        "cases_new_in_person": 0,
        "cases_new_postal": 0,
        "cases_carried_over": carried,
        "cases_resolved": resolved,
        "cases_resolved_early": early,
        "cases_resolved_on_time": 0,
        "cases_resolved_late": late,
        "cases_in_progress": within,
        "cases_in_progress_within": within,
        "cases_in_progress_overdue": 0,
        "cases_withdrawn": 0,
    }


def test_total_must_equal_sum_of_fields():
    # Hộ tịch 2000 + Chứng thực 751 = the sample's 2751.
    ho_tich = _field("Hộ tịch", new=1950, carried=50, early=1935, late=0, within=65)
    chung_thuc = _field("Chứng thực", new=718, carried=33, early=750, late=1, within=0)
    df = pd.DataFrame([ho_tich, chung_thuc, SAMPLE_TOTAL])
    assert all(c.ok for c in check_case_table(df, Profile()))
    # A field row typed with 2 cases too many in column (6), as in real reports.
    df.loc[0, "cases_resolved_early"] += 2
    checks = check_case_table(df, Profile())
    failed = {c.name: c.gap for c in checks if not c.ok}
    assert failed == {
        "Hộ tịch: (5) = (6) + (7) + (8)": -2,
        "Tổng cộng = tổng các lĩnh vực (cases_resolved_early)": -2,
    }


def test_missing_total_row_is_a_failed_check():
    df = pd.DataFrame([dict(SAMPLE_TOTAL, field="Hộ tịch")])
    checks = check_case_table(df, Profile())
    assert not checks[-1].ok and "dòng tổng" in checks[-1].name


def test_pakn_identity():
    ok = check_pakn(
        {
            "pakn_carried_over": 0,
            "pakn_received": 2,
            "pakn_on_time": 2,
            "pakn_late": 0,
            "pakn_in_progress": 0,
        }
    )
    assert ok[0].ok
    bad = check_pakn(
        {
            "pakn_carried_over": 0,
            "pakn_received": 3,
            "pakn_on_time": 2,
            "pakn_late": 0,
            "pakn_in_progress": 0,
        }
    )
    assert bad[0].gap == 1
    assert check_pakn({"pakn_received": None}) == []
