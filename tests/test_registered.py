"""Query results registered as Arrow tables (tthc.ingest.registered), as ingest's _stg is."""

from __future__ import annotations

import duckdb
import pytest

from tthc.ingest.registered import register_query


def test_a_query_is_registered_beside_an_unread_result_and_replaces_the_last() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT range AS a FROM range(5)")
    con.execute("SELECT * FROM t").fetchone()  # left unread, as a fetchone() leaves it
    register_query(con, "_stg", "SELECT a, a * 2 AS b FROM t WHERE a < 3 ORDER BY a")
    assert con.execute("SELECT * FROM _stg ORDER BY a").fetchall() == [(0, 0), (1, 2), (2, 4)]
    register_query(con, "_stg", "SELECT a + 10 AS a FROM _stg ORDER BY a")
    assert con.execute("SELECT a FROM _stg").fetchall() == [(10,), (11,), (12,)]
    con.unregister("_stg")
    con.unregister("_stg")  # taking back twice is harmless (the finally of an ingest)


def test_a_rollback_takes_back_what_the_transaction_registered() -> None:
    con = duckdb.connect()
    register_query(con, "_stg", "SELECT 1 AS a")
    con.execute("BEGIN")
    register_query(con, "_stg", "SELECT 2 AS a")
    register_query(con, "_new", "SELECT 3 AS a")
    assert con.execute("SELECT a FROM _stg").fetchall() == [(2,)]
    con.execute("ROLLBACK")
    assert con.execute("SELECT a FROM _stg").fetchall() == [(1,)]
    with pytest.raises(duckdb.CatalogException):
        con.execute("SELECT a FROM _new")
