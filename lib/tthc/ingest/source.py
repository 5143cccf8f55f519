"""From the sheets of an export to the one source table staging reads (``_src``).

For the sheets that hold the export (:func:`plan_sheets`: the detected sheet and every other
sheet with a header of the same kind and the same columns; an export split over sheets, or one
sheet per month), :func:`build_source`:

1. loads each sheet's body under its header and sets aside the totals row and signature block
   under the table (:mod:`.footer`), recorded as non-data rows;
2. finds Excel error values (``#N/A``, ``#REF!`` …) in any cell: in a column the row cannot do
   without, the row is rejected with the cell and the error named; in an optional column the
   value is unknown (yes/no columns) or blank (return date, field, name), and counted;
3. decodes text columns typed in TCVN3/VNI (:mod:`.legacy`), refusing a column it cannot decide;
4. cleans every text (:func:`tthc.text.clean_arrow`), makes codes canonical and refuses code
   columns Excel turned into numbers that lost digits (:mod:`.codes`), and adds whether each
   label cell has a key (``k_<field>``, :func:`tthc.ingest.values.has_key`) with what the key
   means (``v_<name>``, :func:`tthc.ingest.values.lookup_labels`) and the national procedure
   code (``n_procedure_code``), each read once per distinct value.

Every sheet of the file is accounted for in ``sheets`` (read, with its header row and rows; or
skipped, with why and how many rows it had).
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tthc.arrowbytes import may_contain
from tthc.errors import InputFileError
from tthc.ingest.aliases import AliasTable
from tthc.ingest.codes import canonical_code, check_code_column, national_procedure_codes
from tthc.ingest.detect import KIND_LABELS, Detected, missing_required, weight
from tthc.ingest.footer import repeated_header_rows, section_rows, trailing_non_data
from tthc.ingest.headers import ColumnMap, header_candidates
from tthc.ingest.legacy import ENCODING_NAMES, ColumnDecision, decode_column
from tthc.ingest.personal import keep_personal
from tthc.ingest.readers import Opened
from tthc.ingest.sheets import Sheet, column_letter
from tthc.ingest.stage import KEY_FIELDS
from tthc.ingest.values import has_key, label_key, lookup_labels
from tthc.schema import Kind
from tthc.text import clean_arrow
from tthc.units import UnitParams

# Excel's error values (what a formula cell shows when it fails).
ERROR_VALUES = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
     "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}
)  # fmt: skip
# Columns a row can do without: an error there makes the value unknown instead of the row
# rejected. Yes/no columns keep the error text, which no label matches, so the flag is unknown;
# the others become blank.
_UNKNOWN_ON_ERROR = {
    Kind.CASES: {"has_components", "has_result_file", "reused_data", "fee_bearing",
                 "paid_online", "result_file_path"},
    Kind.PAKN: set(),
    Kind.CATALOGUE: set(),
}  # fmt: skip
# An error in the unit column leaves the unit blank: a split file then rejects the row as having
# no unit; a unit's own file (--unit) does not need the column.
_BLANK_ON_ERROR = {
    Kind.CASES: {"returned_at", "field", "unit"},
    Kind.PAKN: {"source", "status", "unit"},
    Kind.CATALOGUE: {"field", "unit"},
}
TEXT_FIELDS = frozenset(
    {"procedure_name", "field", "status", "channel", "online_flag", "level", "source", "unit"}
    | {"has_components", "has_result_file", "reused_data", "fee_bearing", "paid_online"}
)
_CODE_FIELDS = {Kind.CASES: "case_code", Kind.PAKN: "pakn_code"}
# The column that identifies a row; a group title or subtotal stands there (footer.section_rows).
_KEY_FIELDS = {**_CODE_FIELDS, Kind.CATALOGUE: "procedure_code"}


@dataclass
class Source:
    """The source rows of one export, and what building them decided."""

    table: pa.Table
    cmap: ColumnMap  # the detected sheet's column map (labels for messages)
    personal: list[int]  # personal columns kept (indexes into cmap's columns)
    bad_rows: list[tuple[str | None, int, str]] = field(default_factory=list)
    sheets: list[dict] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)

    @property
    def sheet_names(self) -> str | None:
        read = [s["sheet"] for s in self.sheets if s["status"] == "read" and s["sheet"]]
        return ", ".join(read) if read else None


def plan_sheets(
    opened: Opened, det: Detected, aliases: AliasTable, path: Path
) -> tuple[list[tuple[Sheet, ColumnMap]], list[dict]]:
    """The sheets to read with their column maps, and the ledger entries of those skipped."""
    chosen: list[tuple[Sheet, ColumnMap]] = []
    skipped = [
        {"sheet": s["sheet"], "status": "skipped", "reason": s["reason"], "rows": None}
        for s in opened.skipped
    ]
    want = set(det.cmap.fields)
    for sheet in opened.sheets:
        if sheet is det.sheet:
            chosen.append((sheet, det.cmap))
            continue
        cands = header_candidates(sheet, aliases, list(Kind))
        if not cands:
            skipped.append(_skip(sheet, "không có dòng tiêu đề cột nhận ra được"))
            continue
        best = max(cands, key=lambda m: (weight(m), -m.header_rows, -m.header_index))
        own = [m for m in cands if m.kind is det.kind]
        if best.kind is not det.kind and (not own or weight(best) > max(map(weight, own))):
            skipped.append(_skip(sheet, f"là {KIND_LABELS[best.kind]}, không phải "
                                        f"{KIND_LABELS[det.kind]}"))  # fmt: skip
            continue
        m = max(own, key=lambda c: (weight(c), -c.header_rows, -c.header_index))
        if missing_required(m):
            skipped.append(_skip(sheet, "thiếu cột bắt buộc"))
            continue
        if set(m.fields) != want:
            extra = sorted(set(m.fields) - want)
            lacking = sorted(want - set(m.fields))
            raise InputFileError(
                f"Tệp {path.name}: trang '{sheet.name}' cũng là {KIND_LABELS[det.kind]} nhưng "
                f"có cột khác trang '{det.sheet.name}'"
                + (f" (thêm: {', '.join(m.label(f) for f in extra)})" if extra else "")
                + (f" (thiếu: {', '.join(det.cmap.label(f) for f in lacking)})" if lacking else "")
                + ": hãy thống nhất các cột hoặc tách mỗi trang thành một tệp."
            )
        chosen.append((sheet, m))
    order = {id(s): i for i, s in enumerate(opened.sheets)}
    chosen.sort(key=lambda sm: order[id(sm[0])])
    return chosen, skipped


def _skip(sheet: Sheet, reason: str) -> dict:
    return {"sheet": sheet.name, "status": "skipped", "reason": reason, "rows": sheet.n_rows}


def build_source(
    opened: Opened, det: Detected, unit: UnitParams, aliases: AliasTable, path: Path
) -> Source:
    """The ``_src`` table of an export (see the module docstring)."""
    kind, cmap = det.kind, det.cmap
    parts, skipped = plan_sheets(opened, det, aliases, path)
    personal = keep_personal(cmap, unit)
    personal_labels = [cmap.labels[p] for p in personal]
    tables: list[pa.Table] = []
    bad_rows: list[tuple[str | None, int, str]] = []
    sheets: list[dict] = []
    non_data: list[dict] = []
    errors: list[dict] = []
    offset = 0
    for sheet, m in parts:
        kept = keep_personal(m, unit)
        if [m.labels[p] for p in kept] != personal_labels:
            raise InputFileError(
                f"Tệp {path.name}: trang '{sheet.name}' có cột dữ liệu cá nhân khác trang "
                f"'{det.sheet.name}': hãy thống nhất các cột."
            )
        cols = sorted(set(m.fields.values()) | set(kept) | {d for _, d in m.duplicates})
        body = sheet.load_body(m.header_index, cols)
        numbers = body.row_numbers
        columns = dict(body.columns)
        first = max(0, m.header_index - m.header_rows - 1)  # the header's lines, numbering row
        repeats = repeated_header_rows(
            columns, sorted(m.fields.values()), sheet.head[first : m.header_index + 1]
        )
        footer = [(int(numbers[i]), "dòng tiêu đề cột lặp lại (đầu trang in)") for i in repeats]
        code = _KEY_FIELDS[m.kind]
        if code in m.fields:
            groups, cells = section_rows(columns[m.fields[code]])
            footer += [
                (int(numbers[i]), f"dòng tiêu đề nhóm hoặc dòng cộng: '{cell}'")
                for i, cell in zip(groups, cells, strict=True)
            ]
        footer += trailing_non_data(body.tail, m.fields.get(code))
        # A totals row in the code column is both a subtotal and the footer's first row: it is
        # listed once, under the first reason found.
        first_reason: dict[int, str] = {}
        for n, why in footer:
            first_reason.setdefault(n, why)
        footer = list(first_reason.items())
        footer_rows = {n for n, _ in footer}
        bad = [(r, why) for r, why in body.bad_rows if r not in footer_rows]
        cut = dict(bad).get(body.cut_short) if body.cut_short is not None else None
        if cut is not None:
            raise _cut_short(path, body.cut_short, cut)
        if footer:
            drop = np.isin(numbers, [n for n, _ in footer])
            keep = pa.array(~drop)
            numbers = numbers[~drop]
            columns = {c: pc.filter(a, keep) for c, a in columns.items()}
            non_data.extend({"sheet": sheet.name, "row": n, "why": why} for n, why in footer)
        _check_duplicates(sheet, m, columns, numbers, path)
        n = len(numbers)
        arrays: dict[str, pa.Array | pa.ChunkedArray] = {
            "_rid": pa.array(np.arange(offset, offset + n, dtype=np.int64)),
            "_row": pa.array(numbers, type=pa.int64()),
            "_sheet": pa.nulls(n, pa.string()) if sheet.name is None else pa.repeat(sheet.name, n),
        }
        for f, c in m.fields.items():
            arrays[f"c_{f}"] = columns[c]
        for i, p in enumerate(kept):
            arrays[f"p_{personal[i]}"] = columns[p]
        found = _error_cells(sheet, m, arrays, numbers)
        errors.extend(found)
        tables.append(pa.table(arrays))
        bad_rows.extend((sheet.name, r, why) for r, why in bad)
        sheets.append(
            {
                "sheet": sheet.name,
                "status": "read",
                "header_row": m.header_row + sheet.row0,
                "rows": n + len(bad),
                "non_data_rows": len(footer),
            }
        )
        offset += n
    table = _concat(tables)
    source = Source(table, cmap, personal, bad_rows, sheets + skipped)
    if non_data:
        source.decisions.append(
            {
                "what": "non_data_rows",
                "rows": non_data,
                "detail": f"{len(non_data)} dòng trong hoặc dưới bảng là tiêu đề cột lặp lại, "
                "tiêu đề nhóm, dòng cộng, tổng cộng hoặc chữ ký (không phải hồ sơ): không tính là "
                "dòng dữ liệu",
            }
        )
    _apply_errors(source, kind, errors)
    _decode_and_clean(source, opened, kind, path, aliases)
    return source


def _cut_short(path: Path, line: int, why: str) -> InputFileError:
    """The file stops in the middle of its last row: refused whole, since the title's "đến
    ngày …" would otherwise vouch for days whose cases were cut off with the rest of the file."""
    return InputFileError(
        f"Tệp {path.name} bị cắt cụt: dòng cuối (dòng {line}) dừng giữa chừng "
        f"({why[0].lower() + why[1:]}) và tệp không kết thúc bằng dấu xuống dòng, tức là tệp "
        "chưa được chép hoặc tải về trọn vẹn và phần còn lại của danh sách bị mất: hãy tải hoặc "
        "xuất lại tệp rồi nạp lại."
    )


