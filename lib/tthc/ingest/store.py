"""Writing a staged export into the warehouse: rejects, in-file duplicates, upsert, ledger.

Runs inside the caller's transaction (one per file), entirely in SQL over ``_stg``.

Rules (issue 2, item 3):

- a case is keyed by (unit, case_code), a PAKN by (unit, pakn_code); each staged row carries
  its unit (``_stg._unit``) and goes under that unit's ingest (``_ids``), so a province-level
  file is stored in one pass for all its units, and a key repeated in two units is two cases;
- a row from an export whose ``as_of`` is on or after the stored state's replaces it (``updated``
  when it differs, ``unchanged`` when equal; an equal state confirmed by a newer export takes
  that export's ``ingest_id`` and ``as_of``, so a middle-aged export ingested later still cannot
  undo it);
- an older export never overwrites: a differing row is written to ``case_conflicts`` and counted
  as ``unchanged``; its new cases are inserted (for PAKN, which has no conflicts table in the
  schema, the conflict is counted in the ledger's ``conflicts`` only);
- a catalogue ingest is a snapshot of ``procedures``; it is compared with the previous snapshot
  to count inserted / updated / unchanged procedures;
- a key repeated inside one file with different content rejects all its rows (which one is right
  cannot be told); identical repeats count as unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import duckdb

from tthc.ingest.catalogue import latest_snapshots_sql
from tthc.ingest.stage import KEYS, STATE
from tthc.schema import Kind

_KEY_LABEL = {Kind.CASES: "Mã hồ sơ", Kind.PAKN: "Mã PAKN", Kind.CATALOGUE: "Mã TTHC"}
_FMT = "'%d/%m/%Y %H:%M'"


@dataclass
class Counts:
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    conflicts: int = 0

    def check(self) -> None:
        """Every row read is accounted for exactly once."""
        total = self.inserted + self.updated + self.unchanged + self.rejected
        if total != self.rows_read:
            raise AssertionError(
                f"row accounting broken: read {self.rows_read} != "
                f"{self.inserted}+{self.updated}+{self.unchanged}+{self.rejected}"
            )


@dataclass
class LedgerEntry:
    ingest_id: int
    unit: str
    kind: Kind
    file_name: str
    file_sha256: str
    sheet: str | None
    header_row: int
    as_of: dt.datetime
    covers_from: dt.date | None
    covers_to: dt.date | None
    as_of_source: str
    ingested_at: dt.datetime
    column_map: dict[str, str]
    dropped_personal: list[str]
    ignored_columns: list[dict[str, str]]
    tool_version: str
    sheets: list[dict]  # every sheet of the file: read (header row, rows) or skipped (why)
    decisions: list[dict]  # what reading the file decided (encodings, date order, matches …)
    split_id: int | None = None  # file_splits.split_id when the file held many units


def previous_ingest(
    con: duckdb.DuckDBPyConnection, unit: str, sha256: str, kind: Kind | None
) -> dict | None:
    """The earlier ingest of the same file content for the unit (and kind), if any."""
    sql = (
        "SELECT ingest_id, kind, rows_read, rejected, as_of, sheet, covers_from, covers_to "
        "FROM ingests "
        "WHERE unit = ? AND file_sha256 = ?"
    )
    params: list = [unit, sha256]
    if kind is not None:
        sql += " AND kind = ?"
        params.append(kind.value)
    cur = con.execute(sql + " ORDER BY ingest_id LIMIT 1", params)
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def next_ingest_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT nextval('ingest_id_seq')").fetchone()[0])


def register_ids(con: duckdb.DuckDBPyConnection, ids: dict[str, int]) -> None:
    """The temporary table ``_ids`` (unit, ingest_id): which ingest each unit's rows belong to.
    A split file's rows of unknown unit (``_unit`` NULL) go to the unit ``''``."""
    con.execute("CREATE OR REPLACE TEMP TABLE _ids (unit VARCHAR, ingest_id BIGINT)")
    if ids:
        con.executemany("INSERT INTO _ids VALUES (?, ?)", [[u, i] for u, i in ids.items()])


def write_rejects(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    file_name: str,
    bad_rows: list[tuple[str | None, int, str]],
    raw_json: str,
    bad_rows_to: tuple[int, str],
) -> None:
    """Rows rejected by staging, each under its unit's ingest (``_ids``), and rows the reader
    could not split, (sheet, row, reason), under ``bad_rows_to`` (ingest_id, unit), with their
    raw text withheld."""
    con.execute(
        f"INSERT INTO rejects SELECT i.ingest_id, i.unit, ?, ?, _src._sheet, s._row, s._reject, "
        f"{raw_json} FROM _stg s JOIN _src ON _src._rid = s._rid "
        "JOIN _ids i ON i.unit = coalesce(s._unit, '') WHERE s._reject IS NOT NULL",
        [kind.value, file_name],
    )
    if bad_rows:
        ingest_id, unit = bad_rows_to
        con.executemany(
            "INSERT INTO rejects VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
            [[ingest_id, unit, kind.value, file_name, s, n, why] for s, n, why in bad_rows],
        )


