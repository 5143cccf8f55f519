"""The warehouse file: schema created once, read-only opens, clear errors."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tthc.errors import WarehouseError
from tthc.schema import SCHEMA_VERSION, STATUS_CODES, Outcome
from tthc.warehouse import connect

PERSONAL_WORDS = ("chu_ho_so", "dia_chi", "phone", "email", "cccd", "address", "owner", "applicant")


def test_schema_created_and_reopened(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    con = connect(db)
    tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    assert {"cases", "ingests", "procedures", "pakn", "rejects", "case_conflicts"} <= tables
    con.close()
    ro = connect(db, read_only=True)
    assert ro.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
        str(SCHEMA_VERSION),
    )
    with pytest.raises(duckdb.Error):
        ro.execute("INSERT INTO meta VALUES ('x', 'y')")
    ro.close()


def test_read_only_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="Không tìm thấy kho dữ liệu"):
        connect(tmp_path / "none.duckdb", read_only=True)


def test_foreign_file_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "other.duckdb"
    duckdb.connect(str(db)).execute("CREATE TABLE t (x INT)").close()
    with pytest.raises(WarehouseError, match="không phải kho dữ liệu tthc"):
        connect(db, read_only=True)


def test_no_personal_columns_in_shared_tables(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    rows = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_name <> 'case_personal'"
    ).fetchall()
    for table, column in rows:
        assert not any(w in column for w in PERSONAL_WORDS), (table, column)


def test_status_codes_cover_national_list() -> None:
    assert sorted(STATUS_CODES) == list(range(1, 11))
    assert STATUS_CODES[3][1] is Outcome.NOT_RECEIVED
    assert STATUS_CODES[7][1] is Outcome.WITHDRAWN
    assert {STATUS_CODES[c][1] for c in (9, 10)} == {Outcome.RESOLVED}


def test_a_version_1_warehouse_is_upgraded_in_place_by_a_writable_open(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    con = connect(db)
    # What version 1 looked like: no ingests.covers_from, covers_to, as_of_source, split_id,
    # no file_splits.
    for column in ("covers_from", "covers_to", "as_of_source", "split_id"):
        con.execute(f"ALTER TABLE ingests DROP COLUMN {column}")
    con.execute("DROP TABLE file_splits")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.execute(
        "INSERT INTO ingests (unit, kind, file_name, file_sha256, ingested_at, rows_read, "
        "inserted, updated, unchanged, rejected) VALUES ('xa-a', 'cases', 'a.xlsx', 's', "
        "TIMESTAMP '2026-06-15 08:00', 1, 1, 0, 0, 0)"
    )
    con.close()
    with pytest.raises(
        WarehouseError, match=rf"phiên bản lược đồ 1, cần {SCHEMA_VERSION}: chạy 'tthc ingest'"
    ):
        connect(db, read_only=True)
    connect(db).close()
    ro = connect(db, read_only=True)
    assert ro.execute("SELECT value FROM meta WHERE key='schema_version'").fetchall() == [
        (str(SCHEMA_VERSION),)
    ]
    assert ro.execute(
        "SELECT file_name, covers_from, covers_to, as_of_source, split_id FROM ingests"
    ).fetchall() == [("a.xlsx", None, None, None, None)]
    assert ro.execute("SELECT count(*) FROM file_splits").fetchone() == (0,)
    ro.close()


# Version 4's two state tables, as it created them: with a PRIMARY KEY.
_V4_KEYED = {
    "cases": "PRIMARY KEY (unit, case_code)",
    "pakn": "PRIMARY KEY (unit, pakn_code)",
}


def _make_version_4(db: Path) -> None:
    from tthc.schema import create_table_sql

    con = connect(db)
    for table, key in _V4_KEYED.items():
        con.execute(f"DROP TABLE {table}")
        con.execute(create_table_sql(table, table)[:-1] + f",\n    {key}\n)")
    con.execute(
        "INSERT INTO cases (unit, case_code, procedure_code, outcome, received_at, ingest_id, "
        "as_of, first_ingest_id) VALUES ('xa-a', 'HS-1', '1.001193', 'pending', "
        "TIMESTAMP '2026-06-02 08:00', 1, TIMESTAMP '2026-06-15 08:00', 1)"
    )
    con.execute(
        "INSERT INTO pakn (unit, pakn_code, received_at, ingest_id, first_ingest_id) "
        "VALUES ('xa-a', 'PA-1', TIMESTAMP '2026-06-03 09:00', 1, 1)"
    )
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    con.close()


def _keys(con, table: str) -> list:
    return con.execute(
        "SELECT constraint_type FROM duckdb_constraints() WHERE table_name = ? "
        "AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')",
        [table],
    ).fetchall()


def test_a_version_4_warehouse_keeps_its_rows_and_loses_the_primary_keys(
    tmp_path: Path, monkeypatch
) -> None:
    db = tmp_path / "v4.duckdb"
    _make_version_4(db)
    monkeypatch.setenv("TTHC_LOG", str(tmp_path / "tthc.log"))
    probe = duckdb.connect(str(db), read_only=True)
    assert _keys(probe, "cases") == [("PRIMARY KEY",)] and _keys(probe, "pakn")
    cases_columns = [c[:3] for c in probe.execute("DESCRIBE cases").fetchall()]
    probe.close()
    connect(db).close()
    ro = connect(db, read_only=True)
    assert ro.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("5",)
    assert _keys(ro, "cases") == [] and _keys(ro, "pakn") == []
    # Same columns in the same order, NOT NULL kept, every row kept.
    assert [c[:3] for c in ro.execute("DESCRIBE cases").fetchall()] == cases_columns
    assert ro.execute("SELECT unit, case_code, procedure_code, outcome FROM cases").fetchall() == [
        ("xa-a", "HS-1", "1.001193", "pending")
    ]
    assert ro.execute("SELECT pakn_code, received_at FROM pakn").fetchall()[0][0] == "PA-1"
    not_null = {
        name for name, _t, null, *_ in ro.execute("DESCRIBE pakn").fetchall() if null == "NO"
    }
    assert {"unit", "pakn_code", "received_at", "ingest_id", "first_ingest_id"} == not_null
    ro.close()
    # The upgrade is written down: an older tthc cannot open the file any more.
    assert "lược đồ phiên bản 4 -> 5" in (tmp_path / "tthc.log").read_text(encoding="utf-8")


def test_rows_are_stored_in_row_groups_of_row_group_size(tmp_path: Path) -> None:
    from tthc.warehouse import ROW_GROUP_SIZE

    db = tmp_path / "w.duckdb"
    con = connect(db)
    con.execute("CREATE TABLE probe AS SELECT range AS i FROM range(100000)")
    con.close()
    check = duckdb.connect(str(db), read_only=True)
    groups = check.execute(
        "SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('probe')"
    ).fetchone()[0]
    check.close()
    assert ROW_GROUP_SIZE == 61_440
    assert groups == 2  # DuckDB's own 122,880 would store these 100,000 rows in one


def test_each_connect_starts_one_duckdb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Creating, identifying (and reading every block for the backup) and opening are attaches
    to one in-memory DuckDB, not a DuckDB start each."""
    starts: list[object] = []
    real = duckdb.connect

    def counting(*args: object, **kwargs: object) -> duckdb.DuckDBPyConnection:
        starts.append(args[0] if args else kwargs.get("database", ":memory:"))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    db = tmp_path / "w.duckdb"
    monkeypatch.setattr(duckdb, "connect", counting)
    connect(db).close()  # created, then opened
    assert len(starts) == 1
    connect(db, backup=True).close()  # identified and read whole, copied, opened
    assert len(starts) == 2
    connect(db, read_only=True).close()
    assert len(starts) == 3
    assert (tmp_path / "w.duckdb.bak").is_file()
    assert not list(tmp_path.glob(".tthc-new-*"))


