"""Rows under the table: a signature block is set aside, a case is never taken for one."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from ingest_helpers import rejects_dir

from tthc.ingest.aliases import load_aliases
from tthc.ingest.footer import trailing_non_data
from tthc.ingest.pipeline import ingest_file
from tthc.units import default_unit_params

HEADER = ["Mã hồ sơ", "Tên thủ tục hành chính", "Trạng thái", "Ngày nhận", "Ngày hẹn trả"]
# "xác nhận" is a signature word ("XÁC NHẬN CỦA LÃNH ĐẠO") and part of a frequent procedure.
XAC_NHAN = "Cấp Giấy xác nhận tình trạng hôn nhân"


def case(code: str, name: str = XAC_NHAN) -> list[str]:
    return [code, name, "Đang xử lý", "01/06/2026 08:00", "05/06/2026 17:00"]


SIGNATURE = [
    ["Tổng cộng: 2 hồ sơ", "", "", "", ""],
    ["", "An Trường, ngày 15 tháng 6 năm 2026", "", "", ""],
    ["NGƯỜI LẬP BIỂU", "", "XÁC NHẬN CỦA LÃNH ĐẠO", "", ""],
    ["Nguyễn Văn A", "", "Trần Thị B", "", ""],
]


def ingest(wh, tmp_path: Path, rows: list[list[str]]):
    path = tmp_path / "ds.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["DANH SÁCH HỒ SƠ"])
        w.writerow(["Từ ngày 01/06/2026 đến ngày 14/06/2026"])
        w.writerow(["Ngày xuất: 15/06/2026 08:00"])
        w.writerow(HEADER)
        w.writerows(rows)
    params = default_unit_params("xa-thu")
    return ingest_file(wh, path, params, load_aliases(params), None, rejects_dir(wh))


@pytest.mark.parametrize(
    "rows",
    [
        [case("HS-1"), case("HS-2", "Đăng ký khai sinh")],  # the procedure in the first row
        [case("HS-1", "Đăng ký khai sinh"), case("HS-2")],  # ... in the last row
        [case("HS-2")],  # ... in the only row
        [case("HS-1", "Đăng ký khai sinh"), case("HS-2"), *SIGNATURE],  # then a real footer
    ],
)
def test_a_case_named_with_a_signature_word_is_read(wh, tmp_path: Path, rows) -> None:
    r = ingest(wh, tmp_path, rows)
    n = sum(1 for row in rows if row[0].startswith("HS-"))
    assert (r.counts.rows_read, r.counts.inserted) == (n, n)
    stored = wh.execute("SELECT case_code, procedure_name FROM cases ORDER BY 1").fetchall()
    assert XAC_NHAN in {name for _, name in stored}
    footer = [d for d in r.decisions if d["what"] == "non_data_rows"]
    assert (len(footer[0]["rows"]) if footer else 0) == (4 if len(rows) > 2 else 0)


def test_a_case_without_its_code_is_rejected_not_set_aside(wh, tmp_path: Path) -> None:
    r = ingest(wh, tmp_path, [case("HS-1", "Đăng ký khai sinh"), case("")])
    assert (r.counts.rows_read, r.counts.inserted, r.counts.rejected) == (2, 1, 1)


def test_footer_rows_by_kind() -> None:
    rows = [(10, case("HS-1")), *((11 + i, cells) for i, cells in enumerate(SIGNATURE))]
    assert trailing_non_data(rows, key_col=0) == [
        (11, "dòng tổng cộng / chữ ký"),
        (12, "dòng tổng cộng / chữ ký"),
        (13, "dòng tổng cộng / chữ ký"),
        (14, "họ tên người ký"),
    ]
    # Without knowing the code column, the numeric dates still mark the case as a row.
    assert trailing_non_data([(10, case("HS-1"))]) == []
    # A code cell holding the signer's date line is no code.
    assert trailing_non_data([(10, ["An Trường, ngày 15 tháng 6 năm 2026", ""])], 0) == [
        (10, "dòng tổng cộng / chữ ký")
    ]


@pytest.mark.parametrize(
    "footer",
    [
        [["10", "Tổng cộng", "", "", ""]],  # the count under the code's header
        [["10 hồ sơ", "Tổng cộng:", "", "", ""]],
        [["", "", "Người lập biểu", "", "An Trường, ngày 15/06/2026"]],  # a date inside text
        [["Người lập biểu", "Ngày 15/06/2026", "", "", ""], ["(Ký, ghi rõ họ tên)", "", "", "", ""],
         ["Nguyễn Văn A", "", "", "", ""]],
    ],
)  # fmt: skip
def test_footers_with_numbers_stay_footers(wh, tmp_path: Path, footer) -> None:
    """Found by review: a count in the code column, or a date inside the signer's text, must
    not turn a footer row into a rejected case."""
    rows = [case("HS-1"), case("HS-2", "Đăng ký khai sinh"), *footer]
    r = ingest(wh, tmp_path, rows)
    assert (r.counts.rows_read, r.counts.inserted, r.counts.rejected) == (2, 2, 0)
    footer_rows = next(d for d in r.decisions if d["what"] == "non_data_rows")["rows"]
    assert len(footer_rows) == len(footer)
