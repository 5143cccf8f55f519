"""One export file into the warehouse, in one transaction; and several files in the right order.

``ingest_file`` reads, detects, stages and stores one file; any error rolls the whole file back
(the warehouse is left exactly as it was). ``ingest_paths`` takes several files, detects each
one's kind first and ingests catalogues, then case lists, then PAKN lists, so that cases can be
matched to the catalogue; a file that fails is reported and the others still go in.

A file is one unit's (``--unit``), or a province-level file of many units, split by its unit
column (:mod:`tthc.ingest.split`): read, dated and staged once, then stored unit by unit, each
unit's part with its own ``ingests`` row (``split_id`` links them; ``file_splits`` holds the
file). Rows whose unit is unknown are rejected with the reason; units of the same cities that
have no row get an empty list when the file says what it covers, as an empty list would.

With ``--unit`` and a unit column, the file must be that unit's own: a row naming another known
unit refuses the file (drop ``--unit`` to split it); cells naming no known unit (a provincial
system writes "UBND xã") are the unit's, and the count is recorded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from tthc import __version__, cellsafe
from tthc.arrowbytes import may_contain
from tthc.cities import load_city
from tthc.errors import InputFileError, TthcError
from tthc.folders import ensure_folder
from tthc.ingest import dates
from tthc.ingest.aliases import AliasTable, load_aliases
from tthc.ingest.asof import now_local, title_covers_from, title_covers_to, title_export_time
from tthc.ingest.codes import match_lost_zeros
from tthc.ingest.detect import Detected, detect
from tthc.ingest.inputs import check_input, check_output_folders, input_error, rejects_csv_name
from tthc.ingest.personal import dropped_personal
from tthc.ingest.plausibility import FileWindow, check_receptions_reach_end
from tthc.ingest.prefetch import Prefetched, prefetch, read_once
from tthc.ingest.readers import Opened, open_export
from tthc.ingest.source import Source, build_source
from tthc.ingest.split import UnitColumn, UnitMatcher, match_column, names_a_place
from tthc.ingest.stage import raw_json_sql, stage
from tthc.ingest.store import (
    Counts,
    LedgerEntry,
    dedupe,
    drop_temp,
    next_ingest_id,
    previous_ingest,
    previous_split,
    register_ids,
    snapshot_catalogue,
    upsert_state,
    write_ledger,
    write_rejects,
    write_split,
)
from tthc.known import refuse_near_miss
from tthc.schema import Kind
from tthc.units import UnitParams, default_unit_params, load_unit
from tthc.warehouse import check_name, close_discarding_empty, connect, folders_to_create

KIND_ORDER = (Kind.CATALOGUE, Kind.CASES, Kind.PAKN)


def all_rejected_error(file: str, counts: Counts, rejects_csv: str | None) -> str | None:
    """The error of a file that was read but of which every row was rejected (issue #9: such an
    ingest does not end well), or None when some row went in or there was none to read."""
    if not counts.rows_read or counts.rejected != counts.rows_read:
        return None
    where = f" (xem {rejects_csv})" if rejects_csv else ""
    return (
        f"Tệp {Path(file).name}: cả {counts.rows_read} dòng đều bị loại, không nạp được hồ sơ "
        f"nào{where}."
    )


@dataclass
class IngestResult:
    """What one file did to the warehouse (the CLI prints it, ``--json`` dumps ``to_json()``)."""

    file: str
    kind: Kind
    kind_detected: bool
    unit: str
    file_sha256: str
    ingest_id: int
    counts: Counts
    as_of: dt.datetime | None
    as_of_source: str  # title | title_range | data | ingest_time | previous_ingest
    sheet: str | None = None
    header_row: int | None = None
    column_map: dict[str, str] = field(default_factory=dict)
    dropped_personal: list[str] = field(default_factory=list)
    ignored_columns: list[dict[str, str]] = field(default_factory=list)
    rejects_csv: str | None = None
    already_ingested: bool = False
    notes: dict[str, int] = field(default_factory=dict)
    sheets: list[dict] = field(default_factory=list)  # every sheet: read or skipped, and why
    decisions: list[dict] = field(default_factory=list)  # what reading the file decided
    container: str | None = None  # what the file really is (xlsx, xls, html, csv …)

    def all_rejected(self) -> str | None:
        """What went wrong although the file was read: every row rejected (or None)."""
        return all_rejected_error(self.file, self.counts, self.rejects_csv)

    def to_json(self) -> dict:
        c = self.counts
        error = self.all_rejected()
        return {
            "file": self.file,
            "ok": error is None,
            **({"error": error} if error else {}),
            "kind": self.kind.value,
            "kind_detected": self.kind_detected,
            "unit": self.unit,
            "file_sha256": self.file_sha256,
            "ingest_id": self.ingest_id,
            "already_ingested": self.already_ingested,
            "rows_read": c.rows_read,
            "inserted": c.inserted,
            "updated": c.updated,
            "unchanged": c.unchanged,
            "rejected": c.rejected,
            "conflicts": c.conflicts,
            "as_of": self.as_of.isoformat(sep=" ") if self.as_of else None,
            "as_of_source": self.as_of_source,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "column_map": self.column_map,
            "dropped_personal": self.dropped_personal,
            "ignored_columns": self.ignored_columns,
            "rejects_csv": self.rejects_csv,
            "notes": self.notes,
            "container": self.container,
            "sheets": self.sheets,
            "decisions": self.decisions,
        }


@dataclass
class FailedFile:
    """A file refused as a whole; nothing of it is in the warehouse."""

    file: str
    error: str

    def to_json(self) -> dict:
        return {"file": self.file, "ok": False, "error": self.error}


@dataclass
class SplitResult:
    """What a province-level file did: one :class:`IngestResult` per unit, and the rows whose
    unit is unknown. ``rows_read`` = the parts' rows + ``unknown_rows``."""

    file: str
    kind: Kind
    kind_detected: bool
    file_sha256: str
    split_id: int
    unit_column: str
    rows_read: int
    unknown_rows: int  # rejected: the unit cell was blank, unknown or named several units
    unknown: list[dict]  # [{value, reason, rows}]
    parts: list[IngestResult]
    as_of: dt.datetime | None
    as_of_source: str
    empty_units: list[str] = field(default_factory=list)  # the cities' units with no row
    sheet: str | None = None
    header_row: int | None = None
    column_map: dict[str, str] = field(default_factory=dict)
    dropped_personal: list[str] = field(default_factory=list)
    ignored_columns: list[dict[str, str]] = field(default_factory=list)
    rejects_csv: str | None = None
    already_ingested: bool = False
    sheets: list[dict] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)
    container: str | None = None

    @property
    def counts(self) -> Counts:
        """The file's totals; the unknown-unit rows are among the rejected."""
        c = Counts(self.rows_read)
        for p in self.parts:
            c.inserted += p.counts.inserted
            c.updated += p.counts.updated
            c.unchanged += p.counts.unchanged
            c.rejected += p.counts.rejected
            c.conflicts += p.counts.conflicts
        c.rejected += self.unknown_rows
        c.check()
        return c

    def all_rejected(self) -> str | None:
        """What went wrong although the file was read: every row rejected (or None)."""
        return all_rejected_error(self.file, self.counts, self.rejects_csv)

    def to_json(self) -> dict:
        c = self.counts
        error = self.all_rejected()
        return {
            "file": self.file,
            "ok": error is None,
            **({"error": error} if error else {}),
            "kind": self.kind.value,
            "kind_detected": self.kind_detected,
            "unit": None,
            "split": True,
            "split_id": self.split_id,
            "unit_column": self.unit_column,
            "file_sha256": self.file_sha256,
            "already_ingested": self.already_ingested,
            "rows_read": c.rows_read,
            "inserted": c.inserted,
            "updated": c.updated,
            "unchanged": c.unchanged,
            "rejected": c.rejected,
            "rejected_unknown_unit": self.unknown_rows,
            "conflicts": c.conflicts,
            "units": {
                p.unit: {
                    "ingest_id": p.ingest_id,
                    "rows_read": p.counts.rows_read,
                    "inserted": p.counts.inserted,
                    "updated": p.counts.updated,
                    "unchanged": p.counts.unchanged,
                    "rejected": p.counts.rejected,
                    "conflicts": p.counts.conflicts,
                    "notes": p.notes,
                }
                for p in self.parts
            },
            "units_without_rows": self.empty_units,
            "unknown_units": self.unknown,
            "as_of": self.as_of.isoformat(sep=" ") if self.as_of else None,
            "as_of_source": self.as_of_source,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "column_map": self.column_map,
            "dropped_personal": self.dropped_personal,
            "ignored_columns": self.ignored_columns,
            "rejects_csv": self.rejects_csv,
            "container": self.container,
            "sheets": self.sheets,
            "decisions": self.decisions,
        }


