"""Resource caps on what ``tthc ingest`` reads: each one a clear refusal that names the cap.

A file past a cap is refused before it is read (or as soon as the cap is met), with one
Vietnamese line naming the cap and how to raise it; nothing of it reaches the warehouse. The
README section "Giới hạn khi nạp tệp" lists every cap; keep both in step.

Chosen from the exports we know: the An Trường sample's half-year case list (13,161 cases) is a
1.5 MB xlsx, about 120 bytes a case, and a CSV of the same rows about 2.5 times that. A ward with
100,000 cases a year exports about 12 MB of xlsx.
"""

from __future__ import annotations

import os

from tthc.errors import ParamsError

# --- the file as a whole (checked before reading: tthc.ingest.inputs) -------------------------

# 100 MB is about 800,000 cases in xlsx or 300,000 in CSV: years of the largest ward, while
# the readers' memory (every cell of a file is held as Arrow text) stays within a few GB.
MAX_FILE_MB = 100
MAX_FILE_ENV = "TTHC_MAX_FILE_MB"  # a larger (or smaller) cap for one run, in MB

# --- inside the file (the readers: tthc.ingest.readers) --------------------------------------
# Caps on cells, columns, cell length and XML expansion live here too, next to this one, so
# that the README table and the messages come from one place. (Added with the reader rewrite.)


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
