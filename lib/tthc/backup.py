"""The rolling backup of the warehouse: ``<db>.bak``, a copy taken before every writing ingest.

``tthc ingest`` opens the warehouse with ``connect(db, backup=True)``: the file is read
completely first (a damaged warehouse never replaces a good backup), then copied here. The copy
is a consistent snapshot and replaces the previous backup atomically:

- it is taken under a shared lock on the warehouse file, the same kind of lock DuckDB's readers
  take, so no writer can change the file while it is copied (a writer that tries gets "đang được
  một tiến trình khác ghi");
- it is written to ``<db>.bak.tmp`` under an exclusive ``flock`` (two ingests never write one
  temporary file), flushed to disk, then renamed over ``<db>.bak``. A copy cut short (killed,
  disk full) leaves the previous backup whole, and the next backup overwrites the temporary file.

Cost: one read of the warehouse (the check) and one copy of it, in the kernel
(``copy_file_range``: a block-sharing clone on file systems that offer it, XFS or Btrfs), plus the
disk space of one more warehouse. ``benchmarks/bench_backup.py`` measures both against an ingest.

Restore (README, "Sao lưu kho dữ liệu"): with no tthc command running,
``cp <db>.bak <db>`` and delete ``<db>.wal`` if there is one.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from pathlib import Path

from tthc.errors import WarehouseError
from tthc.folders import fsync_folder, os_reason, shown, stat_stamp
from tthc.warehouse import backup_path

_CHUNK = 1 << 26  # 64 MiB per copy_file_range call


def temp_backup_path(db: str | Path) -> Path:
    """``<db>.bak.tmp``: where a backup is written before it replaces ``<db>.bak``."""
    path = Path(db)
    return path.with_name(path.name + ".bak.tmp")


def make_backup(db: str | Path) -> tuple[int, int, int]:
    """Copy the warehouse file ``db`` to ``<db>.bak``, atomically; returns the stamp
    (inode, size, mtime in ns) of the file that was copied.

    Call it with no DuckDB connection of this process open on ``db`` (see :mod:`tthc.warehouse`).
    Raises :class:`WarehouseError` when a writer holds the file, another ingest is making a
    backup, or the copy cannot be written (no space, no permission, name too long); the
    warehouse is then not opened for writing at all.
    """
    path = Path(db)
    final, tmp = backup_path(path), temp_backup_path(path)
    try:
        src = os.open(path, os.O_RDONLY)
    except OSError as exc:
        raise WarehouseError(
            f"Không đọc được kho dữ liệu {shown(path)}: {os_reason(exc)}."
        ) from exc
    try:
        try:
            fcntl.lockf(src, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as exc:
            raise WarehouseError(
                f"Kho dữ liệu {shown(path)} đang được một tiến trình khác ghi; hãy chờ tiến trình "
                "đó kết thúc."
            ) from exc
        st = os.fstat(src)
        try:
            _copy_to(src, st, tmp, final)
        except OSError as exc:
            raise WarehouseError(
                f"Không tạo được bản sao lưu {shown(final)} trước khi ghi vào kho dữ liệu "
                f"({os_reason(exc)}): chưa ghi gì vào kho; xử lý nguyên nhân đó rồi chạy lại."
            ) from exc
        return stat_stamp(st)
    finally:
        os.close(src)  # also drops the shared lock


def _copy_to(src: int, st: os.stat_result, tmp: Path, final: Path) -> None:
    if final.is_dir():
        raise OSError(errno.EISDIR, "backup path is a folder")
    dst = os.open(tmp, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(dst, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise WarehouseError(
                f"Một lệnh tthc ingest khác đang sao lưu kho dữ liệu vào {shown(tmp)}; hãy chờ "
                "lệnh đó kết thúc."
            ) from exc
        try:
            os.ftruncate(dst, 0)
            _copy_bytes(src, dst, st.st_size)
            os.fchmod(dst, st.st_mode & 0o777)
            os.fsync(dst)
            os.replace(tmp, final)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
    finally:
        os.close(dst)
    fsync_folder(final.parent)


def _copy_bytes(src: int, dst: int, size: int) -> None:
    offset = 0
    try:
        while offset < size:
            n = os.copy_file_range(src, dst, min(_CHUNK, size - offset), offset, offset)
            if n == 0:
                break
            offset += n
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
            raise
    # Whatever copy_file_range did not do (older kernels, some file systems), plain reads do.
    while offset < size:
        data = os.pread(src, min(1 << 20, size - offset), offset)
        if not data:
            break
        view = memoryview(data)
        while view:
            n = os.pwrite(dst, view, offset)
            view, offset = view[n:], offset + n
    if offset != size:
        raise OSError(errno.EIO, "warehouse changed size while it was copied")
