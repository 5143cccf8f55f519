"""What an export file really is, from its first bytes, whatever its name says.

Web systems' "Xuất Excel" buttons often send an HTML table or Excel 2003 XML (SpreadsheetML)
under a ``.xls`` name; a re-saved file may carry the wrong extension the other way round. The
reader is chosen from the content; the name only decides when the content could be either (a
CSV is plain text, like an HTML file without tags).

Containers:

- ``xlsx``: a ZIP package with ``xl/workbook.xml`` (Office Open XML, transitional or strict);
- ``xls``: an OLE2 compound file with a ``Workbook``/``Book`` stream (Excel 97-2003, BIFF);
- ``encrypted``: an OLE2 file with an ``EncryptedPackage`` (a password-protected xlsx);
- ``ods``: a ZIP package whose mimetype is OpenDocument spreadsheet;
- ``spreadsheetml``: XML with the ``urn:schemas-microsoft-com:office:spreadsheet`` namespace;
- ``html``: text with an HTML ``<table>``;
- ``csv``: other text.

Anything else (a PDF, a Word file, an image, a ZIP of something else) is refused with what it
appears to be.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tthc.errors import InputFileError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# An empty archive is only its end-of-central-directory record; a spanned one starts with this.
ZIP_OTHER_MAGIC = (b"PK\x05\x06", b"PK\x07\x08")
_SNIFF = 8192

# Other formats people save by mistake: (magic prefix, what to call it).
_OTHER = (
    (b"%PDF", "tệp PDF"),
    (b"\x89PNG", "ảnh PNG"),
    (b"\xff\xd8\xff", "ảnh JPEG"),
    (b"GIF8", "ảnh GIF"),
    (b"{\\rtf", "văn bản RTF"),
    (b"Rar!", "tệp nén RAR"),
    (b"7z\xbc\xaf", "tệp nén 7z"),
    (b"\x1f\x8b", "tệp nén gzip"),
)


@dataclass(frozen=True)
class Container:
    kind: str  # xlsx | xls | encrypted | ods | spreadsheetml | html | csv
    detail: str = ""  # what the file is when it differs from its name, for the ledger


def sniff(path: Path, data: bytes | None = None) -> Container:
    """The container of ``path``; an :class:`InputFileError` for a file that is no export.
    ``data``: the file's bytes when the caller has read them already."""
    if data is not None:
        head = data[:_SNIFF]
    else:
        with path.open("rb") as f:
            head = f.read(_SNIFF)
    ext = path.suffix.lower()
    if head.startswith(OLE_MAGIC):
        return _named(_ole(path), ext)
    if head.startswith(ZIP_MAGIC) or head.startswith(ZIP_OTHER_MAGIC):
        return _named(_zip(path), ext)
    for magic, what in _OTHER:
        if head.startswith(magic):
            raise InputFileError(
                f"Tệp {path.name} là {what}, không phải tệp xuất dữ liệu (.xlsx, .xls, .csv): "
                "hãy xuất lại danh sách từ phần mềm một cửa."
            )
    text = _text_head(head)
    if text is None and ext in (".xlsx", ".xlsm", ".ods", ".xls"):
        # Named a workbook, yet neither a workbook's container nor text: advice about text
        # encodings (what the CSV reader would say) would send the user the wrong way.
        raise InputFileError(
            f"Tệp {path.name} không phải bảng tính (không có cấu trúc của tệp .xlsx, .xls hay "
            ".ods) và cũng không phải văn bản: tệp hỏng hoặc không phải tệp xuất; hãy xuất lại "
            "danh sách từ phần mềm một cửa."
        )
    if text is None:
        # Binary named .csv (or anything else): the CSV reader's encoding check names it.
        return Container("csv")
    lowered = text.lstrip().lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in lowered and "<workbook" in lowered:
        return Container("spreadsheetml", "Excel 2003 XML (SpreadsheetML)")
    if re.search(r"<(table|html|!doctype html)\b", lowered[:_SNIFF]):
        if "<table" in lowered or _has_table(path):
            return Container("html", "bảng HTML")
        raise InputFileError(
            f"Tệp {path.name} là trang HTML không có bảng dữ liệu: hãy xuất lại danh sách."
        )
    if ext in (".xlsx", ".xlsm", ".ods", ".xls") and lowered.startswith("<"):
        raise InputFileError(
            f"Tệp {path.name} là tệp văn bản XML/HTML không nhận ra, không phải Excel: "
            "hãy mở bằng Excel và lưu lại dạng .xlsx."
        )
    return Container("csv", "văn bản CSV" if ext != ".csv" else "")