def _check_duplicates(
    sheet: Sheet, m: ColumnMap, columns: dict, numbers: np.ndarray, path: Path
) -> None:
    """Refuse two columns of one name whose values differ: which one is meant cannot be told."""
    for kept, other in m.duplicates:
        a, b = clean_arrow(columns[kept]), clean_arrow(columns[other])
        differ = pc.fill_null(pc.not_equal(a, b), True)
        if not pc.any(differ).as_py():
            continue
        i = int(np.flatnonzero(differ.to_numpy(zero_copy_only=False))[0])
        where = f" (trang '{sheet.name}')" if sheet.name else ""
        letters = f"cột {column_letter(kept + sheet.col0)} và {column_letter(other + sheet.col0)}"
        raise InputFileError(
            f"Tệp {path.name}{where} có hai cột cùng tên '{m.labels[kept]}' ({letters}) với giá "
            f"trị khác nhau (dòng {int(numbers[i])}: '{a[i].as_py()}' và '{b[i].as_py()}'): không "
            "biết cột nào đúng; hãy xóa hoặc đổi tên một cột rồi nạp lại."
        )


def _concat(tables: list[pa.Table]) -> pa.Table:
    if len(tables) == 1:
        return tables[0]
    names = tables[0].column_names
    return pa.concat_tables([t.select(names) for t in tables]).combine_chunks()


