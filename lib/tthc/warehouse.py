"""Opening the DuckDB warehouse: one file, writers create the schema, readers open read-only.

A file is used only once it is known to be a tthc warehouse: an existing file is first opened
read-only and must hold tthc's tables and a ``meta`` schema version this tthc understands;
anything else (another program's DuckDB file, a text file, a SQLite file) is refused before a
writable open, so it is left byte for byte as it was. A new warehouse is built under a temporary
name and linked into place complete, so no reader ever sees a file without its schema.

A damaged file (cut short, garbage bytes, a block whose checksum fails) is reported as one line
saying what to do: restore the rolling backup that every ingest makes (:mod:`tthc.backup`), or
ingest the exports again into a new warehouse. ``tthc doctor`` reads every block
(:func:`verify`) and says the same.

DuckDB locks the file with POSIX record locks (``fcntl``), which a process loses as soon as it
closes *any* descriptor of that file. So nothing here reads the warehouse file with Python while
this module holds a DuckDB connection to it; :mod:`tthc.backup` copies it between connections.

DuckDB allows one writer or any number of readers per file. When the file is held, DuckDB says
by whom ("Conflicting lock is held in <program> (PID <n>)") and whether the holder only reads
(it then suggests read-only mode). :func:`connect` reports the holder as such, and a writer can
wait for the holder to finish (``wait`` seconds) instead of failing at once.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shlex
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tthc.errors import OutputError, WarehouseError
from tthc.folders import (
    NAME_MAX,
    ensure_folder,
    file_stamp,
    fsync_folder,
    is_utf8,
    os_reason,
    read_only_fs,
    shown,
    too_long_part,
)
from tthc.schema import DDL, SCHEMA_VERSION, create_table_sql

_LOCK = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")

# Tables every tthc warehouse has had since schema 1: a DuckDB file without them is not ours.
TTHC_TABLES = ("meta", "ingests", "cases", "procedures", "pakn", "rejects")


@dataclass(frozen=True)
class LockHolder:
    """The process holding the warehouse, as DuckDB names it."""

    program: str
    pid: int
    reader: bool  # it opened the file read-only (a report, a notebook, tthc stats)

    def describe(self) -> str:
        role = "đọc" if self.reader else "ghi"
        return f"đang được mở để {role} bởi chương trình {self.program} (PID {self.pid})"


def lock_holder(message: str) -> LockHolder | None:
    """The holder named in a DuckDB lock error, or None when the error is not a lock."""
    m = _LOCK.search(message)
    if m is None:
        return None
    return LockHolder(m["program"], int(m["pid"]), "read-only mode" in message)


# A warehouse never makes DuckDB fetch or load an extension: a SQLite file given as --db would
# otherwise make it download the sqlite scanner to open it.
_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}

# Rows per DuckDB row group in what an ingest writes (DuckDB's default is 122,880). An INSERT
# compresses and writes each complete row group on the thread that filled it; the part-filled
# ones are merged and written at the end on one thread. With half the default, a 200,000-row
# export fills more complete groups on both cores: the whole CSV ingest went 1.35 s -> 1.17 s
# and 1.38 -> 1.25 s (10 ingests each, in turns in one process; 30,720 measured alike, with a
# file 20% larger). The size is an option of ATTACH only, so a writable open attaches the file
# to an in-memory DuckDB (see _host); readers let DuckDB open the file itself.
ROW_GROUP_SIZE = 61_440

# The catalog a new warehouse is built under before it is linked into place (see _create).
_NEW_CATALOG = "new_warehouse"

# Catalog names DuckDB keeps for itself (and the in-memory host's own "memory").
_RESERVED_CATALOGS = frozenset({"memory", "temp", "system", "main"})


# The longest name put beside the warehouse: the backup while it is copied (tthc.backup); DuckDB's
# .wal and .tmp, and .bak, are shorter. A name that leaves it no room failed at DuckDB's first
# write of the .wal with a traceback.
_LONGEST_SIBLING = ".bak.tmp"


def backup_path(db: str | Path) -> Path:
    """``<db>.bak``: the one rolling backup of a warehouse (see :mod:`tthc.backup`)."""
    path = Path(db)
    return path.with_name(path.name + ".bak")


def wal_path(db: str | Path) -> Path:
    """``<db>.wal``: DuckDB's write-ahead log of a warehouse."""
    path = Path(db)
    return path.with_name(path.name + ".wal")


