"""Cells safe to open in a spreadsheet: every CSV (and XLSX) tthc writes goes through here.

Text from an export can hold a formula (``=HYPERLINK(…)``, ``+cmd|' /C calc'!A0``, ``@SUM(…)``)
that Excel or LibreOffice would run when the file is opened. Following OWASP's "CSV Injection"
guidance, a cell is neutralised by prefixing a single quote (``'``) when it starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return, also after leading spaces or quotes (spreadsheets
skip those before reading a formula) and in the full-width forms (``＝ ＋ － ＠``) that East-Asian
input methods produce. The quote shows in the cell: the text stays what the export said.

A cell that is exactly a number (``-5``, ``+3``, ``-1.234,5``, ``-2e3``, ``-12%``) is left as it
is, so negative numbers stay numeric; nothing in such a cell can run. Column names are cells too.

One rule, two implementations that a property test keeps equal: :func:`neutralise` for Python
strings (pandas frames) and :func:`neutralise_arrow` for Arrow tables (RE2 in Arrow, no loop).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    import pandas as pd

# Characters that start a formula, and those a spreadsheet skips before it.
FORMULA_CHARS = "=+-@\uff1d\uff0b\uff0d\uff20"
CONTROL_STARTS = "\t\r"
SKIPPED_CHARS = " \t\n\x0b\x0c\r\"'\u00a0\u2007\u202f\u3000\ufeff\u200b"
_NUMBER = r"[+-]?(?:[0-9]+(?:[.,][0-9]+)*|[0-9]*[.,][0-9]+)(?:[eE][+-]?[0-9]+)?%?"


def _py_class(chars: str) -> str:
    return "[" + "".join(re.escape(c) for c in chars) + "]"


def _re2_class(chars: str) -> str:
    return "[" + "".join(f"\\x{{{ord(c):04X}}}" for c in chars) + "]"


def _danger(cls) -> str:
    return f"^(?:{cls(CONTROL_STARTS)}|{cls(SKIPPED_CHARS)}*{cls(FORMULA_CHARS)})"


_PY_DANGER = re.compile(_danger(_py_class))
_PY_NUMBER = re.compile(_NUMBER)
_RE2_DANGER = _danger(_re2_class)
_RE2_NUMBER = f"^{_NUMBER}$"


def neutralise(text: str | None) -> str | None:
    """``text`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    if not text or not _PY_DANGER.match(text) or _PY_NUMBER.fullmatch(text):
        return text
    return "'" + text


def neutralise_arrow(table: pa.Table) -> pa.Table:
    """Every string column and every column name of ``table`` through :func:`neutralise`."""
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            danger = pc.match_substring_regex(column, _RE2_DANGER)
            number = pc.match_substring_regex(column, _RE2_NUMBER)
            hit = pc.fill_null(pc.and_(danger, pc.invert(number)), False)
            column = pc.if_else(hit, pc.binary_join_element_wise("'", column, ""), column)
        columns.append(column)
    return pa.table(columns, names=[neutralise(n) or "" for n in table.column_names])


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names went through :func:`neutralise`."""
    out = frame.rename(columns=lambda c: neutralise(c) if isinstance(c, str) else c)
    for name in out.columns:
        if out[name].dtype.kind == "O" or str(out[name].dtype).startswith("string"):
            out[name] = out[name].map(lambda v: neutralise(v) if isinstance(v, str) else v)
    return out


def write_csv(table: pa.Table, out: Path, *, bom: bool = True) -> Path:
    """Write ``table`` neutralised to ``out`` atomically, as UTF-8 (with a BOM, so that Excel
    shows Vietnamese letters)."""
    import pyarrow.csv as pacsv

    from tthc import atomic

    with atomic.atomic_path(out) as tmp, tmp.open("wb") as fh:
        if bom:
            fh.write(b"\xef\xbb\xbf")
        pacsv.write_csv(neutralise_arrow(table), fh)
    return out


def frame_to_csv(frame: pd.DataFrame) -> str:
    """``frame`` neutralised, as CSV text without the index (``tthc stats --csv``)."""
    return neutralise_frame(frame).to_csv(index=False)
