"""Excel workbooks as sheets of text: xlsx through fastexcel (Arrow), xls and ods through
python-calamine, with what neither library reports read from the file itself.

Both libraries are built on the Rust crate calamine. fastexcel hands back Arrow string columns
without a Python object per cell, which is what keeps a 200,000-row export fast. What they do
not report, read here from the package (``xl/workbook.xml``, the sheet XML):

- **error cells** (``t="e"``: ``#N/A``, ``#REF!``, ``#VALUE!`` …), which both libraries turn into
  blanks; a blank due date would then count as "on time". Each error cell keeps its error text
  so that staging rejects the row with the cell named (xls: through xlrd, the BIFF reader);
- **merged ranges** of the first rows (two-row headers);
- **the workbook's date epoch** (1900 or 1904: ``workbookPr date1904``), for numeric date
  serials written without a date format;
- **where the used range starts**, so that reported row numbers and cell addresses are the
  sheet's own;
- **the real extent of each sheet** (its last row, and whether a cell lies beyond column ZZ),
  read before anything is allocated: a stray cell in ``XFD1048576`` would make the readers
  allocate billions of cells (see :mod:`.limits`). This costs one streamed pass over the sheet
  XML (about 0.5 s for 200,000 rows and 124 MB of XML), the price of never aborting.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from defusedxml import ElementTree as SafeET

from tthc.errors import InputFileError
from tthc.ingest import limits
from tthc.ingest.sheets import HEAD_ROWS, TAIL_ROWS, Body, Sheet, column_letter, head_text

_CELL_REF = re.compile(rb"([A-Z]{1,3})(\d{1,7})")
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3}\d{1,7})(?::([A-Z]{1,3}\d{1,7}))?"'
)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3}\d{1,7}):([A-Z]{1,3}\d{1,7})"')
_ERROR_CELL = re.compile(
    rb'<(?:\w+:)?c\s+(?=[^>]*\bt="e")[^>]*?\br="([A-Z]{1,3}\d{1,7})"[^>]*>.*?'
    rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>",
    re.S,
)
_FIRST_VALUE_CELL = re.compile(
    rb'<(?:\w+:)?c\s+[^>]*?\br="([A-Z]{1,3}\d{1,7})"[^>]*?(?<!/)>\s*<(?:\w+:)?(?:v|is|f)\b'
)
# A cell reference whose column has two letters or more (past Z), found by its attribute alone:
# the literal 'r="' lets re skip ahead, where '<(?:\w+:)?c\s+r="' was tried at every '<' (1.5 s
# for a 200,000-row sheet against 0.15 s). Each column found is then confirmed to be the r
# attribute of a cell tag (:func:`_in_cell_tag`), in any attribute order.
_REF_PAST_Z = re.compile(rb'r="([A-Z]{2,})')
_CELL_TAG = re.compile(rb"(?:\w+:)?c\s")
_LAST_ROW = re.compile(rb'<(?:\w+:)?row\s+[^>]*?\br="(\d{1,7})"')
_CHUNK = 1 << 22


def _ref(ref: bytes) -> tuple[int, int]:
    """'B7' -> (6, 1): 0-based row and column."""
    m = _CELL_REF.fullmatch(ref)
    if m is None:
        raise ValueError(ref)
    letters, digits = m.groups()
    col = 0
    for ch in letters:
        col = col * 26 + (ch - 64)
    return int(digits) - 1, col - 1


@dataclass
class SheetFacts:
    """What the sheet XML says beside its values."""

    dimension: tuple[int, int, int, int] | None = None  # r0, c0, r1, c1 (0-based, inclusive)
    first_value_cell: tuple[int, int] | None = None
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> "#REF!"
    last_row: int | None = None  # 0-based, of the last <row> element
    wide: bool = False  # a cell in a column beyond ZZ
    last_col: int = 25  # 0-based; Z unless a cell in AA…ZZ was seen


def _scan_head(z: zipfile.ZipFile, part: str) -> SheetFacts:
    """The dimension and the first cell with a value, from the start of the sheet XML."""
    facts = SheetFacts()
    with z.open(part) as f:
        head = f.read(1 << 16)
    m = _DIMENSION.search(head)
    if m:
        r0, c0 = _ref(m.group(1))
        r1, c1 = _ref(m.group(2)) if m.group(2) else (r0, c0)
        facts.dimension = (r0, c0, r1, c1)
    m = _FIRST_VALUE_CELL.search(head)
    if m:
        facts.first_value_cell = _ref(m.group(1))
    return facts


def _scan_body(z: zipfile.ZipFile, part: str, facts: SheetFacts) -> None:
    """Error cells, merged ranges, the last row and columns beyond ZZ, in one streamed pass."""
    tail = b""
    with z.open(part) as f:
        while True:
            chunk = f.read(_CHUNK)
            if not chunk:
                break
            window = tail + chunk
            if b't="e"' in window:
                for m in _ERROR_CELL.finditer(window):
                    facts.errors[_ref(m.group(1))] = m.group(2).decode("utf-8", "replace")
            _columns_past_z(window, facts)
            if b"mergeCell" in window:
                for m in _MERGE.finditer(window):
                    (r0, c0), (r1, c1) = _ref(m.group(1)), _ref(m.group(2))
                    facts.merged.append((r0, c0, r1, c1))
            tail = chunk[-4096:]
    rows = _LAST_ROW.findall(tail)
    if rows:
        facts.last_row = int(rows[-1]) - 1
    facts.merged = sorted(set(facts.merged))


def _columns_past_z(window: bytes, facts: SheetFacts) -> None:
    """From the cell references of ``window``: the last two-letter column, and whether a cell
    lies past ZZ (three letters or more)."""
    seen: set[bytes] = set()
    for m in _REF_PAST_Z.finditer(window):
        letters = m.group(1)
        if letters in seen or not _in_cell_tag(window, m.start()):
            continue
        seen.add(letters)
        if len(letters) > 2:
            facts.wide = True
        else:
            facts.last_col = max(facts.last_col, _ref(letters + b"1")[1])


def _in_cell_tag(window: bytes, at: int) -> bool:
    """Whether ``at`` starts an attribute named r inside a ``<c …>`` (or ``<x:c …>``) start tag:
    not the end of another name (``header="``), not the text of a cell (where 'r="AB' may be
    written as it is)."""
    if at == 0 or window[at - 1 : at] not in (b" ", b"\t", b"\n", b"\r"):
        return False
    lt = window.rfind(b"<", 0, at)
    return lt >= 0 and window.find(b">", lt, at) < 0 and _CELL_TAG.match(window, lt + 1) is not None


@dataclass(frozen=True)
class _WorkbookPart:
    name: str
    part: str
    visible: bool


def _workbook_parts(z: zipfile.ZipFile, path: Path) -> tuple[list[_WorkbookPart], bool]:
    """The worksheets in tab order with their XML part, and whether dates count from 1904."""
    try:
        wb = SafeET.fromstring(z.read("xl/workbook.xml"))
        rels = SafeET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except Exception as exc:  # defusedxml refuses entities; a broken part is a broken file
        raise InputFileError(
            f"Không đọc được tệp {path.name}: cấu trúc Excel hỏng ({type(exc).__name__})."
        ) from exc
    targets = {}
    for rel in rels:
        if rel.get("Id") and rel.get("Target"):
            target = rel.get("Target").lstrip("/")
            if not target.startswith("xl/"):
                target = str(PurePosixPath("xl") / target)
            targets[rel.get("Id")] = target
    date1904 = False
    parts: list[_WorkbookPart] = []
    for el in wb.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "workbookPr":
            date1904 = str(el.get("date1904", "")).lower() in ("1", "true")
        elif tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
            target = targets.get(rid or "")
            if target and "worksheets/" in target:
                visible = el.get("state", "visible") == "visible"
                parts.append(_WorkbookPart(el.get("name", ""), target, visible))
    return parts, date1904


def open_xlsx(path: Path) -> tuple[list[Sheet], list[dict]]:
    """The visible worksheets of an xlsx/xlsm, and the ones skipped (hidden, chart sheets)."""
    import fastexcel

    try:
        z = zipfile.ZipFile(path)
        parts, date1904 = _workbook_parts(z, path)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputFileError(
            f"Không đọc được tệp {path.name}: tệp Excel hỏng ({type(exc).__name__})."
        ) from exc
    skipped = [{"sheet": p.name, "reason": "trang ẩn"} for p in parts if not p.visible]
    visible = [p for p in parts if p.visible]
    if not visible:
        raise InputFileError(f"Tệp {path.name} không có trang tính nào đọc được.")
    try:
        reader = fastexcel.read_excel(_source(path, "xlsx"))
    except Exception as exc:  # fastexcel raises its own error types for broken packages
        raise InputFileError(
            f"Không đọc được tệp {path.name}: tệp Excel hỏng ({type(exc).__name__})."
        ) from exc
    sheets = []
    for part in visible:
        sheets.append(_xlsx_sheet(path, z, reader, part, date1904))
    return sheets, skipped


def _xlsx_sheet(path: Path, z: zipfile.ZipFile, reader, part: _WorkbookPart, date1904: bool):
    try:
        facts = _scan_head(z, part.part)
    except KeyError as exc:
        raise InputFileError(
            f"Không đọc được trang '{part.name}' của tệp {path.name}: thiếu phần dữ liệu."
        ) from exc
    # The real extent is measured before anything is allocated: a declared dimension can lie
    # (a stray cell far out under a small <dimension>, seen by the fuzzer).
    _scan_body(z, part.part, facts)
    limits.check_extent(path, part.name, facts.last_row, facts.last_col, facts.wide)
    try:
        table = reader.load_sheet(part.name, header_row=None, dtypes="string").to_arrow()
    except Exception as exc:
        raise InputFileError(
            f"Không đọc được trang '{part.name}' của tệp {path.name}: tệp hỏng "
            f"({type(exc).__name__})."
        ) from exc
    row0, col0 = _origin(path, part, facts, table)
    columns = [table.column(i) for i in range(table.num_columns)]
    errors = {(r - row0, c - col0): e for (r, c), e in facts.errors.items()}
    columns = _with_errors(columns, errors)
    merged = [
        (r0 - row0, c0 - col0, r1 - row0, c1 - col0)
        for r0, c0, r1, c1 in facts.merged
        if r0 - row0 < HEAD_ROWS
    ]
    return arrow_sheet(part.name, columns, row0, col0, merged, date1904, "xlsx")


def _origin(path: Path, part: _WorkbookPart, facts: SheetFacts, table) -> tuple[int, int]:
    """Where fastexcel's table starts in the sheet (calamine starts at the first value cell).

    The first cell with a value in column A fixes both (rows come in order and nothing is left
    of A); otherwise the declared dimension when it has the table's shape; otherwise
    python-calamine, which reports the start (slower, but exact).
    """
    first = facts.first_value_cell
    if first is not None and first[1] == 0:
        return first[0], 0
    dim = facts.dimension
    if dim is not None:
        r0, c0, r1, c1 = dim
        if (r1 - r0 + 1, c1 - c0 + 1) == (table.num_rows, table.num_columns):
            return r0, c0

    sh = _calamine_workbook(path, "xlsx").get_sheet_by_name(part.name)
    return sh.start if sh.start else (0, 0)


def _with_errors(
    columns: list[pa.ChunkedArray], errors: dict[tuple[int, int], str]
) -> list[pa.ChunkedArray]:
    """Put each error cell's text (``#REF!``) back where the reader left a blank."""
    if not errors:
        return columns
    by_col: dict[int, dict[int, str]] = {}
    for (r, c), text in errors.items():
        if 0 <= c < len(columns) and 0 <= r < len(columns[c]):
            by_col.setdefault(c, {})[r] = text
    out = list(columns)
    for c, cells in by_col.items():
        values = out[c].combine_chunks() if isinstance(out[c], pa.ChunkedArray) else out[c]
        mask = np.zeros(len(values), dtype=bool)
        mask[list(cells)] = True
        fill = pa.array([cells[r] for r in sorted(cells)], type=pa.string())
        out[c] = pc.replace_with_mask(values.cast(pa.string()), pa.array(mask), fill)
    return out


