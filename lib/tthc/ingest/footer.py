"""What sits under an export's table and is not a case: the totals row and the signature block.

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

from tthc.text import key

_TOTALS = re.compile(r"^(tổng cộng|tổng số|tổng|cộng)\s*(:|\(|\d|$)")
_SIGNATURE = re.compile(
    r"người lập|lập biểu|thủ trưởng|kế toán|xác nhận|giám đốc|chủ tịch|trưởng phòng|"
    r"lãnh đạo|(ký|kí),? ghi rõ|ký tên|đóng dấu|người kiểm tra|người duyệt|"
    r"tm\. |kt\. |q\. |ngày\s+\d{0,2}\.*\s*tháng\s+\d{0,2}\.*\s*năm"
)
_NAME_WORD = re.compile(r"^[^\W\d_]+$")


def _kind(cells: list[str]) -> str:
    """'blank', 'marker' (totals or signature text) or 'name' (a few words, no digits), else ''."""
    texts = [key(c) for c in cells if c and c.strip()]
    if not texts:
        return "blank"
    if any(_TOTALS.match(t) or _SIGNATURE.search(t) for t in texts):
        return "marker"
    words = [w for t in texts for w in t.split()]
    if len(texts) <= 3 and 2 <= len(words) <= 12 and all(_NAME_WORD.match(w) for w in words):
        return "name"
    return ""


def trailing_non_data(rows: list[tuple[int, list[str]]]) -> list[tuple[int, str]]:
    """(row number, why) of the footer rows at the end of ``rows`` (row number, all cells).

    The footer is the longest run of rows at the end made of blank, marker and name rows that
    starts with a marker row: names only follow a title.
    """
    kinds = [(n, _kind(cells)) for n, cells in rows]
    start = len(kinds)
    while start > 0 and kinds[start - 1][1] in ("blank", "marker", "name"):
        start -= 1
    # The footer begins at its first marker; rows before that marker stay data.
    while start < len(kinds) and kinds[start][1] != "marker":
        start += 1
    why = {"marker": "dòng tổng cộng / chữ ký", "name": "họ tên người ký"}
    # Blank rows are no rows anywhere (ingest skips them): only the written ones are listed.
    return [(n, why[k]) for n, k in kinds[start:] if k != "blank"]