def _error_cells(sheet: Sheet, m: ColumnMap, arrays: dict, numbers: np.ndarray) -> list[dict]:
    """Every error value in the mapped columns of one sheet's body."""
    found = []
    for f, c in m.fields.items():
        col = arrays[f"c_{f}"]
        if len(col) == 0 or not may_contain(col, "#"):
            continue
        hashes = pc.starts_with(pc.utf8_trim_whitespace(col), "#")
        if not pc.any(hashes).as_py():
            continue
        idx = np.flatnonzero(hashes.to_numpy(zero_copy_only=False))
        values = pc.take(col, pa.array(idx)).to_pylist()
        for i, v in zip(idx, values, strict=True):
            text = (v or "").strip().upper()
            if text in ERROR_VALUES:
                row = int(numbers[i])
                found.append(
                    {
                        "field": f,
                        "index": int(i),
                        "sheet": sheet.name,
                        "row": row,
                        "cell": sheet.cell_address(row, c),
                        "error": text,
                        "label": m.labels[c],
                        "col": c,
                    }
                )
    offset = int(arrays["_rid"][0].as_py()) if len(arrays["_rid"]) else 0
    for e in found:
        e["rid"] = offset + e["index"]
    return sorted(found, key=lambda e: (e["rid"], e["col"]))


