"""Query results kept as Arrow tables registered on a DuckDB connection, for ingest's working
tables (``_stg``) that are written once and read by many statements."""

from __future__ import annotations

import duckdb


def register_query(con: duckdb.DuckDBPyConnection, name: str, select: str) -> None:
    """Run ``select`` and register its rows as ``name`` on ``con`` (an Arrow table, replacing
    what was registered under that name; :meth:`~duckdb.DuckDBPyConnection.unregister` takes it
    back). The statement sees the connection's open transaction, and so does the registration:
    a ROLLBACK undoes it (DuckDB 2.0), back to what was registered before.

    Why not a DuckDB temporary table: appending to one costs about 7 ms per column of 200,000
    rows, on one thread, and every later read of it (the INSERT into ``cases`` above all) scans
    an Arrow table faster than a DuckDB one. Measured in turns on the 200,000-row CSV, the whole
    ingest took 0.85-0.91 of the time it took with a temporary ``_stg``. SQL cannot UPDATE a
    registered table: a change is a new :func:`register_query`. The rows live in Python's heap,
    outside DuckDB's memory limit and never spilled: ``_stg`` of 200,000 cases is 48 MB (the
    source ``_src``, Arrow already, 82 MB), about 250 MB at :data:`tthc.ingest.limits.MAX_ROWS`;
    the ingest's peak RSS stayed at 0.57-0.60 GB for 200,000 rows.

    A result of ``con.execute`` left unread is run to its end first (its rows are dropped):
    DuckDB 2 refuses ``con.sql`` beside one, and ingest reads every result it needs before
    staging.
    """
    con.complete()
    con.register(name, con.sql(select).to_arrow_table())
