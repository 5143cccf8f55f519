"""A file read once, hashed, opened and its header detected: ahead of its turn for the first file
of a run (while the warehouse opens), at its turn for the others.

Opening a warehouse for writing (creating it, taking its lock, checking its schema) is DuckDB
work of 40-60 ms; reading a 57 MB CSV is 40 ms of copying, its SHA-256 45 ms, its head and
header detection 25 ms more of Python. :func:`prefetch` hashes the bytes on one thread while
opening and detecting them on another, and :func:`tthc.ingest.pipeline.ingest_paths` runs it
for the first file beside the warehouse open. On the 200,000-row CSV benchmark the body's parse
began 105 ms into the run instead of 137 ms, and the whole ingest took 0.94 of the time (24
ingests each, in turns).

The ledger's hash is of what was ingested: a CSV is parsed from the very bytes hashed; a
workbook's readers read the file again, so the file's size, time and inode must be the same
before the read and after the open, or nothing is taken (:func:`read_once` tries again, then
refuses the file). Before, the hash and the rows were read apart, and a file replaced in
between was stored under the other version's hash (then "already ingested" when that version
came). An error of opening or detection is kept and raised at the file's turn, after the ledger
has been asked whether the file was ingested before, as it would have been.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tthc.errors import InputFileError
from tthc.folders import file_stamp, os_reason, shown
from tthc.ingest.aliases import AliasTable
from tthc.ingest.detect import Detected, detect
from tthc.ingest.readers import Opened, open_export
from tthc.schema import Kind


@dataclass
class Prefetched:
    """A file's SHA-256 (hex, of the bytes read) and what opening and detecting it gave; no
    hash when the file could not be read (``error`` says why)."""

    sha: str | None
    opened: Opened | None = None
    detected: Detected | None = None
    error: Exception | None = None  # what reading, open_export or detect raised, for the turn

    def take(self) -> tuple[Opened, Detected]:
        """The opened file and its detection; raises what reading, opening or detecting raised."""
        if self.error is not None:
            raise self.error
        assert self.opened is not None and self.detected is not None
        return self.opened, self.detected


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()  # releases the GIL for the whole buffer


def prefetch(path: Path, aliases: AliasTable, kind: Kind | None) -> Prefetched | None:
    """Read ``path`` once, hash the bytes on a thread of its own while opening and detecting
    them on this one (``kind``: as for :func:`~tthc.ingest.detect.detect`).

    Returns None when the file changed while it was read or opened (size, time or inode differ
    before the read and after the open). ``path`` must have passed
    :func:`tthc.ingest.inputs.check_input` (it caps the size read).
    """
    before = file_stamp(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        error = InputFileError(f"Không đọc được tệp {shown(path)}: {os_reason(exc)}.")
        return Prefetched(sha=None, error=error)
    if before is None or file_stamp(path) != before:
        return None
    with ThreadPoolExecutor(max_workers=1) as hasher:
        sha = hasher.submit(_sha256, data)
        out = Prefetched(sha=None)
        try:
            out.opened = open_export(path, data)
            out.detected = detect(out.opened.sheets, aliases, path, kind)
        except Exception as exc:  # raised at the file's turn, where open_export would raise it
            out.opened, out.detected, out.error = None, None, exc
        out.sha = sha.result()
    # A workbook's readers read the file again: it must still be the file whose bytes were hashed.
    return out if file_stamp(path) == before else None


# Reads of a file that keeps changing before it is refused.
_TRIES = 3


def read_once(path: Path, aliases: AliasTable, kind: Kind | None) -> Prefetched:
    """:func:`prefetch` at the file's turn, tried again while the file changes under it (a copy
    still being written); after :data:`_TRIES` reads an :class:`~tthc.errors.InputFileError`."""
    for _ in range(_TRIES):
        done = prefetch(path, aliases, kind)
        if done is not None:
            return done
    raise InputFileError(
        f"Tệp {path.name} thay đổi trong lúc đọc ({_TRIES} lần đọc): có chương trình khác đang "
        "ghi tệp; hãy đợi ghi xong rồi nạp lại."
    )