def test_a_plain_duckdb_open_in_this_process(tmp_path: Path) -> None:
    """A notebook that opened the file itself (duckdb.connect), then calls tthc. A read-only
    open is shared; DuckDB allows no second instance over a file open for writing, nor a
    read-only connection to it: that is said as such, not taken for a damaged file."""
    db = tmp_path / "w.duckdb"
    connect(db).close()
    plain = duckdb.connect(str(db))
    try:
        plain.execute("INSERT INTO meta VALUES ('probe', 'x')")
        for read_only in (False, True):
            with pytest.raises(WarehouseError, match="đang được mở ở chế độ khác trong chính"):
                connect(db, read_only=read_only)
    finally:
        plain.close()
    plain = duckdb.connect(str(db), read_only=True)
    try:
        ro = connect(db, read_only=True)
        assert ro.execute("SELECT value FROM meta WHERE key = 'probe'").fetchone() == ("x",)
        ro.close()
    finally:
        plain.close()


@pytest.mark.parametrize(
    "name", ["w.duckdb", "data.v2.duckdb", "temp.duckdb", "Kho Hải Phòng.duckdb", 'a"b.db', "noext"]
)
def test_a_writable_connection_names_its_catalog_as_duckdb_does(tmp_path: Path, name: str) -> None:
    """The writable open attaches the file; its catalog keeps the name DuckDB's own open gives
    (``w.cases``, ``current_database()`` in a user's SQL mean the same on either)."""
    from tthc.warehouse import catalog_name

    own = tmp_path / "own" / name
    own.parent.mkdir()
    plain = duckdb.connect(str(own))
    expected = plain.execute("SELECT current_database()").fetchone()[0]
    plain.close()
    assert catalog_name(own) == expected
    db = tmp_path / name
    con = connect(db)
    try:
        assert con.execute("SELECT current_database()").fetchone() == (expected,)
        quoted = '"' + expected.replace('"', '""') + '"'
        assert con.execute(f"SELECT count(*) FROM {quoted}.cases").fetchone() == (0,)
    finally:
        con.close()
    ro = connect(db, read_only=True)  # DuckDB's own open: the same name
    try:
        assert ro.execute("SELECT current_database()").fetchone() == (expected,)
        assert ro.cursor().execute("SELECT count(*) FROM cases").fetchone() == (0,)
    finally:
        ro.close()


