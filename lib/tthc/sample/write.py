"""xlsx writers in the layout one-stop systems export: title rows (one merged across the table),
the export date, a blank row, one header row of Vietnamese column names, then data.

Dates are text ``dd/mm/yyyy HH:MM:SS`` as these systems write them; yes/no flags are "Có" /
"Không". Output is byte-for-byte reproducible: xlsxwriter stamps zip members with a fixed date,
and the workbook's creation date is set to the export's own date instead of the clock.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd
import xlsxwriter

from tthc.sample import targets as T
from tthc.sample.procedures import Procedure

CATALOGUE_FILE = "an-truong-danh-muc-tthc.xlsx"
CASES_FILE = "an-truong-ho-so-2026-01-01_2026-06-14.xlsx"
PAKN_FILE = "an-truong-pakn.xlsx"

ISSUER = "ỦY BAN NHÂN DÂN XÃ AN TRƯỜNG"
CENTRE = "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
AGENCY = "UBND xã An Trường"

CATALOGUE_HEADERS = (
    "STT",
    "Mã TTHC",
    "Tên thủ tục hành chính",
    "Lĩnh vực",
    "Mức độ DVCTT",
    "Cơ quan thực hiện",
)
CASE_HEADERS = (
    "STT",
    "Mã hồ sơ",
    "Mã TTHC",
    "Tên thủ tục hành chính",
    "Lĩnh vực",
    "Kênh thực hiện",
    "Trạng thái",
    "Chủ hồ sơ",
    "Địa chỉ",
    "Số điện thoại",
    "Ngày nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc xử lý",
    "Ngày trả kết quả",
    "Có thành phần hồ sơ số hóa",
    "Có file kết quả",
    "Tái sử dụng dữ liệu số hóa",
    "Đơn vị/ cá nhân giải quyết",
)
PAKN_HEADERS = (
    "STT",
    "Mã PAKN",
    "Tiêu đề",
    "Người phản ánh",
    "Số điện thoại",
    "Ngày tiếp nhận",
    "Hạn xử lý",
    "Ngày xử lý",
    "Trạng thái",
    "Nguồn",
)

CASE_WIDTHS = (6, 22, 10, 60, 22, 14, 22, 22, 48, 13, 19, 19, 19, 19, 12, 10, 12, 40)
CATALOGUE_WIDTHS = (6, 10, 90, 36, 14, 20)
PAKN_WIDTHS = (6, 22, 60, 22, 13, 19, 19, 19, 12, 26)

DATE_TEXT = "%d/%m/%Y %H:%M:%S"


def _text_dates(values: pd.Series) -> list[str]:
    """Timestamps as the vendor's text; a missing date is an empty cell."""
    return values.dt.strftime(DATE_TEXT).fillna("").tolist()


def _yes_no(flags: pd.Series) -> list[str]:
    return ["Có" if f else "Không" for f in flags.tolist()]