def dedupe(
    con: duckdb.DuckDBPyConnection, kind: Kind, file_name: str, raw_json: str
) -> dict[str, int]:
    """Split good staged rows into ``_good`` (one per unit and key); returns, per unit, the
    identical repeats dropped (units without any are left out)."""
    key, state = KEYS[kind], STATE[kind]
    # As many distinct hashes of (unit, key) as rows proves no key repeated (a hash collision
    # only sends the rows the long way, which finds no repeat); hashes count faster than the
    # pairs (10 against 15 ms for 200,000 rows).
    n_ok, n_keys = con.execute(
        f"SELECT count(*), count(DISTINCT hash(_unit, {key})) FROM _stg WHERE _reject IS NULL"
    ).fetchone()
    if n_ok == n_keys:  # the usual case: no key repeated, nothing to compare
        con.execute("CREATE OR REPLACE TEMP VIEW _good AS SELECT * FROM _stg WHERE _reject IS NULL")
        return {}
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _ok AS
        SELECT *, hash(struct_pack({", ".join(f"{c} := {c}" for c in state)})) AS _hash
        FROM _stg WHERE _reject IS NULL
        """
    )
    label = _KEY_LABEL[kind]
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _dup AS
        SELECT _unit AS u, {key} AS k, string_agg(_row::VARCHAR, ', ' ORDER BY _rid) AS rows_list
        FROM _ok GROUP BY _unit, {key} HAVING count(DISTINCT _hash) > 1
        """
    )
    con.execute(
        f"""
        INSERT INTO rejects
        SELECT i.ingest_id, o._unit, ?, ?, _src._sheet, o._row,
            '{label} "' || o.{key} || '" lặp lại trong tệp với nội dung khác nhau (các dòng '
                || d.rows_list || ')',
            {raw_json}
        FROM _ok o JOIN _dup d ON d.u = o._unit AND d.k = o.{key}
        JOIN _src ON _src._rid = o._rid JOIN _ids i ON i.unit = o._unit
        """,
        [kind.value, file_name],
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _good_t AS
        SELECT o.* EXCLUDE (_hash) FROM _ok o ANTI JOIN _dup d ON d.u = o._unit AND d.k = o.{key}
        QUALIFY row_number() OVER (PARTITION BY o._unit, o.{key} ORDER BY o._rid) = 1
        """
    )
    con.execute("CREATE OR REPLACE TEMP VIEW _good AS SELECT * FROM _good_t")
    kept = dict(
        con.execute(
            f"SELECT o._unit, count(*) FROM _ok o ANTI JOIN _dup d ON d.u = o._unit "
            f"AND d.k = o.{key} GROUP BY o._unit"
        ).fetchall()
    )
    good = dict(con.execute("SELECT _unit, count(*) FROM _good GROUP BY _unit").fetchall())
    return {u: n - good.get(u, 0) for u, n in kept.items() if n - good.get(u, 0)}


def upsert_state(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    as_of: dt.datetime,
    keep_personal: bool,
) -> dict[str, tuple[int, int, int, int]]:
    """Cases or PAKN of ``_good``, each under its ``_unit`` and that unit's ingest (``_ids``):
    per unit (inserted, updated, unchanged, conflicts); units without rows are left out."""
    table = "cases" if kind is Kind.CASES else "pakn"
    key, state = KEYS[kind], STATE[kind]
    differs = " OR ".join(f"g.{c} IS DISTINCT FROM t.{c}" for c in state)
    # Only keys already stored need a decision; everything else is new.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _cls AS
        SELECT g._unit, g.{key}, t.ingest_id AS _old_id, t.as_of AS _old_as_of,
            {", ".join(f"t.{c} AS _old_{c}" for c in state)},
            CASE
                WHEN NOT ({differs}) THEN
                    CASE WHEN t.as_of IS NULL OR $as_of > t.as_of THEN 'confirm' ELSE 'same' END
                WHEN t.as_of IS NULL OR $as_of >= t.as_of THEN 'update'
                ELSE 'conflict'
            END AS _action
        FROM _good g JOIN {table} t ON t.unit = g._unit AND t.{key} = g.{key}
        """,
        {"as_of": as_of},
    )
    cols = ", ".join(state)
    con.execute(
        f"""
        INSERT INTO {table} (unit, {key}, {cols}, ingest_id, as_of, first_ingest_id)
        SELECT g._unit, g.{key}, {", ".join(f"g.{c}" for c in state)}, i.ingest_id, $as_of,
            i.ingest_id
        FROM _good g JOIN _ids i ON i.unit = g._unit
        ANTI JOIN _cls c ON c._unit = g._unit AND c.{key} = g.{key}
        """,
        {"as_of": as_of},
    )
    actions: dict[str, dict[str, int]] = {}
    for unit, action, n in con.execute(
        "SELECT _unit, _action, count(*) FROM _cls GROUP BY ALL"
    ).fetchall():
        actions.setdefault(unit, {})[action] = int(n)
    if any(a.get("update") or a.get("confirm") for a in actions.values()):
        sets = ", ".join(f"{c} = g.{c}" for c in state)
        con.execute(
            f"""
            UPDATE {table} SET {sets}, ingest_id = i.ingest_id, as_of = $as_of
            FROM _good g JOIN _cls c ON c._unit = g._unit AND c.{key} = g.{key}
                JOIN _ids i ON i.unit = g._unit
            WHERE {table}.unit = g._unit AND {table}.{key} = g.{key}
                AND c._action IN ('update', 'confirm')
            """,
            {"as_of": as_of},
        )
    if kind is Kind.CASES:
        if any(a.get("conflict") for a in actions.values()):
            _record_conflicts(con, as_of)
        if keep_personal:
            con.execute(
                """
                INSERT OR REPLACE INTO case_personal
                SELECT g._unit, g.case_code, g._personal, i.ingest_id FROM _good g
                JOIN _ids i ON i.unit = g._unit
                LEFT JOIN _cls c ON c._unit = g._unit AND c.case_code = g.case_code
                WHERE coalesce(c._action, 'insert') IN ('insert', 'update')
                    AND g._personal IS NOT NULL
                """
            )
    check_unique_keys(con, table, key)
    out: dict[str, tuple[int, int, int, int]] = {}
    for unit, total in con.execute("SELECT _unit, count(*) FROM _good GROUP BY _unit").fetchall():
        rows = actions.get(unit, {})
        existing = sum(rows.values())
        conflicts = rows.get("conflict", 0)
        unchanged = rows.get("same", 0) + rows.get("confirm", 0) + conflicts
        out[unit] = (int(total) - existing, rows.get("update", 0), unchanged, conflicts)
    return out


