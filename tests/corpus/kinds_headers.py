"""Headers (issue 13, item 1): where the header is, how it is spelled, and what it leaves out.

Headers under title rows or over two rows with merged cells, other vendors' names for the same
column, names written without accents, in capitals, with invisible characters or look-alike
letters; two columns for one field; a required column missing; personal-data columns, which
must never reach the warehouse or a rejects file however their header is spelled (Nghị định
13/2023/NĐ-CP).
"""

from __future__ import annotations

from pathlib import Path

from corpus.framework import (
    CASE_HEADER,
    CASE_ROWS,
    Refused,
    Run,
    Workspace,
    kind,
    read,
    refused,
)
from corpus.kinds_csv import CASES, TITLE, same_cases, table
from tthc.ingest.pipeline import rejects_dir_for

DUE_SQL = "SELECT case_code, strftime(due_at, '%d/%m/%Y') FROM cases ORDER BY case_code"
DUES = ["05/06/2026", "09/06/2026", "06/06/2026"]
PHONE = "0912345678"
ID_NUMBER = "001099012345"


def headed(name: str, doc: str, header: list[str], outcome=None, rows=None, title=TITLE,
           cases: list[tuple] | None = CASES) -> None:  # fmt: skip
    """A CSV case list under ``header``: by default read as the three cases."""

    def build(w: Workspace) -> Run:
        if cases is not None and not isinstance(outcome, Refused):
            same_cases(w, cases)
        return w.ingest(w.write("ho-so.csv", table(rows, header=header, title=title)))

    kind(name, "headers", outcome or read(rows=3), doc)(build)


def xlsx(w: Workspace, cells: dict[tuple[int, int], str], merged=(), name="ho-so.xlsx") -> Path:
    """An xlsx with text ``cells`` at (row, column), 0-based, and ``merged`` ranges
    (r0, c0, r1, c1, text)."""
    import xlsxwriter

    path = w.path(name)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Danh sách")
    for r0, c0, r1, c1, text in merged:
        ws.merge_range(r0, c0, r1, c1, text)
    for (r, c), text in cells.items():
        ws.write_string(r, c, text)
    wb.close()
    return path


def grid(rows: list[list[str]], top: int = 0, left: int = 0) -> dict[tuple[int, int], str]:
    return {
        (top + r, left + c): v for r, row in enumerate(rows) for c, v in enumerate(row) if v != ""
    }


def nowhere(w: Workspace, *texts: str) -> None:
    """After the run, none of ``texts`` is in any table of the warehouse or any rejects file."""

    def check() -> None:
        import duckdb

        con = duckdb.connect(str(w.db), read_only=True)
        try:
            for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall():
                dump = repr(con.execute(f'SELECT * FROM "{t}"').fetchall())
                for text in texts:
                    assert text not in dump, f"{text!r} stored in table {t}"
        finally:
            con.close()
        for f in rejects_dir_for(w.db).glob("*.csv"):
            body = f.read_text(encoding="utf-8-sig")
            for text in texts:
                assert text not in body, f"{text!r} in {f.name}"

    w.check(check)


# --- where the header is ------------------------------------------------------------------------


@kind("hdr-xlsx-header-on-row-5-under-merged-titles", "headers", read(rows=3, header_row=5),
      "an xlsx whose four title rows are merged across the table's width: the header is row 5")  # fmt: skip
def _(w: Workspace) -> Run:
    same_cases(w)
    merged = [(r, 0, r, 4, t) for r, t in enumerate(TITLE)]
    return w.ingest(xlsx(w, grid([CASE_HEADER, *CASE_ROWS], top=4), merged))


@kind("hdr-xlsx-table-starts-in-column-c", "headers", read(rows=3, header_row=3),
      "an xlsx whose table starts at C3 (two blank columns, two blank rows)")  # fmt: skip
def _(w: Workspace) -> Run:
    same_cases(w)
    return w.ingest(xlsx(w, grid([CASE_HEADER, *CASE_ROWS], top=2, left=2)))


@kind("hdr-xlsx-two-rows-merged", "headers", read(rows=3),
      "a two-row header: 'Ngày' merged over 'nhận | hẹn trả', the other labels merged down two "
      "rows: both dates read into their fields")  # fmt: skip
def _(w: Workspace) -> Run:
    same_cases(w)
    w.stored(DUE_SQL, [(r[0], d) for r, d in zip(CASE_ROWS, DUES, strict=True)])
    merged = [(0, c, 1, c, h) for c, h in enumerate(CASE_HEADER[:4])] + [(0, 4, 0, 5, "Ngày")]
    cells = grid([["nhận", "hẹn trả"]], top=1, left=4)
    cells |= grid([[*r, d] for r, d in zip(CASE_ROWS, DUES, strict=True)], top=2)
    return w.ingest(xlsx(w, cells, merged))


