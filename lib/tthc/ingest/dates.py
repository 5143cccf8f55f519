"""Dates and times in exports, decided per file from the evidence of whole columns.

An export's dates are text (or Excel date cells, read as ISO text) in one of these forms, all in
Vietnam local time (UTC+7) and stored naive:

- ``dd/mm/yyyy`` with ``/``, ``-`` or ``.``, with an optional time after it (``HH:MM``,
  ``HH:MM:SS``, fractions), or before it (``08:30 18/05/2026``), separated by a space, ``,`` or
  ``-``; ``8h30`` for ``8:30``; a 12-hour time with ``SA``/``CH`` (sáng, chiều: vi-VN Windows)
  or ``AM``/``PM``;
- ``mm/dd/yyyy`` (an export re-saved on an English Windows), the same with month first;
- ISO ``yyyy-mm-dd[ HH:MM[:SS[.ffffff]]]`` or with ``T``, optionally with a zone (``Z``,
  ``+07:00``) which is converted to Vietnam time;
- Excel serial numbers (20000-80000, 1954-2119) counted from the workbook's own epoch: 1900
  (30/12/1899) or 1904 (01/01/1904, Excel for Mac), read from the workbook;
- two-digit years: ``yy`` is ``20yy`` (every one-stop system post-dates 2000); the date is then
  checked for plausibility like any other (:mod:`.plausibility`).

**Day or month first is decided from the evidence of the whole file** (:func:`decide`): a first
number of 13-31 in any date proves day-first, a second number of 13-31 proves month-first. One
proof settles every date column of the file (one export tool, one locale); a column, or a file,
with proofs both ways is refused: which of its dates are which cannot be told. Without any
proof, the unit's convention applies (``exports.date_order`` in ``params/units/<unit>.yaml``,
default day first), and the choice is recorded in the ledger.

**Placeholders** (``-``, ``N/A``, ``chưa có``, ``0``, ``00/00/0000`` …) in a date cell mean "no
date": the cell is blank, and counted.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from tthc.arrowbytes import holds_only
from tthc.errors import InputFileError
from tthc.ingest.values import lit

SERIAL_MIN, SERIAL_MAX = 20000, 80000
PLACEHOLDERS = (
    "-", "--", "---", "—", "–", "_", "n/a", "na", "#n/a!", "null", "none", "...", "…", "0",
    "chưa có", "không có", "chưa", "không", "chưa kết thúc", "chưa xử lý", "chưa trả",
    "00/00/0000", "0000-00-00", "00-00-0000", "0/0/0000",
)  # fmt: skip

# Fast path: the common forms, which DuckDB's strptime parses in C++. Formats are tried in
# order and a failed attempt costs about ten times a match: the most frequent come first.
_TIMES = (" %H:%M:%S", " %H:%M", "", " %H:%M:%S.%f")
_ISO = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f",
)  # fmt: skip

# Slow path, for the rows the fast path leaves: rewrite the other forms into the fast ones.
# (pattern, replacement) applied in order on the upper-cased text.
_REWRITES = (
    (r"(\d)\s*(SÁNG|SA)(\s|$)", r"\1 AM\3"),  # vi-VN 12-hour markers
    (r"(\d)\s*(CHIỀU|TỐI|CH)(\s|$)", r"\1 PM\3"),
    (r"(\d{1,2})H(\d{2})", r"\1:\2"),  # 8h30
    # time before date: "08:30 18/05/2026" -> "18/05/2026 08:30"
    (
        r"^(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?:\s*[AP]M)?)\s*[,\-]?\s+"
        r"(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4})$",
        r"\2 \1",
    ),
    (r"^(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4})\s*[,\-T]\s*", r"\1 "),  # "18/05/2026, 8:30"
    (r"^(\d{1,2})[.\-](\d{1,2})[.\-]", r"\1/\2/"),
    (r"^(\d{1,2})/(\d{1,2})/(\d{2})(\s|$)", r"\1/\2/20\3\4"),  # two-digit year: 20yy
    (r"(\d)([AP]M)$", r"\1 \2"),
    (r"Z$", "+00:00"),  # ISO zone letter
)
_SLOW_TIMES = (" %I:%M:%S %p", " %I:%M %p", " %H:%M:%S.%f", " %H:%M:%S", " %H:%M", "")
_ZONED = ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z",
          "%Y-%m-%d %H:%M:%S.%f%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%d %H:%M%z")  # fmt: skip
_VN_OFFSET_US = 7 * 3600 * 1_000_000
_SERIAL = r"^\d{5}(?:\.\d+)?$"
# Evidence: the numbers of a d/m/y date at the start of a cell, or after a time.
_DATE_START = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?!\d)")
_TIME_START = re.compile(r"^\d{1,2}[:hH]\d{2}")
_TIME_MARKER = re.compile(r"^\d{1,2}[:H]\d{2}\S*\s*(?:AM|PM|SA|CH)\s")
_TIME_FIRST = re.compile(
    r"^\d{1,2}[:hH]\d{2}\S*\s*(?:\S+\s+)?(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})\s*$"
)
_DATE_BYTES = "0123456789/:-., "  # what a cell of digits and date punctuation is made of
_TWELVE_HOUR_END = re.compile(r"\d\s*(?:AM|PM|SA|CH|SÁNG|CHIỀU|TỐI)$")
_SERIAL_START = re.compile(r"^\d{5}(?:\.\d*)?$")


@dataclass
class ColumnEvidence:
    """What one date column's text shows (counts of non-blank cells)."""

    label: str
    cells: int = 0
    slash_dates: int = 0  # dd/mm/yyyy-like (either order)
    day_first: int = 0  # proofs of day first (13-31 first)
    month_first: int = 0  # proofs of month first (13-31 second)
    two_digit_years: int = 0
    twelve_hour: int = 0
    serials: int = 0
    placeholders: int = 0
    day_first_example: str | None = None
    month_first_example: str | None = None
    # Where the examples are: the file's row of the first such cell (None: rows not given).
    day_first_row: int | None = None
    month_first_row: int | None = None


