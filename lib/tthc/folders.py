"""Folders and paths the tool writes to: created or refused with one Vietnamese line.

Every place that writes a file (the warehouse, rejects CSVs, reports, the sample) asks here first,
so that a folder that exists as a file, a read-only file system, a missing permission, a name
too long for the file system or a name whose bytes are not UTF-8 is one clear error before
anything is written, never an ``OSError`` traceback halfway through.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from tthc.errors import OutputError

# errno -> what it means for a user, in the words of the message ("… vì <lý do>").
_REASONS = {
    errno.EACCES: "không có quyền truy cập",
    errno.EPERM: "không có quyền truy cập",
    errno.EROFS: "hệ thống tệp chỉ đọc",
    errno.ENOSPC: "hết dung lượng đĩa",
    errno.EDQUOT: "hết hạn mức dung lượng",
    errno.ENAMETOOLONG: "tên quá dài so với giới hạn của hệ thống tệp",
    errno.ENOTDIR: "một phần của đường dẫn là tệp, không phải thư mục",
    errno.EEXIST: "đã có một tệp (không phải thư mục) cùng tên",
    errno.ELOOP: "đường dẫn có liên kết tượng trưng vòng lặp",
    errno.EISDIR: "đó là một thư mục",
    errno.ENOENT: "không tồn tại",
    errno.EIO: "lỗi đọc/ghi của thiết bị",
}


def os_reason(exc: OSError) -> str:
    """A short Vietnamese reason for an ``OSError`` (its errno), for "… vì <reason>"."""
    return _REASONS.get(exc.errno or 0, f"lỗi hệ thống (errno {exc.errno})")


def shown(path: str | Path) -> str:
    """The path as it can be printed: bytes that are not UTF-8 shown as U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")  # TthcError escapes control characters


def is_utf8(path: str | Path) -> bool:
    """True when every byte of the name decodes as UTF-8 (argv gives others as surrogates)."""
    try:
        os.fsencode(path).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


NAME_MAX = 255  # bytes in one file or folder name, on every file system tthc runs on


def too_long_part(path: str | Path) -> str | None:
    """The first part of ``path`` longer than a file system allows (255 bytes), if any.

    Checked before any folder is made: the system reports ENOENT for a missing folder before
    it looks at a long name below it, so a long name is otherwise found only after a mkdir.
    """
    return next((part for part in Path(path).parts if len(os.fsencode(part)) > NAME_MAX), None)


def check_utf8_name(path: str | Path, what: str) -> None:
    """Refuse a name that is not UTF-8: DuckDB, JSON and the terminal cannot carry it."""
    if not is_utf8(path):
        raise OutputError(
            f"Tên {what} {shown(path)} có byte không phải UTF-8: hãy đổi tên (chữ, số, gạch nối)."
        )


def ensure_folder(folder: Path, what: str) -> Path:
    """Create ``folder`` (and its parents) if missing, after :func:`check_writable_folder`.

    ``what`` names the folder in the message ("thư mục báo cáo"). Raises :class:`OutputError`.
    """
    folder = Path(folder)
    check_writable_folder(folder, what)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        # ENOENT from mkdir under an existing folder: a virtual file system (/proc) refuses.
        why = "hệ thống tệp không cho tạo thư mục ở đó" if exc.errno == errno.ENOENT else None
        raise OutputError(
            f"Không tạo được {what} {shown(folder)}: {why or os_reason(exc)}."
        ) from exc
    return folder


def check_writable_folder(folder: Path, what: str) -> None:
    """Refuse before writing when ``folder`` cannot be created or written, creating nothing.

    Walks up to the nearest existing ancestor: it must be a folder one may write into.
    """
    folder = Path(folder)
    check_utf8_name(folder, what)
    if too_long_part(folder):
        raise OutputError(
            f"Không tạo được {what} {shown(folder)}: {os_reason(OSError(errno.ENAMETOOLONG, ''))}."
        )
    probe = folder
    try:
        while not probe.exists():
            if probe.is_symlink():  # a dangling link where a folder should be
                raise OutputError(
                    f"Không tạo được {what} {shown(folder)}: {shown(probe)} là liên kết hỏng."
                )
            if len(os.fsencode(probe.name)) > 255:
                raise OSError(errno.ENAMETOOLONG, "name too long")
            probe = probe.parent
    except OSError as exc:
        raise OutputError(f"Không tạo được {what} {shown(folder)}: {os_reason(exc)}.") from exc
    if not probe.is_dir():
        reason = (
            "đã có một tệp (không phải thư mục) cùng tên"
            if probe == folder
            else (f"{shown(probe)} là tệp, không phải thư mục")
        )
        raise OutputError(f"Không tạo được {what} {shown(folder)}: {reason}.")
    if not os.access(probe, os.W_OK | os.X_OK):
        why = "hệ thống tệp chỉ đọc" if read_only_fs(probe) else "không có quyền ghi"
        raise OutputError(f"Không ghi được vào {what} {shown(folder)}: {why}.")


def read_only_fs(path: Path) -> bool:
    """True when ``path`` lives on a file system mounted read-only."""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def stat_stamp(st: os.stat_result) -> tuple[int, int, int]:
    """(inode, size, mtime in ns) of a stat result: changes when the file is written or
    replaced."""
    return st.st_ino, st.st_size, st.st_mtime_ns


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """:func:`stat_stamp` of ``path``; None when it cannot be stat'ed."""
    try:
        return stat_stamp(path.stat())
    except OSError:
        return None


def fsync_folder(folder: Path) -> None:
    """Make a rename or link in ``folder`` durable (its entry list), where the system allows."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
