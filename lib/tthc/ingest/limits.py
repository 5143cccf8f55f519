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


def cells_over_cap(dimension: tuple[int, int, int, int]) -> bool:
    """Whether a declared range (r0, c0, r1, c1) is beyond the caps (then the real extent is
    measured before reading)."""
    r0, c0, r1, c1 = dimension
    return c1 >= MAX_COLUMNS or r1 >= MAX_ROWS or (r1 - r0 + 1) * (c1 - c0 + 1) > MAX_CELLS


def check_extent(
    path: Path,
    sheet: str | None,
    last_row: int | None,
    wide: bool,
    declared: tuple[int, int, int, int] | None,
) -> None:
    """Refuse a sheet whose real extent is beyond the caps.

    ``last_row``: 0-based index of the sheet's last row; ``wide``: a cell lies beyond column ZZ;
    ``declared``: the sheet's own dimension (r0, c0, r1, c1), trusted for the width only when its
    last row is the real one.
    """
    where = f"trang '{sheet}' của tệp {path.name}" if sheet else f"tệp {path.name}"
    if wide:
        raise InputFileError(
            f"Có ô nằm ngoài cột ZZ (quá {MAX_COLUMNS} cột) ở {where}: thường là một ô gõ nhầm "
            "ở xa vùng dữ liệu; hãy xóa các cột thừa rồi lưu lại."
        )
    rows = (last_row or 0) + 1
    cols = declared[3] - declared[1] + 1 if declared and declared[2] == last_row else 1
    if rows > MAX_ROWS or rows * cols > MAX_CELLS:
        raise InputFileError(
            f"Vùng dữ liệu ở {where} có {rows} dòng × {cols} cột, quá giới hạn {MAX_CELLS} ô "
            "mỗi trang: hãy xóa các dòng, cột thừa (thường là một ô gõ nhầm ở xa) hoặc chia tệp."
        )
