"""A small city for the city tests: the real An Trường sample ingested once, cloned under other
unit slugs with SQL and edited so that the units differ.

- ``an-truong``: the sample as ingested by ``tthc ingest`` (every figure of June 2026 known);
- ``xa-dong``: about two thirds of its cases (a hash of the case code), some filed in person,
  some resolved late, part of the PAKN: different figures, every one of them known;
- ``xa-tay``: a coverage gap: its case lists cover 01/01–14/03 (exported 15/03) and 15/04–14/06
  (exported 15/06); what the lists cannot hold is left out (cases received in the gap, cases
  open at 15/03). June's case table is known, the year-to-date rates are not;
- ``xa-nam``: no June at all: one list 01/01–14/04 exported 15/04, states as of that day.

A params folder names the four as the units of ``thanh-pho-mau`` (a test city), all under the
``an-truong`` profile.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from tthc import warehouse

CITY = "thanh-pho-mau"
UNITS = ("an-truong", "xa-dong", "xa-tay", "xa-nam")
NAMES = {"an-truong": "An Trường", "xa-dong": "Đông", "xa-tay": "Tây", "xa-nam": "Nam"}
REPO = Path(__file__).resolve().parent.parent


def clone_unit(con: duckdb.DuckDBPyConnection, src: str, dst: str) -> dict[int, int]:
    """Copy every ledger row, case, procedure and PAKN of ``src`` under ``dst``; returns the map
    of ingest ids (old -> new)."""
    ids: dict[int, int] = {}
    for (old,) in con.execute(
        "SELECT ingest_id FROM ingests WHERE unit = ? ORDER BY ingest_id", [src]
    ).fetchall():
        new = con.execute(
            """INSERT INTO ingests SELECT * REPLACE (nextval('ingest_id_seq') AS ingest_id,
                   ? AS unit, NULL AS split_id) FROM ingests WHERE ingest_id = ?
               RETURNING ingest_id""",
            [dst, old],
        ).fetchall()[0][0]
        ids[old] = new
    con.execute("CREATE OR REPLACE TEMP TABLE idmap (old BIGINT, new BIGINT)")
    con.executemany("INSERT INTO idmap VALUES (?, ?)", list(ids.items()))
    for table in ("cases", "pakn"):
        con.execute(
            f"""INSERT INTO {table} SELECT t.* REPLACE (? AS unit, m.new AS ingest_id,
                    f.new AS first_ingest_id)
                FROM {table} t JOIN idmap m ON m.old = t.ingest_id
                JOIN idmap f ON f.old = t.first_ingest_id WHERE t.unit = ?""",
            [dst, src],
        )
    con.execute(
        """INSERT INTO procedures SELECT p.* REPLACE (? AS unit, m.new AS ingest_id)
           FROM procedures p JOIN idmap m ON m.old = p.ingest_id WHERE p.unit = ?""",
        [dst, src],
    )
    return ids


def _list_id(con: duckdb.DuckDBPyConnection, unit: str, kind: str) -> int:
    return con.execute(
        "SELECT ingest_id FROM ingests WHERE unit = ? AND kind = ?", [unit, kind]
    ).fetchall()[0][0]


def edit_dong(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM cases WHERE unit = 'xa-dong' AND hash(case_code) % 3 = 0")
    con.execute(
        "UPDATE cases SET channel = 'in_person' WHERE unit = 'xa-dong' AND hash(case_code) % 5 = 1"
    )
    # Resolved late: due an hour before the end.
    con.execute(
        """UPDATE cases SET due_at = ended_at - INTERVAL 1 HOUR
           WHERE unit = 'xa-dong' AND outcome = 'resolved' AND hash(case_code) % 97 = 3"""
    )
    con.execute("DELETE FROM pakn WHERE unit = 'xa-dong' AND hash(pakn_code) % 2 = 0")


def edit_tay(con: duckdb.DuckDBPyConnection) -> None:
    """Lists 01/01–14/03 (exported 15/03 08:00) and 15/04–14/06 (15/06 08:00)."""
    second = _list_id(con, "xa-tay", "cases")
    first = con.execute(
        """INSERT INTO ingests SELECT * REPLACE (nextval('ingest_id_seq') AS ingest_id,
               'xa-tay-01-03.xlsx' AS file_name, TIMESTAMP '2026-03-15 08:00' AS as_of,
               DATE '2026-01-01' AS covers_from, DATE '2026-03-14' AS covers_to)
           FROM ingests WHERE ingest_id = ? RETURNING ingest_id""",
        [second],
    ).fetchall()[0][0]
    con.execute(
        "UPDATE ingests SET covers_from = DATE '2026-04-15', file_name = 'xa-tay-04-06.xlsx' "
        "WHERE ingest_id = ?",
        [second],
    )
    # What neither list holds: received in the gap, or open when the first list was taken.
    con.execute(
        """DELETE FROM cases WHERE unit = 'xa-tay' AND (
               (received_at >= TIMESTAMP '2026-03-15' AND received_at < TIMESTAMP '2026-04-15')
            OR (received_at < TIMESTAMP '2026-03-15'
                AND (ended_at IS NULL OR ended_at >= TIMESTAMP '2026-03-15 08:00')))"""
    )
    con.execute(
        """UPDATE cases SET ingest_id = ?, first_ingest_id = ?, as_of = TIMESTAMP '2026-03-15 08:00'
           WHERE unit = 'xa-tay' AND received_at < TIMESTAMP '2026-03-15'""",
        [first, first],
    )


def edit_nam(con: duckdb.DuckDBPyConnection) -> None:
    """One case list and one PAKN list 01/01–14/04, exported 15/04 08:00: states of that day."""
    cut = "TIMESTAMP '2026-04-15 08:00'"
    con.execute(
        f"""UPDATE ingests SET covers_to = DATE '2026-04-14', as_of = {cut}
            WHERE unit = 'xa-nam' AND kind IN ('cases', 'pakn')"""
    )
    con.execute(f"DELETE FROM cases WHERE unit = 'xa-nam' AND received_at >= {cut}")
    con.execute(
        f"""UPDATE cases SET outcome = 'pending', status_code = 4, status_label = 'Đang xử lý',
                ended_at = NULL, returned_at = NULL
            WHERE unit = 'xa-nam' AND ended_at >= {cut}"""
    )
    con.execute(f"DELETE FROM pakn WHERE unit = 'xa-nam' AND received_at >= {cut}")
    con.execute(f"UPDATE pakn SET handled_at = NULL WHERE unit = 'xa-nam' AND handled_at >= {cut}")


def build_city_warehouse(folder: Path, sample_db: Path) -> Path:
    """A copy of ``sample_db`` (the ingested sample) with the four units of :data:`UNITS`."""
    db = folder / "city.duckdb"
    shutil.copy(sample_db, db)
    con = warehouse.connect(db)
    try:
        for unit, edit in (("xa-dong", edit_dong), ("xa-tay", edit_tay), ("xa-nam", edit_nam)):
            clone_unit(con, "an-truong", unit)
            edit(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return db


def city_params(folder: Path, units: tuple[str, ...] = UNITS, city: str = CITY) -> Path:
    """A params folder: the repository's profiles and aliases, the city ``city`` and one unit
    file per unit naming it (profile an-truong, a five-digit code each)."""
    base = folder / "params"
    if base.exists():
        shutil.rmtree(base)
    shutil.copytree(REPO / "params", base)
    (base / "cities").mkdir(exist_ok=True)
    (base / "cities" / f"{city}.yaml").write_text(
        f"""city: {city}
name: Mẫu
kind: thành phố
code: "99"
place: Mẫu
signer:
  authority: TM. ỦY BAN NHÂN DÂN
  deputy: KT. CHỦ TỊCH
  title: PHÓ CHỦ TỊCH
  name: Nguyễn Văn Thử
recipients:
  - Văn phòng Chính phủ (Cục Kiểm soát thủ tục hành chính)
  - "Lưu: VT, KSTT"
""",
        encoding="utf-8",
    )
    for i, unit in enumerate(units, start=1):
        (base / "units" / f"{unit}.yaml").write_text(
            f"""unit: {unit}
name: {NAMES.get(unit, unit)}
unit_type: xã
city: {city}
code: "{99000 + i}"
profile: an-truong
signer:
  name: Người Ký {i}
recipients:
  - Văn phòng UBND thành phố
  - "Lưu: VT"
""",
            encoding="utf-8",
        )
    return base