class _Matcher:
    """The unit matcher, built from params only when a file has a unit column."""

    def __init__(self, matcher: UnitMatcher | None = None) -> None:
        self._m = matcher

    def get(self) -> UnitMatcher:
        if self._m is None:
            self._m = UnitMatcher.from_params()
        return self._m


# Reading a province-level file: no unit's own aliases or personal-data permission apply (its
# personal columns are always dropped); dates with no proof of their order are day first.
PROVINCE_READER = default_unit_params("tinh")


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    unit: UnitParams | None,
    aliases: AliasTable,
    kind: Kind | None = None,
    rejects_dir: Path | None = None,
    matcher: UnitMatcher | None = None,
    prefetched: Prefetched | None = None,
) -> IngestResult | SplitResult:
    """Ingest one export file in one transaction. Raises :class:`InputFileError` for a bad file.

    ``unit`` None: the file is province-level and is split by its unit column (refused when it
    has none); ``matcher`` defaults to every unit of ``params/units/``. ``prefetched``: the file
    already read, hashed, opened and detected for ``kind`` (:func:`ingest_paths` does the first
    file while the warehouse opens); otherwise that is done here
    (:func:`tthc.ingest.prefetch.read_once`). The ledger's hash is of the bytes ingested.
    """
    path = Path(path)
    check_input(path)
    prefetched = prefetched or read_once(path, aliases, kind)
    if prefetched.sha is None:
        prefetched.take()  # raises why the file could not be read
    sha = str(prefetched.sha)
    match = matcher if isinstance(matcher, _Matcher) else _Matcher(matcher)
    if unit is None:
        return _ingest_split(con, path, sha, aliases, kind, rejects_dir, match.get, prefetched)
    prev = previous_ingest(con, unit.unit, sha, kind)
    if prev is not None:
        if prev["kind"] == Kind.CASES.value and (
            prev["covers_from"] is None or prev["covers_to"] is None
        ):
            _record_range(con, path, aliases, prev)
        return _already(path, unit, sha, prev, kind)
    opened, det = prefetched.take()
    return _ingest_detected(
        con, path, sha, opened, det, unit, aliases, kind is None, rejects_dir, match.get
    )


def _record_range(
    con: duckdb.DuckDBPyConnection, path: Path, aliases: AliasTable, prev: dict
) -> None:
    """A case list ingested before the ledger kept ranges (schemas 1 and 2) gets its "Từ ngày …
    đến ngày …" when it is given again: nothing else of the file is read into the warehouse."""
    try:
        det = detect(open_export(path).sheets, aliases, path, Kind.CASES)
    except InputFileError:
        return  # the file was taken once; a reader change must not refuse it now
    lines = det.cmap.title_lines
    con.execute(
        "UPDATE ingests SET covers_from = coalesce(covers_from, ?), "
        "covers_to = coalesce(covers_to, ?) WHERE ingest_id = ?",
        [title_covers_from(lines), title_covers_to(lines), prev["ingest_id"]],
    )


