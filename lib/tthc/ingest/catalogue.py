"""Procedure names as matching keys, and the unit's catalogue snapshot used for matching.

A case list without a Mã TTHC column names the procedure only; it is matched to the unit's
latest catalogue snapshot (danh mục TTHC) by a normalised name: NFC, lower case, every run of
punctuation and whitespace collapsed to one space (after :func:`tthc.text.key`: invisible
characters removed, "Ð" read as "Đ"). A name that two catalogue procedures share
is ambiguous and is not matched.
"""

from __future__ import annotations

import re

from tthc.text import key

_NON_WORD = re.compile(r"[\W_]+")


def name_key(name: str) -> str:
    """'Đăng ký khai sinh (lưu động)' -> 'đăng ký khai sinh lưu động'. Same rule as :func:`sql_name_key`."""
    return _NON_WORD.sub(" ", key(name)).strip()


def sql_name_key(expr: str) -> str:
    """The SQL form of :func:`name_key` over a text expression."""
    return f"trim(regexp_replace(lower(nfc_normalize({expr})), '[^\\p{{L}}\\p{{N}}]+', ' ', 'g'))"


def latest_snapshot_sql(unit_param: str = "$unit") -> str:
    """A query for the ingest_id of the unit's latest catalogue snapshot (by as_of, then order)."""
    return (
        "SELECT ingest_id FROM ingests "
        f"WHERE unit = {unit_param} AND kind = 'catalogue' "
        "ORDER BY as_of DESC NULLS LAST, ingest_id DESC LIMIT 1"
    )


def latest_snapshots_sql() -> str:
    """A query for the ingest_id of every unit's latest catalogue snapshot (same order as
    :func:`latest_snapshot_sql`): a province-level case list matches each row to its own unit's."""
    return (
        "SELECT ingest_id FROM ingests WHERE kind = 'catalogue' "
        "QUALIFY row_number() OVER (PARTITION BY unit "
        "ORDER BY as_of DESC NULLS LAST, ingest_id DESC) = 1"
    )
