"""The shape every reader hands to header detection and staging: sheets of text cells.

A reader gives, per sheet, the first :data:`HEAD_ROWS` rows as clean text (for header and title
detection) and, once the header row is known, the data rows below it as Arrow string columns
with their 1-based sheet row numbers. Every cell is text ('' when blank): values are parsed
set-based in DuckDB (:mod:`tthc.ingest.values`), never row by row in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

HEAD_ROWS = 40  # title rows + header rows are expected within the first 40 rows of a sheet
TAIL_ROWS = 30  # rows under the table looked at for totals and signature blocks (ingest.footer)


@dataclass
class Body:
    """Data rows under the header: ``columns[i]`` is the text of sheet column ``i``."""

    columns: dict[int, pa.Array | pa.ChunkedArray]
    row_numbers: np.ndarray  # 1-based sheet row (Excel) or record number (CSV)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # rows that could not be split
    tail: list[tuple[int, list[str]]] = field(default_factory=list)  # last rows, every column
    # A text file that stops inside its last line (no final line break, and that line a row
    # that could not be split): the line's number. The file was cut short, not exported so.
    cut_short: int | None = None

    def __len__(self) -> int:
        return len(self.row_numbers)


@dataclass
class Sheet:
    """One sheet of an export (a CSV file is one sheet named None).

    ``head`` and ``merged`` use the sheet's own coordinates shifted by ``row0``/``col0`` (the
    first row and column the reader returned); ``load_body`` numbers rows as the sheet does.
    """

    name: str | None
    head: list[list[str]]  # first HEAD_ROWS rows as text, rectangular (clean once decoded)
    merged: list[tuple[int, int, int, int]]  # (row0, col0, row1, col1), 0-based inclusive
    load_body: Callable[[int, Sequence[int]], Body] = field(repr=False)
    row0: int = 0  # sheet row (0-based) of head[0]
    col0: int = 0  # sheet column (0-based) of column 0
    date1904: bool = False  # the workbook counts date serials from 1904 (Excel for Mac)
    source: str = ""  # xlsx | xls | ods | csv | html | spreadsheetml
    encoding: str | None = None  # how a text file's bytes were decoded
    n_rows: int | None = None  # rows the reader returned (None when not known before the body)

    @property
    def width(self) -> int:
        return len(self.head[0]) if self.head else 0

    def cell_address(self, row_number: int, col: int) -> str:
        """'I7' for 1-based sheet row 7 and column index 8 of this sheet's columns."""
        return f"{column_letter(col + self.col0)}{row_number}"


def column_letter(col: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def head_text(v: object) -> str:
    """A head cell as the reader gave it ('' for None); cleaned after legacy decoding."""
    return "" if v is None else str(v)