def _already(path: Path, unit: UnitParams, sha: str, prev: dict, kind: Kind | None) -> IngestResult:
    rows, rejected = int(prev["rows_read"]), int(prev["rejected"])
    counts = Counts(rows, 0, 0, rows - rejected, rejected, 0)
    counts.check()
    return IngestResult(
        file=str(path),
        kind=Kind(prev["kind"]),
        kind_detected=kind is None,
        unit=unit.unit,
        file_sha256=sha,
        ingest_id=int(prev["ingest_id"]),
        counts=counts,
        as_of=prev["as_of"],
        as_of_source="previous_ingest",
        sheet=prev["sheet"],
        already_ingested=True,
    )


def _ingest_detected(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    sha: str,
    opened: Opened,
    det: Detected,
    unit: UnitParams,
    aliases: AliasTable,
    kind_detected: bool,
    rejects_dir: Path | None,
    matcher=None,
) -> IngestResult:
    cmap = det.cmap
    if matcher is not None:
        _check_title_unit(cmap.title_lines, unit, matcher, path)
    source = build_source(opened, det, unit, aliases, path)
    own = _check_own_unit(source, unit, matcher, path) if "unit" in cmap.fields else None
    con.register("_src", _source_table(source.table, unit.unit, None))
    window = _window(cmap)
    decision = _date_decision(opened, det, source, unit, path)
    decisions = opened.decisions + source.decisions + decision.records + ([own] if own else [])
    rejects_csv: Path | None = None
    con.execute("BEGIN TRANSACTION")
    try:
        ingest_id = next_ingest_id(con)
        stage(con, cmap, source.personal, decision, window)
        if cmap.kind is Kind.CASES:
            check_receptions_reach_end(con, window, path.name)
        staged = int(con.execute("SELECT count(*) FROM _stg").fetchone()[0])
        rows_read = staged + len(source.bad_rows)
        if rows_read == 0:
            # An empty list is a fact only when it says what it covers: "no complaint from 15/05
            # to 14/06" keeps those days covered. A catalogue is never empty.
            says_when = window.covers_to is not None or window.export_time is not None
            if cmap.kind is Kind.CATALOGUE or not says_when:
                raise InputFileError(
                    f"Tệp {path.name}: không có dòng dữ liệu nào dưới dòng tiêu đề "
                    f"(dòng {cmap.header_row + det.sheet.row0})"
                    + ("" if says_when else " và tiêu đề không ghi khoảng thời gian hay ngày xuất")
                    + "."
                )
            decisions.append(
                {
                    "what": "empty_list",
                    "detail": "danh sách không có dòng nào: ghi nhận là không có "
                    + ("hồ sơ" if cmap.kind is Kind.CASES else "PAKN")
                    + " trong khoảng thời gian tệp ghi",
                }
            )
        raw = raw_json_sql(cmap)
        ids = {unit.unit: ingest_id}
        bad_to = (ingest_id, unit.unit)
        zeros, identical = _prepare(
            con, cmap.kind, path, raw, ids, source.bad_rows, bad_to, source.table
        )
        decisions += zeros.get(unit.unit, [])
        as_of, as_of_source = _as_of(con, cmap.kind, window)
        per_unit, notes_per_unit = _write_state(
            con, cmap.kind, as_of, bool(source.personal), ids, identical, source.bad_rows, bad_to
        )
        counts, notes = per_unit[unit.unit], notes_per_unit.get(unit.unit, {})
        rejected = counts.rejected
        entry = _ledger_entry(
            path,
            sha,
            det,
            source,
            unit,
            unit.unit,
            ingest_id,
            window,
            as_of,
            as_of_source,
            decisions,
        )
        write_ledger(con, entry, counts)
        drop_temp(con)
        # The rejects file is written before COMMIT so that a failure there undoes the ingest.
        if rejected and rejects_dir is not None:
            rejects_csv = write_rejects_csv(con, [ingest_id], path, rejects_dir, cmap.column_map)
        con.execute("COMMIT")
    except BaseException:
        # The original error matters; DuckDB discards the transaction either way.
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        if rejects_csv is not None:
            rejects_csv.unlink(missing_ok=True)
        raise
    finally:
        con.unregister("_src")
        con.unregister("_stg")
    return IngestResult(
        file=str(path),
        kind=cmap.kind,
        kind_detected=kind_detected,
        unit=unit.unit,
        file_sha256=sha,
        ingest_id=ingest_id,
        counts=counts,
        as_of=as_of,
        as_of_source=as_of_source,
        sheet=source.sheet_names,
        header_row=entry.header_row,
        column_map=cmap.column_map,
        dropped_personal=entry.dropped_personal,
        ignored_columns=cmap.ignored,
        notes=notes,
        rejects_csv=str(rejects_csv) if rejects_csv else None,
        sheets=source.sheets,
        decisions=decisions,
        container=opened.container,
    )