_EXTENSIONS = {"xlsx": (".xlsx", ".xlsm"), "xls": (".xls",), "ods": (".ods",)}


def _named(c: Container, ext: str) -> Container:
    """Record in ``detail`` a workbook whose extension is not its format's (read by content)."""
    if c.detail or c.kind not in _EXTENSIONS or ext in _EXTENSIONS[c.kind]:
        return c
    return Container(c.kind, f"bảng tính {c.kind} mang đuôi {ext or '(không có đuôi)'}")


def _text_head(head: bytes) -> str | None:
    """The first bytes as text when they look like text (UTF-8/16 or an 8-bit encoding)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head.decode("utf-16", errors="ignore")
        except UnicodeDecodeError:
            return None
    if head.count(b"\x00") > len(head) // 4:
        # UTF-16 without a BOM keeps a zero byte beside each ASCII character.
        odd = head[1::2].count(b"\x00") > head[0::2].count(b"\x00")
        return head.decode("utf-16-le" if odd else "utf-16-be", errors="ignore")
    if b"\x00" in head:
        return None
    return head.decode("latin-1")


def _has_table(path: Path) -> bool:
    with path.open("rb") as f:
        return b"<table" in f.read().lower()


def _ole(path: Path) -> Container:
    """An OLE2 compound file: an encrypted OOXML package (a password-protected .xlsx), an Excel
    97-2003 workbook, a Word document, or something else, told apart by its stream names."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry).lower() for entry in ole.listdir(streams=True)}
    except Exception as exc:  # olefile raises OSError and its own errors for broken files
        raise InputFileError(
            f"Không đọc được tệp {path.name}: tệp Office (OLE) hỏng hoặc tải về chưa hết; hãy "
            "tải hoặc xuất lại."
        ) from exc
    if "encryptedpackage" in streams:
        return Container("encrypted")
    if "workbook" in streams or "book" in streams:
        return Container("xls", "Excel 97-2003 (.xls)" if path.suffix.lower() != ".xls" else "")
    if "worddocument" in streams:
        raise InputFileError(
            f"Tệp {path.name} là văn bản Word (.doc), không phải bảng tính: "
            "hãy xuất lại danh sách từ phần mềm một cửa."
        )
    raise InputFileError(
        f"Tệp {path.name} là tệp Office (OLE) không chứa bảng tính Excel: hãy xuất lại."
    )


def _zip(path: Path) -> Container:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            mimetype = z.read("mimetype").decode("ascii", "ignore") if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, KeyError) as exc:
        raise InputFileError(
            f"Không đọc được tệp {path.name}: tệp nén hỏng hoặc tải về chưa hết "
            f"({type(exc).__name__}); hãy tải hoặc xuất lại."
        ) from exc
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return Container("xlsx")
    if mimetype == "application/vnd.oasis.opendocument.spreadsheet":
        return Container("ods", "OpenDocument (.ods)")
    if "word/document.xml" in names:
        raise InputFileError(
            f"Tệp {path.name} là văn bản Word (.docx), không phải bảng tính: "
            "hãy xuất lại danh sách từ phần mềm một cửa."
        )
    raise InputFileError(
        f"Tệp {path.name} là tệp nén ZIP không chứa bảng tính Excel: hãy giải nén hoặc xuất lại."
    )
