"""Finding the header row under the title rows and mapping its columns to canonical fields.

Exports open with title rows ("ỦY BAN NHÂN DÂN XÃ …", "DANH SÁCH HỒ SƠ …", "Từ ngày … đến ngày …")
and may spread a header over two rows with merged cells ("Ngày" over "nhận | hẹn trả"). Every
row of the sheet's head, and every pair of consecutive rows that looks like a two-row header, is
scored by how many distinct canonical fields its labels name; the best one is the header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tthc.ingest.aliases import AliasTable, HeaderMatch
from tthc.ingest.sheets import Sheet, column_letter
from tthc.schema import Kind

# A cell that looks like data rather than a label: a date, a time or a number.
_DATA_LIKE = re.compile(r"^(\d{1,4}[/\-.]\d{1,2}[/\-.]\d{1,4}.*|\d+([.,]\d+)?|\d{1,2}:\d{2}.*)$")

# Fields that can only come from one column; when a more specific field is present the other
# column is reported as ignored with this reason.
_SUPERSEDED = {
    Kind.CASES: {
        "online_flag": ("channel", "đã có cột kênh thực hiện nên cột cờ trực tuyến không dùng"),
        "result_file_path": ("has_result_file", "đã có cột có/không tệp kết quả"),
    }
}


@dataclass
class ColumnMap:
    """How the columns of one sheet are understood."""

    kind: Kind
    header_index: int  # 0-based row of the last header line
    header_rows: int  # 1, or 2 for a two-row header
    labels: list[str]  # per column, as shown to the user ("Ngày / nhận" for two rows)
    fields: dict[str, int] = field(default_factory=dict)  # canonical field -> column
    personal: list[int] = field(default_factory=list)  # personal-data columns
    ignored: list[dict[str, str]] = field(default_factory=list)  # [{header, reason}]
    title_lines: list[str] = field(default_factory=list)  # text of the rows above the header
    score: int = 0
    # (column used, column ignored) pairs of one field under the same name ("Ngày nhận" twice):
    # the ingest checks they hold the same values, else which one is meant cannot be told.
    duplicates: list[tuple[int, int]] = field(default_factory=list)

    @property
    def header_row(self) -> int:
        """1-based sheet row of the (last) header line."""
        return self.header_index + 1

    @property
    def column_map(self) -> dict[str, str]:
        return {self.labels[c]: f for f, c in sorted(self.fields.items(), key=lambda kv: kv[1])}

    @property
    def personal_headers(self) -> list[str]:
        return [self.labels[c] for c in self.personal]

    def label(self, name: str) -> str:
        return self.labels[self.fields[name]]


def found_headers(sheet: Sheet) -> list[str]:
    """The most header-like row of the head (most text cells): for 'no header' messages."""
    best: list[str] = []
    for row in sheet.head:
        cells = [c for c in row if c and not _DATA_LIKE.match(c)]
        if len(cells) > len(best):
            best = cells
    return best


def _column_candidates(sheet: Sheet, r: int, two_rows: bool) -> list[tuple[str, list[str]]]:
    """Per column, its display label and the labels to try in order (parent+child, child)."""
    top = list(sheet.head[r])
    if not two_rows:
        return [(c, [c] if c else []) for c in top]
    child = sheet.head[r + 1]
    parent = _fill_groups(sheet, r, top, child)
    out: list[tuple[str, list[str]]] = []
    for p, c in zip(parent, child, strict=True):
        if p and c and p != c:
            out.append((f"{p} / {c}", [f"{p} {c}", c]))
        elif c:
            out.append((c, [c]))
        else:
            out.append((p, [p] if p else []))
    return out


def _fill_groups(sheet: Sheet, r: int, top: list[str], child: list[str]) -> list[str]:
    """Spread a group label over the columns it spans (merged cell, or blank cells to its right)."""
    parent = list(top)
    merged_here = False
    for r0, c0, r1, c1 in sheet.merged:
        if r0 == r and r1 == r and c1 > c0:
            merged_here = True
            for c in range(c0 + 1, min(c1 + 1, len(parent))):
                parent[c] = parent[c0]
    if not merged_here:
        for c in range(1, len(parent)):
            if not parent[c] and child[c] and child[c - 1] and parent[c - 1]:
                parent[c] = parent[c - 1]
    return parent


def _looks_two_row(sheet: Sheet, r: int) -> bool:
    if r + 1 >= len(sheet.head):
        return False
    top, child = sheet.head[r], sheet.head[r + 1]
    if any(c and _DATA_LIKE.match(c) for c in child):
        return False
    if not any(child):
        return False
    spans = any(r0 == r and c1 > c0 for r0, c0, _r1, c1 in sheet.merged)
    gaps = any(not t and c for t, c in zip(top, child, strict=True))
    return spans or gaps


def _classify(aliases: AliasTable, kind: Kind, candidates: list[str]) -> HeaderMatch:
    for label in candidates:
        hit = aliases.classify(kind, label)
        if hit.cls == "field":
            return hit
    if any(aliases.classify(kind, label).cls == "personal" for label in candidates):
        return HeaderMatch("personal")
    if any(aliases.classify(kind, label).cls == "ignore" for label in candidates):
        return HeaderMatch("ignore")
    return HeaderMatch("unknown")


_NUMBER_CELL = re.compile(r"^\(?(\d{1,3})\)?$")


def _is_numbering_row(sheet: Sheet, r: int) -> bool:
    """A row that only numbers the columns: 1, 2, 3, … or (1), (2), (3), … in order."""
    if r >= len(sheet.head):
        return False
    cells = [c for c in sheet.head[r] if c]
    numbers = [m.group(1) for m in map(_NUMBER_CELL.match, cells) if m]
    if len(cells) < 3 or len(numbers) != len(cells):
        return False
    values = [int(n) for n in numbers]
    return values == list(range(values[0], values[0] + len(values)))


def map_columns(sheet: Sheet, aliases: AliasTable, kind: Kind, r: int, two_rows: bool) -> ColumnMap:
    """Map the header at row ``r`` (and ``r + 1`` for a two-row header) for one kind."""
    columns = _column_candidates(sheet, r, two_rows)
    labels = [display for display, _ in columns]
    candidates = [cands for _, cands in columns]
    last = r + 1 if two_rows else r
    if _is_numbering_row(sheet, last + 1):
        last += 1  # "(1) (2) (3) …" under the labels, as official tables print it
    cmap = ColumnMap(kind, last, 2 if two_rows else 1, labels)
    best: dict[str, tuple[int, int]] = {}  # field -> (rank, column)
    losers: list[tuple[int, str]] = []
    ranks: dict[int, int] = {}  # column -> rank of the alias it matched
    for col, cands in enumerate(candidates):
        if not cands:
            continue
        hit = _classify(aliases, kind, cands)
        if hit.cls == "field":
            assert hit.field is not None
            ranks[col] = hit.rank
            prev = best.get(hit.field)
            if prev is None or hit.rank < prev[0]:
                if prev is not None:
                    losers.append((prev[1], hit.field))
                best[hit.field] = (hit.rank, col)
            else:
                losers.append((col, hit.field))
        elif hit.cls == "personal":
            cmap.personal.append(col)
        elif hit.cls == "ignore":
            cmap.ignored.append({"header": labels[col], "reason": "cột không dùng cho báo cáo"})
        else:
            cmap.ignored.append({"header": labels[col], "reason": "không nhận ra tên cột"})
    cmap.fields = {f: col for f, (_rank, col) in best.items()}
    for col, name in losers:
        kept = cmap.fields[name]
        winner = labels[kept]
        if ranks[col] == ranks[kept]:
            cmap.duplicates.append((kept, col))
            letters = f"cột {column_letter(kept + sheet.col0)} và {column_letter(col + sheet.col0)}"
            reason = f"cùng tên với cột '{winner}' ({letters}) và cùng giá trị: dùng cột đầu"
        else:
            reason = f"trùng trường '{name}' với cột '{winner}' (dùng tên cột cụ thể hơn)"
        cmap.ignored.append({"header": labels[col], "reason": reason})
    for weaker, (stronger, reason) in _SUPERSEDED.get(kind, {}).items():
        if weaker in cmap.fields and stronger in cmap.fields:
            col = cmap.fields.pop(weaker)
            cmap.ignored.append({"header": labels[col], "reason": reason})
    cmap.title_lines = [
        " ".join(c for c in row if c) for row in sheet.head[:r] if any(c for c in row)
    ]
    cmap.score = len(cmap.fields)
    return cmap


def header_candidates(sheet: Sheet, aliases: AliasTable, kinds: list[Kind]) -> list[ColumnMap]:
    """Every plausible header (row or row pair) of the sheet for each kind, best first."""
    out: list[ColumnMap] = []
    for r in range(len(sheet.head)):
        if sum(1 for c in sheet.head[r] if c) < 2 and not _looks_two_row(sheet, r):
            continue
        for kind in kinds:
            out.append(map_columns(sheet, aliases, kind, r, two_rows=False))
            if _looks_two_row(sheet, r):
                out.append(map_columns(sheet, aliases, kind, r, two_rows=True))
    # More fields first; on a tie the one-row reading and the earlier row win.
    out.sort(key=lambda m: (-m.score, m.header_rows, m.header_index))
    return [m for m in out if m.score >= 2]
