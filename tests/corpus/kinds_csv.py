"""CSV layout (issue 13, item 1): delimiters, quoting, line ends, byte-order marks, blank and
ragged lines, huge rows and fields, title rows above the header and totals under the table.

Every kind here is the small case list (:data:`~corpus.framework.CASE_ROWS`) written another
way. Where it is read, the warehouse must hold the same three cases with the same text as the
plain file gives (:func:`same_cases`): a layout that is read but shifts or garbles a cell is a
wrong figure, not a pass.
"""

from __future__ import annotations

import csv
import io

from corpus.framework import (
    CASE_HEADER,
    CASE_ROWS,
    Refused,
    Run,
    Workspace,
    file_kind,
    kind,
    read,
    refused,
)
from tthc.ingest.limits import MAX_CELL_CHARS, MAX_COLUMNS

TITLE = [
    "ỦY BAN NHÂN DÂN XÃ AN TRƯỜNG",
    "DANH SÁCH HỒ SƠ TIẾP NHẬN, ĐANG XỬ LÝ",
    "Từ ngày 01/05/2026 đến ngày 30/06/2026",
    "Ngày xuất: 30/06/2026 17:00",
]
CASES_SQL = (
    "SELECT case_code, procedure_code, procedure_name, status_label, "
    "strftime(received_at, '%d/%m/%Y %H:%M') FROM cases ORDER BY case_code"
)
CASES = [(r[0], r[1], r[2], r[3], r[4]) for r in CASE_ROWS]


