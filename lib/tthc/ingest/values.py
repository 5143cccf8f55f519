"""Parsing cell text into typed values, set-based in DuckDB SQL.

Every function here returns a SQL expression over a text column; the label tables (statuses,
channels, yes/no, levels) are registered as small temporary tables by :func:`register_labels`.
Parsing in SQL keeps a 200,000-row export out of Python loops.

Accepted forms:

- dates: see :mod:`tthc.ingest.dates` (forms, day/month order decided per file, epochs) and
  :mod:`tthc.ingest.plausibility`. A date without a time is stored at 00:00 of that day, except
  deadlines (due, extended due), which mean the end of that day (23:59:59,
  ``stage.end_of_day``); comparing by date or by timestamp is the statistics profile's
  business, not ingest's.
- codes: see :mod:`tthc.ingest.codes`.
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
from tthc.text import clean_arrow, key_arrow


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def label_key(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Lookup key of a label from clean text (:func:`tthc.text.key_arrow`); '2.0' -> '2'.

    The same rule as :func:`tthc.ingest.aliases.normalise_value` gives the label tables' keys.
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if len(arr) == 0:
        return arr
    enc = pc.dictionary_encode(arr)
    keys = pc.replace_substring_regex(key_arrow(enc.dictionary), r"^(\d+)\.0+$", r"\1")
    return pc.take(keys, enc.indices)


def sql_text(col: str) -> str:
    """A clean text column; blank -> NULL."""
    return f"nullif({col}, '')"


def sql_key(col: str) -> str:
    """A key column made by :func:`label_key`; blank -> NULL."""
    return f"nullif({col}, '')"


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


def parse_timestamps(values: list[str | None], order: str = "dmy", date1904: bool = False) -> list:
    """Parse date texts as ingest does (:func:`tthc.ingest.dates.timestamp_sql`), for tests and
    one-off checks: day first unless ``order='mdy'``."""
    from tthc.ingest.dates import DateDecision, timestamp_sql

    con = duckdb.connect()
    arr = clean_arrow(pa.array([v or "" for v in values], type=pa.string()))
    con.register("v", pa.table({"x": arr}))
    sql = timestamp_sql("x", DateDecision(order=order, date1904=date1904))
    rows = con.execute(f"SELECT {sql} FROM v").fetchall()
    con.close()
    return [r[0] for r in rows]