@dataclass
class _Waiting:
    """How long opens may wait for another process's lock, and whom to tell once."""

    deadline: float
    seconds: float
    on_wait: Callable[[LockHolder, float], None] | None
    told: bool = False


def connect(
    db: str | Path,
    *,
    read_only: bool = False,
    backup: bool = False,
    wait: float = 0.0,
    on_wait: Callable[[LockHolder, float], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse. Read-only opens never block each other; a writer blocks everyone.

    A writable open creates the file and the schema when missing, and upgrades an older schema
    in place. With ``backup=True`` (what ``tthc ingest`` does) the existing file is first read
    completely (:func:`verify`) and copied to ``<db>.bak`` (:func:`tthc.backup.make_backup`), so
    a damaged warehouse never replaces a good backup. Every problem is a :class:`WarehouseError`
    (one Vietnamese line): a missing file for a read-only open, a folder, a name that is not
    UTF-8, no permission, a read-only file system, another program's file, a damaged file, a
    schema version this tthc does not know, a file held by another process. When another
    process holds the file, each open is retried for up to ``wait`` seconds in all
    (``on_wait(holder, wait)`` is called once, before waiting), then refused naming the holder.

    A read-only connection is DuckDB's own open of the file. A writable one is an in-memory
    DuckDB with the file attached under the same catalog name (:func:`catalog_name`) and made
    the default (see :data:`ROW_GROUP_SIZE`): a ``cursor()`` of it starts in the in-memory
    catalog, so name tables there as ``<catalog>.cases`` or run ``USE <catalog>`` first.
    """
    path = Path(db)
    _check_path(path, read_only=read_only)
    waiting = _Waiting(time.monotonic() + max(wait, 0.0), wait, on_wait)
    if read_only:
        con = _opened(path, read_only=True, waiting=waiting)
        try:
            _check_version(path, _identify(con, path), writable=False)
        except BaseException:
            con.close()
            raise
        return con
    host = _host(path)
    con: duckdb.DuckDBPyConnection | None = None
    done = False
    try:
        created = False
        if not path.exists():
            created = _create(path, host)
            backup = False  # nothing to keep yet
        for _attempt in range(3):
            # A file this call has just put in place needs no identifying (one attach fewer).
            version = (
                SCHEMA_VERSION if created else _inspect(path, host, deep=backup, waiting=waiting)
            )
            if not backup:
                con = _opened(path, read_only=False, waiting=waiting, host=host)
                break
            from tthc.backup import make_backup

            if wal_path(path).exists():
                _fold_wal(path, host, waiting)
            copied = make_backup(path)
            con = _opened(path, read_only=False, waiting=waiting, host=host)
            if file_stamp(path) == copied:
                break
            # Another writer came in between the copy and this open: copy again.
            _release(con, host, path)
            con = None
        assert con is not None
        if not created:  # made from this DDL a moment ago: nothing to create or upgrade
            _migrate(con, path, version)
        done = True
        return con
    finally:
        if not done and con is not None and con is not host:
            con.close()
        if not done or con is not host:
            host.close()


def verify(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Read every column of every table, so that DuckDB checks every block's checksum.

    Raises the damaged-warehouse :class:`WarehouseError` when a block cannot be read. About the
    cost of reading the file once (``benchmarks/bench_backup.py``).
    """
    try:
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
        for (table,) in tables:
            ident = '"' + table.replace('"', '""') + '"'
            con.execute(f"SELECT count(*), bit_xor(hash(COLUMNS(*))) FROM {ident}").fetchall()
    except duckdb.Error as exc:
        raise damaged(path, exc) from exc


@contextlib.contextmanager
def reading(path: str | Path) -> Iterator[None]:
    """Turn a damaged block met in the middle of a query into the damaged-warehouse error.

    Only DuckDB's own damage errors are translated; any other error is a bug and goes through.
    """
    try:
        yield
    except duckdb.Error as exc:
        if _damage_words(exc) is None:
            raise
        raise damaged(Path(path), exc) from exc


def damaged(path: Path, exc: BaseException | str) -> WarehouseError:
    """The one line for a warehouse that cannot be read, with how to restore it."""
    what = exc if isinstance(exc, str) else (_damage_words(exc) or _first_line(exc))
    return WarehouseError(f"Kho dữ liệu {shown(path)} bị hỏng ({what}): {restore_hint(path)}.")


def restore_hint(path: Path) -> str:
    """What to do with a damaged warehouse: the backup's restore command, or ingest again."""
    bak = backup_path(path)
    if bak.is_file():
        return (
            "khi không có lệnh tthc nào đang chạy, khôi phục bản sao lưu bằng "
            f"'cp {shlex.quote(shown(bak))} {shlex.quote(shown(path))}' rồi xoá "
            f"{shown(wal_path(path))} nếu có"
        )
    return (
        f"không có bản sao lưu {shown(bak)}; đổi tên tệp hỏng để giữ lại, rồi nạp lại các tệp "
        "xuất vào kho mới bằng 'tthc ingest'"
    )


# --- checks before DuckDB sees the file ------------------------------------------------------


def check_name(db: str | Path) -> None:
    """Refuse a warehouse name that is not UTF-8, holds a backslash or is too long for the file
    system (with the names put beside it), before anything is created (:class:`WarehouseError`).
    What is named after the warehouse (its rejects folder) is checked after it, so the message
    names the warehouse."""
    path = Path(db)
    if not is_utf8(path):
        raise WarehouseError(
            f"Tên kho dữ liệu {shown(path)} có byte không phải UTF-8: hãy đổi tên tệp hoặc thư "
            "mục (chữ, số, gạch nối)."
        )
    if "\\" in str(path):
        # DuckDB reads a backslash as a folder separator (a\b.duckdb would be a/b.duckdb), and
        # the file tthc created under the real name was left behind.
        raise WarehouseError(
            f"Tên kho dữ liệu {shown(path)} có dấu \\ (DuckDB hiểu là dấu phân cách thư mục): "
            "hãy đổi tên (chữ, số, gạch nối) và dùng / giữa các thư mục."
        )
    if too_long_part(path):
        raise WarehouseError(
            f"Không mở được kho dữ liệu {shown(path)}: tên quá dài so với giới hạn của hệ thống "
            "tệp (255 byte một tên)."
        )
    longest = NAME_MAX - len(_LONGEST_SIBLING)
    if len(os.fsencode(path.name)) > longest:
        raise WarehouseError(
            f"Không mở được kho dữ liệu {shown(path)}: tên quá dài so với giới hạn của hệ thống "
            f"tệp (255 byte một tên): tên tệp kho được dài tối đa {longest} byte, vì bên cạnh nó "
            f"còn tệp <tên>{_LONGEST_SIBLING} (bản sao lưu đang chép) và <tên>.wal."
        )


def _check_path(path: Path, *, read_only: bool) -> None:
    check_name(path)
    try:
        _check_existing(path, read_only=read_only)
    except OSError as exc:  # stat itself failed: name too long, no access to a folder above
        raise WarehouseError(f"Không mở được kho dữ liệu {shown(path)}: {os_reason(exc)}.") from exc


def _check_existing(path: Path, *, read_only: bool) -> None:
    if path.is_dir():
        raise WarehouseError(
            f"{shown(path)} là một thư mục, không phải tệp kho dữ liệu: chỉ --db tới một tệp "
            ".duckdb."
        )
    exists = path.exists()
    if path.is_symlink() and not exists:
        raise WarehouseError(f"Kho dữ liệu {shown(path)} là liên kết tượng trưng hỏng.")
    if read_only and not exists:
        raise WarehouseError(
            f"Không tìm thấy kho dữ liệu {shown(path)}: hãy chạy 'tthc ingest' trước "
            "(hoặc 'make report')."
        )
    if exists and not path.is_file():
        raise WarehouseError(f"{shown(path)} không phải tệp thường: không dùng làm kho dữ liệu.")
    if exists and not os.access(path, os.R_OK):
        raise WarehouseError(f"Không đọc được kho dữ liệu {shown(path)}: không có quyền đọc.")
    if read_only:
        return
    if not exists:
        try:
            ensure_folder(path.parent, "thư mục kho dữ liệu")
        except OutputError as exc:
            raise WarehouseError(str(exc)) from exc
    # DuckDB writes the file itself and a .wal beside it.
    for target in (path, path.parent) if exists else (path.parent,):
        if not os.access(target, os.W_OK):
            raise _not_writable(path, target)


def _not_writable(path: Path, target: Path) -> WarehouseError:
    why = "hệ thống tệp chỉ đọc" if read_only_fs(target) else "không có quyền ghi"
    where = "" if target == path else f" vào thư mục {shown(target)} (DuckDB ghi tệp .wal ở đó)"
    return WarehouseError(
        f"Không ghi được vào kho dữ liệu {shown(path)}: {why}{where}; tthc không thay đổi gì, "
        "các lệnh chỉ đọc (stats, report) vẫn dùng được."
    )


# --- DuckDB -------------------------------------------------------------------------------------


def _host(path: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that a writable open attaches the file to (see
    :data:`ROW_GROUP_SIZE`).

    One serves a whole writable :func:`connect`: creating, identifying and opening the file are
    each an ATTACH (1–4 ms) instead of a DuckDB start of their own (24 ms here). Temporary
    tables and spilled data go beside the file (``<db>.tmp``, absolute, as when DuckDB opens
    the file itself: a later change of directory does not move them)."""
    return duckdb.connect(config={**_CONFIG, "temp_directory": f"{path.absolute()}.tmp"})


def catalog_name(path: str | Path) -> str:
    """The name DuckDB gives the file's catalog when it opens it itself (the file name up to
    its first dot: ``w`` for ``w.duckdb``), so ``w.cases`` and ``current_database()`` mean
    the same on a writable connection as on a reader's; DuckDB's own names get ``_db``."""
    name = Path(path).name.split(".")[0]
    if not name:
        return "warehouse"
    return f"{name}_db" if name.lower() in _RESERVED_CATALOGS else name


def _for_duckdb(path: Path) -> str:
    """The file's name as DuckDB is given it: absolute, so that a name DuckDB would read as a
    prefix ("sqlite:kho.duckdb", "md:kho.duckdb") is the file of that name in this folder."""
    return str(path.absolute())


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _attach(
    host: duckdb.DuckDBPyConnection, path: Path, *, read_only: bool, alias: str | None = None
) -> None:
    options = "READ_ONLY" if read_only else f"ROW_GROUP_SIZE {ROW_GROUP_SIZE}"
    literal = "'" + _for_duckdb(path).replace("'", "''") + "'"
    name = _quoted(alias or catalog_name(path))
    host.execute(f"ATTACH {literal} AS {name} ({options})")
    host.execute(f"USE {name}")


def _detach(host: duckdb.DuckDBPyConnection, alias: str) -> None:
    host.execute("USE memory")
    host.execute(f"DETACH DATABASE IF EXISTS {_quoted(alias)}")


def _opened(
    path: Path,
    *,
    read_only: bool,
    waiting: _Waiting,
    host: duckdb.DuckDBPyConnection | None = None,
) -> duckdb.DuckDBPyConnection:
    """A connection to the file: DuckDB's own open of it, or with ``host``, ``host`` with the
    file attached as its default catalog. Waits for another process's lock as ``waiting``
    says; :func:`_release` undoes it.

    When this process already has the file open (a plain ``duckdb.connect(path)`` in a
    notebook or a test, and DuckDB lets no second instance open the file), that open is
    shared if its mode allows, else refused with what to do."""
    while True:
        try:
            try:
                if host is None:
                    return duckdb.connect(_for_duckdb(path), read_only=read_only, config=_CONFIG)
                _attach(host, path, read_only=read_only)
                return host
            except duckdb.Error as exc:
                low = str(exc).lower()
                if (
                    "unique file handle conflict" not in low
                    and "different configuration" not in low
                ):
                    raise
                try:
                    return duckdb.connect(_for_duckdb(path), read_only=read_only)
                except duckdb.Error as shared:
                    if lock_holder(str(shared)) is not None:
                        raise
                    # That open is read-only and this one writes, or the other way round.
                    raise WarehouseError(
                        f"Kho dữ liệu {shown(path)} đang được mở ở chế độ khác trong chính "
                        "chương trình này (một kết nối DuckDB khác tới tệp, ví dụ trong "
                        "notebook): hãy đóng kết nối đó (con.close()) rồi chạy lại."
                    ) from shared
        except duckdb.Error as exc:
            holder = lock_holder(str(exc))
            if holder is None:
                raise _open_error(path, exc) from exc
            if time.monotonic() >= waiting.deadline:
                raise _held(path, holder, waiting, read_only) from exc
            if waiting.on_wait is not None and not waiting.told:
                waiting.on_wait(holder, waiting.seconds)
                waiting.told = True
            time.sleep(0.25)


def _release(con: duckdb.DuckDBPyConnection, host: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Close what :func:`_opened` gave with ``host``: the file is detached from ``host``, or
    the shared connection closed. Either way this process holds no lock on the file after."""
    if con is host:
        _detach(host, catalog_name(path))
    else:
        con.close()


def _held(
    path: Path, holder: LockHolder, waiting: _Waiting | None, read_only: bool
) -> WarehouseError:
    waited = f" (đã chờ {waiting.seconds:g} giây)" if waiting and waiting.seconds > 0 else ""
    return WarehouseError(
        f"Kho dữ liệu {shown(path)} {holder.describe()}{waited}: hãy chờ chương trình đó kết "
        "thúc hoặc đóng nó (notebook, báo cáo đang chạy) rồi chạy lại"
        + ("; có thể tăng thời gian chờ bằng --wait." if not read_only else ".")
    )


def _open_error(path: Path, exc: duckdb.Error) -> WarehouseError:
    msg = str(exc)
    low = msg.lower()
    if "could not set lock" in low or "conflicting lock" in low:
        return WarehouseError(
            f"Kho dữ liệu {shown(path)} đang được một tiến trình khác ghi; hãy chờ tiến trình đó "
            "kết thúc."
        )
    if "not a valid duckdb database file" in low or "extension" in low:
        hint = (
            f" Nếu đây là kho tthc bị hỏng: {restore_hint(path)}."
            if backup_path(path).is_file()
            else ""
        )
        return WarehouseError(
            f"{shown(path)} không phải kho dữ liệu tthc (không phải tệp DuckDB, hoặc phần đầu "
            f"tệp đã hỏng): tthc không ghi gì vào tệp này; chọn tệp khác bằng --db.{hint}"
        )
    if "wal" in low and ("does not match" in low or "replaying" in low):
        wal = shown(wal_path(path))
        return WarehouseError(
            f"Tệp nhật ký {wal} bên cạnh kho dữ liệu {shown(path)} không khớp với kho (có thể "
            f"chép từ kho khác): chuyển {wal} ra chỗ khác rồi chạy lại; nếu kho vẫn lỗi, "
            f"{restore_hint(path)}."
        )
    if "version number" in low or "newer version" in low or "older version" in low:
        return WarehouseError(
            f"Kho dữ liệu {shown(path)} được ghi bởi một phiên bản DuckDB khác mà bản tthc này "
            f"không đọc được ({_first_line(exc)}): hãy dùng phiên bản tthc đã tạo kho."
        )
    if "read-only file system" in low:
        return _not_writable(path, path)
    if "permission denied" in low:
        return WarehouseError(f"Không mở được kho dữ liệu {shown(path)}: không có quyền truy cập.")
    return damaged(path, exc)


def _damage_words(exc: BaseException) -> str | None:
    """Vietnamese words for a DuckDB error that means the file is damaged; None otherwise."""
    low = str(exc).lower()
    if "could not read enough bytes" in low or "truncated" in low:
        return "tệp bị cắt cụt: ngắn hơn phần dữ liệu nó khai báo"
    if "checksum" in low or "corrupt" in low:
        return "một khối dữ liệu sai tổng kiểm tra"
    if "invalidated" in low:
        return "DuckDB dừng đọc tệp sau một lỗi nghiêm trọng"
    if "not a valid duckdb database file" in low:
        return "phần đầu tệp không phải của tệp DuckDB"
    return None


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:160] or type(exc).__name__


def _identify(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """The schema version of a tthc warehouse; refuses any other DuckDB file."""
    try:
        tables = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
                "AND schema_name = 'main'"
            ).fetchall()
        }
        row = (
            con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if "meta" in tables
            else None
        )
    except duckdb.Error as exc:
        raise _open_error(path, exc) from exc
    missing = [t for t in TTHC_TABLES if t not in tables]
    if missing or row is None or not str(row[0]).isdigit():
        lacking = f"thiếu bảng {', '.join(missing)}" if missing else "bảng meta không ghi phiên bản"
        raise WarehouseError(
            f"{shown(path)} không phải kho dữ liệu tthc (tệp DuckDB {lacking}): tthc không ghi "
            "gì vào tệp này; chọn tệp khác bằng --db."
        )
    return int(row[0])


