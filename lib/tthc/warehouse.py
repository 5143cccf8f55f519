"""Opening the DuckDB warehouse: one file, writers create the schema, readers open read-only."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tthc.errors import WarehouseError
from tthc.schema import DDL, SCHEMA_VERSION
from tthc.warehouse_errors import warehouse_error


def connect(db: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse. Read-only opens never block each other; a writer blocks everyone.

    A writable open creates the file and the schema when missing. A read-only open of a missing
    file, or of a file with another schema version, is a :class:`WarehouseError`.
    """
    path = Path(db)
    if read_only and not path.exists():
        raise WarehouseError(
            f"Không tìm thấy kho dữ liệu {path}: hãy chạy 'tthc ingest' trước (hoặc 'make report')."
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:  # IO, version, corruption: one plain line each
        if "lock" in str(exc).lower():
            raise WarehouseError(
                f"Kho dữ liệu {path} đang được một tiến trình khác ghi; hãy chờ tiến trình đó kết thúc."
            ) from exc
        raise warehouse_error(exc, path) from exc
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
    ),
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