def _ingest_split(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    sha: str,
    aliases: AliasTable,
    kind: Kind | None,
    rejects_dir: Path | None,
    matcher,
    prefetched: Prefetched,
) -> SplitResult:
    """A province-level file: read, dated and staged once, stored unit by unit."""
    prev = previous_split(con, sha, kind)
    if prev is not None:
        return _already_split(con, path, sha, prev, kind)
    opened, det = prefetched.take()
    cmap = det.cmap
    if "unit" not in cmap.fields:
        tried = ", ".join(aliases.kinds[cmap.kind].fields["unit"][:6])
        raise InputFileError(
            f"Tệp {path.name} không có cột đơn vị ({tried} …) nên không chia được theo đơn vị: "
            "hãy chỉ rõ đơn vị bằng --unit."
        )
    reader = PROVINCE_READER
    source = build_source(opened, det, reader, aliases, path)
    label = cmap.label("unit")
    units_col = match_column(matcher(), source.table.column("c_unit"), label)
    con.register("_src", _source_table(source.table, None, units_col))
    window = _window(cmap)
    decision = _date_decision(opened, det, source, reader, path)
    decisions = opened.decisions + source.decisions + decision.records
    zeros = units_col.lost_zeros()
    if zeros:
        decisions.append(
            {
                "what": "unit_code_leading_zeros",
                "matched": [{"value": v, "unit": u, "rows": n} for v, u, n in zeros],
                "detail": f'{len(zeros)} mã đơn vị ở cột "{label}" bị mất số 0 ở đầu (Excel đổi '
                "thành số) được khớp với mã đơn vị hành chính: "
                + "; ".join(f"{v} → {u}" for v, u, _ in zeros[:3]),
            }
        )
    raw = raw_json_sql(cmap)
    rejects_csv: Path | None = None
    con.execute("BEGIN TRANSACTION")
    try:
        split_id = next_ingest_id(con)
        stage(con, cmap, [], decision, window)
        if cmap.kind is Kind.CASES:
            check_receptions_reach_end(con, window, path.name)
        staged = int(con.execute("SELECT count(*) FROM _stg").fetchone()[0])
        rows_read = staged + len(source.bad_rows)
        if rows_read == 0:
            raise InputFileError(
                f"Tệp {path.name}: không có dòng dữ liệu nào dưới dòng tiêu đề "
                f"(dòng {cmap.header_row + det.sheet.row0}): tệp cấp tỉnh rỗng không cho biết "
                "đơn vị nào."
            )
        with_rows = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT _unit FROM _stg WHERE _unit IS NOT NULL ORDER BY _unit"
            ).fetchall()
        ]
        empty = _units_without_rows(matcher(), with_rows, cmap.kind, window)
        ids = {u: next_ingest_id(con) for u in with_rows + empty}
        # Rows with no unit, and rows the reader could not split (their unit cannot be read),
        # are rejected under the split itself, unit ''.
        ids[""] = split_id
        bad_to = (split_id, "")
        zeros_by_unit, identical = _prepare(
            con, cmap.kind, path, raw, ids, source.bad_rows, bad_to, source.table
        )
        as_of, as_of_source = _as_of(con, cmap.kind, window)
        counts, notes = _write_state(
            con, cmap.kind, as_of, False, ids, identical, source.bad_rows, bad_to
        )
        unknown_rows = counts[""].rows_read
        parts: list[IngestResult] = []
        units_json: dict[str, dict[str, int]] = {}
        for u in with_rows + empty:
            own = _split_decisions(cmap.kind, label, split_id, counts[u].rows_read, rows_read)
            part = _ledger_part(
                con, path, sha, det, source, reader, u, ids[u], split_id, counts[u],
                notes.get(u, {}), decisions, own + zeros_by_unit.get(u, []), window, as_of,
                as_of_source, opened.container,
            )  # fmt: skip
            parts.append(part)
            units_json[u] = {"ingest_id": part.ingest_id, "rows_read": part.counts.rows_read}
        unknown = [{"value": v, "reason": why, "rows": n} for v, why, n in units_col.unknown()]
        if source.bad_rows:
            unknown.append(
                {"value": None, "reason": "dòng không đọc được", "rows": len(source.bad_rows)}
            )
        write_split(
            con, split_id, cmap.kind, path.name, sha, label, window.ingest_time, rows_read,
            unknown_rows, units_json, unknown,
        )  # fmt: skip
        result = SplitResult(
            file=str(path),
            kind=cmap.kind,
            kind_detected=kind is None,
            file_sha256=sha,
            split_id=split_id,
            unit_column=label,
            rows_read=rows_read,
            unknown_rows=unknown_rows,
            unknown=unknown,
            parts=parts,
            as_of=as_of,
            as_of_source=as_of_source,
            empty_units=empty,
            sheet=source.sheet_names,
            header_row=cmap.header_row + det.sheet.row0,
            column_map=cmap.column_map,
            dropped_personal=dropped_personal(cmap, reader),
            ignored_columns=cmap.ignored,
            sheets=source.sheets,
            decisions=decisions,
            container=opened.container,
        )
        result.counts.check()
        drop_temp(con)
        rejected = result.counts.rejected
        if rejected and rejects_dir is not None:
            ids = [split_id] + [p.ingest_id for p in parts]
            rejects_csv = write_rejects_csv(con, ids, path, rejects_dir, cmap.column_map, True)
            result.rejects_csv = str(rejects_csv)
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        if rejects_csv is not None:
            rejects_csv.unlink(missing_ok=True)
        raise
    finally:
        con.unregister("_src")
        con.unregister("_stg")
    return result


def _prepare(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    path: Path,
    raw: str,
    ids: dict[str, int],
    bad_rows: list[tuple[str | None, int, str]],
    bad_to: tuple[int, str],
    source: pa.Table,
) -> tuple[dict[str, list[dict]], dict[str, int]]:
    """Before the state is written: codes that lost their zeros matched per unit, rejects
    stored under each unit's ingest, in-file repeats set aside (``_good``). Returns the units'
    decisions and identical repeats. ``source``: the table ``_stg`` was staged from."""
    register_ids(con, ids)
    zeros = _lost_zeros(con, kind, source) if kind in (Kind.CASES, Kind.PAKN) else {}
    write_rejects(con, kind, path.name, bad_rows, raw, bad_to)
    return zeros, dedupe(con, kind, path.name, raw)