def check_unique_keys(con: duckdb.DuckDBPyConnection, table: str, key: str) -> None:
    """What a primary key would enforce (schema 5 has none, see :mod:`tthc.schema`): within
    each unit of ``_ids``, no ``key`` (case or PAKN code) is stored twice in ``table`` (cases,
    pakn). Raises ``duckdb.ConstraintException``, as the key did, so the ingest's transaction
    is undone.

    The ingest's own steps already make it so (``_good`` holds one row per key, and only keys
    not yet stored are inserted); this proves it on the table itself before COMMIT.
    """
    scope = f"FROM {table} WHERE unit IN (SELECT unit FROM _ids)"
    # Distinct hashes as many as rows prove it (8.6 against 16.5 ms for 200,000 cases); fewer
    # (a repeat, or a collision) and the pairs themselves are grouped.
    rows, hashes = con.execute(
        f"SELECT count(*), count(DISTINCT hash(unit, {key})) {scope}"
    ).fetchone()
    if rows == hashes:
        return
    repeated = con.execute(
        f"SELECT unit, {key}, count(*) {scope} GROUP BY ALL HAVING count(*) > 1 LIMIT 1"
    ).fetchone()
    if repeated is not None:
        unit, code, n = repeated
        raise duckdb.ConstraintException(
            f"Duplicate key: {table} ({unit!r}, {code!r}) stored {n} times; the ingest is undone"
        )


def _record_conflicts(con: duckdb.DuckDBPyConnection, as_of: dt.datetime) -> None:
    shown = ("status_label", "outcome", "received_at", "due_at", "ended_at")
    stored = ", ".join(f"'{c}', _old_{c}" for c in shown)
    older = ", ".join(f"'{c}', g.{c}" for c in shown)
    con.execute(
        f"""
        INSERT INTO case_conflicts
        SELECT i.ingest_id, g._unit, g.case_code, c._old_id,
            CASE WHEN _old_outcome NOT IN ('pending', 'not_received')
                    AND g.outcome IN ('pending', 'not_received')
                THEN 'Bản xuất cũ hơn (số liệu đến ' || strftime($as_of, {_FMT})
                    || ') ghi hồ sơ chưa kết thúc, trong khi bản đã lưu (đến '
                    || strftime(_old_as_of, {_FMT})
                    || ') đã kết thúc: giữ bản mới hơn, không làm lùi tiến độ'
                ELSE 'Bản xuất cũ hơn (số liệu đến ' || strftime($as_of, {_FMT})
                    || ') khác với bản đã lưu (đến ' || strftime(_old_as_of, {_FMT})
                    || '): giữ bản mới hơn'
            END,
            json_object('stored', json_object({stored}), 'older_export', json_object({older}))
        FROM _cls c JOIN _good g ON g._unit = c._unit AND g.case_code = c.case_code
        JOIN _ids i ON i.unit = g._unit
        WHERE c._action = 'conflict'
        """,
        {"as_of": as_of},
    )


