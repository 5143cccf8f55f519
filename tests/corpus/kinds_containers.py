"""Containers (issue 13, item 1): files that are not what their extension says, broken zips and
xlsx parts, macros, entities. Built from a good xlsx written by xlsxwriter and re-zipped."""

from __future__ import annotations

import gzip
import random
import zipfile
from collections.abc import Callable

from corpus.framework import Workspace, either, file_kind, kind, read, refused

ZIP_NOT_EXCEL = r"là tệp nén ZIP không chứa bảng tính Excel"
BROKEN_EXCEL = r"Không đọc được tệp .*: tệp Excel hỏng"
CSV_TEXT = "Mã hồ sơ,Mã TTHC,Trạng thái,Ngày nhận\nHS-1,1.001193,Đang xử lý,02/06/2026\n"


def good_xlsx(w: Workspace) -> dict[str, bytes]:
    """The members of a small valid case-list xlsx."""
    path = w.xlsx("source.xlsx")
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    path.unlink()
    return members


def rezip(mutate: Callable[[dict[str, bytes]], None]) -> Callable[[Workspace], bytes]:
    """The good xlsx with its members changed by ``mutate``, zipped again."""

    def build(w: Workspace) -> bytes:
        members = good_xlsx(w)
        mutate(members)
        out = w.path("rezip.zip")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in members.items():
                z.writestr(name, data)
        data = out.read_bytes()
        out.unlink()
        return data

    return build


def zipped(**members: str) -> Callable[[Workspace], bytes]:
    def build(w: Workspace) -> bytes:
        out = w.path("plain.zip")
        with zipfile.ZipFile(out, "w") as z:
            for name, text in members.items():
                z.writestr(name.replace("__", "/"), text)
        data = out.read_bytes()
        out.unlink()
        return data

    return build


def good_bytes(w: Workspace) -> bytes:
    path = w.xlsx("g.xlsx")
    data = path.read_bytes()
    path.unlink()
    return data


SHEET = "xl/worksheets/sheet1.xml"
XXE = (
    '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&x;</t></si></sst>'
)

file_kind("container-zip-of-text", "containers", zipped(readme__txt="xin chào"), refused(ZIP_NOT_EXCEL),
          "a zip holding one text file, named .xlsx", file="tep.xlsx")  # fmt: skip
file_kind("container-empty-zip", "containers", zipped(), refused(ZIP_NOT_EXCEL),
          "an empty zip named .xlsx", file="tep.xlsx")  # fmt: skip
file_kind("container-docx-as-xlsx", "containers", zipped(word__document_xml="<w:document/>"),
          refused(ZIP_NOT_EXCEL), "a Word document renamed .xlsx", file="tep.xlsx")  # fmt: skip