def _write_state(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    as_of: dt.datetime,
    keep_personal: bool,
    ids: dict[str, int],
    identical: dict[str, int],
    bad_rows: list[tuple[str | None, int, str]],
    bad_to: tuple[int, str],
) -> tuple[dict[str, Counts], dict[str, dict[str, int]]]:
    """The cases, PAKN or catalogue snapshot of ``_good`` written, every unit of ``ids`` in one
    pass; per unit its checked :class:`Counts` (every row read accounted for) and notes."""
    if kind is Kind.CATALOGUE:
        state = {u: (*c, 0) for u, c in snapshot_catalogue(con).items()}
    else:
        state = upsert_state(con, kind, as_of, keep_personal)
    rows = dict(
        con.execute("SELECT coalesce(_unit, ''), count(*) FROM _stg GROUP BY ALL").fetchall()
    )
    listed = ", ".join(str(int(i)) for i in ids.values())
    rejected = dict(
        con.execute(
            f"SELECT unit, count(*) FROM rejects WHERE ingest_id IN ({listed}) GROUP BY unit"
        ).fetchall()
    )
    out: dict[str, Counts] = {}
    for unit in ids:
        read = int(rows.get(unit, 0)) + (len(bad_rows) if bad_to[1] == unit else 0)
        ins, upd, unch, conflicts = state.get(unit, (0, 0, 0, 0))
        counts = Counts(
            read, ins, upd, unch + identical.get(unit, 0), int(rejected.get(unit, 0)), conflicts
        )
        counts.check()
        out[unit] = counts
    return out, _notes(con, kind)


def _units_without_rows(
    matcher: UnitMatcher, with_rows: list[str], kind: Kind, window: FileWindow
) -> list[str]:
    """The units of the cities the file's rows belong to that have no row in it: a case or
    PAKN list that says what it covers holds none of theirs (as an empty list would say). A
    catalogue is never empty; a list that says nothing proves nothing."""
    if kind is Kind.CATALOGUE or (window.covers_to is None and window.export_time is None):
        return []
    cities = sorted({c for u in with_rows if (c := matcher.params[u].city)})
    for c in cities:
        load_city(c)  # a unit's city file exists (units.load_unit); here it must be valid too
    seen = set(with_rows)
    return sorted(
        u.unit for u in matcher.params.values() if u.city in cities and u.unit not in seen
    )


def _split_decisions(
    kind: Kind, label: str, split_id: int, rows: int, file_rows: int
) -> list[dict]:
    """What a unit's ledger entry says about its share of a split file."""
    out: list[dict] = [
        {
            "what": "split",
            "split_id": split_id,
            "column": label,
            "rows": rows,
            "file_rows": file_rows,
            "detail": f'tệp cấp tỉnh của nhiều đơn vị, chia theo cột "{label}": đơn vị này có '
            f"{rows} trong {file_rows} dòng của tệp (lần nạp tệp #{split_id})",
        }
    ]
    if rows == 0:
        out.append(
            {
                "what": "empty_list",
                "detail": "đơn vị không có dòng nào trong tệp cấp tỉnh: ghi nhận là không có "
                + ("hồ sơ" if kind is Kind.CASES else "PAKN")
                + " trong khoảng thời gian tệp ghi",
            }
        )
    return out


def _ledger_entry(
    path: Path,
    sha: str,
    det: Detected,
    source: Source,
    reader: UnitParams,
    unit: str,
    ingest_id: int,
    window: FileWindow,
    as_of: dt.datetime,
    as_of_source: str,
    decisions: list[dict],
    split_id: int | None = None,
) -> LedgerEntry:
    """The ``ingests`` row of one unit's rows of a file: the whole file of a unit's own export,
    or one unit's share of a split file (``split_id``). ``reader``: the params whose personal-data
    rule applied (:func:`dropped_personal`)."""
    cmap = det.cmap
    return LedgerEntry(
        ingest_id=ingest_id,
        unit=unit,
        kind=cmap.kind,
        file_name=path.name,
        file_sha256=sha,
        sheet=source.sheet_names,
        header_row=cmap.header_row + det.sheet.row0,
        as_of=as_of,
        covers_from=window.covers_from,
        covers_to=window.covers_to,
        as_of_source=as_of_source,
        ingested_at=window.ingest_time,
        column_map=cmap.column_map,
        dropped_personal=dropped_personal(cmap, reader),
        ignored_columns=cmap.ignored,
        tool_version=__version__,
        sheets=source.sheets,
        decisions=decisions,
        split_id=split_id,
    )


def _ledger_part(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    sha: str,
    det: Detected,
    source: Source,
    reader: UnitParams,
    unit: str,
    ingest_id: int,
    split_id: int,
    counts: Counts,
    notes: dict[str, int],
    file_decisions: list[dict],
    own: list[dict],
    window: FileWindow,
    as_of: dt.datetime,
    as_of_source: str,
    container: str | None,
) -> IngestResult:
    """One unit's share of a split file in the ledger (``ingests``), and its result."""
    cmap = det.cmap
    entry = _ledger_entry(
        path,
        sha,
        det,
        source,
        reader,
        unit,
        ingest_id,
        window,
        as_of,
        as_of_source,
        file_decisions + own,
        split_id,
    )
    write_ledger(con, entry, counts)
    return IngestResult(
        file=str(path),
        kind=cmap.kind,
        kind_detected=True,
        unit=unit,
        file_sha256=sha,
        ingest_id=ingest_id,
        counts=counts,
        as_of=as_of,
        as_of_source=as_of_source,
        sheet=source.sheet_names,
        header_row=entry.header_row,
        column_map=cmap.column_map,
        notes=notes,
        decisions=own,
        container=container,
    )


def _already_split(
    con: duckdb.DuckDBPyConnection, path: Path, sha: str, prev: dict, kind: Kind | None
) -> SplitResult:
    """The same province-level file again: nothing changes; the earlier split's counts."""
    parts = []
    for row in con.execute(
        "SELECT ingest_id, unit, rows_read, rejected, as_of, sheet FROM ingests "
        "WHERE split_id = ? ORDER BY unit",
        [prev["split_id"]],
    ).fetchall():
        iid, unit, rows, rejected, as_of, sheet = row
        counts = Counts(rows, 0, 0, rows - rejected, rejected, 0)
        parts.append(
            IngestResult(
                file=str(path),
                kind=Kind(prev["kind"]),
                kind_detected=kind is None,
                unit=unit,
                file_sha256=sha,
                ingest_id=int(iid),
                counts=counts,
                as_of=as_of,
                as_of_source="previous_ingest",
                sheet=sheet,
                already_ingested=True,
            )
        )
    return SplitResult(
        file=str(path),
        kind=Kind(prev["kind"]),
        kind_detected=kind is None,
        file_sha256=sha,
        split_id=int(prev["split_id"]),
        unit_column=prev["unit_column"],
        rows_read=int(prev["rows_read"]),
        unknown_rows=int(prev["rejected_unknown_unit"]),
        unknown=json.loads(prev["unknown"] or "[]"),
        parts=parts,
        as_of=parts[0].as_of if parts else None,
        as_of_source="previous_ingest",
        empty_units=[p.unit for p in parts if p.counts.rows_read == 0],
        sheet=parts[0].sheet if parts else None,
        already_ingested=True,
    )


