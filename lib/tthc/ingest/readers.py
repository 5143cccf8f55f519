"""Reading export files into text cells: Excel through python-calamine, CSV through pyarrow.

A reader gives the first rows of a sheet as text (for header and title detection) and, once the
header row is known, the data rows below it as Arrow string columns with their 1-based sheet row
numbers. Every cell arrives as text ('' when blank): values are parsed set-based in DuckDB
(:mod:`tthc.ingest.values`), so the Python side never loops over rows to interpret them.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gc
import hashlib
import io
import math
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from tthc.errors import InputFileError

EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls")
CSV_EXTENSIONS = (".csv",)
SUPPORTED_EXTENSIONS = EXCEL_EXTENSIONS + CSV_EXTENSIONS
HEAD_ROWS = 40  # title rows + header rows are expected within the first 40 rows of a sheet
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Body:
    """Data rows under the header: ``columns[i]`` is the text of sheet column ``i``."""

    columns: dict[int, pa.Array | pa.ChunkedArray]
    row_numbers: np.ndarray  # 1-based sheet row (Excel) or record number (CSV)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # rows that could not be split

    def __len__(self) -> int:
        return len(self.row_numbers)


@dataclass
class Sheet:
    """One sheet of an export (a CSV file is one sheet named None)."""

    name: str | None
    head: list[list[str]]  # first HEAD_ROWS rows as NFC text, rectangular
    merged: list[tuple[int, int, int, int]]  # (row0, col0, row1, col1), 0-based inclusive
    load_body: Callable[[int, Sequence[int]], Body] = field(repr=False)

    @property
    def width(self) -> int:
        return len(self.head[0]) if self.head else 0


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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


def open_export(path: Path) -> list[Sheet]:
    """The sheets of an export file, or an :class:`InputFileError` saying why it cannot be read."""
    check_path(path)
    if path.suffix.lower() in CSV_EXTENSIONS:
        return [_open_csv(path)]
    return _open_excel(path)


# --- Excel --------------------------------------------------------------------------------


def _open_excel(path: Path) -> list[Sheet]:
    import python_calamine as calamine

    with path.open("rb") as f:
        magic = f.read(8)
    if path.suffix.lower() in (".xlsx", ".xlsm") and magic == _OLE_MAGIC:
        # Office stores a password-protected xlsx as an OLE container holding the encrypted package.
        raise InputFileError(
            f"Tệp {path.name} được đặt mật khẩu (mã hóa): hãy mở bằng Excel, bỏ mật khẩu rồi lưu lại."
        )
    try:
        wb = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError as exc:
        raise InputFileError(
            f"Tệp {path.name} được đặt mật khẩu (mã hóa): hãy bỏ mật khẩu rồi xuất lại."
        ) from exc
    except Exception as exc:  # calamine raises several unrelated types for corrupt files
        raise InputFileError(
            f"Không đọc được tệp {path.name}: tệp hỏng hoặc không phải Excel ({type(exc).__name__})."
        ) from exc
    sheets = []
    for meta in wb.sheets_metadata:
        if (
            meta.visible != calamine.SheetVisibleEnum.Visible
            or meta.typ != calamine.SheetTypeEnum.WorkSheet
        ):
            continue
        sheets.append(_excel_sheet(path, wb, meta.name))
    if not sheets:
        raise InputFileError(f"Tệp {path.name} không có trang tính nào đọc được.")
    return sheets


@contextmanager
def _no_gc():
    """Millions of cell objects are created and none form cycles: the cyclic collector would
    rescan them again and again (it doubled the time of a 200,000-row read)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _excel_sheet(path: Path, wb, name: str) -> Sheet:
    try:
        sh = wb.get_sheet_by_name(name)
        with _no_gc():
            rows = sh.to_python(skip_empty_area=False)
        merged = [(a[0], a[1], b[0], b[1]) for a, b in (sh.merged_cell_ranges or [])]
    except Exception as exc:
        raise InputFileError(
            f"Không đọc được trang '{name}' của tệp {path.name}: tệp hỏng ({type(exc).__name__})."
        ) from exc
    width = max((len(r) for r in rows[:HEAD_ROWS]), default=0)
    head = [[_head_text(v) for v in r] + [""] * (width - len(r)) for r in rows[:HEAD_ROWS]]

    held = [rows]  # released by load_body: the sheet's cells are the bulk of the memory

    def load_body(header_index: int, cols: Sequence[int]) -> Body:
        all_rows = held[0]
        if all_rows is None:
            raise RuntimeError("sheet body already loaded")
        held[0] = None
        body = all_rows[header_index + 1 :]
        del all_rows
        n = len(body)
        with _no_gc():
            columns = {c: _column_to_text(values) for c, values in _columns_of(body, cols)}
        numbers = np.arange(header_index + 2, header_index + 2 + n, dtype=np.int64)
        return Body(columns, numbers)

    return Sheet(name, head, merged, load_body)


