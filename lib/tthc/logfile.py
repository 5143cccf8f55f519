"""The technical log: library text (DuckDB, Jupyter, asyncio) kept out of the user's terminal.

The terminal shows one Vietnamese line per problem; what a maintainer needs to look further (the
English message of DuckDB, a kernel's own warnings, a stray asyncio report) is appended to one
file: ``$TTHC_LOG``, else ``tthc.log`` in the user's log folder (``platformdirs``:
``~/.local/state/tthc/log/tthc.log`` on Linux). Writing the log never fails a command: when the
file cannot be written the entry is dropped.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"


def log_path() -> Path:
    """``$TTHC_LOG``, else ``<user log dir>/tthc.log``."""
    env = os.environ.get("TTHC_LOG")
    if env:
        return Path(env)
    from platformdirs import user_log_path

    return user_log_path("tthc", appauthor=False) / "tthc.log"


def display_path() -> str:
    """The log's path as a user types it ('~/.local/state/tthc/log/tthc.log')."""
    path = log_path()
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def open_log() -> IO[str] | None:
    """The log opened for appending (folder created), or None when it cannot be."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, "a", encoding="utf-8")
    except OSError:
        return None


def record(what: str, detail: str) -> None:
    """Append ``what`` (a short Vietnamese title) and ``detail`` (the library's own text)."""
    fh = open_log()
    if fh is None:
        return
    with fh:
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        fh.write(f"{stamp} {what}\n")
        for line in str(detail).splitlines() or [""]:
            fh.write(f"    {line}\n")


def _file_handler() -> tuple[logging.Handler, IO[str] | None]:
    fh = open_log()
    handler: logging.Handler = (
        logging.StreamHandler(fh) if fh is not None else logging.NullHandler()
    )
    handler.setFormatter(logging.Formatter(_FORMAT))
    return handler, fh


def send_logging_to_file() -> None:
    """For a worker process: Python logging goes to the log for the rest of its life."""
    logging.getLogger().addHandler(_file_handler()[0])


@contextlib.contextmanager
def logging_to_file() -> Iterator[None]:
    """While inside, Python logging (asyncio, traitlets, papermill) goes to the log, not the
    terminal.

    Without a handler, logging prints warnings to stderr through its last-resort handler, e.g.
    asyncio's "Task exception was never retrieved" with an English traceback.
    """
    root = logging.getLogger()
    handler, fh = _file_handler()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        if fh is not None:
            fh.close()