headed("hdr-csv-two-rows-blank-parent", "a CSV two-row header: 'Ngày' over 'nhận' with the cell "
       "beside it blank ('hẹn trả' under it): the blank takes the group label",
       ["Mã hồ sơ", "Mã TTHC", "Tên thủ tục hành chính", "Trạng thái", "Ngày", ""],
       rows=[["", "", "", "", "nhận", "hẹn trả"], *([*r, d] for r, d in zip(CASE_ROWS, DUES,
                                                                           strict=True))])  # fmt: skip
headed("hdr-numbering-row-under-header", "a row '(1) (2) (3) (4) (5)' under the header, as "
       "official tables print it: not a row", CASE_HEADER,
       rows=[["(1)", "(2)", "(3)", "(4)", "(5)"], *CASE_ROWS])  # fmt: skip
headed("hdr-header-after-row-40", "the header after 40 title lines: refused, saying no header "
       "was found", CASE_HEADER, refused(r"không tìm thấy dòng tiêu đề cột nhận ra được"),
       title=[f"Dòng ghi chú {i}" for i in range(40)])  # fmt: skip
headed("hdr-no-header-only-data", "rows without a header: refused, showing the cells found",
       ["HS-000", "1.001193", "Đăng ký khai sinh", "Đang xử lý", "01/06/2026"],
       refused(r"không tìm thấy dòng tiêu đề cột nhận ra được \(các ô tìm thấy: HS-000;"),
       title=[])  # fmt: skip
headed("hdr-header-repeated-on-each-page", "the header printed again above each page of rows "
       "(print-layout exports): the repeated header lines are not cases, and not rejected rows",
       CASE_HEADER, read(rows=3, decided=("non_data_rows",)),
       rows=[CASE_ROWS[0], CASE_HEADER, CASE_ROWS[1], CASE_HEADER, CASE_ROWS[2]])  # fmt: skip

# --- how it is spelled --------------------------------------------------------------------------

headed("hdr-other-vendor-names", "another vendor's names: Số biên nhận, Mã thủ tục, Tên TTHC, "
       "Tình trạng hồ sơ, Thời gian tiếp nhận",
       ["Số biên nhận", "Mã thủ tục", "Tên TTHC", "Tình trạng hồ sơ", "Thời gian tiếp nhận"])  # fmt: skip
headed("hdr-api-field-names", "the national system's field names: MaHoSo, MaTTHC, TenTTHC, "
       "TrangThaiHoSo, NgayTiepNhan", ["MaHoSo", "MaTTHC", "TenTTHC", "TrangThaiHoSo", "NgayTiepNhan"])  # fmt: skip
headed("hdr-no-accents-and-capitals", "names typed without accents and in capitals: MA HO SO, "
       "Ma TTHC, TEN THU TUC HANH CHINH, trang thai, NGAY NHAN",
       ["MA HO SO", "Ma TTHC", "TEN THU TUC HANH CHINH", "trang thai", "NGAY NHAN"])  # fmt: skip
headed("hdr-invisible-and-space-characters", "names with a zero-width space, a soft hyphen, a "
       "BOM, no-break and ideographic spaces, and trailing ':' and '*'",
       ["\ufeffMã\u200b hồ sơ:", "Mã\u00a0TTHC *", "Tên thủ\u00ad tục hành\u3000chính",
        " Trạng thái\u2060 ", "Ngày\u00a0\u00a0nhận:"])  # fmt: skip
headed("hdr-look-alike-letters", "names with Cyrillic letters drawn like Latin ones (a "
       "Cyrillic М in 'Мã hồ sơ', Cyrillic о in 'Tên thủ tục hành chính'): folded, found",
       ["\u041cã hồ sơ", "Mã TTHC", "Tên thủ tục hành chính".replace("o", "\u043e"),
        "Trạng thái", "Ngày nhận"])  # fmt: skip
headed("hdr-line-break-inside-names", "names broken over two lines inside the cell "
       "('Ngày\\ntiếp nhận', 'Mã\\r\\nhồ sơ')",
       ["Mã\r\nhồ sơ", "Mã TTHC", "Tên thủ tục\nhành chính", "Trạng thái", "Ngày\ntiếp nhận"])  # fmt: skip

# --- two columns, or none, for a field ------------------------------------------------------