def _check_version(path: Path, version: int, *, writable: bool) -> None:
    if version > SCHEMA_VERSION:
        raise WarehouseError(
            f"Kho dữ liệu {shown(path)} có phiên bản lược đồ {version}, mới hơn phiên bản "
            f"{SCHEMA_VERSION} mà bản tthc này hiểu: hãy cập nhật tthc."
        )
    if version == SCHEMA_VERSION:
        return
    if writable and _upgradable(version):
        return
    if not writable and _upgradable(version):
        raise WarehouseError(
            f"Kho dữ liệu {shown(path)} có phiên bản lược đồ {version}, cần {SCHEMA_VERSION}: "
            "chạy 'tthc ingest' (mở để ghi sẽ nâng cấp kho cũ) hoặc nạp lại dữ liệu."
        )
    raise WarehouseError(
        f"Kho dữ liệu {shown(path)} có phiên bản lược đồ {version}, không nâng cấp được lên "
        f"{SCHEMA_VERSION}: hãy nạp lại các tệp xuất vào kho mới."
    )


def _inspect(path: Path, host: duckdb.DuckDBPyConnection, *, deep: bool, waiting: _Waiting) -> int:
    """Attach read-only, identify, check the version (and with ``deep`` read every block);
    returns the schema version."""
    con = _opened(path, read_only=True, waiting=waiting, host=host)
    try:
        version = _identify(con, path)
        _check_version(path, version, writable=True)
        if deep:
            verify(con, path)
    finally:
        _release(con, host, path)
    return version