def arrow_sheet(
    name: str | None,
    columns: Sequence[pa.Array | pa.ChunkedArray],
    row0: int,
    col0: int,
    merged: list[tuple[int, int, int, int]],
    date1904: bool,
    source: str,
) -> Sheet:
    """A :class:`Sheet` over whole columns of text (nulls are blanks); row ``i`` of the columns
    is sheet row ``row0 + i`` (0-based), column ``j`` is sheet column ``col0 + j``."""
    n = len(columns[0]) if columns else 0
    head_rows = min(n, HEAD_ROWS)
    head_cols = [col.slice(0, head_rows).to_pylist() for col in columns]
    head = [[head_text(head_cols[c][r]) for c in range(len(columns))] for r in range(head_rows)]
    held: list[Sequence[pa.Array | pa.ChunkedArray] | None] = [columns]

    def load_body(header_index: int, cols: Sequence[int]) -> Body:
        all_columns = held[0]
        if all_columns is None:
            raise RuntimeError("sheet body already loaded")
        held[0] = None
        start = header_index + 1
        rows = max(n - start, 0)
        out: dict[int, pa.Array | pa.ChunkedArray] = {}
        for c in cols:
            if c < len(all_columns):
                out[c] = all_columns[c].slice(start).cast(pa.string()).fill_null("")
            else:
                out[c] = pa.array([""] * rows, type=pa.string())
        numbers = np.arange(row0 + start + 1, row0 + start + 1 + rows, dtype=np.int64)
        k = min(TAIL_ROWS, rows)
        tail_cols = [col.slice(n - k, k).to_pylist() for col in all_columns]
        tail = [
            (int(numbers[rows - k + i]), [v or "" for v in (tc[i] for tc in tail_cols)])
            for i in range(k)
        ]
        return Body(out, numbers, tail=tail)

    return Sheet(
        name,
        head,
        merged,
        load_body,
        row0=row0,
        col0=col0,
        date1904=date1904,
        source=source,
        n_rows=n,
    )