file_kind("container-xlsx-cut-in-half", "containers", lambda w: good_bytes(w)[: len(good_bytes(w)) // 2],
          refused(r"tệp nén hỏng hoặc tải về chưa hết"), "an xlsx whose download stopped half-way", file="tep.xlsx")  # fmt: skip
file_kind("container-xlsx-no-workbook", "containers", rezip(lambda m: m.pop("xl/workbook.xml")),
          refused(ZIP_NOT_EXCEL), "an xlsx without xl/workbook.xml", file="tep.xlsx")  # fmt: skip
file_kind("container-xlsx-no-sheet-part", "containers", rezip(lambda m: m.pop(SHEET)),
          refused(r"Không đọc được trang .*thiếu phần dữ liệu"), "an xlsx whose workbook lists a sheet part that is missing", file="tep.xlsx")  # fmt: skip
file_kind("container-xlsx-garbage-sheet", "containers",
          rezip(lambda m: m.__setitem__(SHEET, random.Random(1).randbytes(3000))),
          refused(r"Không đọc được trang .*tệp hỏng"), "an xlsx whose sheet XML is random bytes", file="tep.xlsx")  # fmt: skip
file_kind("container-xlsx-unclosed-shared-strings", "containers",
          rezip(lambda m: m.__setitem__("xl/sharedStrings.xml", b"<sst><si><t>abc</sst>")),
          refused(BROKEN_EXCEL), "an xlsx whose shared-strings XML is not well formed", file="tep.xlsx")  # fmt: skip
file_kind("container-xlsx-no-content-types", "containers", rezip(lambda m: m.pop("[Content_Types].xml")),
          read(rows=3), "an xlsx without [Content_Types].xml (some exporters omit it): read", file="tep.xlsx")  # fmt: skip
file_kind("container-xlsx-external-entity", "containers",
          rezip(lambda m: m.__setitem__("xl/sharedStrings.xml", XXE.encode())),
          refused(BROKEN_EXCEL), "an xlsx whose shared strings declare an external entity (XXE): "
          "refused, no file of the machine is read into the warehouse", file="tep.xlsx")  # fmt: skip
file_kind("container-xlsx-zip-slip-member", "containers",
          rezip(lambda m: m.__setitem__("../../evil.txt", b"x")), read(rows=3),
          "an xlsx with a member named ../../evil.txt: nothing is extracted, the sheet is read", file="tep.xlsx")  # fmt: skip
file_kind("container-xlsm-with-macros", "containers",
          rezip(lambda m: m.__setitem__("xl/vbaProject.bin", random.Random(2).randbytes(2000))),
          read(rows=3), "an .xlsm carrying a VBA project: the cells are read, the macros never run", file="tep.xlsm")  # fmt: skip
file_kind("container-xlsx-as-xls", "containers", good_bytes, read(rows=3),
          "an xlsx renamed .xls: read by its content (the ledger records the mismatch)", file="tep.xls")  # fmt: skip
file_kind("container-html-as-xls", "containers",
          "<html><body><table><tr><td>Mã hồ sơ</td><td>Ngày nhận</td></tr></table></body></html>",
          refused(r"thiếu cột bắt buộc"), "an HTML table saved as .xls (what some web exports do): "
          "read as HTML; this one lacks the required columns", file="tep.xls")  # fmt: skip
file_kind("container-csv-as-xlsx", "containers", CSV_TEXT, read(rows=1),
          "a CSV renamed .xlsx: read as the text it is (recorded in the ledger)", file="tep.xlsx")  # fmt: skip
file_kind("container-pdf-as-xlsx", "containers", b"%PDF-1.4\n" + random.Random(3).randbytes(3000),
          refused(r"là tệp PDF, không phải tệp xuất dữ liệu"), "a PDF renamed .xlsx", file="tep.xlsx")  # fmt: skip
file_kind("container-random-bytes-as-xlsx", "containers", random.Random(5).randbytes(2000),
          refused(r"không phải bảng tính .*và cũng không phải văn bản"),
          "random bytes named .xlsx: not a workbook and not text (no advice about encodings)",
          file="tep.xlsx")  # fmt: skip
file_kind("container-gzip-as-csv", "containers", gzip.compress(CSV_TEXT.encode(), mtime=0),
          refused(r"là tệp nén gzip"), "a gzip-compressed CSV named .csv", file="tep.csv")  # fmt: skip
file_kind("container-png-as-csv", "containers", b"\x89PNG\r\n\x1a\n" + random.Random(4).randbytes(2000),
          refused(r"là ảnh PNG"), "an image named .csv", file="tep.csv")  # fmt: skip


@kind("container-xlsx-stray-cell-XFD1048576", "containers",
      either(read(rows=3), refused(r"giới hạn")),
      "an xlsx with one stray cell in the last cell of the sheet (XFD1048576): must not try to "
      "allocate the whole grid; read (the blank cell ignored) or refused naming the cap")  # fmt: skip
def _(w: Workspace):
    import xlsxwriter

    path = w.path("stray.xlsx")
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Danh sách")
    from corpus.framework import CASE_HEADER, CASE_ROWS

    for r, row in enumerate([CASE_HEADER, *CASE_ROWS]):
        for c, value in enumerate(row):
            ws.write_string(r, c, value)
    ws.write_string(1048575, 16383, " ")
    wb.close()
    return w.ingest(path)


@kind("container-xlsx-only-cell-XFD1048576", "containers", refused(r"Không đọc được|giới hạn"),
      "an xlsx whose only cell is the sheet's last cell: a clear refusal, not a Rust panic")  # fmt: skip
def _(w: Workspace):
    import xlsxwriter

    path = w.path("corner.xlsx")
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Danh sách").write_string(1048575, 16383, "x")
    wb.close()
    return w.ingest(path)
