"""What sits in or under an export's table and is not a case: the header printed again above
each page, the totals row and the signature block.

Print-layout exports repeat the header line (and its numbering row) at the top of every page;
read as data, each copy would be a rejected row whose date is "Ngày nhận"
(:func:`repeated_header_rows`). Lists grouped by field put a group title ("I. Lĩnh vực Hộ tịch")
and a subtotal ("Cộng: 2 hồ sơ") around each group, where the code of a case would be
(:func:`section_rows`): no code reads like that, so such rows are set aside wherever they are.

Exports end with "Tổng cộng: 6 hồ sơ", a place and date line ("An Trường, ngày 15 tháng 6 năm
2026"), the signers' titles ("NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ") and their names. Read as
data they would be rejected rows, and a report whose every export has "3 rows rejected" teaches
people to ignore rejections. They are recognised here and recorded in the ledger as non-data
rows, with their row numbers; they are not rows read.

Only the rows after the table's last row are considered, and only when they contain a totals
or signature marker: trailing rows that carry no such marker stay data (and are rejected with
a reason if they are not valid cases). Blank rows may sit between them; like every blank row
they are no rows at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tthc.arrowbytes import may_contain
from tthc.text import clean_arrow, key, key_arrow

_TOTALS = re.compile(r"^(tổng cộng|tổng số|tổng|cộng)\s*(:|\(|\d|$)")
_SIGNATURE = re.compile(
    r"người lập|lập biểu|thủ trưởng|kế toán|xác nhận|giám đốc|chủ tịch|trưởng phòng|"
    r"lãnh đạo|(ký|kí),? ghi rõ|ký tên|đóng dấu|người kiểm tra|người duyệt|"
    r"tm\. |kt\. |q\. |ngày\s+\d{0,2}\.*\s*tháng\s+\d{0,2}\.*\s*năm"
)
_NAME_WORD = re.compile(r"^[^\W\d_]+$")


# A cell that is a date and nothing else, as a case's date columns hold it (01/06/2026 08:00,
# 2026-06-01T08:00:00, 08:00 01/06/2026, 1.6.26): a signature block's date sits inside text
# ("An Trường, ngày 15/06/2026") or is spelt out ("ngày … tháng … năm").
_DATE = r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}"
_TIME = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*(?:sa|ch|am|pm))?"
_DATE_CELL = re.compile(rf"{_DATE}(?:[ t]{_TIME}\S*)?|{_TIME},?\s+{_DATE}")


def _kind(cells: list[str], key_col: int | None = None) -> str:
    """'blank', 'marker' (totals or signature text) or 'name' (a few words, no digits), else ''.

    A totals text ("Tổng cộng", "Cộng: 12") in any cell makes a marker, even with a count in the
    code column. Otherwise a row whose ``key_col`` cell (the case, PAKN or procedure code)
    holds a digit and is no signature text itself is a row of the list whatever its other
    cells say: "Cấp Giấy xác nhận tình trạng hôn nhân" is a procedure, not the signer's "XÁC
    NHẬN". Signature words count only in a row with no cell that is a date and nothing else.
    """
    texts = [key(c) for c in cells if c and c.strip()]
    if not texts:
        return "blank"
    if any(_TOTALS.match(t) for t in texts):
        return "marker"
    code = key(cells[key_col]) if key_col is not None and key_col < len(cells) else ""
    if any(ch.isdigit() for ch in code) and not _SIGNATURE.search(code):
        return ""
    if not any(_DATE_CELL.fullmatch(t) for t in texts) and any(_SIGNATURE.search(t) for t in texts):
        return "marker"
    words = [w for t in texts for w in t.split()]
    if len(texts) <= 3 and 2 <= len(words) <= 12 and all(_NAME_WORD.match(w) for w in words):
        return "name"
    return ""


def trailing_non_data(
    rows: list[tuple[int, list[str]]], key_col: int | None = None
) -> list[tuple[int, str]]:
    """(row number, why) of the footer rows at the end of ``rows`` (row number, all cells);
    ``key_col``: the index of the code column in those cells (see :func:`_kind`).

    The footer is the longest run of rows at the end made of blank, marker and name rows that
    starts with a marker row: names only follow a title.
    """
    kinds = [(n, _kind(cells, key_col)) for n, cells in rows]
    start = len(kinds)
    while start > 0 and kinds[start - 1][1] in ("blank", "marker", "name"):
        start -= 1
    # The footer begins at its first marker; rows before that marker stay data.
    while start < len(kinds) and kinds[start][1] != "marker":
        start += 1
    why = {"marker": "dòng tổng cộng / chữ ký", "name": "họ tên người ký"}
    # Blank rows are no rows anywhere (ingest skips them): only the written ones are listed.
    return [(n, why[k]) for n, k in kinds[start:] if k != "blank"]


def repeated_header_rows(
    columns: Mapping[int, pa.Array | pa.ChunkedArray],
    mapped: Sequence[int],
    header_lines: Sequence[Sequence[str]],
) -> np.ndarray:
    """Indexes of body rows that repeat one of ``header_lines`` (the header's line or lines,
    and a numbering row under them) in every ``mapped`` column: the header printed again on
    each page. A line is only looked for when it names at least two of the mapped columns.

    One cheap pass (trimmed, lower-cased text of one column) finds the candidates; only they
    are compared cleaned (:func:`tthc.text.key`) in every column.
    """
    found: set[int] = set()
    for line in header_lines:
        want = {c: key(line[c]) if c < len(line) else "" for c in mapped}
        named = [c for c, v in want.items() if v]
        if len(named) < 2 or not columns:
            continue
        first = columns[named[0]]
        if not want[named[0]].isascii() and not may_contain(first, "", non_ascii=True):
            continue  # a Vietnamese header word never reads back from a column of ASCII codes
        near = pc.equal(pc.utf8_lower(pc.utf8_trim_whitespace(first)), want[named[0]])
        candidates = np.flatnonzero(pc.fill_null(near, False).to_numpy(zero_copy_only=False))
        if not len(candidates):
            continue
        take = pa.array(candidates)
        same = np.ones(len(candidates), dtype=bool)
        for c, v in want.items():
            cells = key_arrow(clean_arrow(pc.take(columns[c], take)))
            same &= pc.fill_null(pc.equal(cells, v), False).to_numpy(zero_copy_only=False)
        found.update(int(i) for i in candidates[same])
    return np.array(sorted(found), dtype=np.int64)


# In the code column: a group title ("I. Lĩnh vực Hộ tịch", "1. Hộ tịch", "Lĩnh vực: Hộ tịch")
# or a subtotal ("Cộng: 2", "Cộng lĩnh vực", "Tổng số"). No case, PAKN or procedure code starts
# with a word and a space, or with a numbering and a word.
_SECTION = (  # RE2, over the trimmed, lower-cased cell
    r"^(?:(?:[ivxlc]+|\d{1,2}|[a-zđ])[.)]\s+\pL|lĩnh vực(?:\s|:|$)|(?:tổng cộng|tổng số|tổng|cộng)"
    r"(?:\s|:|\(|\d|$))"
)


def section_rows(codes: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """Indexes of rows whose code cell (``codes``, clean text) is a group title or a subtotal,
    and those cells (for the ledger)."""
    # Every form of _SECTION has a space after its numbering or a Vietnamese letter: a column of
    # ASCII codes without whitespace (the usual case) holds none.
    if len(codes) == 0 or not may_contain(codes, "\t\n\f\r ", non_ascii=True):
        return np.array([], dtype=np.int64), []
    lowered = pc.utf8_lower(pc.utf8_trim_whitespace(codes))
    hits = pc.fill_null(pc.match_substring_regex(lowered, _SECTION), False)
    idx = np.flatnonzero(hits.to_numpy(zero_copy_only=False))
    return idx, [codes[int(i)].as_py() for i in idx]