@dataclass
class DateDecision:
    """How a file's dates are read, and the record of why (for the ledger)."""

    order: str = "dmy"  # dmy | mdy
    date1904: bool = False
    records: list[dict] = field(default_factory=list)
    # A due cell may be a duration ("5 ngày làm việc", "8 giờ"), not a date; False only when
    # no due cell can be one (stage.py then skips the test).
    due_durations: bool = True


def gather(
    columns: dict[str, tuple[pa.Array | pa.ChunkedArray, str]], rows: pa.Array | None = None
) -> dict[str, ColumnEvidence]:
    """Evidence per date column. ``columns``: field -> (clean text column, label); ``rows``:
    each cell's row in the file, to say where an example is.

    Every cell is looked at, cheaply: a column's cells share few date prefixes (a year of
    exports has a few hundred distinct days), so the first ten characters are counted by value
    in Arrow and each distinct prefix is read once in Python; only cells with the time before
    the date are read whole.
    """
    if len(columns) < 2:
        return {f: _evidence(arr, label, rows) for f, (arr, label) in columns.items()}
    # Arrow's kernels release the GIL: the columns are looked at side by side, one per core.
    with ThreadPoolExecutor(max_workers=min(len(columns), os.cpu_count() or 1)) as pool:
        found = pool.map(lambda item: _evidence(item[0], item[1], rows), columns.values())
        return dict(zip(columns, found, strict=True))


def _evidence(
    arr: pa.Array | pa.ChunkedArray, label: str, rows: pa.Array | None = None
) -> ColumnEvidence:
    ev = ColumnEvidence(label)
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    if len(arr) == 0:
        return ev
    arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    ev.cells = len(arr) - arr.null_count
    if ev.cells == 0:
        return ev
    counts: dict[str, int] = {}
    for item in pc.value_counts(pc.utf8_slice_codeunits(arr, 0, 10)).to_pylist():
        if item["values"] is not None:
            counts[item["values"]] = item["counts"]
    time_first = [v for v in counts if _TIME_START.match(v)]
    if time_first:
        whole = pc.filter(arr, pc.match_substring_regex(arr, _TIME_START.pattern))
        for item in pc.value_counts(whole).to_pylist():
            m = _TIME_FIRST.match(item["values"])
            if _TIME_MARKER.search(item["values"].upper()):
                ev.twelve_hour += item["counts"]
            if m:
                _count_date(ev, m.group(1), m.group(2), m.group(3), item["values"], item["counts"])
    for value, n in counts.items():
        if value in time_first:
            continue
        m = _DATE_START.match(value)
        if m:
            _count_date(ev, m.group(1), m.group(2), m.group(3), value, n)
        if _SERIAL_START.match(value):
            ev.serials += n
        elif value.lower() in PLACEHOLDERS:
            ev.placeholders += n
    # A 12-hour marker is letters ("CH", "pm", or an "ſa" that upper() makes "SA"): a column
    # of digits and date punctuation only has none, and the look at every cell's end (the
    # dearest step here, 10-18 ms a column of 200,000) is skipped.
    if not holds_only(arr, _DATE_BYTES):
        for item in pc.value_counts(pc.utf8_slice_codeunits(arr, -6)).to_pylist():
            if item["values"] is not None and _TWELVE_HOUR_END.search(item["values"].upper()):
                ev.twelve_hour += item["counts"]
    ev.day_first_example, ev.day_first_row = _whole(arr, ev.day_first_example, rows)
    ev.month_first_example, ev.month_first_row = _whole(arr, ev.month_first_example, rows)
    return ev