def _apply_errors(source: Source, kind: Kind, errors: list[dict]) -> None:
    """Reject rows whose required cell is an error; make optional error cells unknown."""
    if not errors:
        return
    table = source.table
    reasons: dict[int, str] = {}
    blanks: dict[str, list[int]] = {}
    unknown = 0
    for e in errors:
        rid = e["rid"]
        if e["field"] in _UNKNOWN_ON_ERROR[kind]:
            unknown += 1
        elif e["field"] in _BLANK_ON_ERROR[kind]:
            blanks.setdefault(e["field"], []).append(rid)
            unknown += 1
        elif rid not in reasons:
            where = f", trang '{e['sheet']}'" if e["sheet"] else ""
            reasons[rid] = (
                f'Ô {e["cell"]} (cột "{e["label"]}"{where}) có lỗi công thức Excel {e["error"]}: '
                "không có giá trị để dùng"
            )
    for f, rids in blanks.items():
        name = f"c_{f}"
        mask = np.zeros(table.num_rows, dtype=bool)
        mask[rids] = True
        col = table.column(name).combine_chunks()
        fixed = pc.if_else(pa.array(mask), pa.scalar("", pa.string()), col)
        table = table.set_column(table.column_names.index(name), name, fixed)
    if reasons:
        error = [None] * table.num_rows
        for rid, why in reasons.items():
            error[rid] = why
        table = table.append_column("_error", pa.array(error, type=pa.string()))
    source.table = table
    source.decisions.append(
        {
            "what": "excel_errors",
            "cells": [{k: e[k] for k in ("sheet", "cell", "label", "error")} for e in errors],
            "rejected_rows": len(reasons),
            "unknown_values": unknown,
            "detail": f"{len(errors)} ô có lỗi công thức Excel (#N/A, #REF! …): {len(reasons)} "
            f"dòng bị loại vì ô lỗi ở cột bắt buộc, {unknown} giá trị coi là không rõ",
        }
    )