def _columns_of(body: list[list], cols: Sequence[int]) -> Iterator[tuple[int, Sequence]]:
    """The wanted columns of a row-major sheet body.

    calamine returns a rectangle, so one ``zip(*body)`` transposes it in C (about three times
    faster than a Python list per column); a ragged body falls back to per-column lists.
    """
    widths = set(map(len, body))
    if len(widths) == 1:
        transposed = list(zip(*body, strict=True))
        width = widths.pop()
        for c in cols:
            yield c, transposed[c] if c < width else (None,) * len(body)
        return
    for c in cols:
        yield c, [r[c] if c < len(r) else None for r in body]


def _blank(n: int) -> pa.Array:
    return pa.array([""] * n, type=pa.string())


def _head_text(v: object) -> str:
    return unicodedata.normalize("NFC", _cell_text(v)).strip()


def _cell_text(v: object) -> str:
    """One Excel cell as text, keeping integers integral ('123' not '123.0')."""
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


def _column_to_text(values: list) -> pa.Array:
    """A column of calamine cells as Arrow text. Homogeneous columns convert in Arrow's C++."""
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    try:
        arr = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([_cell_text(v) for v in values], type=pa.string())
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return arr.cast(pa.string())
    if pa.types.is_floating(arr.type):
        integral = pc.equal(pc.floor(arr), arr)
        as_int = pc.cast(pc.cast(arr, pa.int64(), safe=False), pa.string())
        return pc.if_else(integral, as_int, pc.cast(arr, pa.string())).fill_null("")
    if pa.types.is_timestamp(arr.type) or pa.types.is_date(arr.type):
        return pc.cast(arr, pa.string()).fill_null("")
    if pa.types.is_null(arr.type):
        return _blank(len(values))
    return pa.array([_cell_text(v) for v in values], type=pa.string())


# --- CSV ----------------------------------------------------------------------------------


def decode_csv_bytes(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding): UTF-8 with/without BOM, UTF-16 (BOM or not), else Windows-1258."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    sample = data[:4000]
    if sample and sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without a BOM: ASCII characters leave a zero byte on one side.
        odd_zeros = sample[1::2].count(b"\x00") > sample[0::2].count(b"\x00")
        enc = "utf-16-le" if odd_zeros else "utf-16-be"
        return data.decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # Windows-1258 writes tone marks as combining characters: NFC happens downstream.
        return data.decode("cp1258"), "cp1258"
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"Không đọc được tệp {name}: bảng mã không nhận ra (cần UTF-8, UTF-16 hoặc Windows-1258)."
        ) from exc


