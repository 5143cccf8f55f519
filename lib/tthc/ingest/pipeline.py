"""One export file into the warehouse, in one transaction; and several files in the right order.

``ingest_file`` reads, detects, stages and stores one file; any error rolls the whole file back
(the warehouse is left exactly as it was). ``ingest_paths`` takes several files, detects each
one's kind first and ingests catalogues, then case lists, then PAKN lists, so that cases can be
matched to the catalogue; a file that fails is reported and the others still go in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from tthc import __version__
from tthc.errors import InputFileError, TthcError
from tthc.ingest import dates
from tthc.ingest.aliases import AliasTable, load_aliases
from tthc.ingest.asof import now_local, title_covers_from, title_covers_to, title_export_time
from tthc.ingest.codes import match_lost_zeros
from tthc.ingest.detect import Detected, detect
from tthc.ingest.personal import dropped_personal
from tthc.ingest.plausibility import FileWindow
from tthc.ingest.readers import Opened, check_path, file_sha256, open_export
from tthc.ingest.source import build_source
from tthc.ingest.stage import raw_json_sql, stage
from tthc.ingest.store import (
    Counts,
    LedgerEntry,
    dedupe,
    drop_temp,
    next_ingest_id,
    previous_ingest,
    snapshot_catalogue,
    upsert_state,
    write_ledger,
    write_rejects,
)
from tthc.ingest.values import register_labels
from tthc.schema import Kind
from tthc.units import UnitParams, load_unit
from tthc.warehouse import connect

KIND_ORDER = (Kind.CATALOGUE, Kind.CASES, Kind.PAKN)


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

    def to_json(self) -> dict:
        c = self.counts
        return {
            "file": self.file,
            "ok": True,
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


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    unit: UnitParams,
    aliases: AliasTable,
    kind: Kind | None = None,
    rejects_dir: Path | None = None,
) -> IngestResult:
    """Ingest one export file in one transaction. Raises :class:`InputFileError` for a bad file."""
    path = Path(path)
    check_path(path)
    sha = file_sha256(path)
    prev = previous_ingest(con, unit.unit, sha, kind)
    if prev is not None:
        if prev["kind"] == Kind.CASES.value and (
            prev["covers_from"] is None or prev["covers_to"] is None
        ):
            _record_range(con, path, aliases, prev)
        return _already(path, unit, sha, prev, kind)
    opened = open_export(path)
    det = detect(opened.sheets, aliases, path, kind)
    return _ingest_detected(con, path, sha, opened, det, unit, aliases, kind is None, rejects_dir)


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
) -> IngestResult:
    cmap = det.cmap
    source = build_source(opened, det, unit, aliases, path)
    con.register("_src", _with_error_column(source.table))
    register_labels(con, aliases)
    lines = cmap.title_lines
    window = FileWindow(
        covers_from=title_covers_from(lines),
        covers_to=title_covers_to(lines),
        export_time=title_export_time(lines),
        ingest_time=now_local(),
    )
    date_columns = {
        f: (source.table.column(f"c_{f}"), cmap.label(f))
        for f in DATE_FIELDS[cmap.kind]
        if f in cmap.fields
    }
    evidence = dates.gather(date_columns)
    date1904 = any(s.date1904 for s in opened.sheets if s is det.sheet)
    decision = dates.decide(evidence, unit.exports.date_order, date1904, path.name)
    decisions = opened.decisions + source.decisions + decision.records
    rejects_csv: Path | None = None
    con.execute("BEGIN TRANSACTION")
    try:
        ingest_id = next_ingest_id(con)
        stage(con, cmap, unit.unit, source.personal, decision, window)
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
        if cmap.kind in (Kind.CASES, Kind.PAKN):
            decisions += _lost_zeros(con, cmap.kind, unit.unit)
        raw = raw_json_sql(cmap)
        write_rejects(con, cmap.kind, ingest_id, unit.unit, path.name, source.bad_rows, raw)
        identical = dedupe(con, cmap.kind, ingest_id, unit.unit, path.name, raw)
        as_of, as_of_source = _as_of(con, cmap.kind, window)
        if cmap.kind is Kind.CATALOGUE:
            ins, upd, unch = snapshot_catalogue(con, ingest_id, unit.unit)
            conflicts = 0
        else:
            ins, upd, unch, conflicts = upsert_state(
                con, cmap.kind, ingest_id, unit.unit, as_of, bool(source.personal)
            )
        found = con.execute("SELECT count(*) FROM rejects WHERE ingest_id = ?", [ingest_id])
        rejected = int(found.fetchone()[0])
        counts = Counts(rows_read, ins, upd, unch + identical, rejected, conflicts)
        counts.check()
        notes = _notes(con, cmap.kind)
        entry = LedgerEntry(
            ingest_id=ingest_id,
            unit=unit.unit,
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
            dropped_personal=dropped_personal(cmap, unit),
            ignored_columns=cmap.ignored,
            tool_version=__version__,
            sheets=source.sheets,
            decisions=decisions,
        )
        write_ledger(con, entry, counts)
        drop_temp(con)
        # The rejects file is written before COMMIT so that a failure there undoes the ingest.
        if rejected and rejects_dir is not None:
            rejects_csv = write_rejects_csv(con, ingest_id, path, rejects_dir)
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


def _lost_zeros(con: duckdb.DuckDBPyConnection, kind: Kind, unit: str) -> list[dict]:
    key = "case_code" if kind is Kind.CASES else "pakn_code"
    table = "cases" if kind is Kind.CASES else "pakn"
    matched, ambiguous, examples = match_lost_zeros(con, "_stg", key, table, unit)
    out = []
    if matched:
        out.append(
            {
                "what": "leading_zeros",
                "matched": matched,
                "examples": examples,
                "detail": f"{matched} mã chỉ gồm chữ số bị mất số 0 ở đầu (Excel đổi thành số) "
                f"được khớp với mã đã có của đơn vị: {'; '.join(examples)}",
            }
        )
    if ambiguous:
        out.append(
            {
                "what": "leading_zeros_ambiguous",
                "codes": ambiguous,
                "detail": f"{ambiguous} mã chỉ gồm chữ số khớp với nhiều mã đã có khi bỏ số 0 ở "
                "đầu: không ghép, giữ nguyên mã",
            }
        )
    return out


def _as_of(
    con: duckdb.DuckDBPyConnection, kind: Kind, window: FileWindow
) -> tuple[dt.datetime, str]:
    """The moment the file's states hold: its export time; else the later of its range's last
    day and its latest (plausible) event; else the ingest time."""
    if window.export_time is not None:
        return window.export_time, "title"
    range_end = (
        dt.datetime.combine(window.covers_to, dt.time(23, 59, 59)) if window.covers_to else None
    )
    expr = {
        Kind.CASES: "greatest(received_at, ended_at, returned_at)",
        Kind.PAKN: "greatest(received_at, handled_at)",
    }.get(kind)
    latest = con.execute(f"SELECT max({expr}) FROM _good").fetchone()[0] if expr else None
    if latest is not None and (range_end is None or latest > range_end):
        return latest, "data"
    if range_end is not None:
        return range_end, "title_range"
    return window.ingest_time, "ingest_time"


def _notes(con: duckdb.DuckDBPyConnection, kind: Kind) -> dict[str, int]:
    if kind is Kind.CASES:
        sql = """
            SELECT sum(_status_inferred::INT), count(*) FILTER (WHERE procedure_code IS NULL),
                sum(_by_name::INT), sum(_ambiguous_name::INT), sum(_field_from_cat::INT),
                sum(_due_duration::INT), sum(_flag_unknown), sum(_online_unknown::INT),
                sum(_ended_dropped::INT)
            FROM _good
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
        sql = "SELECT sum(_due_duration::INT) FROM _good"
        names = ("due_durations_ignored",)
    else:
        return {}
    row = con.execute(sql).fetchone()
    return {n: int(v or 0) for n, v in zip(names, row, strict=True) if v}