def _legacy_error(path: Path, label: str, undecided: list[str]) -> InputFileError:
    shown = ", ".join(f'"{v}"' for v in undecided[:3])
    return InputFileError(
        f'Tệp {path.name}: cột "{label}" có chữ viết bằng bảng mã cũ (TCVN3 hoặc VNI) '
        f"không xác định được ({shown}): hãy dùng Unikey (Công cụ chuyển mã, chọn đúng "
        "bảng mã nguồn TCVN3 hoặc VNI, đích Unicode) chuyển cả tệp sang Unicode rồi nạp lại."
    )


def _known_labels(field: str, values: pa.Array, aliases: AliasTable) -> int:
    """How many of a label column's distinct ``values`` the label tables know (a meaning)."""
    meanings = lookup_labels(field, label_key(clean_arrow(values)), aliases).values()
    known = functools.reduce(pc.or_, (pc.is_valid(m) for m in meanings))
    return int(pc.sum(known).as_py() or 0)


def _contiguous(col: pa.Array | pa.ChunkedArray) -> pa.Array:
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


@dataclass
class _Cleaned:
    """One text column after :func:`_decode_and_clean`."""

    values: pa.Array
    keys: pa.Array | None = None  # whether each cell has a label key (KEY_FIELDS, has_key)
    meanings: dict[str, pa.Array] = field(default_factory=dict)  # v_ columns of a label field
    legacy: ColumnDecision | None = None  # what decode_column decided, if it looked
    converted: int = 0  # cells the legacy decoding changed
    kept: ColumnDecision | None = None  # a legacy reading not taken: labels known as written