def _utf8_head(data: bytes, size: int = 200_000) -> str | None:
    """The first ``size`` bytes as text if they are plain UTF-8 (no BOM, no NUL), else None.

    Lets a large UTF-8 file go to pyarrow undecoded; pyarrow validates the rest.
    """
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4000]:
        return None
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(data[:size], final=len(data) <= size)
    except UnicodeDecodeError:
        return None


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits most lines into the same number (> 1) of fields."""
    best, best_score = ",", (-1, -1)
    for d in (",", ";", "\t", "|"):
        counts: dict[int, int] = {}
        for row in csv.reader(lines, delimiter=d):
            if len(row) > 1:
                counts[len(row)] = counts.get(len(row), 0) + 1
        if counts:
            k, freq = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
            if (freq, k) > best_score:
                best, best_score = d, (freq, k)
    return best


def _open_csv(path: Path) -> Sheet:
    data = path.read_bytes()
    head_text = _utf8_head(data)
    if head_text is not None:
        utf8 = data
    else:
        text, _encoding = decode_csv_bytes(data, path.name)
        head_text = text[:200_000]
        utf8 = text.encode("utf-8")
        del text
    del data
    if not head_text.strip():
        raise InputFileError(f"Tệp {path.name} rỗng (không có dòng nào).")
    head_lines = head_text.splitlines()[:HEAD_ROWS]
    delimiter = _sniff_delimiter(head_lines)
    head_rows = list(csv.reader(io.StringIO("\n".join(head_lines)), delimiter=delimiter))
    width = max((len(r) for r in head_rows), default=0)
    head = [
        [unicodedata.normalize("NFC", c).strip() for c in r] + [""] * (width - len(r))
        for r in head_rows
    ]

    def load_body(header_index: int, cols: Sequence[int]) -> Body:
        ncols = len(head_rows[header_index]) if header_index < len(head_rows) else width
        names = [f"f{i}" for i in range(ncols)]
        bad: list[tuple[int | None, str]] = []

        def on_invalid(row: pacsv.InvalidRow) -> str:
            bad.append((row.number, row.text))
            return "skip"

        nonlocal utf8
        try:
            table = _read_csv(utf8, header_index, names, delimiter, cols, on_invalid)
        except pa.ArrowInvalid as exc:
            if "utf8" not in str(exc).lower():
                raise InputFileError(f"Không đọc được tệp CSV {path.name}: {exc}.") from exc
            # Not UTF-8 after all beyond the first lines: decode the whole file and retry.
            text, _enc = decode_csv_bytes(utf8, path.name)
            utf8 = text.encode("utf-8")
            bad.clear()
            table = _read_csv(utf8, header_index, names, delimiter, cols, on_invalid)
        if bad:
            return _csv_body_slow(utf8, delimiter, header_index, ncols, cols)
        n = table.num_rows
        columns = {c: (table.column(f"f{c}") if c < ncols else _blank(n)) for c in cols}
        numbers = np.arange(header_index + 2, header_index + 2 + n, dtype=np.int64)
        return Body(columns, numbers)

    return Sheet(None, head, [], load_body)


def _read_csv(utf8: bytes, header_index: int, names: list[str], delimiter: str, cols, on_invalid):
    """The data lines under the header as string columns (only ``cols`` are converted)."""
    wanted = [f"f{c}" for c in cols if c < len(names)]
    return pacsv.read_csv(
        io.BytesIO(utf8),
        read_options=pacsv.ReadOptions(skip_rows=header_index + 1, column_names=names),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            ignore_empty_lines=False,
            invalid_row_handler=on_invalid,
            # A quoted line break makes a row look short: it goes to the record-by-record path.
            newlines_in_values=False,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in wanted},
            include_columns=wanted,
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _csv_body_slow(
    utf8: bytes, delimiter: str, header_index: int, ncols: int, cols: Sequence[int]
) -> Body:
    """Record by record, for files whose rows do not all have the header's number of fields.

    Rows with a different number of fields cannot be split reliably: they become rejects.
    """
    reader = csv.reader(io.StringIO(utf8.decode("utf-8")), delimiter=delimiter)
    kept: list[list[str]] = []
    numbers: list[int] = []
    bad: list[tuple[int, str]] = []
    for i, row in enumerate(reader):
        if i <= header_index:
            continue
        number = i + 1
        if not row or not any(x.strip() for x in row):
            continue
        if len(row) != ncols:
            bad.append((number, f"Dòng có {len(row)} ô, dòng tiêu đề có {ncols} ô"))
            continue
        kept.append(row)
        numbers.append(number)
    transposed = list(zip(*kept, strict=False)) if kept else [()] * ncols
    columns = {
        c: pa.array(list(transposed[c]) if c < ncols else [""] * len(kept), type=pa.string())
        for c in cols
    }
    return Body(columns, np.array(numbers, dtype=np.int64), bad)
