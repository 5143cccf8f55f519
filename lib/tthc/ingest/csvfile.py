"""CSV exports: encoding, delimiter, header area, and every line of the body accounted for.

- **Encoding** from the bytes: a BOM (UTF-8, UTF-16), UTF-16 without BOM, UTF-8; otherwise the
  8-bit encoding whose decoding reads as Vietnamese (Windows-1258, TCVN3, VNI:
  :func:`tthc.ingest.legacy.decode_legacy_bytes`). Bytes no candidate reads as Vietnamese
  (GBK, Shift-JIS, random binary) are refused: a successful decoding is not a plausible one.
- **Lines** are what the CSV format calls lines (CR, LF, CRLF). Unicode line separators (U+2028,
  NEL) inside a title or a cell are characters, not line breaks.
- **Delimiter**: a leading ``sep=;`` line (Excel's hint) or the one of ``, ; TAB |`` that splits
  most lines of the head into the same number of fields.
- **Body**: pyarrow reads a well-formed body in C++. When some rows do not have the header's
  number of fields, the body is read record by record: a row with extra fields that are all
  empty (a trailing delimiter) is kept; a row with a quote that is never closed is rejected as
  that one line, and reading resumes on the next line (the rest of the file is not swallowed);
  other rows with the wrong number of fields are rejected with both counts named.
- **Caps** (:mod:`.limits`): a field longer than :data:`~.limits.MAX_CELL_CHARS` characters or a
  line of more than :data:`~.limits.MAX_COLUMNS` fields refuses the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from tthc.arrowbytes import longest_bytes
from tthc.errors import InputFileError
from tthc.ingest import limits
from tthc.ingest.legacy import ENCODING_NAMES, decode_legacy_bytes
from tthc.ingest.sheets import HEAD_ROWS, TAIL_ROWS, Body, Sheet

_DELIMITERS = (",", ";", "\t", "|")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_SEP_HINT = re.compile(r'^"?sep=(.)"?\s*$', re.I)


def decode_csv_bytes(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding) of a CSV's bytes; an :class:`InputFileError` when no encoding reads it.

    A file that says what it is (a byte-order mark, or the zero bytes of UTF-16) is decoded
    strictly: a byte that does not fit is damage (a download cut short, rows pasted from a
    file in another encoding), refused naming the line, never a character silently replaced.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", name), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", name), "utf-16"
    sample = data[:4000]
    if sample and sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without a BOM: ASCII characters leave a zero byte on one side.
        odd_zeros = sample[1::2].count(b"\x00") > sample[0::2].count(b"\x00")
        enc = "utf-16-le" if odd_zeros else "utf-16-be"
        return _strict(data, enc, name), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc
    decoded = decode_legacy_bytes(data)
    if decoded is None:
        if _mostly_utf8(data):
            raise _damaged(data, first_bad, "utf-8", name)
        raise InputFileError(
            f"Không đọc được tệp {name}: bảng mã không nhận ra (không phải UTF-8, UTF-16, "
            "Windows-1258, TCVN3 hay VNI; chữ giải mã ra không phải tiếng Việt): hãy mở bằng "
            "Excel và lưu lại dạng 'CSV UTF-8'."
        )
    return decoded


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _damaged(data, exc, encoding, name) from None


def _damaged(data: bytes, exc: UnicodeDecodeError, encoding: str, name: str) -> InputFileError:
    """The refusal of a file in ``encoding`` with bytes that do not fit it, naming where."""
    label = "UTF-16" if encoding.startswith("utf-16") else "UTF-8"
    if label == "UTF-16" and len(data) % 2:
        size = f"{len(data):,}".replace(",", ".")
        return InputFileError(
            f"Không đọc được tệp {name}: tệp UTF-16 có số byte lẻ ({size} byte), thiếu nửa ký "
            "tự cuối: tệp bị cắt ngang khi tải về hoặc sao chép; hãy tải hoặc xuất lại."
        )
    text = data[: exc.start].decode(encoding, errors="replace")
    line = 1 + sum(1 for _ in re.finditer(r"\r\n|\r|\n", text))
    return InputFileError(
        f"Không đọc được tệp {name}: tệp viết bằng {label} nhưng dòng {line} có byte không phải "
        f"{label} (có lẽ dán từ tệp dùng bảng mã khác, hoặc tệp hỏng): hãy mở bằng Excel, sửa "
        "dòng đó rồi lưu lại dạng 'CSV UTF-8'."
    )


def _mostly_utf8(data: bytes) -> bool:
    """Whether the non-ASCII text of ``data`` is mostly (4 in 5) valid UTF-8 (bad bytes in a UTF-8
    file, not a file in another encoding)."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    return good > 0 and good >= 4 * bad


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