def _whole(
    arr: pa.Array, prefix: str | None, rows: pa.Array | None
) -> tuple[str | None, int | None]:
    """The first cell that starts with ``prefix`` (an example for messages), and its row."""
    if prefix is None:
        return None, None
    at = pc.fill_null(pc.starts_with(arr, prefix), False)
    hits = pc.filter(arr, at)
    if not len(hits):
        return prefix.strip(), None
    row = None if rows is None else pc.filter(rows, at)[0].as_py()
    return hits[0].as_py(), row


def _count_date(ev: ColumnEvidence, a: str, b: str, y: str, example: str, n: int) -> None:
    first, second = int(a), int(b)
    if not (1 <= first <= 31 and 1 <= second <= 31):
        return
    ev.slash_dates += n
    if len(y) == 2:
        ev.two_digit_years += n
    if first > 12 and second <= 12:
        ev.day_first += n
        ev.day_first_example = ev.day_first_example or example
    elif second > 12 and first <= 12:
        ev.month_first += n
        ev.month_first_example = ev.month_first_example or example


# At most this many cells of the rarer order in a column read as typing slips, not as a second
# way of writing dates: the message then points at them rather than at a new export.
_FEW = 3


def _both_orders(ev: ColumnEvidence, name: str) -> str:
    """One column with dates that only day/month fits and dates that only month/day fits: how
    many of each, where, and what to do (a typo is corrected in the file; a file written both
    ways is exported again)."""

    def where(row: int | None) -> str:
        return f", dòng {row}" if row is not None else ""

    dmy = f'{ev.day_first} ô ngày/tháng ("{ev.day_first_example}"{where(ev.day_first_row)})'
    mdy = f'{ev.month_first} ô tháng/ngày ("{ev.month_first_example}"{where(ev.month_first_row)})'
    head = (
        f'Tệp {name}: cột "{ev.label}" có ngày viết theo cả hai kiểu, {dmy} và {mdy}, nên không '
        "xác định được các ngày còn lại"
    )
    few = min(ev.day_first, ev.month_first)
    if few <= _FEW:
        odd = "tháng/ngày" if ev.month_first == few else "ngày/tháng"
        return (
            f"{head}: {few} ô viết kiểu {odd} có lẽ là ô gõ sai; hãy sửa ô đó trong tệp rồi nạp lại "
            "(nếu không phải, hãy xuất lại với một định dạng dd/mm/yyyy)."
        )
    return f"{head}; hãy xuất lại với một định dạng dd/mm/yyyy."


def decide(evidence: dict[str, ColumnEvidence], default_order: str, date1904: bool, name: str):
    """The file's :class:`DateDecision`; an :class:`InputFileError` for contradicting evidence."""
    decision = DateDecision(order=default_order, date1904=date1904)
    for ev in evidence.values():
        if ev.day_first and ev.month_first:
            raise InputFileError(_both_orders(ev, name))
    dmy = [ev for ev in evidence.values() if ev.day_first]
    mdy = [ev for ev in evidence.values() if ev.month_first]
    if dmy and mdy:
        raise InputFileError(
            f'Tệp {name}: cột "{dmy[0].label}" viết ngày trước tháng ("{dmy[0].day_first_example}") '
            f'nhưng cột "{mdy[0].label}" viết tháng trước ngày ("{mdy[0].month_first_example}"): '
            "không xác định được thứ tự ngày/tháng; hãy xuất lại với một định dạng dd/mm/yyyy."
        )
    slash = sum(ev.slash_dates for ev in evidence.values())
    if mdy:
        decision.order = "mdy"
        ev = mdy[0]
        decision.records.append(
            {
                "what": "date_order",
                "order": "mdy",
                "source": "evidence",
                "detail": f'ngày viết tháng trước ngày (kiểu Excel tiếng Anh): cột "{ev.label}" có '
                f'"{ev.month_first_example}" (số thứ hai trên 12 không thể là tháng); áp dụng cho '
                f"{slash} ô ngày của tệp",
            }
        )
    elif dmy:
        decision.order = "dmy"
        ev = dmy[0]
        decision.records.append(
            {
                "what": "date_order",
                "order": "dmy",
                "source": "evidence",
                "detail": f'ngày viết ngày trước tháng: cột "{ev.label}" có "{ev.day_first_example}"',
            }
        )
    elif slash:
        decision.records.append(
            {
                "what": "date_order",
                "order": default_order,
                "source": "unit_setting",
                "detail": f"{slash} ô ngày không có ngày nào trên 12 nên không tự xác định được thứ "
                "tự ngày/tháng: theo quy ước của đơn vị ("
                + ("ngày trước tháng" if default_order == "dmy" else "tháng trước ngày")
                + ", khóa exports.date_order)",
            }
        )
    epoch = "01/01/1904 (tệp Excel cho Mac)" if date1904 else "30/12/1899 (mốc 1900)"
    counted = (
        ("two_digit_years", "two_digit_year", "ô ngày ghi năm 2 chữ số: hiểu 'yy' là năm 20yy"),
        ("twelve_hour", "twelve_hour", "ô giờ ghi kiểu 12 giờ (SA/CH, AM/PM): đã đổi sang 24 giờ"),
        ("serials", "serial_epoch", f"ô ngày là số sê-ri Excel: tính từ mốc {epoch}"),
        ("placeholders", "date_placeholders",
         "ô ngày ghi ký hiệu thay cho 'chưa có' ('-', 'N/A' …): coi là để trống"),
    )  # fmt: skip
    for attr, what, text in counted:
        cells = sum(getattr(ev, attr) for ev in evidence.values())
        if cells:
            record = {"what": what, "cells": cells, "detail": f"{cells} {text}"}
            if what == "serial_epoch":
                record["epoch"] = 1904 if date1904 else 1900
            decision.records.append(record)
    return decision


