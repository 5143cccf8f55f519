"""Resource caps on what an export may make the reader allocate: each a clear refusal.

A hostile or broken file must not make ingest allocate without bound: one stray cell in
``XFD1048576`` makes a spreadsheet reader allocate a rectangle of 17 billion cells, a CSV field
of a gigabyte or a row of 50,000 columns exhaust memory before any row is counted. Each cap is
checked before the allocation and refused with its value named (README, "Giới hạn").
"""

from __future__ import annotations

from pathlib import Path

from tthc.errors import InputFileError

MAX_COLUMNS = 702  # ZZ: a case list has a few dozen columns
MAX_ROWS = 1_048_576  # Excel's own sheet limit
MAX_CELLS = 40_000_000  # per sheet: one million rows of 40 columns
MAX_CELL_CHARS = 1_000_000  # one CSV field; Excel itself stops at 32,767 characters


def check_extent(
    path: Path, sheet: str | None, last_row: int | None, last_col: int, wide: bool
) -> None:
    """Refuse a sheet whose real extent is beyond the caps (0-based last row and column of any
    cell; ``wide``: a cell lies beyond column ZZ)."""
    where = f"trang '{sheet}' của tệp {path.name}" if sheet else f"tệp {path.name}"
    if wide:
        raise InputFileError(
            f"Có ô nằm ngoài cột ZZ (quá {MAX_COLUMNS} cột) ở {where}: thường là một ô gõ nhầm "
            "ở xa vùng dữ liệu; hãy xóa các cột thừa rồi lưu lại."
        )
    rows, cols = (last_row or 0) + 1, last_col + 1
    if rows > MAX_ROWS or rows * cols > MAX_CELLS:
        raise InputFileError(
            f"Vùng dữ liệu ở {where} có {rows} dòng × {cols} cột, quá giới hạn {MAX_CELLS} ô "
            "mỗi trang: hãy xóa các dòng, cột thừa (thường là một ô gõ nhầm ở xa) hoặc chia tệp."
        )