def physical_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` as CSV sees them (CR, LF or CRLF end a line), endings kept."""
    for m in _LINE.finditer(text):
        yield m.group(0)


def _reader(lines, delimiter: str):
    return csv.reader(lines, delimiter=delimiter, strict=False)


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits most lines into the same number (> 1) of fields."""
    best, best_score = ",", (-1, -1)
    for d in _DELIMITERS:
        counts: dict[int, int] = {}
        for row in _reader(lines, d):
            if len(row) > 1:
                counts[len(row)] = counts.get(len(row), 0) + 1
        if counts:
            k, freq = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
            if (freq, k) > best_score:
                best, best_score = d, (freq, k)
    return best


def _field_limit(name: str):
    """Run csv with the project's field cap; a longer field refuses the file."""

    class _Cap:
        def __enter__(self):
            self.old = csv.field_size_limit(limits.MAX_CELL_CHARS)

        def __exit__(self, exc_type, exc, tb):
            csv.field_size_limit(self.old)
            if exc_type is csv.Error and "field larger" in str(exc):
                raise _too_long(name) from exc
            return False

    return _Cap()


def open_csv(path: Path, data: bytes | None = None) -> Sheet:
    """The one sheet of a CSV file (also used for text saved under an Excel name)."""
    data = path.read_bytes() if data is None else data
    head_text = _utf8_head(data)
    encoding = "utf-8"
    if head_text is not None:
        utf8 = data
    else:
        text, encoding = decode_csv_bytes(data, path.name)
        text = text.lstrip("\ufeff")
        head_text = text[:200_000]
        utf8 = text.encode("utf-8")
        del text
    del data
    if not head_text.strip():
        raise InputFileError(f"Tệp {path.name} rỗng (không có dòng nào).")
    lines = []
    for line in physical_lines(head_text):
        lines.append(line)
        if len(lines) >= HEAD_ROWS:
            break
    skip = 0
    hint = _SEP_HINT.match(lines[0].strip()) if lines else None
    with _field_limit(path.name):
        if hint:
            delimiter, skip = hint.group(1), 1
            lines = lines[1:]
        else:
            delimiter = sniff_delimiter(lines)
        head_rows, ends = _records(lines, delimiter)
    width = max((len(r) for r in head_rows), default=0)
    if width > limits.MAX_COLUMNS:
        raise InputFileError(
            f"Tệp {path.name} có dòng {width} cột, quá giới hạn {limits.MAX_COLUMNS} cột: "
            "tệp không phải danh sách xuất từ phần mềm một cửa."
        )
    head = [list(r) + [""] * (width - len(r)) for r in head_rows]

    def load_body(header_index: int, cols: Sequence[int]) -> Body:
        nonlocal utf8
        ncols = len(head_rows[header_index]) if header_index < len(head_rows) else width
        # Physical lines before the body: a title or header cell with a quoted line break
        # makes its record longer than one line.
        first = skip + (ends[header_index] if header_index < len(ends) else header_index + 1)
        names = [f"f{i}" for i in range(ncols)]
        bad: list[int] = []

        def on_invalid(row: pacsv.InvalidRow) -> str:
            bad.append(row.number)
            return "skip"

        try:
            table = _read_csv(utf8, first, names, delimiter, cols, on_invalid)
        except pa.ArrowInvalid as exc:
            if "utf8" not in str(exc).lower():
                return _body_slow(utf8, delimiter, first, ncols, cols, path.name)
            # Not UTF-8 after all beyond the first lines: decode the whole file and retry.
            text, _enc = decode_csv_bytes(utf8, path.name)
            utf8 = text.encode("utf-8")
            bad.clear()
            try:
                table = _read_csv(utf8, first, names, delimiter, cols, on_invalid)
            except pa.ArrowInvalid:
                return _body_slow(utf8, delimiter, first, ncols, cols, path.name)
        if bad or _may_hide_lines(utf8):
            return _body_slow(utf8, delimiter, first, ncols, cols, path.name)
        _check_field_length(table, path.name)
        n = table.num_rows
        columns = {
            c: (table.column(f"f{c}") if c < ncols else pa.array([""] * n, type=pa.string()))
            for c in cols
        }
        numbers = np.arange(first + 1, first + 1 + n, dtype=np.int64)
        return Body(columns, numbers, tail=_tail(utf8, delimiter, numbers))

    return Sheet(None, head, [], load_body, row0=skip, source="csv", encoding=encoding)


def _records(lines: list[str], delimiter: str) -> tuple[list[list[str]], list[int]]:
    """The CSV records of ``lines``, and for each the number of lines read through its end."""
    reader = _reader(lines, delimiter)
    rows, ends = [], []
    for row in reader:
        rows.append(row)
        ends.append(reader.line_num)
    return rows, ends


def _check_field_length(table: pa.Table, name: str) -> None:
    """The same cap on a field as the record-by-record path (:func:`_field_limit`)."""
    for column in table.columns:
        bytes_long = longest_bytes(column)
        if bytes_long is not None and bytes_long <= limits.MAX_CELL_CHARS:
            continue  # no more characters than bytes: no need to count them
        longest = pc.max(pc.utf8_length(column)).as_py() if len(column) else 0
        if (longest or 0) > limits.MAX_CELL_CHARS:
            raise _too_long(name)


def _too_long(name: str) -> InputFileError:
    cap = f"{limits.MAX_CELL_CHARS:,}".replace(",", ".")  # Vietnamese digit grouping
    return InputFileError(
        f"Tệp {name} có ô dài quá {cap} ký tự (giới hạn của tthc): tệp không phải danh sách "
        "xuất từ phần mềm, hoặc có dấu ngoặc kép không đóng; hãy kiểm tra và xuất lại."
    )


def _may_hide_lines(utf8: bytes) -> bool:
    """pyarrow splits on LF/CR like the CSV format but, with quoted line breaks off, a quote
    left open swallows nothing only if every row was reported; a lone CR (old Mac files) or a
    quote character in the body sends the file through the record-by-record path instead."""
    # NumPy over 256 KiB slices (the comparison stays in cache) counts a byte three times as
    # fast as bytes.count: 11 ms against 35 ms for 57 MB.
    view = np.frombuffer(utf8, dtype=np.uint8)
    quotes = sum(
        int(np.count_nonzero(view[i : i + _SLICE] == ord('"'))) for i in range(0, len(view), _SLICE)
    )
    return quotes % 2 == 1


_SLICE = 1 << 18


def _tail(utf8: bytes, delimiter: str, numbers: np.ndarray) -> list[tuple[int, list[str]]]:
    """The last rows of a body read by pyarrow (one physical line per row), every column."""
    k = min(TAIL_ROWS, len(numbers))
    if k == 0:
        return []
    text = utf8[-(1 << 16) :].decode("utf-8", errors="replace")
    lines = [line for line in physical_lines(text)][-k:]
    if len(lines) < k:
        return []
    rows = list(_reader(lines, delimiter))
    if len(rows) != k:
        return []
    return [(int(numbers[len(numbers) - k + i]), rows[i]) for i in range(k)]


def _read_csv(utf8: bytes, skip: int, names: list[str], delimiter: str, cols, on_invalid):
    """The data lines under the header as string columns (only ``cols`` are converted)."""
    wanted = [f"f{c}" for c in cols if c < len(names)]
    return pacsv.read_csv(
        io.BytesIO(utf8),
        read_options=pacsv.ReadOptions(skip_rows=skip, column_names=names),
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


_UNCLOSED = 'Dòng có dấu ngoặc kép (") không đóng: không tách được các ô'


def _well_quoted(record: list[str], delimiter: str) -> bool:
    """Whether a record over several lines is one well-formed CSV record: each quoted field
    closed by a quote that a delimiter or the line end follows (what a quoted line break in a
    cell gives), not a quote left open until some later quote in another row."""
    try:
        return len(list(csv.reader(record, delimiter=delimiter, strict=True))) == 1
    except csv.Error:
        return False


def _body_slow(
    utf8: bytes, delimiter: str, first: int, ncols: int, cols: Sequence[int], name: str
) -> Body:
    """Record by record, for bodies whose rows do not all have the header's number of fields.

    Every physical line under the header is a kept row, part of a kept multi-line row, blank, or
    a rejected row with its reason: none disappears.
    """
    lines = list(physical_lines(utf8.decode("utf-8", errors="replace")))
    kept: list[list[str]] = []
    numbers: list[int] = []
    bad: list[tuple[int, str]] = []
    seen: list[tuple[int, list[str]]] = []  # every row in order, kept or not (footer detection)
    stopped: set[int] = set()  # rows that end early: too few cells, or a quote left open
    i = first
    with _field_limit(name):
        while i < len(lines):
            reader = _reader(iter(lines[i:]), delimiter)
            while True:
                start = i + reader.line_num + 1  # 1-based line of the record's first line
                try:
                    row = next(reader)
                except StopIteration:
                    i = len(lines)
                    break
                except csv.Error as exc:
                    # A field past the cap that took several lines is a quote never closed
                    # swallowing the lines under it: that line is rejected like any other.
                    if "field larger" not in str(exc) or reader.line_num <= start - i:
                        raise
                    bad.append((start, _UNCLOSED))
                    i = start
                    break
                consumed = reader.line_num
                span = consumed - (start - i - 1)
                if not row or not any(x.strip() for x in row):
                    continue
                if len(row) > ncols and not any(x.strip() for x in row[ncols:]):
                    row = row[:ncols]  # a trailing delimiter: the extra fields hold nothing
                record = lines[start - 1 : start - 1 + span]
                if (span > 1 and not _well_quoted(record, delimiter)) or (
                    span == 1 and len(row) != ncols and record[0].count('"') % 2
                ):
                    # A quote never closed took the following lines with it (to the end of
                    # the file, or to some later quote): reject its first line, read on from
                    # the next one.
                    bad.append((start, _UNCLOSED))
                    stopped.add(start)
                    i = start  # 0-based index of the next physical line
                    break
                seen.append((start, row))
                if len(row) == ncols:
                    kept.append(row)
                    numbers.append(start)
                    continue
                bad.append((start, f"Dòng có {len(row)} ô, dòng tiêu đề có {ncols} ô"))
                if len(row) < ncols:
                    stopped.add(start)
    transposed = list(zip(*kept, strict=False)) if kept else [()] * ncols
    columns = {
        c: pa.array(list(transposed[c]) if c < ncols else [""] * len(kept), type=pa.string())
        for c in cols
    }
    # Every export ends its last row with a line break; a last line that stops early (too few
    # cells, a quote left open) and has none is where a copy or a download stopped: the rest of
    # the list is missing. (A last line with too many cells is only a bad row.)
    cut = len(lines) if not utf8.endswith((b"\n", b"\r")) and len(lines) in stopped else None
    return Body(
        columns, np.array(numbers, dtype=np.int64), bad, tail=seen[-TAIL_ROWS:], cut_short=cut
    )


__all__ = ["ENCODING_NAMES", "decode_csv_bytes", "open_csv", "physical_lines", "sniff_delimiter"]