def table(
    rows: list[list[str]] | None = None,
    sep: str = ",",
    end: str = "\r\n",
    title: list[str] = (),
    header: list[str] | None = None,
    quoting: int = csv.QUOTE_MINIMAL,
) -> str:
    """The case list as CSV text with the given delimiter, line end and quoting."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator=end, quoting=quoting)
    writer.writerows([[t] for t in title])
    writer.writerow(header or CASE_HEADER)
    writer.writerows(CASE_ROWS if rows is None else rows)
    return buf.getvalue()


def same_cases(w: Workspace, cases: list[tuple] = CASES) -> None:
    """The warehouse holds exactly the small case list, cell for cell."""
    w.stored(CASES_SQL, cases)


def layout(name: str, doc: str, text, outcome=None, cases: list[tuple] | None = CASES) -> None:
    """A kind whose file is ``text`` (or ``text(w)``), UTF-8: by default read as the three
    cases; else ``outcome``, with ``cases`` (None: nothing checked) in the warehouse."""

    def build(w: Workspace) -> Run:
        content = text(w) if callable(text) else text
        if cases is not None and not isinstance(outcome, Refused):
            same_cases(w, cases)
        return w.ingest(w.write("ho-so.csv", content.encode("utf-8")))

    kind(name, "csv", outcome or read(rows=3), doc)(build)


# --- delimiters and quoting ----------------------------------------------------------------------

layout("csv-semicolon-delimiter", "fields separated by ';' (Excel with a Vietnamese or European "
       "list separator)", table(sep=";", title=TITLE))  # fmt: skip
layout("csv-pipe-delimiter", "fields separated by '|'", table(sep="|"))
layout("csv-tab-delimiter", "fields separated by TAB (a 'CSV' that is Excel's 'Text (Tab "
       "delimited)')", table(sep="\t", title=TITLE))  # fmt: skip
layout("csv-excel-sep-hint", "a first line 'sep=;' (Excel's delimiter hint) above the title",
       "sep=;\r\n" + table(sep=";", title=TITLE))  # fmt: skip
layout("csv-every-field-quoted", 'every field in double quotes, a name holding a doubled quote '
       '(Đăng ký ""khai sinh"") and a comma', table(
           [[*r[:2], 'Đăng ký "khai sinh", bản chính', *r[3:]] for r in CASE_ROWS[:1]] + CASE_ROWS[1:],
           quoting=csv.QUOTE_ALL),
       cases=[(*CASES[0][:2], 'Đăng ký "khai sinh", bản chính', *CASES[0][3:]), *CASES[1:]])  # fmt: skip
layout("csv-trailing-delimiter-every-row", "every line, header included, ends with a delimiter "
       "(an empty last column): the empty column is nobody's field",
       table(sep=";", end=";\r\n", title=TITLE))  # fmt: skip

# --- line breaks and line ends -------------------------------------------------------------------

layout("csv-quoted-newline-in-cell", "a procedure name holding a quoted line break (Alt+Enter in "
       "Excel): one record over two lines, its name one line", table(
           [[CASE_ROWS[0][0], CASE_ROWS[0][1], "Đăng ký\r\nkhai sinh", *CASE_ROWS[0][3:]],
            *CASE_ROWS[1:]], title=TITLE))  # fmt: skip
layout("csv-quoted-newline-in-header", "a header cell 'Ngày\\nnhận' with a quoted line break: "
       "the header is one record over two lines, the data starts under it",
       table(header=[*CASE_HEADER[:4], "Ngày\nnhận"], title=TITLE))  # fmt: skip
layout("csv-quoted-newline-in-title", "a title cell with a quoted line break above the header",
       table(title=["ỦY BAN NHÂN DÂN XÃ AN TRƯỜNG\r\nDANH SÁCH HỒ SƠ", *TITLE[2:]]))  # fmt: skip
layout("csv-cr-only-line-ends", "every line ends with a bare CR (classic Mac OS)",
       table(end="\r", title=TITLE))  # fmt: skip
layout("csv-mixed-line-ends", "CRLF, LF and bare CR line ends in one file (rows pasted from "
       "several sources)", lambda w: "\r\n".join(TITLE) + "\r\n" + ",".join(CASE_HEADER) + "\n"
       + ",".join(CASE_ROWS[0]) + "\r" + ",".join(CASE_ROWS[1]) + "\r\n" + ",".join(CASE_ROWS[2])
       + "\n")  # fmt: skip
layout("csv-line-separator-in-title-and-cells", "U+2028 (line separator) inside a title line and "
       "inside names: a character, not a line end; cleaned to a space",
       table([[r[0], r[1], r[2].replace(" ", "\u2028", 1), *r[3:]] for r in CASE_ROWS],
             title=[TITLE[0].replace(" ", "\u2028"), *TITLE[1:]]))  # fmt: skip
layout("csv-nel-in-title-and-cells", "NEL (U+0085) inside a title line and inside names and "
       "statuses: a character, not a line end", table(
           [[r[0], r[1], r[2].replace(" ", "\u0085", 1), r[3].replace(" ", "\u0085"), r[4]]
            for r in CASE_ROWS], title=[TITLE[0].replace(" ", "\u0085"), *TITLE[1:]]))  # fmt: skip
layout("csv-utf8-bom-and-title", "a UTF-8 byte-order mark before the title rows (Excel's 'CSV "
       "UTF-8')", "\ufeff" + table(title=TITLE))  # fmt: skip
layout("csv-two-boms", "two byte-order marks at the start (a file re-saved by a tool that adds "
       "one)", "\ufeff\ufeff" + table(title=TITLE))  # fmt: skip
layout("csv-bom-before-header-line", "a byte-order mark at the start of the header line (two "
       "files pasted together)", "\r\n".join(TITLE) + "\r\n\ufeff" + table())  # fmt: skip
layout("csv-blank-and-empty-field-lines", "blank lines, lines of bare delimiters and lines of "
       "spaces between title, header, rows and after the table: no rows",
       lambda w: "\r\n".join([*TITLE, "", ",,,,", ",".join(CASE_HEADER), "", ",".join(CASE_ROWS[0]),
                              ",,,,", "   ", ",".join(CASE_ROWS[1]), ",".join(CASE_ROWS[2]), "",
                              ",,,,", ""]))  # fmt: skip

# --- lines the header does not fit -----------------------------------------------------------

UNCLOSED = 'Dòng có dấu ngoặc kép \\(\\"\\) không đóng'
layout("csv-unclosed-quote-mid-file", "a row whose quote is never closed, between good rows: that "
       "line is rejected and the rows after it are read (not swallowed into one cell)",
       "\r\n".join([*TITLE, ",".join(CASE_HEADER), ",".join(CASE_ROWS[0]),
                    'HS-009,1.001193,"Đăng ký khai sinh,Đang xử lý,02/06/2026',
                    ",".join(CASE_ROWS[1]), ",".join(CASE_ROWS[2]), ""]),
       read(rows=4, rejected=1, reasons=(UNCLOSED,)))  # fmt: skip
layout("csv-unclosed-quote-last-row", "the last row opens a quote that the file never closes",
       table(title=TITLE) + 'HS-009,1.001193,"Đăng ký khai sinh,Đang xử lý,02/06/2026\r\n',
       read(rows=4, rejected=1, reasons=(UNCLOSED,)))  # fmt: skip
layout("csv-ragged-rows", "a row with a field missing and a row with a field too many (with "
       "text): both rejected, naming the counts; the others read",
       table([CASE_ROWS[0], CASE_ROWS[1][:4], CASE_ROWS[1], [*CASE_ROWS[2], "thừa"], CASE_ROWS[2]],
             title=TITLE),
       read(rows=5, rejected=2, reasons=("Dòng có 4 ô, dòng tiêu đề có 5 ô",
                                         "Dòng có 6 ô, dòng tiêu đề có 5 ô")))  # fmt: skip
layout("csv-50000-columns-in-head", "a title line of 50,000 fields above the header: refused "
       "naming the column cap, nothing allocated for a 50,000-column table",
       ",".join(["x"] * 50_000) + "\r\n" + table(),
       refused(rf"có dòng 50000 cột, quá giới hạn {MAX_COLUMNS} cột"))  # fmt: skip
layout("csv-50000-columns-in-body", "a data row of 50,000 fields under a good table (past the "
       "first 40 lines): that row is rejected, naming its field count",
       # The extra rows received over the title's range, as a real list's would be (a burst
       # of 43 cases in two days, then none to 30/06, reads as a list cut short).
       lambda w: table([*CASE_ROWS, *[[f"HS-1{i:02d}", *CASE_ROWS[0][1:4], f"{2 + i % 28:02d}/06/2026 08:15"]
                                      for i in range(40)],
                        ["HS-999"] * 50_000], title=TITLE),
       read(rows=44, rejected=1, reasons=("Dòng có 50000 ô, dòng tiêu đề có 5 ô",)), cases=None)  # fmt: skip
# A copy or download that stopped: the title still says 01/05–30/06 (JUNE_TITLE-like TITLE).
_MANY = [[f"HS-{i:03d}", *CASE_ROWS[0][1:4], f"{1 + i // 6:02d}/05/2026 08:15"] for i in range(60)]
layout("csv-cut-mid-row", "a list whose last line stops in the middle of a row, with no line "
       "break after it (a copy or download that stopped): refused whole as cut short",
       lambda w: table(_MANY, title=TITLE)[:-30],
       refused(r"bị cắt cụt: dòng cuối \(dòng 65\) dừng giữa chừng \(dòng có 3 ô, dòng tiêu đề có 5 ô\)"))  # fmt: skip
layout("csv-cut-at-a-line-break", "a list cut at a line break: six cases a day up to 10/05, then "
       "none to the title's 30/06 end: refused whole, its own pace says it lost the rest",
       lambda w: table(_MANY, title=TITLE),
       refused(r"hồ sơ tiếp nhận sau cùng là ngày 10/05/2026: 51 ngày cuối không có hồ sơ nào"))  # fmt: skip
layout("csv-field-over-cap", f"a procedure name of {MAX_CELL_CHARS + 1:,} characters (one over "
       "the cap on a field): refused naming the cap",
       lambda w: table([[*CASE_ROWS[0][:2], "x" * (MAX_CELL_CHARS + 1), *CASE_ROWS[0][3:]]]),
       refused(r"có ô dài quá 1\.000\.000 ký tự"))  # fmt: skip
layout("csv-field-1mb-in-dropped-column", "a free-text note ('Ghi chú', personal: never stored) "
       "of 1 MB in one row: under the cap, the rows are read and the note is not stored",
       lambda w: table([[*r, "ghi chú " * 125_000 if i == 0 else ""] for i, r in enumerate(CASE_ROWS)],
                       header=[*CASE_HEADER, "Ghi chú"], title=TITLE))  # fmt: skip
layout("csv-unclosed-quote-swallows-over-cap", "an unclosed quote in the first row of a list "
       "whose notes are long: the lines it would swallow make a field over the cap; that row is "
       "rejected, the rest read (as with a short file), not the whole file refused",
       lambda w: "\r\n".join([*TITLE, ",".join([*CASE_HEADER, "Ghi chú"]),
                              'HS-009,"1.001193,Đăng ký khai sinh,Đang xử lý,02/06/2026,',
                              *(",".join([*r, "ghi chú " * 60_000]) for r in CASE_ROWS), ""]),
       read(rows=4, rejected=1, reasons=(UNCLOSED,)))  # fmt: skip
layout("csv-unclosed-quote-closed-by-later-row", "a quote left open in one row and a quote in "
       "the next row that would close it: the open row is rejected, the next is read as it is "
       "(not swallowed into the first row's name)",
       "\r\n".join([*TITLE, ",".join(CASE_HEADER), ",".join(CASE_ROWS[0]),
                    'HS-009,1.001193,"Đăng ký khai sinh,Đang xử lý,02/06/2026',
                    'HS-002,2.000815,Chứng thực "bản sao",Đang xử lý,02/06/2026 09:00',
                    ",".join(CASE_ROWS[2]), ""]),
       read(rows=4, rejected=1, reasons=(UNCLOSED,)),
       cases=[CASES[0], ("HS-002", "2.000815", 'Chứng thực "bản sao"', *CASES[1][3:]), CASES[2]])  # fmt: skip

# --- above and under the table -------------------------------------------------------------

layout("csv-title-rows-above-header", "four title rows (unit, list name, range, export time) "
       "above the header: the header is found, and named, on line 5", table(title=TITLE),
       read(rows=3, header_row=5))  # fmt: skip
layout("csv-footer-totals-and-signature", "'Tổng cộng: 3 hồ sơ', a place-and-date line, the "
       "signers' titles and a name under the table: not rows (recorded as non-data lines)",
       lambda w: table([*CASE_ROWS, ["Tổng cộng: 3 hồ sơ", "", "", "", ""], [""] * 5,
                        ["", "", "", "An Trường, ngày 30 tháng 6 năm 2026", ""],
                        ["Người lập biểu", "", "", "Chủ tịch", ""], ["Lê Văn Tám", "", "", "", ""]],
                       title=TITLE))  # fmt: skip
kind("csv-footer-totals-recorded", "csv", read(rows=3, decided=("non_data_rows",)),
     "a totals line with the count in another column ('Tổng cộng' | | | | 3): recorded in the "
     "ledger as a non-data line, not a rejected row")(
    lambda w: w.ingest(w.write("ho-so.csv", table([*CASE_ROWS, ["Tổng cộng", "", "", "", "3"]],
                                                  title=TITLE)))
)  # fmt: skip
file_kind("csv-header-only-no-title", "csv", table(rows=[]),
          refused(r"không có dòng dữ liệu nào dưới dòng tiêu đề \(dòng 1\)"),
          "a header and no rows, and no title saying what it covers: refused (absence is not "
          "zero)")  # fmt: skip
file_kind("csv-header-only-with-range", "csv", table(rows=[], title=TITLE),
          read(rows=0, decided=("empty_list",)),
          "a header and no rows under a title naming its range: recorded as a month without "
          "cases")  # fmt: skip
file_kind("csv-whitespace-only", "csv", " \r\n\t\r\n   \r\n", refused(r"rỗng"),
          "a CSV of spaces, tabs and line ends")  # fmt: skip
layout("csv-grouped-by-field-with-subtotals", "a list grouped by field: a title row per group "
       "('I. Lĩnh vực Hộ tịch') in the code column and a subtotal row after it ('Cộng: 2 hồ sơ'), "
       "then the grand total: none of them is a case, none a rejected row",
       table([["I. Lĩnh vực Hộ tịch", "", "", "", ""], CASE_ROWS[0], CASE_ROWS[2],
              ["Cộng: 2 hồ sơ", "", "", "", ""], ["II. Lĩnh vực Chứng thực", "", "", "", ""],
              CASE_ROWS[1], ["Cộng", "", "", "", "1"], ["Tổng cộng: 3 hồ sơ", "", "", "", ""]],
             title=TITLE),
       read(rows=3, decided=("non_data_rows",)))  # fmt: skip
