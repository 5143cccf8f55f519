"""Warehouse safety (issue 13, item 4): foreign files untouched, damage reported with the way
back, one rolling backup before every writing ingest."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from warehouse_helpers import damage_used_block, table_contents

from tthc.backup import make_backup, temp_backup_path
from tthc.errors import WarehouseError
from tthc.ingest.pipeline import ingest_paths
from tthc.report import doctor
from tthc.schema import SCHEMA_VERSION
from tthc.warehouse import backup_path, connect, reading, verify, wal_path

FIX = Path(__file__).parent / "fixtures" / "ingest"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def siblings(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if p.name != db.name)


@pytest.fixture
def ingested(tmp_path: Path) -> Path:
    db = tmp_path / "w.duckdb"
    [r] = ingest_paths(db, "an-truong", [FIX / "cases_sample.xlsx"])
    assert r.counts.inserted == 10
    return db


def test_another_programs_duckdb_file_is_refused_byte_for_byte_untouched(tmp_path: Path) -> None:
    db = tmp_path / "other.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('schema_version', '3')")  # a look-alike meta table
    con.close()
    before = digest(db)
    for kwargs in ({}, {"backup": True}, {"read_only": True}):
        with pytest.raises(WarehouseError, match=r"không phải kho dữ liệu tthc \(tệp DuckDB thiếu"):
            connect(db, **kwargs)
    assert digest(db) == before
    assert siblings(db) == []  # no .wal, no .bak, no temporary file


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "không phải tệp DuckDB"),
        (b"SQLite format 3\x00" + bytes(4096), "không phải tệp DuckDB"),
        (b"Ma ho so,Ngay nhan\n", "không phải tệp DuckDB"),
    ],
    ids=["empty", "sqlite", "text"],
)
def test_a_file_that_is_not_duckdb_is_refused_untouched(tmp_path: Path, data, words) -> None:
    db = tmp_path / "x.duckdb"
    db.write_bytes(data)
    with pytest.raises(WarehouseError, match=words):
        connect(db, backup=True)
    assert db.read_bytes() == data and siblings(db) == []


def test_a_new_warehouse_appears_complete_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "w.duckdb"
    connect(db).close()
    assert siblings(db) == []
    ro = connect(db, read_only=True)
    assert ro.execute("SELECT value FROM meta").fetchall() == [(str(SCHEMA_VERSION),)]
    ro.close()


def test_every_writing_ingest_first_copies_the_warehouse_to_bak(ingested: Path) -> None:
    assert not backup_path(ingested).exists()  # nothing to keep before the first ingest
    after_first = table_contents(ingested)
    [r] = ingest_paths(ingested, "an-truong", [FIX / "pakn.xlsx"])
    assert r.counts.inserted > 0
    assert table_contents(backup_path(ingested)) == after_first
    assert table_contents(ingested) != after_first
    assert not temp_backup_path(ingested).exists()
    # Restoring is copying the backup back: the warehouse is then as it was before that ingest.
    os.replace(backup_path(ingested), ingested)
    assert table_contents(ingested) == after_first


def test_a_damaged_warehouse_never_replaces_a_good_backup(ingested: Path) -> None:
    ingest_paths(ingested, "an-truong", [FIX / "pakn.xlsx"])
    good = digest(backup_path(ingested))
    damage_used_block(ingested)
    damaged = digest(ingested)
    with pytest.raises(WarehouseError, match=r"bị hỏng \(một khối dữ liệu sai tổng kiểm tra\)"):
        ingest_paths(ingested, "an-truong", [FIX / "cases_sample_utf8.csv"])
    assert digest(backup_path(ingested)) == good and digest(ingested) == damaged


def test_damage_is_reported_with_the_restore_command(ingested: Path) -> None:
    ingest_paths(ingested, "an-truong", [FIX / "pakn.xlsx"])
    damage_used_block(ingested)
    con = connect(ingested, read_only=True)  # the header is fine: the damage is further in
    with pytest.raises(WarehouseError) as err:
        verify(con, ingested)
    con.close()
    msg = str(err.value)
    assert "bị hỏng (một khối dữ liệu sai tổng kiểm tra)" in msg
    assert f"'cp {backup_path(ingested)} {ingested}'" in msg and str(wal_path(ingested)) in msg
    [check] = [c for c in doctor.run_checks(ingested, kernel=False) if c.name == "Kho dữ liệu"]
    assert not check.ok and "bị hỏng" in check.detail and "cp " in check.detail


def test_a_truncated_warehouse_without_backup_says_to_ingest_again(ingested: Path) -> None:
    cut = ingested.read_bytes()[: 3 * 4096 + 100]  # the headers and a little more
    ingested.write_bytes(cut)
    for kwargs in ({"read_only": True}, {"backup": True}):
        with pytest.raises(WarehouseError, match=r"bị hỏng \(tệp bị cắt cụt.*không có bản sao lưu"):
            connect(ingested, **kwargs)
    assert ingested.read_bytes() == cut and siblings(ingested) == []


def test_reading_translates_damage_only(ingested: Path) -> None:
    con = connect(ingested, read_only=True)
    with pytest.raises(duckdb.CatalogException), reading(ingested):
        con.execute("SELECT * FROM no_such_table")  # a bug stays a bug, not "damaged"
    con.close()


def test_a_write_ahead_log_left_by_a_killed_writer_is_kept_and_backed_up(ingested: Path) -> None:
    code = (
        "import duckdb, os, signal, sys\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "con.execute(\"INSERT INTO meta VALUES ('probe', 'committed')\")\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(ingested)])
    assert proc.returncode == -signal.SIGKILL and wal_path(ingested).exists()
    ingest_paths(ingested, "an-truong", [FIX / "pakn.xlsx"])
    assert ("probe", "committed") in table_contents(backup_path(ingested))["meta"]
    assert ("probe", "committed") in table_contents(ingested)["meta"]


def test_a_backup_is_refused_while_a_writer_holds_the_warehouse(ingested: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); "
            "sys.stdin.read()",
            str(ingested),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(WarehouseError, match="đang được một tiến trình khác ghi"):
            make_backup(ingested)
    finally:
        holder.communicate("")
    assert not backup_path(ingested).exists() and not temp_backup_path(ingested).exists()


def test_a_backup_that_cannot_be_written_stops_the_ingest_before_any_write(ingested: Path) -> None:
    backup_path(ingested).mkdir()  # something in the way of <db>.bak
    before = table_contents(ingested)
    with pytest.raises(WarehouseError, match=r"Không tạo được bản sao lưu .*chưa ghi gì vào kho"):
        ingest_paths(ingested, "an-truong", [FIX / "pakn.xlsx"])
    assert table_contents(ingested) == before


def test_a_newer_schema_is_refused_with_update_advice(ingested: Path) -> None:
    con = duckdb.connect(str(ingested))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    for kwargs in ({}, {"read_only": True}):
        with pytest.raises(
            WarehouseError, match=rf"mới hơn phiên bản {SCHEMA_VERSION} .*cập nhật tthc"
        ):
            connect(ingested, **kwargs)
