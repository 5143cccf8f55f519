"""Values (issue 13, item 1): dates in every habit, dates that cannot be true, Excel's error
cells, codes Excel damaged, placeholders; and the workbook shapes they come in (several
sheets, hidden sheets, HTML and Excel 2003 XML saved as .xls).

Read kinds check what the warehouse holds (the parsed dates, the canonical codes), not only the
counts: a date read with day and month swapped is a wrong figure, not a pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from corpus.framework import CASE_ROWS, Run, Workspace, kind, read, refused
from corpus.kinds_csv import TITLE, table

# The small case list with its due and end dates (domain.md §3): open cases, no end date.
HEADER = ["Mã hồ sơ", "Mã TTHC", "Tên thủ tục hành chính", "Trạng thái", "Ngày nhận",
          "Ngày hẹn trả", "Ngày kết thúc xử lý"]  # fmt: skip
RECEIVED = [dt.datetime(2026, 6, 2, 8, 15), dt.datetime(2026, 6, 13, 9, 0),
            dt.datetime(2026, 6, 3, 14, 30)]  # fmt: skip
DUE = [dt.datetime(2026, 6, 5), dt.datetime(2026, 6, 18), dt.datetime(2026, 6, 8)]
DATES_SQL = (
    "SELECT case_code, strftime(received_at, '%d/%m/%Y %H:%M'), strftime(due_at, '%d/%m/%Y') "
    "FROM cases ORDER BY case_code"
)
DATES = [
    (r[0], f"{rec:%d/%m/%Y %H:%M}", f"{due:%d/%m/%Y}")
    for r, rec, due in zip(CASE_ROWS, RECEIVED, DUE, strict=True)
]


def rows(fmt: Callable[[dt.datetime], str] = lambda d: f"{d:%d/%m/%Y %H:%M}",
         due: Callable[[dt.datetime], str] | None = None) -> list[list[str]]:  # fmt: skip
    """The three open cases with their reception and due dates written by ``fmt``."""
    due = due or fmt
    return [
        [r[0], r[1], r[2], r[3], fmt(rec), due(d), ""]
        for r, rec, d in zip(CASE_ROWS, RECEIVED, DUE, strict=True)
    ]


def dated(name: str, doc: str, fmt, outcome=None, due=None, decided=(), title=TITLE) -> None:
    """A CSV whose dates are written by ``fmt``: by default read with the right dates."""

    def build(w: Workspace) -> Run:
        if outcome is None:
            w.stored(DATES_SQL, DATES)
        return w.ingest(w.write("ho-so.csv", table(rows(fmt, due), header=HEADER, title=title)))

    kind(name, "values", outcome or read(rows=3, decided=decided), doc)(build)


def one_bad(name: str, doc: str, cells: dict[int, str], reason: str, title=TITLE) -> None:
    """The second case with ``cells`` (column -> text) changed: that row rejected for
    ``reason``, the other two read."""

    def build(w: Workspace) -> Run:
        data = rows()
        for c, v in cells.items():
            data[1][c] = v
        w.stored(DATES_SQL.replace("ORDER BY", "WHERE case_code <> 'HS-002' ORDER BY"),
                 [DATES[0], DATES[2]])  # fmt: skip
        return w.ingest(w.write("ho-so.csv", table(data, header=HEADER, title=title)))

    kind(name, "values", read(rows=3, rejected=1, reasons=(reason,)), doc)(build)


def workbook(w: Workspace, sheets: dict[str, list[list[object]]], name: str = "ho-so.xlsx",
             options: dict | None = None, hidden: tuple[str, ...] = ()):  # fmt: skip
    """An xlsx: each sheet its rows as given (str as text, float as number, (formula, cached
    value) as a formula cell)."""
    import xlsxwriter

    path = w.path(name)
    wb = xlsxwriter.Workbook(str(path), options or {})
    for sheet, data in sheets.items():
        ws = wb.add_worksheet(sheet)
        for r, row in enumerate(data):
            for c, v in enumerate(row):
                if isinstance(v, tuple):
                    ws.write_formula(r, c, v[0], None, v[1])
                elif isinstance(v, float):
                    ws.write_number(r, c, v)
                elif v != "":
                    ws.write_string(r, c, v)
        if sheet in hidden:
            ws.hide()
    wb.close()
    return path


def head(title=TITLE) -> list[list[str]]:
    return [[t] for t in title] + [HEADER]


def serial(d: dt.datetime, epoch: dt.datetime) -> float:
    return (d - epoch).total_seconds() / 86400


# --- day and month, clocks, zones ---------------------------------------------------------------

dated("val-dates-month-first-proven", "dates written month first (mm/dd/yyyy, an export re-saved "
      "on an English Windows): 06/13/2026 proves the order, every date of the file follows it",
      lambda d: f"{d:%m/%d/%Y %H:%M}", decided=("date_order",))  # fmt: skip
dated("val-dates-one-column-proves-the-other", "reception dates prove day first (13/06); due "
      "dates are all ambiguous (05/06, 08/06, 18/06 is not): the file's order applies to them",
      lambda d: f"{d:%d/%m/%Y %H:%M}", due=lambda d: f"{d:%d/%m/%Y}")  # fmt: skip
dated("val-dates-columns-prove-opposite-orders", "reception dates day first (13/06/2026) and due "
      "dates month first (06/18/2026): refused naming both columns",
      lambda d: f"{d:%d/%m/%Y %H:%M}", due=lambda d: f"{d:%m/%d/%Y}",
      outcome=refused(r'cột "Ngày nhận" viết ngày trước tháng.*cột "Ngày hẹn trả" viết tháng '
                      r"trước ngày"))  # fmt: skip
dated("val-12-hour-sa-ch", "12-hour times with SA/CH (sáng/chiều, vi-VN Windows): 02:30 CH is "
      "14:30", lambda d: f"{d:%d/%m/%Y} {d.hour % 12 or 12:02d}:{d:%M} {'SA' if d.hour < 12 else 'CH'}",
      decided=("twelve_hour",))  # fmt: skip


@kind("val-12-hour-am-pm-midnight", "values", read(rows=3, decided=("twelve_hour",)),
      "12-hour times with AM/PM; due dates at '12:00 AM' are midnight (a date-only deadline, "
      "the end of that day), not noon")  # fmt: skip
def _(w: Workspace) -> Run:
    w.stored(DATES_SQL, DATES)
    w.stored("SELECT DISTINCT strftime(due_at, '%H:%M:%S') FROM cases", [("23:59:59",)])
    data = rows(lambda d: f"{d:%d/%m/%Y %I:%M %p}")
    return w.ingest(w.write("ho-so.csv", table(data, header=HEADER, title=TITLE)))


dated("val-time-before-date", "the time before the date ('08:15 02/06/2026')",
      lambda d: f"{d:%H:%M %d/%m/%Y}")  # fmt: skip
dated("val-iso-with-zones", "ISO dates with a zone, UTC ('Z') and +09:00: converted to Vietnam "
      "time (UTC+7)", lambda d: f"{d - dt.timedelta(hours=7):%Y-%m-%dT%H:%M:%S}Z",
      due=lambda d: f"{d + dt.timedelta(hours=2):%Y-%m-%dT%H:%M:%S}+09:00")  # fmt: skip
dated("val-two-digit-years", "two-digit years ('02/06/26'): 20yy, recorded",
      lambda d: f"{d:%d/%m/%y %H:%M}", decided=("two_digit_year",))  # fmt: skip


@kind("val-dates-both-orders-in-one-column", "values",
      refused(r'cột "Ngày nhận" có ngày viết theo cả hai kiểu, 1 ô ngày/tháng \("13/06/2026 09:00", '
              r'dòng \d+\) và 1 ô tháng/ngày \("06/14/2026 14:30", dòng \d+\).*có lẽ là ô gõ sai; '
              r'hãy sửa ô đó'),
      "one reception column with 13/06/2026 and 06/14/2026: which of its other dates are which "
      "cannot be told; refused showing both")  # fmt: skip
def _(w: Workspace) -> Run:
    data = rows()
    data[2][4] = "06/14/2026 14:30"
    return w.ingest(w.write("ho-so.csv", table(data, header=HEADER, title=TITLE)))


@kind("val-excel-serials-1900", "values", read(rows=3, decided=("serial_epoch",)),
      "dates as bare numbers (Excel serials, no date format) in a 1900-epoch workbook")  # fmt: skip
def _(w: Workspace) -> Run:
    epoch = dt.datetime(1899, 12, 30)
    data = [[*r[:4], serial(rec, epoch), serial(due, epoch), ""]
            for r, rec, due in zip(rows(), RECEIVED, DUE, strict=True)]  # fmt: skip
    w.stored(DATES_SQL, DATES)
    return w.ingest(workbook(w, {"DS": [*head(), *data]}))


@kind("val-excel-serials-1904", "values", read(rows=3, decided=("serial_epoch",)),
      "the same serials in a workbook counting from 1904 (Excel for Mac): read from the "
      "workbook's own epoch, not four years and a day off")  # fmt: skip
def _(w: Workspace) -> Run:
    epoch = dt.datetime(1904, 1, 1)
    data = [[*r[:4], serial(rec, epoch), serial(due, epoch), ""]
            for r, rec, due in zip(rows(), RECEIVED, DUE, strict=True)]  # fmt: skip
    w.stored(DATES_SQL, DATES)
    return w.ingest(workbook(w, {"DS": [*head(), *data]}, options={"date_1904": True}))


# --- dates that cannot be true --------------------------------------------------------------

one_bad("val-year-1900", "a reception in 1900 (a blank date cell formatted as a date)",
        {4: "02/06/1900 09:00"}, r"Ngày tiếp nhận \(02/06/1900 09:00\) trước năm 2000")  # fmt: skip
one_bad("val-year-9999", "a due date 31/12/9999 (some systems' 'no deadline')",
        {5: "31/12/9999"}, r"Ngày hẹn trả \(31/12/9999 23:59\) không hợp lý")  # fmt: skip
one_bad("val-receipt-after-export-time", "a reception after the export time the title names",
        {4: "20/06/2026 09:00"},
        r"Ngày tiếp nhận \(20/06/2026 09:00\) sau thời điểm xuất tệp \(15/06/2026 08:00\)",
        title=[*TITLE[:2], "Từ ngày 01/05/2026 đến ngày 14/06/2026", "Ngày xuất: 15/06/2026 08:00"])  # fmt: skip
one_bad("val-end-before-receipt", "a case ended before it was received",
        {3: "Đã hoàn thành", 6: "01/06/2026 10:00"},
        r"Ngày kết thúc xử lý \(01/06/2026 10:00\) trước ngày tiếp nhận \(13/06/2026 09:00\)")  # fmt: skip
one_bad("val-due-before-receipt", "a due date before the reception day",
        {5: "10/06/2026"}, r"Ngày hẹn trả \(10/06/2026\) trước ngày tiếp nhận \(13/06/2026\)")  # fmt: skip
one_bad("val-impossible-date", "a reception on 31/02/2026",
        {4: "31/02/2026 09:00"}, r'Ngày không hợp lệ ở cột "Ngày nhận": "31/02/2026 09:00"')  # fmt: skip
one_bad("val-ended-status-without-end-date", "a case whose status says it is finished, with no "
        "end date", {3: "Đã trả kết quả"},
        r'Trạng thái "Đã trả kết quả" là đã kết thúc nhưng thiếu ngày kết thúc xử lý')  # fmt: skip


@kind("val-placeholders-in-open-cases-end-date", "values",
      read(rows=3, decided=("date_placeholders",)),
      "'-', 'N/A' and 'chưa có' in the end date of open cases: no date, not a bad one")  # fmt: skip
def _(w: Workspace) -> Run:
    data = rows()
    for r, placeholder in zip(data, ["-", "N/A", "chưa có"], strict=True):
        r[6] = placeholder
    w.stored(DATES_SQL, DATES)
    w.stored("SELECT count(*) FROM cases WHERE ended_at IS NULL", [(3,)])
    return w.ingest(w.write("ho-so.csv", table(data, header=HEADER, title=TITLE)))


# --- Excel error cells ----------------------------------------------------------------------------


@kind("val-excel-errors-in-required-columns", "values",
      read(rows=3, rejected=2, reasons=(
          r'Ô E7 \(cột "Ngày nhận", trang \'DS\'\) có lỗi công thức Excel #N/A',
          r'Ô A8 \(cột "Mã hồ sơ", trang \'DS\'\) có lỗi công thức Excel #REF!')),
      "formula cells showing #N/A in a reception date and #REF! in a case code: those rows "
      "rejected naming the cell and the error (never read as blank)")  # fmt: skip
def _(w: Workspace) -> Run:
    data = rows()
    data[1][4] = ("=VLOOKUP(A7,Nguon!A:B,2,0)", "#N/A")
    data[2][0] = ("=Nguon!#REF!", "#REF!")
    w.stored("SELECT case_code FROM cases", [("HS-001",)])
    return w.ingest(workbook(w, {"DS": [*head(), *data]}))


@kind("val-excel-errors-in-optional-columns", "values", read(rows=3, decided=("excel_errors",)),
      "#VALUE! in 'Lĩnh vực' and #DIV/0! in 'Ngày trả kết quả': the values are unknown, the rows "
      "read")  # fmt: skip
def _(w: Workspace) -> Run:
    data = [[*r, "Hộ tịch", ""] for r in rows()]
    data[0][7] = ("=A1+1", "#VALUE!")
    data[1][8] = ("=1/0", "#DIV/0!")
    w.stored("SELECT case_code, field FROM cases ORDER BY case_code",
             [("HS-001", None), ("HS-002", "Hộ tịch"), ("HS-003", "Hộ tịch")])  # fmt: skip
    sheet = [*head()[:-1], [*HEADER, "Lĩnh vực", "Ngày trả kết quả"], *data]
    return w.ingest(workbook(w, {"DS": sheet}))


one_bad("val-excel-error-text-in-csv", "'#VALUE!' as text in a CSV's due date (the error a "
        "spreadsheet showed, saved as CSV): an error all the same",
        {5: "#VALUE!"}, r'Ô F7 \(cột "Ngày hẹn trả"\) có lỗi công thức Excel #VALUE!')  # fmt: skip

# --- codes -------------------------------------------------------------------------------------


@kind("val-codes-lost-leading-zeros", "values",
      read(rows=3, inserted=0, decided=("leading_zeros",)),
      "a re-export whose all-digit case codes Excel turned into numbers (000120 -> 120): each is "
      "matched to the unit's stored code, not inserted as a new case")  # fmt: skip
def _(w: Workspace) -> Run:
    first = [[f"{120 + i:06d}", *r[1:]] for i, r in enumerate(rows())]
    w.warehouse(w.db, w.write("dau.csv", table(first, header=HEADER, title=TITLE)))
    second = [[float(120 + i), *r[1:]] for i, r in enumerate(rows())]
    w.stored("SELECT case_code FROM cases ORDER BY 1", [("000120",), ("000121",), ("000122",)])
    return w.ingest(workbook(w, {"DS": [*head(), *second]}))


@kind("val-codes-scientific-notation", "values",
      refused(r'cột "Mã hồ sơ" có mã dạng số mũ \("2.60518E\+11"\): Excel đã đổi mã thành số'),
      "case codes Excel showed as 2.60518E+11 and saved so: the digits are lost; refused naming "
      "Excel and how to export again")  # fmt: skip
def _(w: Workspace) -> Run:
    data = [["2.60518E+11", *r[1:]] for r in rows()]
    return w.ingest(w.write("ho-so.csv", table(data, header=HEADER, title=TITLE)))


one_bad("val-code-only-invisible-characters", "a case code made only of a zero-width space, a "
        "word joiner and a BOM: no code", {0: "\u200b\u2060\ufeff"}, r"Thiếu mã hồ sơ")  # fmt: skip


@kind("val-procedure-codes-in-portal-forms", "values", read(rows=3),
      "procedure codes as the national portal writes them (1.001193.000.00.00.H31), in lower "
      "case and with spaces: each stored as the national code d.dddddd")  # fmt: skip
def _(w: Workspace) -> Run:
    data = rows()
    for r, code in zip(data, ["1.001193.000.00.00.H31", " 2.000815.000.00.00.h31 ", "1. 001193"],
                       strict=True):  # fmt: skip
        r[1] = code
    w.stored("SELECT case_code, procedure_code FROM cases ORDER BY 1",
             [("HS-001", "1.001193"), ("HS-002", "2.000815"), ("HS-003", "1.001193")])  # fmt: skip
    return w.ingest(w.write("ho-so.csv", table(data, header=HEADER, title=TITLE)))


# --- the shapes values come in --------------------------------------------------------------


@kind("sheets-one-per-month", "containers", read(rows=3),
      "one sheet per month (T5 empty but for its header, T6 with the cases) and a summary sheet "
      "first: the case sheets read, the summary named as skipped")  # fmt: skip
def _(w: Workspace) -> Run:
    summary = [["Tháng", "Số hồ sơ"], ["5", "0"], ["6", "3"]]
    w.stored(DATES_SQL, DATES)
    return w.ingest(workbook(w, {"Tổng hợp": summary, "T5": head(), "T6": [*head(), *rows()]}))


@kind("sheets-split-over-two", "containers", read(rows=3),
      "one list split over two sheets (Excel's old 65,536-row limit): both read as one list")  # fmt: skip
def _(w: Workspace) -> Run:
    data = rows()
    w.stored(DATES_SQL, DATES)
    return w.ingest(workbook(w, {"Trang 1": [*head(), *data[:2]], "Trang 2": [HEADER, data[2]]}))


@kind("sheets-hidden-sheet-not-read", "containers", read(rows=3),
      "a hidden sheet holding draft rows: not read (its cases are not the export's)")  # fmt: skip
def _(w: Workspace) -> Run:
    draft = [[f"NHAP-{i}", *r[1:]] for i, r in enumerate(rows())]
    w.stored(DATES_SQL, DATES)
    return w.ingest(workbook(w, {"DS": [*head(), *rows()], "Nháp": [HEADER, *draft]},
                             hidden=("Nháp",)))  # fmt: skip


@kind("sheets-other-columns-refused", "containers",
      refused(r"trang 'B' cũng là danh sách hồ sơ nhưng có cột khác trang 'A' \(thiếu: Ngày hẹn trả"),
      "two case sheets with different columns: refused rather than read half a list")  # fmt: skip
def _(w: Workspace) -> Run:
    data = rows()
    short = [h for h in HEADER if h != "Ngày hẹn trả"]
    return w.ingest(workbook(w, {"A": [*head(), *data[:2]],
                                 "B": [short, [v for i, v in enumerate(data[2]) if i != 5]]}))  # fmt: skip


@kind("container-html-table-as-xls", "containers", read(rows=3, container="html"),
      "a web system's 'Xuất Excel': an HTML page with title paragraphs and a table, named .xls")  # fmt: skip
def _(w: Workspace) -> Run:
    cells = "".join
    body = cells("<tr>" + cells(f"<td>{v}</td>" for v in r) + "</tr>" for r in rows())
    html = (
        '<html><head><meta charset="utf-8"></head><body>'
        + cells(f"<p>{t}</p>" for t in TITLE)
        + "<table border=1><tr>"
        + cells(f"<th>{h}</th>" for h in HEADER)
        + f"</tr>{body}</table>"
        "</body></html>"
    )
    w.stored(DATES_SQL, DATES)
    return w.ingest(w.write("ho-so.xls", html))


@kind("container-spreadsheetml-2003", "containers", read(rows=3, container="spreadsheetml"),
      "Excel 2003 XML (SpreadsheetML) named .xls, with DateTime cells")  # fmt: skip
def _(w: Workspace) -> Run:
    def row(values) -> str:
        out = []
        for v in values:
            if isinstance(v, dt.datetime):
                out.append(
                    f'<Cell><Data ss:Type="DateTime">{v:%Y-%m-%dT%H:%M:%S}.000</Data></Cell>'
                )
            else:
                out.append(f'<Cell><Data ss:Type="String">{v}</Data></Cell>')
        return "<Row>" + "".join(out) + "</Row>"

    data = [[*r[:4], rec, due] for r, rec, due in zip(rows(), RECEIVED, DUE, strict=True)]
    xml = (
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        '<Worksheet ss:Name="DS"><Table>'
        + "".join(row([t]) for t in TITLE)
        + row(HEADER[:6])
        + "".join(row(r) for r in data)
        + "</Table></Worksheet></Workbook>"
    )
    w.stored(DATES_SQL, DATES)
    return w.ingest(w.write("ho-so.xls", xml))


@kind("val-excel-error-in-table-from-c3", "values",
      read(rows=3, rejected=1, reasons=(r'Ô G5 \(cột "Ngày nhận", trang \'DS\'\) có lỗi công thức Excel #N/A',)),
      "an error cell in a table that starts at C3: the cell is named where Excel shows it (G5), "
      "not where the table's own column count would put it")  # fmt: skip
def _(w: Workspace) -> Run:
    data = [["", "", *r] for r in rows()]
    data[1][6] = ("=NA()", "#N/A")
    sheet = [[], [], ["", "", *HEADER], *data]
    return w.ingest(workbook(w, {"DS": sheet}))


@kind("container-html-title-inside-table", "containers", read(rows=3, container="html"),
      "an HTML export whose title lines are rows of the table itself (one cell spanning all "
      "columns) above the header")  # fmt: skip
def _(w: Workspace) -> Run:
    cells = "".join
    span = len(HEADER)
    html = (
        "<html><body><table border=1>"
        + cells(f"<tr><td colspan={span}><b>{t}</b></td></tr>" for t in TITLE)
        + "<tr>"
        + cells(f"<td><b>{h}</b></td>" for h in HEADER)
        + "</tr>"
        + cells("<tr>" + cells(f"<td>{v}</td>" for v in r) + "</tr>" for r in rows())
        + "</table></body></html>"
    )
    w.stored(DATES_SQL, DATES)
    return w.ingest(w.write("ho-so.xls", html.encode("utf-8")))