def write_rejects_csv(
    con: duckdb.DuckDBPyConnection, ingest_id: int, path: Path, rejects_dir: Path
) -> Path:
    """``<rejects_dir>/<ingest_id>-<file stem>.csv``: row, sheet, reason and the row's cells.

    UTF-8 with a BOM so that Excel shows Vietnamese correctly.
    """
    rejects_dir.mkdir(parents=True, exist_ok=True)
    out = rejects_dir / f"{ingest_id}-{path.stem}.csv"
    keys = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT unnest(json_keys(raw)) FROM rejects WHERE ingest_id = ? AND raw IS NOT NULL",
            [ingest_id],
        ).fetchall()
    ]
    order = con.execute(
        "SELECT column_map FROM ingests WHERE ingest_id = ?", [ingest_id]
    ).fetchall()[0][0]
    mapped = list(json.loads(order or "{}"))
    keys = [k for k in mapped if k in keys] + [k for k in keys if k not in mapped]
    cells = ", ".join(f"raw->>{_lit(k)} AS {_ident(k)}" for k in keys)
    table = con.sql(
        f"""
        SELECT row_number AS "Dòng", sheet AS "Trang", reason AS "Lý do"{", " + cells if cells else ""}
        FROM rejects WHERE ingest_id = {int(ingest_id)} ORDER BY row_number
        """
    ).to_arrow_table()
    with out.open("wb") as f:
        f.write(b"\xef\xbb\xbf")
        pacsv.write_csv(table, f)
    return out


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _ident(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def plan(
    paths: list[Path], unit: UnitParams, aliases: AliasTable, kind: Kind | None
) -> list[tuple[Path, Kind | None, str | None]]:
    """(path, kind, error) for each file, ordered catalogues, cases, PAKN; failures last."""
    out: list[tuple[int, int, Path, Kind | None, str | None]] = []
    for i, p in enumerate(paths):
        try:
            check_path(p)
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
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.is_file() and not q.name.startswith(".")))
        else:
            out.append(p)
    return out


