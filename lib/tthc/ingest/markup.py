"""Exports that are markup under an Excel name: HTML tables and Excel 2003 XML (SpreadsheetML).

Web one-stop systems implement "Xuất Excel" by sending an HTML table with a ``.xls`` name;
older .NET systems send SpreadsheetML. Excel opens both after a warning, people forward them,
and spreadsheet libraries call them corrupt. Both are read here with lxml:

- **HTML**: text blocks before the first table (headings, paragraphs: the title rows) become
  one-cell rows; then every ``<tr>`` of every table in document order, with ``colspan`` and
  ``rowspan`` spread as merged ranges, as Excel shows them. ``<br>`` is a space.
- **SpreadsheetML**: each visible ``Worksheet``; ``ss:Index`` (skipped rows/cells),
  ``ss:MergeAcross``/``ss:MergeDown`` (merged ranges), ``Data ss:Type`` (``DateTime`` gives ISO
  text, ``Error`` its error text, so that an error cell is never a blank).

XML is parsed without DTDs, entities or network access (lxml's safe settings), and with
lxml's default size limits (``huge_tree`` off): a document that tries entity expansion is
refused.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa

from tthc.errors import InputFileError
from tthc.ingest import limits
from tthc.ingest.excel import arrow_sheet
from tthc.ingest.legacy import decode_legacy_bytes
from tthc.ingest.sheets import HEAD_ROWS, Sheet

_SS = "urn:schemas-microsoft-com:office:spreadsheet"
_X = "urn:schemas-microsoft-com:office:excel"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w\-]+)""", re.I)
_SPACES = re.compile(r"\s+")


