"""Every case of ``fixtures/real-exports`` (copied from ../shared/cases/real-exports) gives what
its README says, through the CLI as a user runs it, and the ledger records what was decided."""

from __future__ import annotations

from pathlib import Path

import pytest
from real_exports import (
    REAL,
    SIX_EARLY,
    decisions,
    figures,
    ingest_json,
    stats,
    stored_cases,
)

SIX = tuple(SIX_EARLY)


@pytest.fixture
def db(catalogued_db: Path) -> Path:
    return catalogued_db


def ingest_ok(db: Path, path: Path, capsys) -> dict:
    code, result, err = ingest_json(db, path, capsys)
    assert (code, err) == (0, ""), result
    assert result["ok"] is True
    c = result
    assert c["rows_read"] == c["inserted"] + c["updated"] + c["unchanged"] + c["rejected"]
    return result


@pytest.mark.parametrize(
    "name",
    [
        "00-control/ho-so.xlsx",
        "01-tcvn3-vntime/a-gia-tri-tcvn3.xlsx",
        "01-tcvn3-vntime/b-toan-bo-tcvn3.xlsx",
        "01-tcvn3-vntime/c-ten-linh-vuc-tcvn3.xlsx",
        "01-tcvn3-vntime/d-tcvn3-bytes.csv",
        "02-eth-d/a-trang-thai-eth.xlsx",
        "02-eth-d/b-ten-thu-tuc-eth.xlsx",
        "03-sa-ch-time/ho-so-sa-ch.xlsx",
        "03-sa-ch-time/ho-so-sa-ch.csv",
        "06-multi-sheet/ho-so-2-trang.xlsx",
        "06-multi-sheet/ho-so-2-trang.xls",
        "13-totals-footer/ho-so-co-dong-tong.xlsx",
        "15-xls-not-really-xls/a-html-doi-duoi.xls",
        "15-xls-not-really-xls/b-xml-2003.xls",
        "15-xls-not-really-xls/c-strict-ooxml.xlsx",
    ],
)
def test_six_early(name: str, db: Path, capsys) -> None:
    result = ingest_ok(db, REAL / name, capsys)
    assert (result["rows_read"], result["inserted"], result["rejected"]) == (6, 6, 0)
    s = stats(db, capsys)
    assert figures(s, SIX) == SIX_EARLY
    # One field, written in Unicode: no mojibake row beside "Hộ tịch" in the national table.
    assert [r["field"] for r in s["by_field"] if r["field"] != "Tổng cộng"] == ["Hộ tịch"]


def test_tcvn3_values_are_converted_and_the_columns_recorded(db: Path, capsys) -> None:
    result = ingest_ok(db, REAL / "01-tcvn3-vntime/a-gia-tri-tcvn3.xlsx", capsys)
    converted = {
        d["column"]: (d["encoding"], d["cells"]) for d in decisions(result, "legacy_column")
    }
    assert converted == {
        "Tên thủ tục hành chính": ("tcvn3", 6),
        "Lĩnh vực": ("tcvn3", 6),
        "Kênh thực hiện": ("tcvn3", 6),
        "Trạng thái": ("tcvn3", 6),
    }


def test_tcvn3_headers_are_read_after_conversion(db: Path, capsys) -> None:
    result = ingest_ok(db, REAL / "01-tcvn3-vntime/b-toan-bo-tcvn3.xlsx", capsys)
    assert [d["encoding"] for d in decisions(result, "legacy_head")] == ["tcvn3"]
    assert result["column_map"]["Mã hồ sơ"] == "case_code"
    assert result["as_of"] == "2026-06-15 08:00:00"  # "Ngµy xuÊt" read as "Ngày xuất"


def test_partly_tcvn3_column_converts_only_its_legacy_values(db: Path, capsys) -> None:
    result = ingest_ok(db, REAL / "01-tcvn3-vntime/c-ten-linh-vuc-tcvn3.xlsx", capsys)
    converted = {d["column"]: d["cells"] for d in decisions(result, "legacy_column")}
    assert converted == {"Tên thủ tục hành chính": 3, "Lĩnh vực": 3}


def test_tcvn3_csv_bytes_are_decoded_and_recorded(db: Path, capsys) -> None:
    result = ingest_ok(db, REAL / "01-tcvn3-vntime/d-tcvn3-bytes.csv", capsys)
    assert [d["encoding"] for d in decisions(result, "encoding")] == ["tcvn3"]


