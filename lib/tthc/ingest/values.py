"""Parsing cell text into typed values, set-based in DuckDB SQL.

Every function here returns a SQL expression over a text column, except the label lookups
(statuses, channels, yes/no, levels: :func:`lookup_labels`), which read each distinct value of
a label column once, in Arrow. Parsing in SQL keeps a 200,000-row export out of Python loops.

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

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from tthc.ingest.aliases import AliasTable
from tthc.schema import STATUS_CODES
from tthc.text import clean_arrow, key_arrow, per_distinct


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def label_key(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Lookup key of a label from clean text (:func:`tthc.text.key_arrow`); '2.0' -> '2'.

    The same rule as :func:`tthc.ingest.aliases.normalise_value` gives the label tables' keys.
    """
    return per_distinct(
        arr, lambda values: pc.replace_substring_regex(key_arrow(values), r"^(\d+)\.0+$", r"\1")
    )


def sql_text(col: str) -> str:
    """A clean text column; blank -> NULL."""
    return f"nullif({col}, '')"


def has_key(keys: pa.Array) -> pa.Array:
    """Per :func:`label_key` of a cell: true when the cell has a key, NULL when it is blank
    (the ``k_<field>`` columns of the source). The stage only asks whether a label cell is
    blank; what the key means is looked up per distinct value (:func:`lookup_labels`), so the
    key text itself is not carried per row."""
    blank = pa.scalar(None, pa.bool_())
    return pc.if_else(pc.fill_null(pc.not_equal(keys, ""), False), True, blank)


def sql_is_duration(col: str) -> str:
    """'5 ngày làm việc', '8 giờ': a duration some exports put under 'Hạn xử lý', not a date."""
    return (
        f"coalesce(regexp_matches(lower({sql_text(col)}), '^\\d+([.,]\\d+)?\\s*(ngày|giờ)'), false)"
    )


# The columns a label field's key gives: ``v_<name>`` -> (the field it is read from, its type).
LOOKED_UP: dict[str, tuple[str, pa.DataType]] = {
    "status_code": ("status", pa.int16()),
    "status_outcome": ("status", pa.string()),
    "status_label": ("status", pa.string()),
    "channel": ("channel", pa.string()),
    "level": ("level", pa.string()),
    **{f: (f, pa.bool_()) for f in ("online_flag", "has_components", "has_result_file")},
    **{f: (f, pa.bool_()) for f in ("reused_data", "fee_bearing", "paid_online")},
}


# The national status codes as a cell writes them ("10"): code, outcome, national label.
_NATIONAL_STATUS = {str(c): (c, o.value, label) for c, (label, o) in STATUS_CODES.items()}


def lookup_labels(field: str, keys: pa.Array, aliases: AliasTable) -> dict[str, pa.Array]:
    """What each key of a label column means under ``aliases`` (``params/aliases``), by column.

    ``keys``: :func:`label_key` of the column's distinct values (its dictionary), so each is
    looked up once however many rows hold it. Returns ``{"v_<name>": array}`` aligned with
    ``keys``, for each name of :data:`LOOKED_UP` read from ``field``: ``status`` gives the
    national code (int16; NULL for an alias without one), the outcome and the national label
    (NULL for an alias); ``channel`` and ``level`` their values; a yes/no field its boolean. A
    blank or unknown key gives NULL (the stage tells an unknown label from a blank cell by
    the key). Raises ``KeyError`` for a field that is not a label field.
    """
    names = [n for n, (f, _) in LOOKED_UP.items() if f == field]
    if not names:
        raise KeyError(field)
    found = [_meaning(field, k, aliases) if k else None for k in keys.to_pylist()]
    # Status gives three values per key, every other field one.
    parts = (
        list(zip(*[m or (None,) * len(names) for m in found], strict=True)) or [()] * len(names)
        if field == "status"
        else [found]
    )
    return {
        f"v_{n}": pa.array(list(v), type=LOOKED_UP[n][1]) for n, v in zip(names, parts, strict=True)
    }


def _meaning(field: str, key: str, aliases: AliasTable) -> object:
    if field == "status":
        if key in aliases.status_labels:  # a profile's label first, as in the YAML
            code, outcome = aliases.status_labels[key]
            return (code, outcome.value, None)
        return _NATIONAL_STATUS.get(key)
    if field == "channel":
        channel = aliases.channel_labels.get(key)
        return None if channel is None else channel.value
    if field == "level":
        level = aliases.levels.get(key)
        return None if level is None else level.value
    return aliases.yes_no.get(key)


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