def is_placeholder(t: str) -> str:
    """SQL: the text ``t`` (already blank -> NULL) is a "no date" placeholder."""
    return f"coalesce(lower({t}) IN ({', '.join(lit(p) for p in PLACEHOLDERS)}), false)"


def common_form_sql(col: str, decision: DateDecision | None = None) -> str:
    """SQL: the one ``try_strptime`` of a date cell's common forms (NULL when none fits, and a
    year below 1000 when a two-digit year was read as four); see :func:`timestamp_sql`."""
    decision = decision or DateDecision()
    d, m = ("%d", "%m") if decision.order == "dmy" else ("%m", "%d")
    slash = [f"{d}/{m}/%Y{time}" for time in _TIMES]
    others = [f"{d}{sep}{m}{sep}%Y{time}" for sep in ("-", ".") for time in _TIMES]
    return f"try_strptime(nullif({col}, ''), [{_fmts(slash + list(_ISO) + others)}])"


def timestamp_sql(col: str, decision: DateDecision | None = None, common: str | None = None) -> str:
    """SQL: the timestamp a date cell means under ``decision``; NULL when blank, a placeholder
    or not a date (the caller tells those apart with :func:`is_placeholder`).

    The common forms go through one ``try_strptime`` in C++; only the cells it leaves are
    rewritten (:data:`_REWRITES`) and parsed again, so a file in the usual form pays nothing
    for the rarer ones. ``common``: a column already holding :func:`common_form_sql` of
    ``col`` under the same ``decision`` (DuckDB would otherwise parse each cell twice: once
    to test the year, once for the value).
    """
    decision = decision or DateDecision()
    t = f"nullif({col}, '')"
    d, m = ("%d", "%m") if decision.order == "dmy" else ("%m", "%d")
    fast_sql = common or common_form_sql(col, decision)
    rewritten = f"upper({t})"
    for pattern, replacement in _REWRITES:
        rewritten = f"regexp_replace({rewritten}, {lit(pattern)}, {lit(replacement)})"
    slow = [f"{d}/{m}/%Y{time}" for time in _SLOW_TIMES]
    slow_sql = f"try_strptime({rewritten}, [{_fmts(slow)}])"
    zoned = (
        f"make_timestamp(epoch_us(try_strptime({rewritten}, [{_fmts(list(_ZONED))}])) "
        f"+ {_VN_OFFSET_US})"
    )
    base = "TIMESTAMP '1904-01-01'" if decision.date1904 else "TIMESTAMP '1899-12-30'"
    serial = (
        f"{base} + to_microseconds(CAST(round(TRY_CAST({t} AS DOUBLE) * 86400) AS BIGINT) "
        "* 1000000)"
    )
    return f"""(CASE
        WHEN {t} IS NULL THEN NULL
        WHEN year({fast_sql}) >= 1000 THEN {fast_sql}
        WHEN regexp_full_match({t}, {lit(_SERIAL)}) THEN
            CASE WHEN TRY_CAST({t} AS DOUBLE) BETWEEN {SERIAL_MIN} AND {SERIAL_MAX} THEN {serial} END
        WHEN regexp_matches({t}, '^\\d{{4}}-') THEN {zoned}
        ELSE {slow_sql}
    END)"""


def _fmts(formats: list[str]) -> str:
    return ", ".join(lit(f) for f in formats)
