"""Warehouses a user can point ``--db`` at (issue 13, item 4): another program's file, damaged,
locked, unreadable, on a read-only file system; and the rolling backup."""

from __future__ import annotations

import os
import random
import sqlite3
import zipfile
from pathlib import Path

import duckdb
from warehouse_helpers import damage_used_block

from corpus.framework import CASE_ROWS, JUNE_TITLE, Run, Workspace, kind, prints, read, refused
from tthc.schema import SCHEMA_VERSION

NOT_TTHC = r"không phải kho dữ liệu tthc .*tthc không ghi gì vào tệp này"
DAMAGED = r"Kho dữ liệu .* bị hỏng \("
RESTORE = r"khôi phục bản sao lưu bằng 'cp .*\.bak .*' rồi xoá .*\.wal nếu có"
HOLD_WRITER = (
    "import duckdb, sys; c = duckdb.connect({db!r}); print('ready', flush=True); sys.stdin.read()"
)


def foreign_duckdb(db: Path, *, meta: bool = False) -> Path:
    """A DuckDB file of another program (optionally with a look-alike ``meta`` table)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE orders (id INTEGER, total DECIMAL(10, 2))")
    con.execute("INSERT INTO orders VALUES (1, 9.99), (2, 120.00)")
    if meta:
        con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
        con.execute("INSERT INTO meta VALUES ('schema_version', '3')")
    con.close()
    return db


def refused_untouched(w: Workspace, run: Run, *paths: Path) -> Run:
    """The warehouse (and anything beside it) is byte for byte as before, nothing added."""
    w.untouched(*(paths or (w.db,)), w.db.parent)
    return run


def with_backup(w: Workspace) -> Path:
    """A warehouse ingested twice, so that ``<db>.bak`` exists."""
    w.warehouse()
    w.warehouse(
        w.db, w.csv("more.csv", rows=[["HS-9", "1.001193", "X", "Đang xử lý", "04/06/2026"]])
    )
    assert w.db.with_name(w.db.name + ".bak").exists()
    return w.db


# --- not a tthc warehouse ---------------------------------------------------------------------


@kind("wh-foreign-duckdb", "warehouses", refused(NOT_TTHC + ".*chọn tệp khác bằng --db"),
      "another program's DuckDB file as --db of an ingest: refused before any write, untouched")  # fmt: skip
def _(w: Workspace) -> Run:
    foreign_duckdb(w.db)
    return refused_untouched(w, w.ingest(w.csv()))


@kind("wh-foreign-duckdb-lookalike-meta", "warehouses", refused(NOT_TTHC),
      "a DuckDB file with a meta table and a schema version but none of tthc's tables")  # fmt: skip
def _(w: Workspace) -> Run:
    foreign_duckdb(w.db, meta=True)
    return refused_untouched(w, w.ingest(w.csv()))


@kind("wh-foreign-duckdb-stats", "warehouses", refused(NOT_TTHC),
      "another program's DuckDB file read by 'tthc stats'")  # fmt: skip
def _(w: Workspace) -> Run:
    foreign_duckdb(w.db)
    return refused_untouched(w, w.stats())


@kind("wh-empty-file", "warehouses", refused(NOT_TTHC),
      "a 0-byte file as --db (made by 'touch'): not a warehouse, left empty")  # fmt: skip
def _(w: Workspace) -> Run:
    w.write("data/w.duckdb", b"")
    return refused_untouched(w, w.ingest(w.csv()))


@kind("wh-text-file", "warehouses", refused(NOT_TTHC),
      "a CSV file given as --db by mistake")  # fmt: skip
def _(w: Workspace) -> Run:
    w.write("data/w.duckdb", "Mã hồ sơ,Ngày nhận\nHS-1,01/06/2026\n")
    return refused_untouched(w, w.ingest(w.csv()))


@kind("wh-sqlite-file", "warehouses", refused(NOT_TTHC),
      "a SQLite database as --db: DuckDB would fetch an extension to open it; refused untouched")  # fmt: skip
def _(w: Workspace) -> Run:
    w.db.parent.mkdir(parents=True)
    con = sqlite3.connect(w.db)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    return refused_untouched(w, w.ingest(w.csv()))


@kind("wh-zip-file", "warehouses", refused(NOT_TTHC),
      "an xlsx export given as --db by mistake")  # fmt: skip
def _(w: Workspace) -> Run:
    w.db.parent.mkdir(parents=True)
    with zipfile.ZipFile(w.db, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    return refused_untouched(w, w.ingest(w.csv()))


@kind("wh-parquet-file", "warehouses", refused(NOT_TTHC),
      "a Parquet file as --db")  # fmt: skip
def _(w: Workspace) -> Run:
    import pyarrow as pa
    import pyarrow.parquet as pq

    w.db.parent.mkdir(parents=True)
    pq.write_table(pa.table({"x": [1, 2]}), w.db)
    return refused_untouched(w, w.ingest(w.csv()))


@kind("wh-garbage-bytes", "warehouses", refused(NOT_TTHC),
      "64 KiB of random bytes as --db")  # fmt: skip
def _(w: Workspace) -> Run:
    w.write("data/w.duckdb", random.Random(7).randbytes(65536))
    return refused_untouched(w, w.ingest(w.csv()))


# --- damaged ----------------------------------------------------------------------------------


@kind("wh-truncated-to-headers", "warehouses", refused(DAMAGED + r"tệp bị cắt cụt"),
      "a warehouse cut after its three header blocks (a copy that stopped early)")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    w.db.write_bytes(w.db.read_bytes()[: 3 * 4096 + 100])
    return refused_untouched(w, w.ingest(w.csv()))


@kind("wh-truncated-to-100-bytes", "warehouses", refused(DAMAGED + r"tệp bị cắt cụt"),
      "a warehouse cut inside its first header block")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    w.db.write_bytes(w.db.read_bytes()[:100])
    return refused_untouched(w, w.stats())


@kind("wh-truncated-with-backup", "warehouses", refused(DAMAGED + r"tệp bị cắt cụt.*" + RESTORE),
      "a cut warehouse that has a backup: the message gives the restore command")  # fmt: skip
def _(w: Workspace) -> Run:
    with_backup(w)
    w.db.write_bytes(w.db.read_bytes()[: 3 * 4096 + 100])
    return refused_untouched(w, w.ingest(w.csv("new.csv")))


@kind("wh-damaged-block-ingest", "warehouses",
      refused(DAMAGED + r"một khối dữ liệu sai tổng kiểm tra.*" + RESTORE),
      "a block of the cases table damaged: ingest reads every block first and refuses, so the good "
      "backup is not replaced by a copy of the damage")  # fmt: skip
def _(w: Workspace) -> Run:
    with_backup(w)
    damage_used_block(w.db)
    return refused_untouched(w, w.ingest(w.csv("new.csv")), w.db, w.db.with_name("w.duckdb.bak"))


@kind("wh-damaged-block-stats", "warehouses", refused(DAMAGED + r"một khối dữ liệu sai tổng kiểm tra"),
      "a damaged block met in the middle of the statistics queries")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    damage_used_block(w.db)
    return refused_untouched(w, w.stats())


@kind("wh-damaged-header-checksum", "warehouses", refused(DAMAGED + r"một khối dữ liệu sai tổng kiểm tra"),
      "the main header's storage version patched (its checksum no longer matches)")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    data = bytearray(w.db.read_bytes())
    data[12:20] = (200).to_bytes(8, "little")
    w.db.write_bytes(bytes(data))
    return refused_untouched(w, w.ingest(w.csv()))


@kind("wh-damaged-doctor", "warehouses",
      prints(r"LỖI  Kho dữ liệu: Kho dữ liệu .* bị hỏng \(một khối dữ liệu sai tổng kiểm tra\).*cp ", exit=1),
      "'tthc doctor' on a damaged warehouse: one LỖI line with the restore command")  # fmt: skip
def _(w: Workspace) -> Run:
    with_backup(w)
    damage_used_block(w.db)
    return Run(["doctor", "--db", str(w.db)])


# --- write-ahead logs ------------------------------------------------------------------------


def _killed_writer(db: Path, sql: str) -> None:
    import signal
    import subprocess
    import sys

    code = f"import duckdb, os, signal; c = duckdb.connect({str(db)!r}); c.execute({sql!r}); os.kill(os.getpid(), signal.SIGKILL)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == -signal.SIGKILL


@kind("wh-wal-left-by-killed-writer", "warehouses", read(rows=3),
      "a .wal left by a writer killed after a commit: replayed, its row kept, and in the backup")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    _killed_writer(w.db, "INSERT INTO meta VALUES ('probe', 'kept')")
    assert w.db.with_name("w.duckdb.wal").exists()

    def probe_kept() -> None:
        for path in (w.db, w.db.with_name("w.duckdb.bak")):
            con = duckdb.connect(str(path), read_only=True)
            assert con.execute("SELECT value FROM meta WHERE key = 'probe'").fetchall() == [
                ("kept",)
            ]
            con.close()

    w.check(probe_kept)
    return w.ingest(
        w.csv("new.csv", rows=[["HS-7", "1.001193", "X", "Đang xử lý", "04/06/2026"]] * 3)
    )


@kind("wh-wal-garbage", "warehouses", read(rows=1),
      "a .wal of random bytes beside a good warehouse: ignored by DuckDB, the ingest goes on")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    w.write("data/w.duckdb.wal", random.Random(3).randbytes(5000))
    return w.ingest(w.csv("new.csv", rows=[["HS-7", "1.001193", "X", "Đang xử lý", "04/06/2026"]]))


@kind("wh-wal-of-another-database", "warehouses",
      refused(r"Tệp nhật ký .*w\.duckdb\.wal bên cạnh kho dữ liệu .* không khớp với kho.*chuyển"),
      "the .wal of another DuckDB file copied beside the warehouse: DuckDB will not replay it; "
      "the message says to move it away, and nothing is written")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    other = w.root / "other" / "o.duckdb"
    foreign_duckdb(other)
    _killed_writer(other, "INSERT INTO orders VALUES (3, 1.00)")
    w.write("data/w.duckdb.wal", other.with_name("o.duckdb.wal").read_bytes())

    return refused_untouched(w, w.ingest(w.csv("new.csv")))


# --- where --db points ---------------------------------------------------------------------


@kind("wh-is-a-folder", "warehouses", refused(r"là một thư mục, không phải tệp kho dữ liệu"),
      "--db names a folder")  # fmt: skip
def _(w: Workspace) -> Run:
    w.db.mkdir(parents=True)
    return refused_untouched(w, w.ingest(w.csv()))


@kind("wh-is-a-folder-stats", "warehouses", refused(r"là một thư mục, không phải tệp kho dữ liệu"),
      "--db of 'tthc stats' names a folder")  # fmt: skip
def _(w: Workspace) -> Run:
    w.db.mkdir(parents=True)
    return w.stats()


@kind("wh-missing-stats", "warehouses", refused(r"Không tìm thấy kho dữ liệu .*tthc ingest"),
      "'tthc stats' before any ingest")  # fmt: skip
def _(w: Workspace) -> Run:
    w.absent(w.db)
    return w.stats()


@kind("wh-fifo", "warehouses", refused(r"không phải tệp thường"),
      "--db names a named pipe")  # fmt: skip
def _(w: Workspace) -> Run:
    w.db.parent.mkdir(parents=True)
    os.mkfifo(w.db)
    return w.ingest(w.csv())


@kind("wh-dangling-symlink", "warehouses", refused(r"liên kết tượng trưng hỏng"),
      "--db is a symbolic link to a file that does not exist")  # fmt: skip
def _(w: Workspace) -> Run:
    w.db.parent.mkdir(parents=True)
    w.db.symlink_to(w.root / "nowhere" / "x.duckdb")
    w.absent(w.root / "nowhere")
    return w.ingest(w.csv())


@kind("wh-symlink-to-foreign", "warehouses", refused(NOT_TTHC),
      "--db is a symbolic link to another program's DuckDB file: the target stays untouched")  # fmt: skip
def _(w: Workspace) -> Run:
    target = foreign_duckdb(w.root / "elsewhere" / "app.duckdb")
    w.db.parent.mkdir(parents=True)
    w.db.symlink_to(target)
    return refused_untouched(w, w.ingest(w.csv()), target, target.parent)


@kind("wh-parent-is-a-file", "warehouses", refused(r"Không tạo được thư mục kho dữ liệu .*đã có một tệp \(không phải thư mục\)"),
      "--db inside a 'folder' that is a file: nothing created")  # fmt: skip
def _(w: Workspace) -> Run:
    w.write("data", "not a folder")
    w.untouched(w.path("data"))
    return w.ingest(w.csv(), db=w.path("data") / "w.duckdb")


@kind("wh-parent-cannot-be-created", "warehouses",
      refused(r"Không tạo được thư mục kho dữ liệu /proc/.*hệ thống tệp không cho tạo thư mục"),
      "--db in a folder that cannot be created (/proc)")  # fmt: skip
def _(w: Workspace) -> Run:
    return w.ingest(w.csv(), db=Path("/proc/tthc-corpus/w.duckdb"))


@kind("wh-name-not-utf8", "warehouses", refused(r"Tên kho dữ liệu .*\ufffd.* có byte không phải UTF-8"),
      "--db whose bytes are not UTF-8 (a Latin-1 name from argv): nothing created")  # fmt: skip
def _(w: Workspace) -> Run:
    db = w.path(b"data/kho-d\xe2n.duckdb")
    w.absent(w.path("data"))
    return w.ingest(w.csv(), db=db)


@kind("wh-name-too-long", "warehouses", refused(r"tên quá dài"),
      "--db whose file name is longer than 255 bytes")  # fmt: skip
def _(w: Workspace) -> Run:
    w.absent(w.path("data"))
    return w.ingest(w.csv(), db=w.path("data") / ("k" * 300 + ".duckdb"))


@kind("wh-name-too-long-for-its-wal", "warehouses", refused(r"tên tệp kho được dài tối đa 247 byte"),
      "--db whose name is 252 bytes: its .wal (256) would not fit; it gave a traceback")  # fmt: skip
def _(w: Workspace) -> Run:
    w.absent(w.path("data"))
    return w.ingest(w.csv(), db=w.path("data") / ("k" * 245 + ".duckdb"))


@kind("wh-name-at-the-longest", "warehouses", read(rows=3),
      "--db whose name is 247 bytes: a second ingest's backup copy beside it has 255")  # fmt: skip
def _(w: Workspace) -> Run:
    db = w.path("k" * 240 + ".duckdb")
    w.ingest(w.csv(), db=db)
    later = [[r[0].replace("HS-", "HS-1"), *r[1:]] for r in CASE_ROWS]
    return w.ingest(w.csv("ho-so-2.csv", rows=later), db=db)


@kind("wh-name-like-a-duckdb-prefix", "warehouses", read(rows=3),
      "--db sqlite:kho.duckdb / md:kho.duckdb: the files of those names, not DuckDB's SQLite or MotherDuck")  # fmt: skip
def _(w: Workspace) -> Run:
    w.ingest(w.csv(), db=w.path("sqlite:kho.duckdb"))
    return w.ingest(w.csv(), db=w.path("md:kho.duckdb"))


@kind("wh-name-with-a-backslash", "warehouses", refused(r"có dấu \\ \(DuckDB hiểu là dấu phân cách"),
      "--db a\\b.duckdb: DuckDB would open a/b.duckdb; nothing created")  # fmt: skip
def _(w: Workspace) -> Run:
    w.absent(w.path("a\\b.duckdb"), w.path("a"))
    return w.ingest(w.csv(), db=w.path("a\\b.duckdb"))


@kind("wh-folder-name-too-long", "warehouses", refused(r"tên quá dài"),
      "--db inside a folder whose name is longer than 255 bytes")  # fmt: skip
def _(w: Workspace) -> Run:
    return w.ingest(w.csv(), db=w.path("d" * 300) / "w.duckdb")


@kind("wh-new-in-nested-folders", "warehouses", read(rows=3),
      "--db in folders that do not exist yet: they are created with the warehouse")  # fmt: skip
def _(w: Workspace) -> Run:
    return w.ingest(w.csv(), db=w.path("a/b/c/w.duckdb"))


# --- permissions and read-only file systems ------------------------------------------------


@kind("wh-not-readable", "warehouses", refused(r"Không đọc được kho dữ liệu .*không có quyền đọc"),
      "a warehouse the user may not read (mode 000)")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    w.db.parent.chmod(0o777)
    w.db.chmod(0o000)
    run = w.stats()
    run.as_nobody = True
    return run


@kind("wh-file-not-writable", "warehouses",
      refused(r"Không ghi được vào kho dữ liệu .*: không có quyền ghi; tthc không thay đổi gì"),
      "an ingest into a warehouse the user may read but not write: refused untouched")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    w.db.parent.chmod(0o777)
    w.db.chmod(0o444)  # read-only for everyone, the owner too (when not run as root)
    run = refused_untouched(w, w.ingest(w.csv("new.csv")))
    run.as_nobody = True
    return run


@kind("wh-folder-not-writable", "warehouses",
      refused(r"Không ghi được vào thư mục kho dữ liệu .*: không có quyền ghi"),
      "a writable warehouse in a folder the user may not write (DuckDB needs its .wal there)")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    w.db.chmod(0o666)
    w.db.parent.chmod(0o555)
    run = refused_untouched(w, w.ingest(w.csv("new.csv")))
    run.as_nobody = True
    return run


@kind("wh-read-only-fs-ingest", "warehouses",
      refused(r"Không ghi được vào thư mục kho dữ liệu .*: hệ thống tệp chỉ đọc"),
      "an ingest into a warehouse on a read-only file system")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    run = refused_untouched(w, w.ingest(w.csv("new.csv")))
    run.read_only = w.db.parent
    return run


@kind("wh-read-only-fs-stats", "warehouses", prints(r'"cases_new": 3,'),
      "'tthc stats' on a warehouse on a read-only file system: works (read-only open)")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    run = w.stats()
    run.read_only = w.db.parent
    return run


@kind("wh-read-only-fs-new", "warehouses",
      refused(r"Không ghi được vào thư mục kho dữ liệu .*hệ thống tệp chỉ đọc"),
      "a new warehouse in a folder of a read-only file system")  # fmt: skip
def _(w: Workspace) -> Run:
    w.db.parent.mkdir()
    run = refused_untouched(w, w.ingest(w.csv()), w.db.parent)
    run.read_only = w.db.parent
    return run


# --- schema versions, locks, the backup --------------------------------------------------------


def _set_version(db: Path, value: str) -> None:
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [value])
    con.close()


@kind("wh-newer-schema", "warehouses", refused(r"phiên bản lược đồ 99, mới hơn .*cập nhật tthc"),
      "a warehouse written by a newer tthc")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    _set_version(w.db, "99")
    return refused_untouched(w, w.ingest(w.csv("new.csv")))


@kind("wh-unknown-old-schema", "warehouses", refused(r"phiên bản lược đồ 0, không nâng cấp được"),
      "a warehouse with a schema version no migration starts from")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    _set_version(w.db, "0")
    return refused_untouched(w, w.ingest(w.csv("new.csv")))


@kind("wh-schema-version-not-a-number", "warehouses", refused(NOT_TTHC + r"|bảng meta không ghi phiên bản"),
      "a meta table whose schema_version is not a number")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    _set_version(w.db, "ba")
    return refused_untouched(w, w.ingest(w.csv("new.csv")))


@kind("wh-version-1-upgraded-with-backup", "warehouses", read(rows=1),
      "a schema-1 warehouse: upgraded in place by the ingest, the backup keeps version 1")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    con = duckdb.connect(str(w.db))
    # a true version 1: none of the later columns or tables (see tthc.schema's history)
    for column in ("covers_from", "covers_to", "as_of_source", "split_id"):
        con.execute(f"ALTER TABLE ingests DROP COLUMN {column}")
    con.execute("DROP TABLE file_splits")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()

    def versions() -> None:
        for path, version in ((w.db, str(SCHEMA_VERSION)), (w.db.with_name("w.duckdb.bak"), "1")):
            con = duckdb.connect(str(path), read_only=True)
            assert con.execute("SELECT value FROM meta").fetchall() == [(version,)]
            con.close()

    w.check(versions)
    return w.ingest(w.csv("new.csv", rows=[["HS-7", "1.001193", "X", "Đang xử lý", "04/06/2026"]]))


@kind("wh-locked-by-a-writer", "warehouses",
      refused(r"đang được mở để ghi bởi chương trình .* \(PID \d+\)"),
      "an ingest (not waiting: --wait 0) while another process holds the warehouse open for "
      "writing: refused naming the holder")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    run = w.ingest(w.csv("new.csv"), "--wait", "0")
    run.holder = HOLD_WRITER.format(db=str(w.db))
    return run


@kind("wh-backup-path-is-a-folder", "warehouses",
      refused(r"Không tạo được bản sao lưu .*\(đó là một thư mục\): chưa ghi gì vào kho"),
      "<db>.bak is a folder: no backup, so no write")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    w.db.with_name("w.duckdb.bak").mkdir()
    return refused_untouched(w, w.ingest(w.csv("new.csv")))


@kind("wh-backup-tmp-left-over", "warehouses", read(rows=1),
      "a half-written <db>.bak.tmp left by a killed backup: overwritten, the backup completes")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    w.write("data/w.duckdb.bak.tmp", random.Random(5).randbytes(10000))

    def backup_whole() -> None:
        assert not w.db.with_name("w.duckdb.bak.tmp").exists()
        con = duckdb.connect(str(w.db.with_name("w.duckdb.bak")), read_only=True)
        assert con.execute("SELECT count(*) FROM cases").fetchall() == [(3,)]
        con.close()

    w.check(backup_whole)
    return w.ingest(w.csv("new.csv", rows=[["HS-7", "1.001193", "X", "Đang xử lý", "04/06/2026"]]))


@kind("values-year-zero-then-stats", "values", prints(r'"cases_new": 1,'),
      "an export whose 'Ngày nhận' is 01/01/00 (two-digit year): once stored as year 0 (1 BC), "
      "which DuckDB hands to Python as text and 'tthc stats' failed on (finding F7); now the "
      "year is expanded by the stated rule or the row refused, and stats runs")  # fmt: skip
def _(w: Workspace) -> Run:
    rows = [
        ["HS-1", "1.001193", "X", "Đang xử lý", "01/01/00"],
        ["HS-2", "1.001193", "X", "Đang xử lý", "02/06/2026"],
    ]
    w.warehouse(w.db, w.csv("years.csv", rows=rows, title=JUNE_TITLE))
    return w.stats()  # fmt: skip