# The readers choose their format by the file's extension; a file whose content is another
# format than its name says (an xlsx saved as .xls, found by tthc.ingest.containers.sniff) is
# handed to them as bytes, which they read by content.
_SUFFIXES = {"xlsx": (".xlsx", ".xlsm"), "xls": (".xls",), "ods": (".ods",)}


def _source(path: Path, kind: str) -> str | bytes:
    """The path for a reader when the extension matches ``kind``, else the file's bytes."""
    if path.suffix.lower() in _SUFFIXES.get(kind, ()):
        return str(path)
    return path.read_bytes()


def _calamine_workbook(path: Path, kind: str):
    """python-calamine's workbook of ``path`` read as ``kind`` (xlsx, xls, ods)."""
    import io

    import python_calamine as calamine

    src = _source(path, kind)
    if isinstance(src, bytes):
        return calamine.CalamineWorkbook.from_filelike(io.BytesIO(src))
    return calamine.CalamineWorkbook.from_path(src)


def open_calamine(path: Path, kind: str) -> tuple[list[Sheet], list[dict]]:
    """xls (BIFF) and ods through python-calamine; error cells of an xls through xlrd."""
    import python_calamine as calamine

    try:
        wb = _calamine_workbook(path, kind)
    except calamine.PasswordError as exc:
        raise InputFileError(
            f"Tệp {path.name} được đặt mật khẩu (mã hóa): hãy bỏ mật khẩu rồi xuất lại."
        ) from exc
    except Exception as exc:  # calamine raises several unrelated types for corrupt files
        raise InputFileError(
            f"Không đọc được tệp {path.name}: tệp hỏng hoặc không phải Excel ({type(exc).__name__})."
        ) from exc
    errors, date1904 = _xls_errors(path) if kind == "xls" else ({}, False)
    sheets, skipped = [], []
    for meta in wb.sheets_metadata:
        if meta.typ != calamine.SheetTypeEnum.WorkSheet:
            skipped.append({"sheet": meta.name, "reason": "không phải trang tính"})
            continue
        if meta.visible != calamine.SheetVisibleEnum.Visible:
            skipped.append({"sheet": meta.name, "reason": "trang ẩn"})
            continue
        try:
            sh = wb.get_sheet_by_name(meta.name)
            limits.check_extent(
                path, meta.name, sh.total_height - 1, sh.total_width - 1, sh.total_width > 702
            )
            rows = sh.to_python(skip_empty_area=False)
            merged = [(a[0], a[1], b[0], b[1]) for a, b in (sh.merged_cell_ranges or [])]
        except InputFileError:
            raise
        except Exception as exc:
            raise InputFileError(
                f"Không đọc được trang '{meta.name}' của tệp {path.name}: tệp hỏng "
                f"({type(exc).__name__})."
            ) from exc
        width = max((len(r) for r in rows), default=0)
        cells = errors.get(meta.name, {})
        columns = [
            pa.array(
                [
                    cells.get((r, c)) or _cell_text(row[c] if c < len(row) else None)
                    for r, row in enumerate(rows)
                ],
                type=pa.string(),
            )
            for c in range(width)
        ]
        merged = [m for m in merged if m[0] < HEAD_ROWS]
        sheets.append(arrow_sheet(meta.name, columns, 0, 0, merged, date1904, kind))
    if not sheets:
        raise InputFileError(f"Tệp {path.name} không có trang tính nào đọc được.")
    return sheets, skipped


def _xls_errors(path: Path) -> tuple[dict[str, dict[tuple[int, int], str]], bool]:
    """Error cells of each sheet of a BIFF workbook, and its date mode (1904 or not)."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception:  # calamine read it; a reader disagreement must not refuse the file
        return {}, False
    out: dict[str, dict[tuple[int, int], str]] = {}
    try:
        for i in range(book.nsheets):
            sheet = book.sheet_by_index(i)
            cells = {}
            for r in range(sheet.nrows):
                for c, ctype in enumerate(sheet.row_types(r)):
                    if ctype == xlrd.XL_CELL_ERROR:
                        code = sheet.cell_value(r, c)
                        cells[(r, c)] = xlrd.error_text_from_code.get(code, "#ERR")
            if cells:
                out[sheet.name] = cells
    finally:
        book.release_resources()
    return out, bool(book.datemode)


def _cell_text(v: object) -> str:
    """One calamine cell as text, keeping integers integral ('123' not '123.0')."""
    import datetime as dt
    import math

    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isfinite(v) and v.is_integer() and abs(v) < 1e16:
            return str(int(v))
        return repr(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return str(v)


__all__ = ["arrow_sheet", "column_letter", "open_calamine", "open_xlsx"]