def _window(cmap) -> FileWindow:
    lines = cmap.title_lines
    return FileWindow(
        covers_from=title_covers_from(lines),
        covers_to=title_covers_to(lines),
        export_time=title_export_time(lines),
        ingest_time=now_local(),
    )


def _date_decision(
    opened: Opened, det: Detected, source: Source, unit: UnitParams, path: Path
) -> dates.DateDecision:
    """The file's day/month order from the whole of its date columns (:mod:`.dates`)."""
    cmap = det.cmap
    date_columns = {
        f: (source.table.column(f"c_{f}"), cmap.label(f))
        for f in DATE_FIELDS[cmap.kind]
        if f in cmap.fields
    }
    evidence = dates.gather(date_columns, source.table.column("_row").combine_chunks())
    date1904 = any(s.date1904 for s in opened.sheets if s is det.sheet)
    decision = dates.decide(evidence, unit.exports.date_order, date1904, path.name)
    if "due_at" in cmap.fields:
        # A duration is written with "ngày" or "giờ" (in any case): without a g in the column's
        # bytes, no due cell is one and the per-cell test (30 ms of CPU per 200,000) is skipped.
        decision.due_durations = may_contain(source.table.column("c_due_at"), "gG")
    return decision


def _check_title_unit(lines: list[str], unit: UnitParams, matcher, path: Path) -> None:
    """Refuse a file given to one unit with a params file (``--unit xa-dong``) whose title names
    another such unit ("ỦY BAN NHÂN DÂN XÃ AN TRƯỜNG"): a city clerk's slip that would file
    one commune's cases under another. A title line, or two adjacent ones (the issuer written
    over two lines), is matched like a unit cell; a title naming no unit (or a city) says
    nothing, and a unit without params (a first ingest) is not asked."""
    m = matcher()
    if unit.unit not in m.params:
        return
    lines = [line for line in lines if line and line.strip()]
    for line in [*lines, *(f"{a} {b}" for a, b in itertools.pairwise(lines))]:
        found = m.match(line, "tiêu đề").unit
        if found is not None and found != unit.unit:
            raise InputFileError(
                f'Tệp {path.name} có tiêu đề "{line}" là của đơn vị {found}, không phải '
                f"{unit.unit}: hãy nạp với --unit {found} (hoặc bỏ --unit nếu là tệp cấp tỉnh có "
                "cột đơn vị)."
            )


def _check_own_unit(source: Source, unit: UnitParams, matcher, path: Path) -> dict:
    """A unit's own file (``--unit``) with a unit column: refuse it when a row names another
    known unit, or names a particular body that is none of this unit's forms
    (:func:`~tthc.ingest.split.names_a_place`); otherwise record how many rows name the unit
    and how many hold only a generic word ("UBND xã")."""
    label = source.cmap.label("unit")
    col = match_column(matcher(), source.table.column("c_unit"), label)
    per_unit = col.rows_per_unit()
    others = {u: n for u, n in per_unit.items() if u != unit.unit}
    if others:
        shown = ", ".join(f"{u} {n} dòng" for u, n in list(others.items())[:3])
        more = f" và {len(others) - 3} đơn vị khác" if len(others) > 3 else ""
        raise InputFileError(
            f'Tệp {path.name} có dòng của đơn vị khác ngoài {unit.unit} (cột "{label}": '
            f"{shown}{more}): bỏ --unit để nạp tệp cấp tỉnh và chia dòng theo đơn vị."
        )
    mine = per_unit.get(unit.unit, 0)
    named = [(v, n) for v, _why, n in col.unknown() if v]
    # A cell naming a particular body that is not this unit (by any of its forms) may be another
    # commune's row: counting it as this unit's would be a guess. A unit's own other spellings
    # go in its params `names`; a province file is split without --unit.
    places = [(v, n) for v, n in named if names_a_place(v, (unit.centre,))]
    if places:
        shown = ", ".join(f'"{v}" {n} dòng' for v, n in places[:3])
        more = f" và {len(places) - 3} tên khác" if len(places) > 3 else ""
        raise InputFileError(
            f'Tệp {path.name} có dòng ghi đơn vị không phải {unit.unit} (cột "{label}": '
            f"{shown}{more}): nếu là tệp cấp tỉnh, khai báo các đơn vị (params/units/, "
            "TTHC_PARAMS) và bỏ --unit; nếu là tên khác của đơn vị này, thêm vào khóa names "
            f"của {unit.unit}."
        )
    other_rows = sum(n for _, n in named)
    detail = f'cột đơn vị "{label}": {mine} dòng ghi đơn vị này'
    if other_rows:
        examples = ", ".join(f'"{v}"' for v, _ in named[:3])
        detail += (
            f", {other_rows} dòng ghi tên chung không chỉ đơn vị nào ({examples}): tính là "
            f"của {unit.unit} vì đã chỉ rõ --unit"
        )
    return {
        "what": "unit_column",
        "column": label,
        "own_rows": mine,
        "unknown_name_rows": other_rows,
        "detail": detail,
    }


# DuckDB scans one Arrow record batch per thread: a table in one 200,000-row chunk is staged on
# one core. Batches of this many rows let every core take part (staging 0.59 s -> 0.43 s on two
# cores); the order of rows is their ``_rid``, never the scan's.
SOURCE_BATCH_ROWS = 16_384