def _fold_wal(path: Path, host: duckdb.DuckDBPyConnection, waiting: _Waiting) -> None:
    """A write-ahead log left by a writer that was killed: DuckDB replays it at a writable
    open; a checkpoint writes it into the file, so the backup is one self-contained file."""
    con = _opened(path, read_only=False, waiting=waiting, host=host)
    try:
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        raise damaged(path, exc) from exc
    finally:
        _release(con, host, path)


def _create(path: Path, host: duckdb.DuckDBPyConnection) -> bool:
    """A new warehouse, complete with its schema, linked into place under its final name.
    Returns False when another process put a file there first (that file is not ours)."""
    tmp = path.with_name(f".tthc-new-{secrets.token_hex(6)}.duckdb")
    ours = True
    try:
        _attach(host, tmp, read_only=False, alias=_NEW_CATALOG)
        try:
            host.execute(DDL)
            host.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
            host.execute("CHECKPOINT")
        finally:
            _detach(host, _NEW_CATALOG)
        try:
            os.link(tmp, path)
        except FileExistsError:
            ours = False  # another ingest created it meanwhile: that file is identified next
        except OSError:  # a file system without hard links
            if path.exists():
                ours = False
            else:
                os.replace(tmp, path)
        fsync_folder(path.parent)
        return ours
    except OSError as exc:
        raise WarehouseError(
            f"Không tạo được kho dữ liệu {shown(path)}: {os_reason(exc)}."
        ) from exc
    except duckdb.Error as exc:
        low = str(exc).lower()
        why = (
            "không có quyền ghi"
            if "permission denied" in low
            else "ổ đĩa đã đầy"
            if "no space left" in low
            else _first_line(exc)
        )
        raise WarehouseError(f"Không tạo được kho dữ liệu {shown(path)}: {why}.") from exc
    finally:
        for leftover in (tmp, wal_path(tmp)):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


