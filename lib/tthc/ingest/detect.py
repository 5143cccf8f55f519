"""Which kind of export a file is (cases, catalogue, PAKN), from its headers and title rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tthc.errors import InputFileError
from tthc.ingest.aliases import AliasTable
from tthc.ingest.headers import ColumnMap, found_headers, header_candidates
from tthc.ingest.sheets import Sheet
from tthc.schema import Kind

KIND_LABELS = {
    Kind.CASES: "danh sách hồ sơ",
    Kind.CATALOGUE: "danh mục thủ tục hành chính",
    Kind.PAKN: "danh sách phản ánh, kiến nghị (PAKN)",
}

# Each tuple is one requirement: at least one of its fields must be present.
REQUIRED: dict[Kind, list[tuple[str, ...]]] = {
    Kind.CASES: [("case_code",), ("received_at",), ("procedure_code", "procedure_name")],
    Kind.CATALOGUE: [("procedure_code",), ("procedure_name",), ("level",)],
    Kind.PAKN: [("received_at",)],
}

# Fields that say much about the kind weigh more than shared ones (dates, status, field).
_BONUS = {
    (Kind.CASES, "case_code"): 3,
    (Kind.CATALOGUE, "level"): 3,
    (Kind.PAKN, "pakn_code"): 3,
    (Kind.PAKN, "source"): 2,
    (Kind.PAKN, "handled_at"): 1,
}
_TITLE_HINTS = (
    (re.compile(r"phản ánh|kiến nghị|\bpakn\b"), Kind.PAKN),
    (re.compile(r"danh mục"), Kind.CATALOGUE),
    (re.compile(r"hồ sơ"), Kind.CASES),
)


@dataclass
class Detected:
    sheet: Sheet
    cmap: ColumnMap

    @property
    def kind(self) -> Kind:
        return self.cmap.kind


def weight(cmap: ColumnMap) -> int:
    w = cmap.score + sum(_BONUS.get((cmap.kind, f), 0) for f in cmap.fields)
    title = " ".join(cmap.title_lines).casefold()
    for pattern, kind in _TITLE_HINTS:
        if pattern.search(title):
            if kind == cmap.kind:
                w += 2
            break
    return w


def missing_required(cmap: ColumnMap) -> list[tuple[str, ...]]:
    return [req for req in REQUIRED[cmap.kind] if not any(f in cmap.fields for f in req)]


def _within(m: ColumnMap) -> tuple[int, int, int]:
    """Within one sheet: the reading that names the most (and most telling) fields."""
    return (weight(m), -m.header_rows, -m.header_index)


def _across(m: ColumnMap) -> tuple[int, int, int, int]:
    """Across sheets: a complete header first, then the richer one."""
    return (0 if missing_required(m) else 1, *_within(m))


def detect(
    sheets: list[Sheet], aliases: AliasTable, path: Path, kind: Kind | None = None
) -> Detected:
    """The sheet, header and kind of an export; an :class:`InputFileError` when there is none.

    Each sheet's best header is found; the sheet whose header is complete for its kind and
    names the most fields wins (a summary sheet before the case list does not hide it; on a
    tie the first sheet). With ``kind`` given, a file that clearly is another kind is refused
    rather than misread.
    """
    per_sheet: list[tuple[Sheet, list[ColumnMap]]] = []
    for sheet in sheets:
        cands = header_candidates(sheet, aliases, list(Kind))
        if cands:
            per_sheet.append((sheet, cands))
    if not per_sheet:
        shown = "; ".join(found_headers(sheets[0])[:30]) if sheets else ""
        raise InputFileError(
            f"Tệp {path.name}: không tìm thấy dòng tiêu đề cột nhận ra được"
            + (f" (các ô tìm thấy: {shown})" if shown else " (tệp không có ô nào có chữ)")
            + ": hãy thêm tên cột vào params/aliases hoặc mục aliases của đơn vị."
        )
    if kind is not None:
        own = [(s, m) for s, cands in per_sheet for m in cands if m.kind == kind]
        overall = [(s, max(cands, key=_within)) for s, cands in per_sheet]
        sheet, best = max(overall, key=lambda sm: _across(sm[1]))
        if best.kind != kind and (not own or weight(best) > max(weight(m) for _, m in own)):
            raise InputFileError(
                f"Tệp {path.name} có dạng {KIND_LABELS[best.kind]} "
                f"(--kind {best.kind.value}), không phải {KIND_LABELS[kind]} "
                f"như --kind {kind.value} yêu cầu."
            )
        sheet, best = max(own, key=lambda sm: _across(sm[1]))
    else:
        sheet, best = max(
            ((s, max(cands, key=_within)) for s, cands in per_sheet),
            key=lambda sm: _across(sm[1]),
        )
    _check_required(best, aliases, path, sheet)
    return Detected(sheet, best)


def _check_required(cmap: ColumnMap, aliases: AliasTable, path: Path, sheet: Sheet) -> None:
    missing = missing_required(cmap)
    if not missing:
        return
    req = missing[0]
    tried = []
    for f in req:
        tried.extend(aliases.kinds[cmap.kind].fields[f])
    names = " hoặc ".join(f"'{aliases.kinds[cmap.kind].fields[f][0]}' ({f})" for f in req)
    found = "; ".join(lab for lab in cmap.labels if lab)
    where = f" (trang '{sheet.name}')" if sheet.name else ""
    raise InputFileError(
        f"Tệp {path.name}{where} ({KIND_LABELS[cmap.kind]}) thiếu cột bắt buộc {names}: "
        f"đã thử các tên {', '.join(tried)}; các cột có trong tệp: {found}."
    )