def test_memory_is_not_a_catalog_name_a_writable_open_can_take(tmp_path: Path) -> None:
    from tthc.warehouse import catalog_name

    assert catalog_name(tmp_path / "memory.duckdb") == "memory_db"  # the host's own is "memory"
    con = connect(tmp_path / "memory.duckdb")
    assert con.execute("SELECT current_database()").fetchone() == ("memory_db",)
    con.close()


def test_spilled_data_stays_beside_the_warehouse_given_a_relative_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    con = connect(Path("sub") / "w.duckdb")
    try:
        where = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
    finally:
        con.close()
    assert where == str(tmp_path / "sub" / "w.duckdb") + ".tmp"


def test_two_tthc_opens_of_one_file_in_other_modes_are_refused_clearly(tmp_path: Path) -> None:
    """A notebook holding a writable tthc connection and asking for a reader (or the other way
    round): DuckDB refuses the second open; said as such, not as a damaged file."""
    db = tmp_path / "w.duckdb"
    writer = connect(db)
    try:
        with pytest.raises(WarehouseError, match="đang được mở ở chế độ khác trong chính"):
            connect(db, read_only=True)
    finally:
        writer.close()
    reader = connect(db, read_only=True)
    try:
        with pytest.raises(WarehouseError, match="đang được mở ở chế độ khác trong chính"):
            connect(db)
        second = connect(db, read_only=True)  # readers share
        assert second.execute("SELECT count(*) FROM cases").fetchone() == (0,)
        second.close()
    finally:
        reader.close()
    connect(db).close()  # nothing left holding the file