# Steps from one schema version to the next, applied in order by a writable open: a warehouse
# keeps its data across upgrades. Columns added this way are NULL for rows already stored.
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: ("ALTER TABLE ingests ADD COLUMN IF NOT EXISTS covers_from DATE",),
    2: (
        "ALTER TABLE ingests ADD COLUMN IF NOT EXISTS covers_to DATE",
        "ALTER TABLE ingests ADD COLUMN IF NOT EXISTS as_of_source VARCHAR",
        "ALTER TABLE ingests ADD COLUMN IF NOT EXISTS sheets JSON",
        "ALTER TABLE ingests ADD COLUMN IF NOT EXISTS decisions JSON",
    ),
    3: ("ALTER TABLE ingests ADD COLUMN IF NOT EXISTS split_id BIGINT",),  # file_splits: DDL
    # DuckDB cannot drop a primary key: the two tables are rebuilt without it, rows as they are.
    4: tuple(
        statement
        for table in ("cases", "pakn")
        for statement in (
            create_table_sql(table, f"_{table}_v5"),
            f"INSERT INTO _{table}_v5 BY NAME SELECT * FROM {table}",
            f"DROP TABLE {table}",
            f"ALTER TABLE _{table}_v5 RENAME TO {table}",
        )
    ),
}


def _upgradable(version: int) -> bool:
    return all(v in _MIGRATIONS for v in range(version, SCHEMA_VERSION))


