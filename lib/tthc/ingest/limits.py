"""Resource caps on what ``tthc ingest`` reads: each one a clear refusal that names the cap.

A hostile or broken file must not make ingest allocate without bound: a file of gigabytes, one
stray cell in ``XFD1048576`` (a spreadsheet reader would allocate a rectangle of 17 billion
cells), a CSV field of a gigabyte or a row of 50,000 columns exhaust memory before any row is
counted. Each cap is checked before the allocation (the file's size before it is read:
:mod:`tthc.ingest.inputs`; extents and fields in the readers) and refused with one Vietnamese
line naming the cap; nothing of the file reaches the warehouse. The README section "Limits on
what ``tthc ingest`` reads" lists every cap; keep both in step.

Chosen from the exports we know: the An Trường sample's half-year case list (13,161 cases) is a
1.5 MB xlsx, about 120 bytes a case, and a CSV of the same rows about 2.5 times that. A ward with
100,000 cases a year exports about 12 MB of xlsx.
"""

from __future__ import annotations

import os
from pathlib import Path

from tthc.errors import InputFileError, ParamsError

# --- the file as a whole (checked before reading: tthc.ingest.inputs) -------------------------

# 100 MB is about 800,000 cases in xlsx or 300,000 in CSV: years of the largest ward, while
# the readers' memory (every cell of a file is held as Arrow text) stays within a few GB.
MAX_FILE_MB = 100
MAX_FILE_ENV = "TTHC_MAX_FILE_MB"  # a larger (or smaller) cap for one run, in MB


def max_file_bytes() -> int:
    """The file-size cap in bytes: ``$TTHC_MAX_FILE_MB`` if set, else :data:`MAX_FILE_MB`."""
    raw = os.environ.get(MAX_FILE_ENV, "").strip()
    if not raw:
        return MAX_FILE_MB * 10**6
    try:
        mb = float(raw.replace(",", "."))
    except ValueError:
        mb = -1.0
    if not mb > 0:
        raise ParamsError(
            f"${MAX_FILE_ENV} = '{raw}' không hợp lệ: cần một số MB dương, ví dụ 200."
        )
    return int(mb * 10**6)


def mb_text(n_bytes: int) -> str:
    """Bytes as MB the way the messages write them: '1,5 MB', '0,001 MB', '100 MB'."""
    mb = n_bytes / 10**6
    text = f"{mb:.0f}" if mb >= 10 else f"{mb:.3g}"
    return text.replace(".", ",") + " MB"


def size_past_cap(n_bytes: int, cap: int) -> str:
    """The size of a file past ``cap``, precise enough not to read as the cap itself."""
    text = mb_text(n_bytes)
    return text if text != mb_text(cap) else f"{n_bytes:,} byte".replace(",", ".")


# --- inside the file (the readers) -----------------------------------------------------------

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
            f"Có ô nằm ngoài cột ZZ (vượt giới hạn {MAX_COLUMNS} cột) ở {where}: thường là một ô gõ nhầm "
            "ở xa vùng dữ liệu; hãy xóa các cột thừa rồi lưu lại."
        )
    rows, cols = (last_row or 0) + 1, last_col + 1
    if rows > MAX_ROWS or rows * cols > MAX_CELLS:
        raise InputFileError(
            f"Vùng dữ liệu ở {where} có {rows} dòng × {cols} cột, quá giới hạn {MAX_CELLS} ô "
            "mỗi trang: hãy xóa các dòng, cột thừa (thường là một ô gõ nhầm ở xa) hoặc chia tệp."
        )
