"""Parsing cell text into typed values, set-based in DuckDB SQL.

Every function here returns a SQL expression over a text column; the label tables (statuses,
channels, yes/no, levels) are registered as small temporary tables by :func:`register_labels`.
Parsing in SQL keeps a 200,000-row export out of Python loops.

Accepted forms:

- dates: ``dd/mm/yyyy``, ``d/m/yyyy``, ``dd-mm-yyyy`` and ``dd.mm.yyyy``, each optionally with
  ``HH:MM`` or ``HH:MM:SS``; ISO ``yyyy-mm-dd`` with optional `` HH:MM[:SS[.ffffff]]`` or ``T``;
  Excel serial numbers (20000–80000, i.e. 1954–2119; a fraction is the time of day) and Excel
  date cells (read as ISO text). All are Vietnam local time, stored naive. A date without a time
  is stored at 00:00 of that day, except deadlines (due, extended due), which mean the end of
  that day (23:59:59, ``stage.end_of_day``); comparing by date or by timestamp is the statistics
  profile's business, not ingest's.
- statuses: national codes 1–10 or labels (``params/aliases/default.yaml`` ``status_labels``).
- channels: codes 1/2/3 or labels; yes/no: Có/Không, x/blank, 1/0, true/false, Đã/Chưa.
- catalogue levels: Toàn trình / Một phần (with or without "DVCTT"), codes 4/3 or TT/MP, and
  "no online service" labels; a blank level means no online service.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from tthc.ingest.aliases import AliasTable
from tthc.schema import STATUS_CODES

DATE_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
)
SERIAL_MIN, SERIAL_MAX = 20000, 80000


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def normalise_text(arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Cell text as stored: NFC, trimmed, runs of whitespace collapsed to one space.

    Runs in Arrow's C++ kernels. A column with few distinct values (status, field, procedure
    name) is normalised once per distinct value through its dictionary.
    """
    arr = pc.utf8_trim_whitespace(arr)
    if len(arr) == 0:
        return arr
    if pc.all(pc.string_is_ascii(arr)).as_py():
        if pc.any(pc.match_substring_regex(arr, r"\s\s|[\t\r\n\v\f]")).as_py():
            arr = pc.replace_substring_regex(arr, r"\s+", " ")
        return arr
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    enc = pc.dictionary_encode(arr)
    if len(enc.dictionary) * 2 < len(arr):
        return pc.take(_normalise_all(enc.dictionary), enc.indices)
    return _normalise_all(arr)


def _normalise_all(arr: pa.Array) -> pa.Array:
    arr = pc.utf8_normalize(arr, form="NFC")
    arr = pc.replace_substring_regex(arr, r"[\s\x{00a0}]+", " ")
    return pc.utf8_trim_whitespace(arr)


def label_key(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Lookup key of a label from normalised text: lower case; '2.0' -> '2'."""
    if len(arr) == 0:
        return arr
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    enc = pc.dictionary_encode(arr)
    keys = pc.replace_substring_regex(pc.utf8_lower(enc.dictionary), r"^(\d+)\.0+$", r"\1")
    return pc.take(keys, enc.indices)


def sql_text(col: str) -> str:
    """A normalised text column (see :func:`normalise_text`); blank -> NULL."""
    return f"nullif({col}, '')"


def sql_procedure_code(col: str) -> str:
    """Mã TTHC; a code that lost trailing zeros as an Excel number (1.00119) gets them back."""
    t = sql_text(col)
    return (
        f"CASE WHEN regexp_full_match({t}, '\\d\\.\\d{{1,5}}') THEN rpad({t}, 8, '0') ELSE {t} END"
    )


def sql_key(col: str) -> str:
    """A key column made by :func:`label_key`; blank -> NULL."""
    return f"nullif({col}, '')"


def sql_timestamp(col: str) -> str:
    """Timestamp from any accepted date form; NULL when blank or unparseable."""
    t = sql_text(col)
    formats = "[" + ", ".join(lit(f) for f in DATE_FORMATS) + "]"
    serial = (
        f"TIMESTAMP '1899-12-30' + to_microseconds("
        f"CAST(round(CAST({t} AS DOUBLE) * 86400) AS BIGINT) * 1000000)"
    )
    return (
        f"coalesce(try_strptime({t}, {formats}), "
        f"CASE WHEN regexp_full_match({t}, '\\d{{5}}(\\.\\d+)?') "
        f"AND CAST({t} AS DOUBLE) BETWEEN {SERIAL_MIN} AND {SERIAL_MAX} THEN {serial} END)"
    )


def sql_is_duration(col: str) -> str:
    """'5 ngày làm việc', '8 giờ': a duration some exports put under 'Hạn xử lý', not a date."""
    return (
        f"coalesce(regexp_matches(lower({sql_text(col)}), '^\\d+([.,]\\d+)?\\s*(ngày|giờ)'), false)"
    )


def register_labels(con: duckdb.DuckDBPyConnection, aliases: AliasTable) -> None:
    """Temporary lookup tables: _status_map, _channel_map, _yes_no, _level_map."""
    status_rows = [(k, c, o.value, None) for k, (c, o) in aliases.status_labels.items()]
    status_rows += [(str(c), c, o.value, label) for c, (label, o) in STATUS_CODES.items()]
    _table(
        con,
        "_status_map",
        status_rows,
        [
            ("key", pa.string()),
            ("code", pa.int16()),
            ("outcome", pa.string()),
            ("label", pa.string()),
        ],
    )
    _table(
        con,
        "_channel_map",
        [(k, v.value) for k, v in aliases.channel_labels.items()],
        [("key", pa.string()), ("channel", pa.string())],
    )
    _table(
        con,
        "_yes_no",
        list(aliases.yes_no.items()),
        [("key", pa.string()), ("flag", pa.bool_())],
    )
    _table(
        con,
        "_level_map",
        [(k, v.value) for k, v in aliases.levels.items()],
        [("key", pa.string()), ("level", pa.string())],
    )


def _table(
    con: duckdb.DuckDBPyConnection,
    name: str,
    rows: Iterable[tuple],
    schema: list[tuple[str, pa.DataType]],
) -> None:
    first: dict[object, tuple] = {}
    for r in rows:
        first.setdefault(r[0], r)  # first label wins, as in the YAML
    rows = list(first.values())
    cols = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
    table = pa.table({n: pa.array(list(c), type=t) for (n, t), c in zip(schema, cols, strict=True)})
    con.register(f"{name}_arrow", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


def parse_timestamps(values: list[str | None]) -> list:
    """Parse a list of date texts with :func:`sql_timestamp` (for tests and one-off checks)."""
    con = duckdb.connect()
    arr = normalise_text(pa.array([v or "" for v in values], type=pa.string()))
    con.register("v", pa.table({"x": arr}))
    rows = con.execute(f"SELECT {sql_timestamp('x')} FROM v").fetchall()
    con.close()
    return [r[0] for r in rows]