def _text_of(data: bytes, name: str) -> str:
    """HTML bytes as text: BOM, then the page's declared charset, then UTF-8, then legacy."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    m = _META_CHARSET.search(data[:4096])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        decoded = decode_legacy_bytes(data)
        if decoded is None:
            raise InputFileError(
                f"Không đọc được tệp {name}: bảng HTML có bảng mã không nhận ra; hãy mở bằng "
                "Excel và lưu lại dạng .xlsx."
            ) from None
        return decoded[0]


def open_html(path: Path) -> list[Sheet]:
    """An HTML table saved as .xls, as one sheet."""
    import lxml.etree
    import lxml.html

    data = path.read_bytes()
    text = _text_of(data, path.name)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise InputFileError(f"Không đọc được bảng HTML trong tệp {path.name}.") from exc
    for br in root.iter("br"):
        br.tail = " " + (br.tail or "")
    rows: list[list[str]] = []
    merged: list[tuple[int, int, int, int]] = []
    first_table = next(root.iter("table"), None)
    if first_table is None:
        raise InputFileError(f"Tệp {path.name} là trang HTML không có bảng dữ liệu.")
    # Title lines before the table (outside any table), in document order.
    order = {el: i for i, el in enumerate(root.iter())}
    for el in root.iter("h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "caption"):
        if order[el] < order[first_table] and not _inside_table(el) and not _has_block_child(el):
            line = _cell(el)
            if line:
                rows.append([line])
    for table in root.iter("table"):
        if any(t is not table for t in table.iterancestors("table")):
            continue  # a nested table is read as the text of its cell
        _table_rows(table, rows, merged)
    return [_rows_sheet(None, rows, merged, path, "html")]


def _inside_table(el) -> bool:
    return any(True for _ in el.iterancestors("table"))


def _has_block_child(el) -> bool:
    return any(c.tag in ("p", "div", "table", "h1", "h2", "h3", "h4") for c in el)


def _cell(el) -> str:
    return _SPACES.sub(" ", el.text_content()).strip()


def _table_rows(table, rows: list[list[str]], merged: list[tuple[int, int, int, int]]) -> None:
    pending: dict[tuple[int, int], str] = {}  # (row, col) filled by an earlier rowspan
    for tr in table.iter("tr"):
        if any(t is not table for t in tr.iterancestors("table")):
            continue
        r = len(rows)
        row: list[str] = []
        c = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while (r, c) in pending:
                row.append(pending.pop((r, c)))
                c += 1
            colspan = _span(td.get("colspan"))
            rowspan = _span(td.get("rowspan"))
            row.append(_cell(td))
            row.extend([""] * (colspan - 1))
            if colspan > 1 or rowspan > 1:
                merged.append((r, c, r + rowspan - 1, c + colspan - 1))
            for dr in range(1, rowspan):
                for dc in range(colspan):
                    pending[(r + dr, c + dc)] = ""
            c += colspan
            if c > limits.MAX_COLUMNS:
                raise InputFileError(
                    f"Bảng HTML có dòng quá {limits.MAX_COLUMNS} cột: không phải danh sách xuất."
                )
        while (r, c) in pending:
            row.append(pending.pop((r, c)))
            c += 1
        rows.append(row)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), limits.MAX_COLUMNS))
    except ValueError:
        return 1


def open_spreadsheetml(path: Path) -> tuple[list[Sheet], list[dict]]:
    """Excel 2003 XML: each visible worksheet as a sheet; hidden ones reported as skipped."""
    import lxml.etree

    parser = lxml.etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = lxml.etree.parse(str(path), parser).getroot()
    except lxml.etree.XMLSyntaxError as exc:
        raise InputFileError(
            f"Không đọc được tệp {path.name} (Excel 2003 XML): XML hỏng ({exc.msg})."
        ) from exc
    if any(True for _ in root.iter(lxml.etree.Entity)):
        raise InputFileError(f"Tệp {path.name} dùng thực thể XML (entity): không được hỗ trợ.")
    ss = f"{{{_SS}}}"
    sheets, skipped = [], []
    for ws in root.iter(f"{ss}Worksheet"):
        name = ws.get(f"{ss}Name") or "Sheet"
        visible = ws.find(f".//{{{_X}}}Visible")
        if visible is not None and (visible.text or "").strip() in (
            "SheetHidden",
            "SheetVeryHidden",
        ):
            skipped.append({"sheet": name, "reason": "trang ẩn"})
            continue
        rows: list[list[str]] = []
        merged: list[tuple[int, int, int, int]] = []
        table = ws.find(f"{ss}Table")
        if table is not None:
            r = -1
            for row_el in table.iter(f"{ss}Row"):
                r = int(row_el.get(f"{ss}Index", r + 2)) - 1
                if r >= limits.MAX_ROWS:
                    raise InputFileError(f"Tệp {path.name} có quá {limits.MAX_ROWS} dòng.")
                while len(rows) < r:
                    rows.append([])
                row: list[str] = []
                c = -1
                for cell in row_el.iter(f"{ss}Cell"):
                    c = int(cell.get(f"{ss}Index", c + 2)) - 1
                    if c >= limits.MAX_COLUMNS:
                        raise InputFileError(
                            f"Tệp {path.name} có ô ngoài cột ZZ (vượt giới hạn {limits.MAX_COLUMNS} cột)."
                        )
                    row.extend([""] * (c - len(row)))
                    data = cell.find(f"{ss}Data")
                    text = "".join(data.itertext()) if data is not None else ""
                    row.append(text)
                    across = int(cell.get(f"{ss}MergeAcross", 0))
                    down = int(cell.get(f"{ss}MergeDown", 0))
                    if across or down:
                        merged.append((r, c, r + down, c + across))
                    row.extend([""] * across)
                    c += across
                rows.append(row)
        sheets.append(_rows_sheet(name, rows, merged, path, "spreadsheetml"))
    if not sheets:
        raise InputFileError(f"Tệp {path.name} không có trang tính nào đọc được.")
    return sheets, skipped


def _rows_sheet(
    name: str | None,
    rows: list[list[str]],
    merged: list[tuple[int, int, int, int]],
    path: Path,
    source: str,
) -> Sheet:
    width = max((len(r) for r in rows), default=0)
    if width == 0:
        raise InputFileError(f"Tệp {path.name} không có ô nào có dữ liệu.")
    columns = [
        pa.array([r[c] if c < len(r) else "" for r in rows], type=pa.string()) for c in range(width)
    ]
    merged = [m for m in merged if m[0] < HEAD_ROWS]
    return arrow_sheet(name, columns, 0, 0, merged, False, source)