def rejects_dir_for(db: Path | str) -> Path:
    """Where rejects CSVs of a warehouse go: ``rejects/`` beside the warehouse file."""
    return Path(db).parent / "rejects"


def ingest_paths(
    db: Path,
    unit: str,
    paths: list[str | Path],
    kind: Kind | None = None,
    wait: float = 0.0,
    on_wait=None,
) -> list[IngestResult | FailedFile]:
    """Ingest files into ``db`` for ``unit``: catalogues first, each file its own transaction.

    With one file, its kind is detected while ingesting; with several, each file's kind is
    detected first to order them. A failing file is reported and the rest continue. When the
    warehouse is held by another process, the open waits up to ``wait`` seconds
    (:func:`tthc.warehouse.connect`).
    """
    params = load_unit(unit)
    aliases = load_aliases(params)
    files = expand_paths(paths)
    if not files:
        raise InputFileError("Không có tệp nào để nạp.")
    con = connect(db, wait=wait, on_wait=on_wait)
    rejects_dir = rejects_dir_for(db)
    results: list[IngestResult | FailedFile] = []
    try:
        if len(files) == 1:
            ordered: list[tuple[Path, Kind | None, str | None]] = [(files[0], kind, None)]
        else:
            ordered = plan(files, params, aliases, kind)
        for path, k, error in ordered:
            if error is not None:
                results.append(FailedFile(str(path), error))
                continue
            try:
                results.append(ingest_file(con, path, params, aliases, k, rejects_dir))
                if kind is None and isinstance(results[-1], IngestResult):
                    results[-1].kind_detected = True
            except TthcError as exc:
                results.append(FailedFile(str(path), str(exc)))
    finally:
        con.close()
    return results
