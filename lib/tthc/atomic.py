"""Atomic file writes: a reader sees the old file or the whole new one, never half of one.

Each write goes to a hidden temporary file in the destination's own folder (``os.replace`` is
atomic only within one file system), is flushed to disk, then renamed over the final name. An
interrupted run leaves at most a ``.*.tmp`` file, which no reader mistakes for a report.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def temp_path_for(final: Path) -> Path:
    """A fresh, unused hidden path beside ``final`` (same folder, so the rename is atomic).

    It keeps the final extension after ``.tmp`` ('.report.ipynb.x1y2.tmp.ipynb') because some
    writers (papermill) check it.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(
        prefix=f".{final.name}.", suffix=f".tmp{final.suffix}", dir=final.parent
    )
    os.close(fd)
    return Path(name)


def commit(tmp: Path, final: Path) -> None:
    """Flush ``tmp`` to disk and rename it over ``final``, readable by everyone (rw-r--r--)."""
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    # mkstemp creates 0600, but a report is a document to share. (Reading the umask means
    # setting it, which is not thread-safe in a runner that uses threads.)
    os.chmod(tmp, 0o644)
    os.replace(tmp, final)


@contextlib.contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``final``, on error it is removed.

    For writers that insist on a path of their own (WeasyPrint, papermill).
    """
    tmp = temp_path_for(final)
    try:
        yield tmp
        commit(tmp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def write_bytes(final: Path, data: bytes) -> None:
    with atomic_path(final) as tmp:
        tmp.write_bytes(data)


def write_text(final: Path, text: str) -> None:
    write_bytes(final, text.encode("utf-8"))


def write_json(final: Path, data: Any) -> None:
    write_text(final, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")