def test_error_cells_reject_their_rows_naming_cell_and_error(db: Path, capsys) -> None:
    result = ingest_ok(db, REAL / "05-error-cells/ho-so-loi-cong-thuc.xlsx", capsys)
    assert (result["rows_read"], result["inserted"], result["rejected"]) == (6, 3, 3)
    (errors,) = decisions(result, "excel_errors")
    assert [(c["cell"], c["label"], c["error"]) for c in errors["cells"]] == [
        ("I7", "Ngày hẹn trả", "#REF!"),
        ("H9", "Ngày nhận", "#VALUE!"),
        ("I11", "Ngày hẹn trả", "#N/A"),
    ]
    rejects = (Path(result["rejects_csv"])).read_text(encoding="utf-8-sig")
    assert (
        'Ô I7 (cột ""Ngày hẹn trả"", trang \'Danh sách hồ sơ\') có lỗi công thức Excel #REF!'
        in rejects
    )
    s = stats(db, capsys)
    # An error is never "on time": the two rows whose due date is an error are not counted.
    assert (s["cases_resolved_on_time"], s["cases_in_progress_within"]) == (0, 0)
    assert figures(s, ("cases_total", "cases_resolved_early", "cases_in_progress")) == {
        "cases_total": 3,
        "cases_resolved_early": 2,
        "cases_in_progress": 1,
    }


@pytest.mark.parametrize("name", ["ho-so-2-trang.xlsx", "ho-so-2-trang.xls"])
def test_export_split_over_two_sheets_reads_both(name: str, db: Path, capsys) -> None:
    result = ingest_ok(db, REAL / "06-multi-sheet" / name, capsys)
    read = [(s["sheet"], s["rows"]) for s in result["sheets"] if s["status"] == "read"]
    assert sum(n for _, n in read) == 6 and len(read) == 2


def test_us_month_first_dates_are_decided_from_the_column(db: Path, capsys) -> None:
    result = ingest_ok(db, REAL / "07-us-month-first/ho-so-excel-en-us.csv", capsys)
    (order,) = decisions(result, "date_order")
    assert (order["order"], order["source"]) == ("mdy", "evidence")
    assert "6/13/2026 8:30" in order["detail"]
    s = stats(db, capsys)
    assert figures(s, ("cases_total", "cases_resolved_early", "cases_in_progress")) == {
        "cases_total": 6,
        "cases_resolved_early": 5,
        "cases_in_progress": 1,
    }
    assert s["cases_in_progress_within"] == 1


def test_scientific_notation_codes_refuse_the_file(db: Path, capsys) -> None:
    code, result, err = ingest_json(db, REAL / "08-numeric-codes/a-excel-resaved.csv", capsys)
    assert code == 2
    assert result["ok"] is False
    assert "2.60518E+11" in result["error"] and "Excel" in result["error"]
    assert err.count("\n") == 1 and "số mũ" in err
    assert stored_cases(db) == 0


def test_codes_that_lost_leading_zeros_match_the_earlier_export(db: Path, capsys) -> None:
    ingest_ok(db, REAL / "08-numeric-codes/b1-xuat-25-05.xlsx", capsys)
    result = ingest_ok(db, REAL / "08-numeric-codes/b2-xuat-14-06-excel.xlsx", capsys)
    assert (result["inserted"], result["updated"]) == (0, 3)
    (match,) = decisions(result, "leading_zeros")
    assert match["matched"] == 3 and match["examples"][0] == "120 → 000120"
    s = stats(db, capsys)
    assert figures(s, ("cases_total", "cases_resolved_early", "cases_in_progress")) == {
        "cases_total": 3,
        "cases_resolved_early": 3,
        "cases_in_progress": 0,
    }


def test_totals_row_and_signature_block_are_not_rows(db: Path, capsys) -> None:
    result = ingest_ok(db, REAL / "13-totals-footer/ho-so-co-dong-tong.xlsx", capsys)
    assert (result["rows_read"], result["rejected"]) == (6, 0)
    (footer,) = decisions(result, "non_data_rows")
    # Totals (13), place and date (15), signers' titles (16), their names (19); 14, 17, 18 blank.
    assert [r["row"] for r in footer["rows"]] == [13, 15, 16, 19]


@pytest.mark.parametrize(
    ("name", "container"),
    [
        ("a-html-doi-duoi.xls", "html"),
        ("b-xml-2003.xls", "spreadsheetml"),
        ("c-strict-ooxml.xlsx", "xlsx"),
    ],
)
def test_what_a_file_really_is_is_recorded(name: str, container: str, db: Path, capsys) -> None:
    result = ingest_ok(db, REAL / "15-xls-not-really-xls" / name, capsys)
    assert result["container"] == container
