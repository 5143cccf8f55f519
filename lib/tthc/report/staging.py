"""A report folder appears whole or not at all.

A report is written into a hidden staging folder beside its destination
(``outputs/an-truong/.2026-06.k3j9.tmp/``) and moved into place only when everything in it is
written, manifest last. Whatever stops the run before that (a signal, a crash, a full disk)
leaves the destination as it was: no HTML, PDF or notebook of a half-made report ever sits under
the report's own name. Renames within one folder are atomic on POSIX file systems; replacing an
existing report takes two (the old folder is moved aside, the new one into place, then the old
one removed), so the destination is at worst briefly absent, never mixed. Files in the old
folder that a report run does not make are carried over.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path


def staging_folder(final: Path) -> Path:
    """A new, empty hidden folder beside ``final``, readable by everyone once published."""
    final.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    os.chmod(stage, 0o755)  # mkdtemp makes 0700; a report folder is shared like its files
    return stage


def publish(stage: Path, final: Path, made: Iterable[str]) -> None:
    """Move ``stage`` into place as ``final``, replacing a folder already there.

    ``made`` names what a report run writes; anything else in the old folder (a signed scan
    someone put beside the report, notes) is carried over into the new one, not deleted.
    """
    aside: Path | None = None
    if final.exists():
        ours = set(made)
        for entry in final.iterdir():
            leftover = entry.name.startswith(".") and ".tmp" in entry.name  # tthc.atomic's
            if entry.name not in ours and not leftover and not (stage / entry.name).exists():
                os.replace(entry, stage / entry.name)
        aside = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent))
        os.replace(final, aside / final.name)
    os.replace(stage, final)
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def discard(stage: Path) -> None:
    """Remove a staging folder that will not be published."""
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(stage)


def seal(path: Path) -> None:
    """A file some other writer (papermill) made in the stage: flushed to disk and readable by
    everyone (rw-r--r--), like the files :mod:`tthc.atomic` writes."""
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())
    os.chmod(path, 0o644)
