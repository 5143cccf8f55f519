"""Shared by the warehouse-safety, crash-safety and corpus tests: what "the same warehouse"
means, and how to damage one the way a bad disk or a cut copy does."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tthc.warehouse import connect


def table_contents(db: Path, *, through_tthc: bool = False) -> dict[str, list[tuple]]:
    """Every row of every table, sorted; ``ingests.ingested_at`` (the clock) left out.

    ``through_tthc`` opens with :func:`tthc.warehouse.connect` (read-only), so the warehouse
    must also pass tthc's own checks.
    """
    con = connect(db, read_only=True) if through_tthc else duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        out = {}
        for table in sorted(tables):
            cols = "* EXCLUDE (ingested_at)" if table == "ingests" else "*"
            out[table] = con.execute(f'SELECT {cols} FROM "{table}" ORDER BY ALL').fetchall()
        return out
    finally:
        con.close()


def damage_used_block(db: Path) -> None:
    """Flip 64 bytes inside the first block holding the cases table (DuckDB checksums blocks,
    so the next read of that block fails)."""
    con = duckdb.connect(str(db), read_only=True)
    block = con.execute(
        "SELECT min(block_id) FROM pragma_storage_info('cases') WHERE block_id >= 0"
    ).fetchone()[0]
    size = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
    con.close()
    data = bytearray(db.read_bytes())
    start = 3 * 4096 + block * size + 64  # three header blocks, then fixed-size blocks
    data[start : start + 64] = bytes(b ^ 0xFF for b in data[start : start + 64])
    db.write_bytes(bytes(data))
