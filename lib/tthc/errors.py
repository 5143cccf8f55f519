"""User-facing errors: one clear Vietnamese line, never a traceback.

Every module raises a subclass of :class:`TthcError` for a problem the user can fix (bad file,
bad params, missing warehouse). The CLI prints ``str(error)`` on one line and exits with
``error.exit_code``; anything else escaping is a bug.
"""

from __future__ import annotations


class TthcError(Exception):
    """A problem the user can act on. The message is Vietnamese and fits on one line."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


def one_line(message: str) -> str:
    """``message`` on one line, safe to print: runs of whitespace become one space, and other
    characters a terminal would act on (escape sequences, bidi overrides, bytes of a name that is
    not UTF-8) are written as escapes, so a file name cannot repaint the screen or hide text."""
    text = " ".join(message.split())
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class InputFileError(TthcError):
    """An export file cannot be used as a whole (unreadable, empty, no header, wrong kind)."""


class ParamsError(TthcError):
    """A params file (unit, profile, narrative, aliases) is invalid; names the file and key."""


class WarehouseError(TthcError):
    """The warehouse is missing, locked by a writer, or of an unknown schema."""


class ReportError(TthcError):
    """A report could not be produced (failed cell, existing outputs without --force)."""

    exit_code = 1


class OutputError(TthcError):
    """A file or folder the tool writes cannot be created (a file in the way, no permission,
    read-only file system, name too long or not UTF-8). Raised before anything is written."""