def _source_table(table: pa.Table, unit: str | None, units: UnitColumn | None) -> pa.Table:
    """``_src`` as staging reads it: ``_error`` and ``_unit`` on every row, in record batches of
    at most :data:`SOURCE_BATCH_ROWS`. A row of a split file whose unit is unknown gets the
    reason in ``_error`` (it comes before any other)."""
    table = _with_error_column(table)
    if units is None:
        table = table.append_column("_unit", pa.repeat(pa.scalar(unit, pa.string()), len(table)))
    else:
        err = pc.if_else(pc.is_null(units.units), units.reasons, table.column("_error"))
        table = table.set_column(table.column_names.index("_error"), "_error", err)
        table = table.append_column("_unit", units.units)
    return pa.Table.from_batches(
        table.combine_chunks().to_batches(max_chunksize=SOURCE_BATCH_ROWS), table.schema
    )


DATE_FIELDS = {
    Kind.CASES: ("received_at", "due_at", "extended_due_at", "ended_at", "returned_at"),
    Kind.PAKN: ("received_at", "due_at", "handled_at"),
    Kind.CATALOGUE: (),
}


def _with_error_column(table: pa.Table) -> pa.Table:
    """Staging reads ``_error`` on every source; a file without error cells has none."""
    if "_error" in table.column_names:
        return table
    return table.append_column("_error", pa.nulls(table.num_rows, pa.string()))


def _lost_zeros(
    con: duckdb.DuckDBPyConnection, kind: Kind, source: pa.Table
) -> dict[str, list[dict]]:
    """Per unit, the decisions of :func:`~tthc.ingest.codes.match_lost_zeros`."""
    key = "case_code" if kind is Kind.CASES else "pakn_code"
    table = "cases" if kind is Kind.CASES else "pakn"
    # Without a code column, PAKN keys are made ("h-…"), never all digits.
    codes = (
        source.column(f"c_{key}")
        if f"c_{key}" in source.column_names
        else pa.array([], pa.string())
    )
    out: dict[str, list[dict]] = {}
    matches = match_lost_zeros(con, "_stg", key, table, codes)
    for unit, (matched, ambiguous, examples) in matches.items():
        found = out.setdefault(unit, [])
        if matched:
            found.append(
                {
                    "what": "leading_zeros",
                    "matched": matched,
                    "examples": examples,
                    "detail": f"{matched} mã chỉ gồm chữ số bị mất số 0 ở đầu (Excel đổi thành "
                    f"số) được khớp với mã đã có của đơn vị: {'; '.join(examples)}",
                }
            )
        if ambiguous:
            found.append(
                {
                    "what": "leading_zeros_ambiguous",
                    "codes": ambiguous,
                    "detail": f"{ambiguous} mã chỉ gồm chữ số khớp với nhiều mã đã có khi bỏ số 0 "
                    "ở đầu: không ghép, giữ nguyên mã",
                }
            )
    return out


def _as_of(
    con: duckdb.DuckDBPyConnection, kind: Kind, window: FileWindow, rows: str = "_good"
) -> tuple[dt.datetime, str]:
    """The moment the file's states hold: its export time; else the later of its range's last
    day and its latest (plausible) event among ``rows``; else the ingest time."""
    if window.export_time is not None:
        return window.export_time, "title"
    range_end = (
        dt.datetime.combine(window.covers_to, dt.time(23, 59, 59)) if window.covers_to else None
    )
    expr = {
        Kind.CASES: "greatest(received_at, ended_at, returned_at)",
        Kind.PAKN: "greatest(received_at, handled_at)",
    }.get(kind)
    latest = con.execute(f"SELECT max({expr}) FROM {rows}").fetchone()[0] if expr else None
    if latest is not None and (range_end is None or latest > range_end):
        return latest, "data"
    if range_end is not None:
        return range_end, "title_range"
    return window.ingest_time, "ingest_time"


def _notes(con: duckdb.DuckDBPyConnection, kind: Kind) -> dict[str, dict[str, int]]:
    """Per unit, counts of what staging inferred or could not match (non-zero ones only)."""
    if kind is Kind.CASES:
        sql = """
            SELECT _unit, sum(_status_inferred::INT),
                count(*) FILTER (WHERE procedure_code IS NULL),
                sum(_by_name::INT), sum(_ambiguous_name::INT), sum(_field_from_cat::INT),
                sum(_due_duration::INT), sum(_flag_unknown), sum(_online_unknown::INT),
                sum(_ended_dropped::INT)
            FROM _good GROUP BY _unit
        """
        names = (
            "status_inferred",
            "unmatched_procedures",
            "matched_by_name",
            "ambiguous_names",
            "field_from_catalogue",
            "due_durations_ignored",
            "unknown_yes_no",
            "unknown_online_flag",
            "end_dates_of_unfinished_dropped",
        )
    elif kind is Kind.PAKN:
        sql = "SELECT _unit, sum(_due_duration::INT) FROM _good GROUP BY _unit"
        names = ("due_durations_ignored",)
    else:
        return {}
    return {
        unit: {n: int(v or 0) for n, v in zip(names, values, strict=True) if v}
        for unit, *values in con.execute(sql).fetchall()
    }


