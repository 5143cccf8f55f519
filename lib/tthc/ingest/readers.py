"""Opening an export: the right reader for what the file really is, and its head made readable.

:func:`open_export` sniffs the container (:mod:`.containers`), reads every sheet with the
reader for it (:mod:`.excel`, :mod:`.csvfile`, :mod:`.markup`), then decodes the sheets' first
rows (titles and headers) from TCVN3/VNI when they are written that way (:mod:`.legacy`) and
cleans them (:func:`tthc.text.clean`), so that header detection sees Unicode text. What was
decided is kept on the :class:`Opened` result for the ingest ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tthc.errors import InputFileError
from tthc.ingest.containers import sniff
from tthc.ingest.legacy import ENCODING_NAMES, decide_column
from tthc.ingest.sheets import HEAD_ROWS, Body, Sheet
from tthc.text import clean

EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_EXTENSIONS = (".csv",)
SUPPORTED_EXTENSIONS = EXCEL_EXTENSIONS + CSV_EXTENSIONS

__all__ = ["HEAD_ROWS", "SUPPORTED_EXTENSIONS", "Body", "Opened", "Sheet", "open_export"]


@dataclass
class Opened:
    """The readable sheets of a file, and what reading it decided."""

    sheets: list[Sheet]
    container: str  # xlsx | xls | ods | csv | html | spreadsheetml
    skipped: list[dict] = field(default_factory=list)  # [{sheet, reason}] not read at all
    decisions: list[dict] = field(default_factory=list)  # for the ledger

    def __iter__(self):
        return iter(self.sheets)

    def __len__(self) -> int:
        return len(self.sheets)

    def __getitem__(self, i: int) -> Sheet:
        return self.sheets[i]


def check_path(path: Path) -> None:
    """File-level checks that need no reading: existence, extension, size."""
    if not path.exists():
        raise InputFileError(f"Không tìm thấy tệp {path}.")
    if path.is_dir():
        raise InputFileError(f"{path} là thư mục, không phải tệp xuất dữ liệu.")
    ext = path.suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        raise InputFileError(
            f"Tệp {path.name}: định dạng '{ext or '(không có đuôi)'}' không được hỗ trợ "
            f"(chỉ nhận {', '.join(SUPPORTED_EXTENSIONS)})."
        )
    if path.stat().st_size == 0:
        raise InputFileError(f"Tệp {path.name} rỗng (0 byte).")


def open_export(path: Path, data: bytes | None = None) -> Opened:
    """The sheets of an export file, or an :class:`InputFileError` saying why it cannot be read.

    ``data``: the file's bytes, when the caller has read them already (:mod:`.prefetch`); a CSV
    is then read from them, not read again. The workbook readers read the file themselves.
    """
    from tthc.ingest import csvfile, excel, markup

    check_path(path)
    container = sniff(path, data)
    decisions: list[dict] = []
    if container.detail:
        decisions.append(
            {
                "what": "container",
                "container": container.kind,
                "detail": f"tệp {path.suffix or '(không đuôi)'} thực chất là {container.detail}: "
                "đã đọc theo đúng dạng đó",
            }
        )
    skipped: list[dict] = []
    if container.kind == "encrypted":
        raise InputFileError(
            f"Tệp {path.name} được đặt mật khẩu (mã hóa): hãy mở bằng Excel, bỏ mật khẩu rồi lưu lại."
        )
    if container.kind == "xlsx":
        sheets, skipped = excel.open_xlsx(path)
    elif container.kind in ("xls", "ods"):
        sheets, skipped = excel.open_calamine(path, container.kind)
    elif container.kind == "html":
        sheets = markup.open_html(path)
    elif container.kind == "spreadsheetml":
        sheets, skipped = markup.open_spreadsheetml(path)
    else:
        sheets = [csvfile.open_csv(path, data)]
        enc = sheets[0].encoding
        if enc in ENCODING_NAMES:
            decisions.append({"what": "encoding", "encoding": enc,
                              "detail": f"tệp CSV viết bằng bảng mã {ENCODING_NAMES[enc]}: "
                                        "đã chuyển sang Unicode"})  # fmt: skip
    for sheet in sheets:
        decisions.extend(_decode_head(sheet))
    return Opened(sheets, container.kind, skipped, decisions)


def _decode_head(sheet: Sheet) -> list[dict]:
    """Decode legacy-encoded title and header cells, then clean every head cell.

    The head is decided as one column: header cells typed in TCVN3 prove the encoding for the
    title cells that would read either way. Head cells that stay undecided are left as they are
    (header detection then names the columns it could not read).
    """
    values = sorted({c for row in sheet.head for c in row if c and not c.isascii()})
    decision = decide_column(values)
    out: list[dict] = []
    if decision.replace:
        sheet.head = [[decision.replace.get(c, c) for c in row] for row in sheet.head]
        where = f"trang '{sheet.name}'" if sheet.name else "tệp"
        name = ENCODING_NAMES.get(decision.encoding or "", decision.encoding)
        out.append(
            {
                "what": "legacy_head",
                "sheet": sheet.name,
                "encoding": decision.encoding,
                "cells": len(decision.replace),
                "detail": f"tiêu đề và tên cột ở {where} viết bằng bảng mã {name}: "
                "đã chuyển sang Unicode",
            }
        )
    sheet.head = [[clean(c) for c in row] for row in sheet.head]
    return out
