"""The date an export was taken ("as of"), and the first day its list covers, from its title rows.

Looked for in order: an export/print date ("Ngày xuất: 15/06/2026 08:00", "Ngày in", "Thời
điểm xuất"), then "Tính đến ngày …", then the end of a range ("Từ ngày … đến ngày …"). A date
without a time means the end of that day (23:59:59): the export covers the whole day. When no
title row carries a date, the pipeline uses the latest reception/end/return (PAKN: reception or
handling) timestamp inside the file, and failing that the time of ingest.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_DATE = r"(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{4})(?:\s*(?:lúc\s*)?(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?"
_WORDS = r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
_EXPORT = (
    r"(?:ngày\s+xuất|thời\s+điểm\s+xuất|thời\s+gian\s+xuất|xuất\s+ngày|ngày\s+in|ngày\s+lập)"
    r"(?:\s+báo\s+cáo)?\s*:?\s*"
)
# (prefix before a dd/mm/yyyy date, prefix before "ngày d tháng m năm y"), most telling first.
_PATTERNS = (
    (_EXPORT, _EXPORT),
    (r"tính\s+đến\s+(?:hết\s+)?(?:ngày\s*)?:?\s*", r"tính\s+đến\s+(?:hết\s+)?"),
    (r"đến\s+(?:hết\s+)?ngày\s*:?\s*", r"đến\s+(?:hết\s+)?"),
)


def title_export_time(lines: list[str]) -> dt.datetime | None:
    """The moment the export describes, when its title says it: an export or print time
    ("Ngày xuất: 15/06/2026 08:00") or a cut-off ("Tính đến ngày 14/06/2026"). The end of a
    "từ … đến …" range is not one: the list's events may be later than its reception window.
    """
    return _first_date(lines, _PATTERNS[:2])


def title_as_of(lines: list[str]) -> dt.datetime | None:
    """The export date named in the title rows (export time, cut-off, or the end of the range
    it lists), or None."""
    return _first_date(lines, _PATTERNS)


def _first_date(lines: list[str], patterns) -> dt.datetime | None:
    text = unicodedata.normalize("NFC", " | ".join(lines)).casefold()
    for prefix, word_prefix in patterns:
        m = re.search(prefix + _DATE, text)
        if m:
            d, mo, y, hh, mm, ss = m.groups()
            try:
                if hh is None:
                    return dt.datetime(int(y), int(mo), int(d), 23, 59, 59)
                return dt.datetime(int(y), int(mo), int(d), int(hh), int(mm), int(ss or 0))
            except ValueError:
                continue
        m = re.search(word_prefix + _WORDS, text)
        if m:
            d, mo, y = m.groups()
            try:
                return dt.datetime(int(y), int(mo), int(d), 23, 59, 59)
            except ValueError:
                continue
    return None


_FROM = r"từ\s+(?:ngày\s*)?:?\s*"


def title_covers_from(lines: list[str]) -> dt.date | None:
    """The first day the export lists, from a range in the title rows ("Từ ngày 01/01/2026 đến
    ngày 14/06/2026", "từ ngày 1 tháng 1 năm 2026 …"), or None when the title names no range.

    Months before that day are not in the file: a chart must not show them as months with no
    cases (domain.md §7: exports are taken over a chosen reception window).
    """
    text = unicodedata.normalize("NFC", " | ".join(lines)).casefold()
    for pattern in (_FROM + _DATE, r"từ\s+" + _WORDS):
        for m in re.finditer(pattern, text):
            d, mo, y = m.groups()[:3]
            try:
                return dt.date(int(y), int(mo), int(d))
            except ValueError:
                continue
    return None


_DATE_ONLY = r"(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{4})"
_TO = r"\s*(?:[-–—]|đến|tới)\s*(?:hết\s+)?"
# (range start, range end): the end's groups are the 4th to 6th.
_RANGES = (
    _FROM + _DATE_ONLY + _TO + r"(?:ngày\s*)?:?\s*" + _DATE_ONLY,
    r"từ\s+" + _WORDS + _TO + _WORDS,
)


def title_covers_to(lines: list[str]) -> dt.date | None:
    """The last day of the range the title names ("Từ ngày 01/01/2026 đến ngày 14/06/2026" ->
    14/06/2026; "từ ngày 1 tháng 1 năm 2026 đến ngày 14 tháng 6 năm 2026"), or None.

    Only the end of a "từ … đến …" range counts: "Tính đến ngày …" alone is an as-of date, not
    the end of a listed range.
    """
    text = unicodedata.normalize("NFC", " | ".join(lines)).casefold()
    for pattern in _RANGES:
        for m in re.finditer(pattern, text):
            d, mo, y = m.groups()[3:6]
            try:
                return dt.date(int(y), int(mo), int(d))
            except ValueError:
                continue
    return None


def now_local() -> dt.datetime:
    """Vietnam local time (UTC+7, no daylight saving), naive, to the second."""
    tz = dt.timezone(dt.timedelta(hours=7))
    return dt.datetime.now(tz).replace(tzinfo=None, microsecond=0)