def _migrate(con: duckdb.DuckDBPyConnection, path: Path, version: int) -> None:
    """Bring an identified warehouse to :data:`SCHEMA_VERSION` (tables added since are created)."""
    _check_version(path, version, writable=True)
    start = version
    with reading(path):
        con.execute(DDL)
        while version < SCHEMA_VERSION:
            con.execute("BEGIN TRANSACTION")
            for statement in _MIGRATIONS[version]:
                con.execute(statement)
            version += 1
            con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
            con.execute("COMMIT")
    if start < SCHEMA_VERSION:
        from tthc import logfile

        # Said nowhere else: an older tthc cannot open the file any more, and <db>.bak (taken
        # before this open) is still at the old version.
        logfile.record(
            "Nâng cấp kho dữ liệu",
            f"{shown(path)}: lược đồ phiên bản {start} -> {SCHEMA_VERSION}; bản sao lưu "
            f"{shown(backup_path(path))} (nếu có) vẫn ở phiên bản {start}.",
        )


def folders_to_create(db: str | Path) -> list[Path] | None:
    """None when the warehouse ``db`` exists; else the folders a first writable open creates
    for it, deepest first (empty when its folder exists). What :func:`close_discarding_empty`
    takes back."""
    path = Path(db)
    if path.exists() or path.is_symlink():
        return None
    missing = []
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def close_discarding_empty(
    con: duckdb.DuckDBPyConnection, db: str | Path, created: list[Path] | None
) -> bool:
    """Close ``con``; a warehouse this process created (``created``: :func:`folders_to_create`
    before the open) that stores nothing (every table but ``meta`` empty) is removed with the
    folders made for it. Returns whether it was removed.

    A refused first ingest then leaves no empty warehouse behind, which ``tthc stats`` would
    open and report as "no data". The file is unlinked while this connection still holds the
    write lock, so no other process can have stored anything in it meanwhile.
    """
    path = Path(db)
    removed = False
    try:
        if created is not None and _stores_nothing(con):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            removed = True
    finally:
        con.close()
    if removed:
        with contextlib.suppress(FileNotFoundError):
            wal_path(path).unlink()
        for folder in created or []:
            try:
                folder.rmdir()
            except OSError:
                break  # something else was put there meanwhile: keep it and what is above
    return removed


def _stores_nothing(con: duckdb.DuckDBPyConnection) -> bool:
    tables = [
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND table_name <> 'meta'"
        ).fetchall()
    ]
    return not any(
        con.execute(f'SELECT EXISTS (SELECT 1 FROM "{t}")').fetchone()[0] for t in tables
    )