def snapshot_catalogue(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int, int]]:
    """Store ``_good`` as a new snapshot of each unit's catalogue (under the unit's ingest in
    ``_ids``); per unit (inserted, updated, unchanged) against its previous snapshot."""
    state = STATE[Kind.CATALOGUE]
    differs = " OR ".join(f"g.{c} IS DISTINCT FROM p.{c}" for c in state)
    rows = con.execute(
        f"""
        WITH prev AS (
            SELECT * FROM procedures
            WHERE unit IN (SELECT unit FROM _ids) AND ingest_id IN ({latest_snapshots_sql()})
        )
        SELECT g._unit, count(*) FILTER (WHERE p.procedure_code IS NULL),
            count(*) FILTER (WHERE p.procedure_code IS NOT NULL AND ({differs})),
            count(*) FILTER (WHERE p.procedure_code IS NOT NULL AND NOT ({differs}))
        FROM _good g LEFT JOIN prev p ON p.unit = g._unit AND p.procedure_code = g.procedure_code
        GROUP BY g._unit
        """
    ).fetchall()
    con.execute(
        """
        INSERT INTO procedures (unit, ingest_id, procedure_code, procedure_name, name_key, field, level)
        SELECT g._unit, i.ingest_id, procedure_code, procedure_name, name_key, field, level
        FROM _good g JOIN _ids i ON i.unit = g._unit
        """
    )
    return {u: (int(a), int(b), int(c)) for u, a, b, c in rows}


def write_ledger(con: duckdb.DuckDBPyConnection, entry: LedgerEntry, counts: Counts) -> None:
    con.execute(
        """
        INSERT INTO ingests (ingest_id, unit, kind, file_name, file_sha256, sheet, header_row,
            as_of, covers_from, covers_to, as_of_source, ingested_at, rows_read, inserted, updated,
            unchanged, rejected, conflicts, column_map, dropped_personal, ignored_columns,
            tool_version, sheets, decisions, split_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
            entry.ingest_id,
            entry.unit,
            entry.kind.value,
            entry.file_name,
            entry.file_sha256,
            entry.sheet,
            entry.header_row,
            entry.as_of,
            entry.covers_from,
            entry.covers_to,
            entry.as_of_source,
            entry.ingested_at,
            counts.rows_read,
            counts.inserted,
            counts.updated,
            counts.unchanged,
            counts.rejected,
            counts.conflicts,
            json.dumps(entry.column_map, ensure_ascii=False),
            json.dumps(entry.dropped_personal, ensure_ascii=False),
            json.dumps(entry.ignored_columns, ensure_ascii=False),
            entry.tool_version,
            json.dumps(entry.sheets, ensure_ascii=False),
            json.dumps(entry.decisions, ensure_ascii=False, default=str),
            entry.split_id,
        ],
    )


def previous_split(con: duckdb.DuckDBPyConnection, sha256: str, kind: Kind | None) -> dict | None:
    """The earlier split of the same province-level file content (and kind), if any."""
    sql = "SELECT * FROM file_splits WHERE file_sha256 = ?"
    params: list = [sha256]
    if kind is not None:
        sql += " AND kind = ?"
        params.append(kind.value)
    cur = con.execute(sql + " ORDER BY split_id LIMIT 1", params)
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def write_split(
    con: duckdb.DuckDBPyConnection,
    split_id: int,
    kind: Kind,
    file_name: str,
    sha256: str,
    unit_column: str,
    ingested_at: dt.datetime,
    rows_read: int,
    rejected_unknown_unit: int,
    units: dict[str, dict[str, int]],
    unknown: list[dict],
) -> None:
    """The ``file_splits`` row of a province-level file (see :mod:`tthc.schema`)."""
    con.execute(
        "INSERT INTO file_splits VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            split_id,
            kind.value,
            file_name,
            sha256,
            unit_column,
            ingested_at,
            rows_read,
            rejected_unknown_unit,
            json.dumps(units, ensure_ascii=False),
            json.dumps(unknown, ensure_ascii=False),
        ],
    )


def drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP VIEW IF EXISTS _good")
    con.unregister("_stg")
    for name in ("_ok", "_dup", "_good_t", "_cls", "_ids"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