headed("hdr-duplicated-column-name", "two columns both named 'Ngày nhận' holding different "
       "dates: which one is the reception date cannot be told; refused naming both",
       [*CASE_HEADER, "Ngày nhận"],
       refused(r"hai cột cùng tên 'Ngày nhận' \(cột E và F\)"),
       rows=[[*r, "20/06/2026"] for r in CASE_ROWS])  # fmt: skip
headed("hdr-duplicated-column-same-values", "two columns both named 'Trạng thái' holding the "
       "same values (a column exported twice): read, the second recorded as ignored",
       [*CASE_HEADER, "Trạng thái"], rows=[[*r, r[3]] for r in CASE_ROWS],
       outcome=read(rows=3, ignored_columns=[{
           "header": "Trạng thái",
           "reason": "cùng tên với cột 'Trạng thái' (cột D và F) và cùng giá trị: dùng cột đầu"}]))  # fmt: skip
headed("hdr-specific-name-wins", "'Ngày nhận' and 'Ngày tiếp nhận' side by side: the more "
       "specific 'Ngày tiếp nhận' is the reception date, the other recorded as ignored",
       [*CASE_HEADER, "Ngày tiếp nhận"], rows=[[*r[:4], "01/01/2026", r[4]] for r in CASE_ROWS],
       outcome=read(rows=3, ignored_columns=[{
           "header": "Ngày nhận",
           "reason": "trùng trường 'received_at' với cột 'Ngày tiếp nhận' (dùng tên cột cụ thể hơn)"}]))  # fmt: skip
headed("hdr-missing-reception-date", "no reception-date column: refused naming the column and "
       "the names tried", CASE_HEADER[:4],
       refused(r"thiếu cột bắt buộc 'Ngày tiếp nhận' \(received_at\): đã thử các tên"),
       rows=[r[:4] for r in CASE_ROWS])  # fmt: skip
headed("hdr-missing-case-code", "no case-code column (only the procedure's): refused",
       CASE_HEADER[1:], refused(r"thiếu cột bắt buộc 'Mã hồ sơ' \(case_code\)"),
       rows=[r[1:] for r in CASE_ROWS])  # fmt: skip

# --- personal data ----------------------------------------------------------------------------

PERSONAL = ["Chủ hồ sơ", "Số CCCD", "Số điện thoại", "Địa chỉ thường trú", "Email"]


def _personal_rows() -> list[list[str]]:
    return [
        [*r, f"Nguyễn Văn {i}", ID_NUMBER, PHONE, "Thôn Đông, xã An Trường", f"a{i}@mail.vn"]
        for i, r in enumerate(CASE_ROWS)
    ]


@kind("hdr-personal-columns-dropped", "headers", read(rows=3, dropped_personal=PERSONAL),
      "owner, ID number, phone, address and e-mail columns: dropped, named in the ledger, "
      "stored nowhere")  # fmt: skip
def _(w: Workspace) -> Run:
    same_cases(w)
    nowhere(w, PHONE, ID_NUMBER, "Nguyễn Văn", "mail.vn")
    return w.ingest(w.write("ho-so.csv", table(_personal_rows(), header=[*CASE_HEADER, *PERSONAL],
                                               title=TITLE)))  # fmt: skip


@kind("hdr-personal-headers-disguised", "headers",
      read(rows=3, dropped_personal=["Địa chỉ", "Số điện thoại", "SỐ CCCD:"]),
      "personal headers spelled with an eth (Ðịa chỉ), a Cyrillic о and a no-break space, and "
      "in capitals with a colon: still recognised as personal and dropped")  # fmt: skip
def _(w: Workspace) -> Run:
    header = [*CASE_HEADER, "Ðịa chỉ", "Số điện\u00a0th\u043eại", "SỐ CCCD:"]
    rows = [[*r, "Thôn Đông", PHONE, ID_NUMBER] for r in CASE_ROWS]
    same_cases(w)
    nowhere(w, PHONE, ID_NUMBER, "Thôn Đông")
    return w.ingest(w.write("ho-so.csv", table(rows, header=header, title=TITLE)))


@kind("hdr-personal-data-of-rejected-row", "headers",
      read(rows=3, rejected=1, reasons=("Trạng thái không nhận ra",)),
      "a row rejected for its status: its rejects line shows the mapped cells only, never the "
      "owner's name, ID number or phone")  # fmt: skip
def _(w: Workspace) -> Run:
    rows = _personal_rows()
    rows[1][3] = "Chờ xem xét"
    nowhere(w, PHONE, ID_NUMBER, "Nguyễn Văn", "mail.vn")
    return w.ingest(
        w.write("ho-so.csv", table(rows, header=[*CASE_HEADER, *PERSONAL], title=TITLE))
    )
