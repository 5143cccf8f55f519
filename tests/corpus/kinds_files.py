"""Files (issue 13, item 1): files with nothing in them, or nothing but noise."""

from __future__ import annotations

import random

from corpus.framework import Run, Workspace, file_kind, kind, refused

file_kind("file-empty-csv", "files", b"", refused(r"Tệp tep\.csv rỗng \(0 byte\)"),
          "a CSV of 0 bytes (a download that never started)")  # fmt: skip
file_kind("file-empty-xlsx", "files", b"", refused(r"Tệp tep\.xlsx rỗng \(0 byte\)"),
          "an .xlsx of 0 bytes", file="tep.xlsx")  # fmt: skip
file_kind("file-utf8-bom-only", "files", b"\xef\xbb\xbf", refused(r"rỗng \(không có dòng nào\)"),
          "a CSV holding only a UTF-8 byte-order mark")  # fmt: skip
file_kind("file-utf16-bom-only", "files", b"\xff\xfe", refused(r"rỗng \(không có dòng nào\)"),
          "a CSV holding only a UTF-16 byte-order mark")  # fmt: skip
file_kind("file-random-bytes-csv", "files", random.Random(5).randbytes(4096),
          refused(r"bảng mã không nhận ra"),
          "4 kB of random bytes named .csv: refused, nothing stored")  # fmt: skip


@kind("file-xlsx-without-cells", "files", refused(r"không có ô nào|không tìm thấy dòng tiêu đề"),
      "a valid workbook whose only sheet has no cell")  # fmt: skip
def _(w: Workspace) -> Run:
    import xlsxwriter

    path = w.path("trong.xlsx")
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Danh sách")
    wb.close()
    return w.ingest(path)
