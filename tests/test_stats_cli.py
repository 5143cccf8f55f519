"""`tthc stats`: JSON keys present and typed, CSV table, readable text, errors on one line."""

from __future__ import annotations

import csv
import io
import json

import pytest
from stats_factory import Factory, make_catalogue

from tthc.cli import main

INT_KEYS = [
    "cases_total",
    "cases_new",
    "cases_new_online",
    "cases_new_in_person",
    "cases_carried_over",
    "cases_resolved",
    "cases_resolved_early",
    "cases_resolved_on_time",
    "cases_resolved_late",
    "cases_in_progress",
    "cases_in_progress_within",
    "cases_in_progress_overdue",
    "cases_withdrawn",
    "procedures_catalogue",
    "procedures_with_cases",
    "procedures_partial_catalogue",
    "procedures_partial_with_cases",
    "procedures_full_catalogue",
    "procedures_full_with_cases",
    "dvctt_cases",
    "dvctt_cases_online",
    "cases_with_components",
    "cases_with_result_file",
    "cases_with_both",
    "cases_reusing_data",
    "pakn_received",
    "pakn_on_time",
    "pakn_late",
    "pakn_in_progress",
]
RATE_KEYS = [
    "rate_procedures_with_cases",
    "rate_procedures_partial",
    "rate_procedures_full",
    "rate_dvctt_online",
    "rate_with_components",
    "rate_with_result_file",
    "rate_with_both",
    "rate_reuse",
    "rate_on_time",
]
STR_KEYS = ("unit", "period_start", "period_end", "ytd_start", "profile")


@pytest.fixture
def db(tmp_path):
    f = Factory.create(tmp_path / "w.duckdb")
    f.catalogue("xa-a", make_catalogue(2, 2))
    f.case(
        received="2026-06-01",
        procedure_code="1.000001",
        due="2026-06-05",
        ended="2026-06-04",
        outcome="resolved",
    )
    f.case(received="2026-05-01", procedure_code="1.000003", due="2026-05-20", field="Chứng thực")
    f.case(received="2026-06-02", channel="postal", ended="2026-06-03", outcome="withdrawn")
    f.pakn("xa-a", received="2026-06-01", due="2026-06-10", handled="2026-06-02")
    f.con.close()
    return tmp_path / "w.duckdb"


def test_json_keys_present_and_typed(db, capsys):
    assert main(["stats", "--db", str(db), "--unit", "xa-a", "--month", "2026-06", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for k in STR_KEYS:
        assert isinstance(out[k], str), k
    for k in INT_KEYS:
        assert type(out[k]) is int, k
    for k in RATE_KEYS:
        assert out[k] is None or isinstance(out[k], float), k
    assert out["cases_new_postal"] == 1
    assert (out["period_start"], out["period_end"], out["ytd_start"]) == (
        "2026-05-15",
        "2026-06-14",
        "2026-01-01",
    )
    assert out["profile"] == "default"
    assert (out["cases_total"], out["cases_resolved"], out["cases_withdrawn"]) == (3, 1, 1)
    assert out["rate_on_time"] == 100.0
    assert out["rate_procedures_with_cases"] == 50.0
    assert out["checks"] and all(set(c) >= {"name", "ok", "gap"} for c in out["checks"])
    assert all(c["ok"] for c in out["checks"])
    assert [r["field"] for r in out["by_field"]] == ["Chứng thực", "Hộ tịch", "Tổng cộng"]
    assert all(type(r["cases_total"]) is int for r in out["by_field"])
    assert out["rates"]["on_time"]["denominator"] == 1
    assert out["rates"]["reuse"]["window"] == "period"
    assert out["late_cases"][0]["days_late"] == 25


def test_json_null_with_reason_when_column_missing(tmp_path, capsys):
    f = Factory.create(tmp_path / "w.duckdb")
    f.case(received="2026-06-01", channel=None, has_components=None)
    f.con.close()
    assert (
        main(
            [
                "stats",
                "--db",
                str(tmp_path / "w.duckdb"),
                "--unit",
                "xa-a",
                "--month",
                "2026-06",
                "--json",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["cases_new_online"] is None
    assert out["na"]["cases_new_online"] == "thiếu cột Kênh thực hiện"
    assert out["rate_with_components"] is None
    assert out["rate_procedures_with_cases"] is None
    assert out["na"]["rate_procedures_with_cases"] == "chưa nạp danh mục TTHC"


def test_csv_is_the_by_field_table(db, capsys):
    assert main(["stats", "--db", str(db), "--unit", "xa-a", "--quarter", "2026-Q2", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[-1]["field"] == "Tổng cộng"
    assert rows[-1]["cases_total"] == "3"


def test_text_output_and_profile_option(db, capsys):
    assert (
        main(
            [
                "stats",
                "--db",
                str(db),
                "--unit",
                "xa-a",
                "--from",
                "2026-05-15",
                "--to",
                "2026-06-14",
                "--profile",
                "an-truong",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "Bộ quy ước báo cáo: an-truong" in text
    assert "Từ ngày 15/5/2026 đến 14/6/2026" in text
    assert "BẢNG THEO LĨNH VỰC" in text and "KIỂM TRA CÂN ĐỐI" in text
    assert "Tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn: 100%" in text


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--month", "2026-13"], "Tháng 13"),
        (["--from", "2026-06-01"], "--to"),
        (["--month", "2026-06", "--profile", "khong-co"], "Không tìm thấy bộ quy ước báo cáo"),
    ],
)
def test_user_errors_are_one_vietnamese_line(db, capsys, args, needle):
    code = main(["stats", "--db", str(db), "--unit", "xa-a", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert needle in err and err.startswith("Lỗi: ") and err.count("\n") == 1


def test_missing_warehouse(tmp_path, capsys):
    code = main(
        ["stats", "--db", str(tmp_path / "none.duckdb"), "--unit", "xa-a", "--month", "2026-06"]
    )
    assert code == 2
    assert "Không tìm thấy kho dữ liệu" in capsys.readouterr().err


def test_database_opened_read_only(db, capsys):
    import duckdb

    reader = duckdb.connect(str(db), read_only=True)  # a concurrent reader does not block stats
    try:
        assert (
            main(["stats", "--db", str(db), "--unit", "xa-a", "--month", "2026-06", "--json"]) == 0
        )
    finally:
        reader.close()
    assert json.loads(capsys.readouterr().out)["cases_total"] == 3