def _decode_and_clean(
    source: Source, opened: Opened, kind: Kind, path: Path, aliases: AliasTable
) -> None:
    """Every text column: TCVN3/VNI decoded (free-text and label columns, personal columns),
    refusing a column that cannot be decided; cleaned (:func:`tthc.text.clean_arrow`); whether
    each label cell has a key (``k_<field>``) and what the key means under ``aliases``
    (``v_<name>``, :func:`tthc.ingest.values.lookup_labels`) added. Codes made canonical;
    Excel-damaged code columns refused. The key code as written (cleaned, not canonical) stays
    in ``r_<code>`` for the rejects CSV, which shows cells as the file has them.

    A column that may be legacy text or is a label is decoded, cleaned and keyed through one
    dictionary of its distinct values (each step is per value, so the dictionary gives what the
    whole column would).
    """
    priors = {d.get("encoding") for d in opened.decisions if d["what"] in ("legacy_head",)}
    prior = next(iter(priors)) if len(priors) == 1 else None
    table = source.table
    out: dict[str, pa.Array | pa.ChunkedArray] = {
        name: table.column(name) for name in table.column_names
    }
    texts = [name for name in out if name.startswith(("c_", "p_"))]
    legacy = {n for n in texts if n.startswith("p_") or n[2:] in TEXT_FIELDS}
    keyed = {n for n in texts if n.startswith("c_") and n[2:] in KEY_FIELDS}

    def work(name: str) -> _Cleaned:
        col = _contiguous(out[name])
        if name not in legacy and name not in keyed:
            return _Cleaned(clean_arrow(col))
        enc = pc.dictionary_encode(col)
        values, done = enc.dictionary, _Cleaned(col)
        if name in legacy:
            decoded, done.legacy = decode_column(values, prior)
            if (
                name in keyed
                and done.legacy is not None
                and done.legacy.replace
                and not done.legacy.undecided
                and _known_labels(name[2:], values, aliases)
                > _known_labels(name[2:], decoded, aliases)
            ):
                # Labels that read either way ("Có", "Không" are also TCVN3 for "Cú", "Khụng")
                # and that the label tables know as written are Unicode, whatever the title's
                # encoding suggested: the known labels are the column's own evidence.
                done.kept, done.legacy = done.legacy, None
            if done.legacy is not None and done.legacy.replace and not done.legacy.undecided:
                changed = pc.not_equal(decoded, values).to_numpy(zero_copy_only=False)
                indices = enc.indices.drop_null().to_numpy(zero_copy_only=False)
                per_value = np.bincount(indices, minlength=len(values))
                done.converted = int(per_value[changed].sum())
                values = decoded
        values = clean_arrow(values)
        # A dictionary that decoding and cleaning left as it was gives the column as it was:
        # no copy of its 200,000 cells (about 4 ms each of CPU).
        if not values.equals(enc.dictionary):
            done.values = pc.take(values, enc.indices)
        if name in keyed:
            keys = label_key(values)
            done.keys = pc.take(has_key(keys), enc.indices)
            for column, meant in lookup_labels(name[2:], keys, aliases).items():
                done.meanings[column] = pc.take(meant, enc.indices)
        return done

    # Arrow's kernels release the GIL: the columns are done side by side, one per core.
    with ThreadPoolExecutor(max_workers=min(len(texts), os.cpu_count() or 1) or 1) as pool:
        results = list(pool.map(work, texts))
    for name, done in zip(texts, results, strict=True):
        if done.kept is not None:
            label = source.cmap.label(name[2:])
            encoding = ENCODING_NAMES.get(done.kept.encoding or "", done.kept.encoding)
            source.decisions.append(
                {
                    "what": "legacy_not_applied",
                    "column": label,
                    "encoding": done.kept.encoding,
                    "detail": f'cột "{label}": các ô đọc được cả như Unicode lẫn như bảng mã '
                    f"{encoding}; giữ nguyên Unicode vì như thế là nhãn đã biết "
                    f"({', '.join(sorted(done.kept.replace)[:3])})",
                }
            )
        decision = done.legacy
        if decision is not None:
            f = name[2:]
            label = source.cmap.label(f) if name.startswith("c_") else "dữ liệu cá nhân"
            if decision.undecided:
                raise _legacy_error(path, label, decision.undecided)
            if decision.replace:
                encoding = ENCODING_NAMES.get(decision.encoding or "", decision.encoding)
                source.decisions.append(
                    {
                        "what": "legacy_column",
                        "column": label,
                        "encoding": decision.encoding,
                        "cells": done.converted,
                        "detail": f'cột "{label}": {done.converted} ô viết bằng bảng mã '
                        f"{encoding}, đã chuyển sang Unicode",
                    }
                )
        out[name] = done.values
        if done.keys is not None:
            out[f"k_{name[2:]}"] = done.keys
        out.update(done.meanings)
    code = _CODE_FIELDS.get(kind)
    if code and f"c_{code}" in out:
        check_code_column(out[f"c_{code}"], source.cmap.label(code), path.name)
        out[f"r_{code}"] = out[f"c_{code}"]
        out[f"c_{code}"] = canonical_code(out[f"c_{code}"])
    if "c_procedure_code" in out:
        out["n_procedure_code"] = national_procedure_codes(out["c_procedure_code"])
    source.table = pa.table(out)