def write_rejects_csv(
    con: duckdb.DuckDBPyConnection,
    ingest_ids: list[int],
    path: Path,
    rejects_dir: Path,
    column_map: dict[str, str],
    with_unit: bool = False,
) -> Path:
    """``<rejects_dir>/<first ingest_id>-<file stem>.csv``: row, sheet, reason and the row's
    cells (with the unit first for a split file: blank when unknown).

    UTF-8 with a BOM so that Excel shows Vietnamese correctly; formulas neutralised
    (:mod:`tthc.cellsafe`); a stem too long for a file name is shortened.
    """
    folder = ensure_folder(rejects_dir, "thư mục dòng bị loại")
    out = folder / rejects_csv_name(ingest_ids[0], path)
    ids = ", ".join(str(int(i)) for i in ingest_ids)
    keys = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT unnest(json_keys(raw)) FROM rejects "
            f"WHERE ingest_id IN ({ids}) AND raw IS NOT NULL"
        ).fetchall()
    ]
    mapped = list(column_map)
    keys = [k for k in mapped if k in keys] + [k for k in keys if k not in mapped]
    cells = ", ".join(f"raw->>{_lit(k)} AS {_ident(k)}" for k in keys)
    unit = 'unit AS "Đơn vị", ' if with_unit else ""
    table = con.sql(
        f"""
        SELECT {unit}row_number AS "Dòng", sheet AS "Trang", reason AS "Lý do"{", " + cells if cells else ""}
        FROM rejects WHERE ingest_id IN ({ids}) ORDER BY row_number, sheet
        """
    ).to_arrow_table()
    return cellsafe.write_csv(table, out)


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _ident(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def plan(
    paths: list[Path], unit: UnitParams | None, aliases: AliasTable, kind: Kind | None
) -> list[tuple[Path, Kind | None, str | None]]:
    """(path, kind, error) for each file, ordered catalogues, cases, PAKN; failures last."""
    out: list[tuple[int, int, Path, Kind | None, str | None]] = []
    for i, p in enumerate(paths):
        try:
            check_input(p)
            k = kind or detect(open_export(p).sheets, aliases, p, None).kind
            out.append((KIND_ORDER.index(k), i, p, k, None))
        except TthcError as exc:
            out.append((len(KIND_ORDER), i, p, None, str(exc)))
    out.sort(key=lambda t: (t[0], t[1]))
    return [(p, k, e) for _, _, p, k, e in out]


def expand_paths(paths: list[str | Path]) -> list[Path]:
    """Files as given; a directory stands for its non-hidden files, sorted."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if _is_dir(p):
            out.extend(sorted(q for q in p.iterdir() if q.is_file() and not q.name.startswith(".")))
        else:
            out.append(p)
    return out


def _is_dir(path: Path) -> bool:
    """A folder to expand; a path the system cannot even look at goes on as a file, which
    :func:`check_input` then refuses with the reason (a name too long, no permission)."""
    try:
        return path.is_dir()
    except OSError:
        return False


def rejects_dir_for(db: Path | str) -> Path:
    """Where rejects CSVs of a warehouse go: ``rejects/<warehouse name>/`` beside the warehouse
    file (``data/rejects/tthc/`` for ``data/tthc.duckdb``). Per warehouse, because the CSVs are
    named by ingest number: two warehouses in one folder (a unit's and a city's) overwrote each
    other's."""
    path = Path(db)
    return path.parent / "rejects" / (path.stem or path.name)


def ingest_paths(
    db: Path,
    unit: str | None,
    paths: list[str | Path],
    kind: Kind | None = None,
    wait: float = 0.0,
    on_wait=None,
) -> list[IngestResult | SplitResult | FailedFile]:
    """Ingest files into ``db`` for ``unit``: catalogues first, each file its own transaction.

    ``unit`` None: every file is province-level and is split to the units of ``params/units/``
    by its unit column (a file without one fails). With one file, its kind is detected while
    ingesting; with several, each file's kind is detected first to order them. A failing file
    is reported and the rest continue. When the warehouse is held by another process, the open
    waits up to ``wait`` seconds (:func:`tthc.warehouse.connect`).
    """
    params = load_unit(unit) if unit is not None else None
    aliases = load_aliases(params)
    matcher = _Matcher()
    files = expand_paths(paths)
    if not files:
        raise InputFileError("Không có tệp nào để nạp.")
    rejects_dir = rejects_dir_for(db)
    check_name(db)  # first: the rejects folder is named after the warehouse
    check_output_folders(Path(db), rejects_dir)
    if len(files) == 1:
        ordered: list[tuple[Path, Kind | None, str | None]] = [
            (files[0], kind, input_error(files[0]))
        ]
    else:
        ordered = plan(files, params, aliases, kind)
    if all(error is not None for _, _, error in ordered):  # nothing to write: no warehouse
        return [FailedFile(str(path), error) for path, _, error in ordered]
    # While the warehouse opens, the first file is read, hashed, opened and detected on worker
    # threads (tthc.ingest.prefetch); each other file is, at its turn (ingest_file).
    todo = [(path, k) for path, k, error in ordered if error is None]
    prefetcher = ThreadPoolExecutor(max_workers=1)
    ahead = (
        {todo[0][0]: prefetcher.submit(prefetch, todo[0][0], aliases, todo[0][1])} if todo else {}
    )
    try:
        created = folders_to_create(db)
        con = connect(db, backup=True, wait=wait, on_wait=on_wait)
    except BaseException:
        # Not waiting: a refused open is said at once, not after the first file is parsed.
        prefetcher.shutdown(wait=False, cancel_futures=True)
        raise
    results: list[IngestResult | SplitResult | FailedFile] = []
    try:
        if unit is not None:
            refuse_near_miss(unit, con)
        for path, k, error in ordered:
            if error is not None:
                results.append(FailedFile(str(path), error))
                continue
            try:
                # None when the file changed while prefetched: its turn reads it again.
                pre = ahead.pop(path).result() if path in ahead else None
                results.append(
                    ingest_file(con, path, params, aliases, k, rejects_dir, matcher, pre)
                )
                del pre
                if kind is None and isinstance(results[-1], IngestResult | SplitResult):
                    results[-1].kind_detected = True
            except TthcError as exc:
                results.append(FailedFile(str(path), str(exc)))
    finally:
        prefetcher.shutdown(wait=False, cancel_futures=True)
        # Every file refused (or the run stopped) before anything was stored: a warehouse this
        # run created is taken back, as when every file is refused before opening it.
        close_discarding_empty(con, db, created)
    return results
