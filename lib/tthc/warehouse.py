"""Opening the DuckDB warehouse: one file, writers create the schema, readers open read-only.

DuckDB allows one writer or any number of readers per file. When the file is held, DuckDB says
by whom ("Conflicting lock is held in <program> (PID <n>)") and whether the holder only reads
(it then suggests read-only mode). :func:`connect` reports the holder as such, and a writer can
wait for the holder to finish (``wait`` seconds) instead of failing at once.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tthc.errors import WarehouseError
from tthc.schema import DDL, SCHEMA_VERSION
from tthc.warehouse_errors import warehouse_error

_LOCK = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


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


def connect(
    db: str | Path,
    *,
    read_only: bool = False,
    wait: float = 0.0,
    on_wait: Callable[[LockHolder, float], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse. Read-only opens never block each other; a writer blocks everyone.

    A writable open creates the file and the schema when missing. A read-only open of a missing
    file, or of a file with another schema version, is a :class:`WarehouseError`. When another
    process holds the file, the open is retried for up to ``wait`` seconds (``on_wait(holder,
    wait)`` is called once, before waiting), then refused naming the holder.
    """
    path = Path(db)
    if read_only and not path.exists():
        raise WarehouseError(
            f"Không tìm thấy kho dữ liệu {path}: hãy chạy 'tthc ingest' trước (hoặc 'make report')."
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + max(wait, 0.0)
    told = False
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.Error as exc:  # IO, version, corruption: one plain line each
            holder = lock_holder(str(exc))
            if holder is None:
                raise warehouse_error(exc, path) from exc
            if time.monotonic() >= deadline:
                waited = f" (đã chờ {wait:g} giây)" if wait > 0 else ""
                raise WarehouseError(
                    f"Kho dữ liệu {path} {holder.describe()}{waited}: hãy chờ chương trình đó kết "
                    "thúc hoặc đóng nó (notebook, báo cáo đang chạy) rồi chạy lại"
                    + ("; có thể tăng thời gian chờ bằng --wait." if not read_only else ".")
                ) from exc
            if on_wait is not None and not told:
                on_wait(holder, wait)
                told = True
            time.sleep(0.25)
    if read_only:
        _check_version(con, path)
    else:
        con.execute(DDL)
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        if not row:
            con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        else:
            _migrate(con, int(row[0][0]))
            _check_version(con, path)
    return con


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
}


def _migrate(con: duckdb.DuckDBPyConnection, version: int) -> None:
    while version < SCHEMA_VERSION and version in _MIGRATIONS:
        con.execute("BEGIN TRANSACTION")
        for statement in _MIGRATIONS[version]:
            con.execute(statement)
        version += 1
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
        con.execute("COMMIT")


def _check_version(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except duckdb.CatalogException as exc:
        raise WarehouseError(f"{path} không phải kho dữ liệu tthc (thiếu bảng meta).") from exc
    if row is None or int(row[0]) != SCHEMA_VERSION:
        found = row[0] if row else "không rõ"
        raise WarehouseError(
            f"Kho dữ liệu {path} có phiên bản lược đồ {found}, cần {SCHEMA_VERSION}: chạy 'tthc ingest' "
            "(mở để ghi sẽ nâng cấp kho cũ) hoặc nạp lại dữ liệu."
        )
