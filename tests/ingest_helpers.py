"""Shared by the ingest tests: where a test warehouse's rejects go."""

from __future__ import annotations

from pathlib import Path

from tthc.ingest.pipeline import rejects_dir_for


def rejects_dir(con) -> Path:
    """Beside the warehouse file, as the CLI does (never inside the fixtures folder)."""
    db = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()[0]
    return rejects_dir_for(db)