class _Sheet:
    """One workbook with one sheet in the vendor layout.

    The workbook is assembled under a temporary name and renamed at the end, so a reader (or
    an ingest started meanwhile) never sees a half-written file.
    """

    def __init__(self, path: Path, sheet: str, created: datetime, ncols: int) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.part")
        self.book = xlsxwriter.Workbook(
            str(self.tmp),
            {
                "constant_memory": True,  # rows are written in order; keeps memory flat
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        self.book.set_properties(
            {"title": sheet, "author": "Hệ thống một cửa", "company": AGENCY, "created": created}
        )
        self.ws = self.book.add_worksheet(sheet)
        self.ncols = ncols
        self.row = 0
        self.f_issuer = self.book.add_format({"bold": True, "font_name": "Times New Roman"})
        self.f_title = self.book.add_format(
            {"bold": True, "font_size": 14, "align": "center", "font_name": "Times New Roman"}
        )
        self.f_sub = self.book.add_format(
            {"italic": True, "align": "center", "font_name": "Times New Roman"}
        )
        self.f_head = self.book.add_format(
            {
                "bold": True,
                "border": 1,
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
                "bg_color": "#DDEBF7",
                "font_name": "Times New Roman",
            }
        )

    def issuer(self, text: str) -> None:
        self.ws.merge_range(self.row, 0, self.row, min(3, self.ncols - 1), text, self.f_issuer)
        self.row += 1

    def title(self, text: str, fmt_name: str = "title") -> None:
        fmt = self.f_title if fmt_name == "title" else self.f_sub
        self.ws.merge_range(self.row, 0, self.row, self.ncols - 1, text, fmt)
        self.row += 1

    def window_and_export_time(self) -> None:
        """The list's date range and export time, under its title (the YTD exports)."""
        self.title(f"Từ ngày {T.YTD_START:%d/%m/%Y} đến ngày {T.PERIOD_END:%d/%m/%Y}", "sub")
        self.title(f"Ngày xuất: {T.EXPORT_AS_OF:%d/%m/%Y %H:%M}", "sub")

    def blank(self) -> None:
        self.row += 1

    def table(self, headers: Sequence[str], widths: Sequence[int], rows) -> int:
        for col, width in enumerate(widths):
            self.ws.set_column(col, col, width)
        header_row = self.row
        self.ws.set_row(header_row, 32)
        self.ws.write_row(header_row, 0, headers, self.f_head)
        self.ws.freeze_panes(header_row + 1, 0)
        n = 0
        for values in rows:
            self.row += 1
            n += 1
            self.ws.write_row(self.row, 0, values)
        self.ws.autofilter(header_row, 0, header_row + n, len(headers) - 1)
        try:
            self.book.close()
            os.replace(self.tmp, self.path)
        finally:
            self.tmp.unlink(missing_ok=True)
        return n


def write_catalogue(path: Path, procedures: Sequence[Procedure]) -> int:
    """The commune's procedure catalogue; returns the number of data rows."""
    created = datetime.combine(T.CATALOGUE_AS_OF, datetime.min.time())
    sheet = _Sheet(path, "Danh mục TTHC", created, len(CATALOGUE_HEADERS))
    sheet.issuer(ISSUER)
    sheet.title("DANH MỤC THỦ TỤC HÀNH CHÍNH THUỘC THẨM QUYỀN GIẢI QUYẾT CỦA UBND XÃ")
    sheet.title(f"Ngày xuất: {T.CATALOGUE_AS_OF:%d/%m/%Y}", "sub")
    sheet.blank()
    rows = (
        (i, p.code, p.name, p.field, p.level_label, AGENCY)
        for i, p in enumerate(procedures, start=1)
    )
    return sheet.table(CATALOGUE_HEADERS, CATALOGUE_WIDTHS, rows)


def write_cases(path: Path, cases: pd.DataFrame) -> int:
    """The case list received 01/01–14/06/2026 plus 2025 cases open on 01/01/2026."""
    sheet = _Sheet(path, "Danh sách hồ sơ", T.EXPORT_AS_OF, len(CASE_HEADERS))
    sheet.issuer(ISSUER)
    sheet.issuer(CENTRE)
    sheet.title("DANH SÁCH HỒ SƠ TIẾP NHẬN")
    sheet.window_and_export_time()
    sheet.blank()
    columns = [
        range(1, len(cases) + 1),
        cases["case_code"],
        cases["procedure_code"],
        cases["procedure_name"],
        cases["field"],
        cases["channel"],
        cases["status_label"],
        cases["owner"],
        cases["address"],
        cases["phone"],
        *(_text_dates(cases[c]) for c in ("received_at", "due_at", "ended_at", "returned_at")),
        *(_yes_no(cases[c]) for c in ("has_components", "has_result_file", "reused_data")),
        cases["handler"],
    ]
    rows = zip(*(list(c) for c in columns), strict=True)
    return sheet.table(CASE_HEADERS, CASE_WIDTHS, rows)


def write_pakn(path: Path, pakn: pd.DataFrame) -> int:
    """Feedback received 01/01–14/06/2026."""
    sheet = _Sheet(path, "PAKN", T.EXPORT_AS_OF, len(PAKN_HEADERS))
    sheet.issuer(ISSUER)
    sheet.title("DANH SÁCH PHẢN ÁNH, KIẾN NGHỊ")
    sheet.window_and_export_time()
    sheet.blank()
    columns = [
        range(1, len(pakn) + 1),
        pakn["pakn_code"],
        pakn["title"],
        pakn["person"],
        pakn["phone"],
        *(_text_dates(pakn[c]) for c in ("received_at", "due_at", "handled_at")),
        pakn["status_label"],
        pakn["source"],
    ]
    rows = zip(*(list(c) for c in columns), strict=True)
    return sheet.table(PAKN_HEADERS, PAKN_WIDTHS, rows)
