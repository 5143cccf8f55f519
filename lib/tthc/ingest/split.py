"""Province-level exports: which unit each row belongs to, from its unit column.

A province-level system (Hệ thống thông tin giải quyết TTHC cấp tỉnh) exports one case list,
PAKN list or catalogue for all its units, with a unit column ("Đơn vị tiếp nhận", "Cơ quan giải
quyết", "Mã đơn vị" …: field ``unit`` in ``params/aliases/default.yaml``). Each row's cell is
matched to the units of ``params/units/``:

- the forms a unit is written in: its name ("An Trường"), display name ("xã An Trường"), "UBND
  xã An Trường", "Ủy ban nhân dân xã An Trường", its centre followed by the display name, its
  administrative-unit code (mã ĐVHC cấp xã, ``code``), and every entry of its ``names``;
- compared as every key is (:func:`tthc.text.key`: NFC, invisible characters removed,
  look-alike letters folded, spaces collapsed, lower case);
- an all-digit cell that matches no code exactly but equals exactly one unit's code once
  leading zeros are dropped (``11914`` written for ``011914``, or ``120`` for ``00120``: Excel
  made the code a number) is that unit's, and the match is recorded, as for case codes
  (:mod:`tthc.ingest.codes`); ``11914.0`` is read as ``11914``.

A cell that is blank, names no unit, or names several units (a form two units share) gives no
unit; the row is rejected with that reason. A row is given at most one unit, so a case is
stored under exactly one unit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tthc.text import key
from tthc.units import UnitParams, list_units, load_unit

_DIGITS = re.compile(r"^(\d+)(?:\.0+)?$")


def unit_forms(u: UnitParams) -> list[str]:
    """Every way a province-level export may write the unit (see the module docstring)."""
    display = u.display_name
    forms = [
        u.name,
        display,
        f"UBND {display}",
        f"Ủy ban nhân dân {display}",
        f"{u.centre} {display}",
        *u.names,
    ]
    if u.code:
        forms.append(u.code)
    return forms


# Words that say what kind of body a cell is, not which one: a cell made of these alone
# ("UBND xã", "Bộ phận một cửa") names no particular unit. Compared as keys (tthc.text.key).
_GENERIC_WORDS = (
    "trung tâm phục vụ hành chính công",
    "bộ phận tiếp nhận và trả kết quả",
    "bộ phận một cửa",
    "ủy ban nhân dân",
    "uỷ ban nhân dân",
    "thị trấn",
    "đặc khu",
    "phường",
    "ubnd",
    "xã",
)
_NOT_A_NAME = re.compile(r"[\s\-–—,.;:()/]+")


def names_a_place(cell: str | None, generic: Iterable[str] = ()) -> bool:
    """Whether a unit cell names a particular unit: something is left once the words that only
    say the kind of body (:data:`_GENERIC_WORDS`, and ``generic``: e.g. the unit's centre) and
    punctuation are removed. "UBND xã" names none; "UBND xã Đông Bảo" names one."""
    if cell is None:
        return False
    k = key(cell)
    for word in sorted({*_GENERIC_WORDS, *(key(g) for g in generic)}, key=len, reverse=True):
        k = k.replace(word, " ")
    return bool(_NOT_A_NAME.sub("", k))


@dataclass(frozen=True)
class UnitMatch:
    """What one distinct cell of the unit column names."""

    unit: str | None  # the unit's slug, or None
    reason: str | None  # why there is no unit (Vietnamese), or None
    lost_zeros: bool = False  # matched a code once leading zeros were dropped


@dataclass
class UnitMatcher:
    """The forms of every unit with a params file, as keys, to match unit cells against."""

    by_key: dict[str, set[str]] = field(default_factory=dict)  # key -> units
    by_digits: dict[str, set[str]] = field(default_factory=dict)  # code without leading 0s
    params: dict[str, UnitParams] = field(default_factory=dict)

    @classmethod
    def from_units(cls, units: Iterable[UnitParams]) -> UnitMatcher:
        m = cls()
        for u in units:
            m.params[u.unit] = u
            for form in unit_forms(u):
                m.by_key.setdefault(key(form), set()).add(u.unit)
            if u.code:
                m.by_digits.setdefault(u.code.lstrip("0"), set()).add(u.unit)
        return m

    @classmethod
    def from_params(cls, base: Path | None = None) -> UnitMatcher:
        """Every ``params/units/*.yaml`` (a bad file is a :class:`~tthc.errors.ParamsError`)."""
        return cls.from_units(load_unit(u, base) for u in list_units(base))

    def match(self, cell: str | None, label: str) -> UnitMatch:
        """The unit a clean cell names; ``label`` is the column's header (for reasons)."""
        if cell is None or not cell.strip():
            return UnitMatch(None, f'Thiếu đơn vị: ô cột "{label}" trống')
        k = key(cell)
        units = self.by_key.get(k, set())
        lost = False
        digits = _DIGITS.match(k)
        if not units and digits:
            units = self.by_key.get(digits.group(1), set())
            if not units:
                units = self.by_digits.get(digits.group(1).lstrip("0"), set())
                lost = bool(units)
        if len(units) == 1:
            return UnitMatch(next(iter(units)), None, lost)
        if units:
            return UnitMatch(
                None,
                f'Đơn vị "{cell}" (cột "{label}") khớp nhiều đơn vị: {", ".join(sorted(units))}: '
                "thêm mã đơn vị hành chính (code) hoặc tên riêng (names) để phân biệt",
            )
        return UnitMatch(
            None,
            f'Đơn vị không nhận ra: "{cell}" (cột "{label}"): thêm tên hoặc mã này vào khóa '
            "names của đơn vị trong params/units/",
        )


@dataclass
class UnitColumn:
    """A unit column matched row by row.

    ``units`` and ``reasons`` are Arrow string arrays aligned with the column: a row has a unit
    or a reason, never both. ``by_value`` is each distinct cell's match with its row count.
    """

    units: pa.Array
    reasons: pa.Array
    by_value: list[tuple[str | None, UnitMatch, int]]

    def rows_per_unit(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for _, m, n in self.by_value:
            if m.unit is not None:
                out[m.unit] = out.get(m.unit, 0) + n
        return dict(sorted(out.items()))

    def unknown(self) -> list[tuple[str | None, str, int]]:
        """(cell, reason, rows) of every cell that names no single unit, most rows first."""
        rows = [(v, m.reason or "", n) for v, m, n in self.by_value if m.unit is None]
        return sorted(rows, key=lambda t: (-t[2], t[0] or ""))

    def lost_zeros(self) -> list[tuple[str, str, int]]:
        """(cell, unit, rows) matched once leading zeros were dropped."""
        return [(v or "", m.unit or "", n) for v, m, n in self.by_value if m.lost_zeros]


def match_column(
    matcher: UnitMatcher, column: pa.Array | pa.ChunkedArray, label: str
) -> UnitColumn:
    """Match every cell of a clean unit column, once per distinct value."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    enc = pc.dictionary_encode(column)
    values = enc.dictionary.to_pylist()
    matches = [matcher.match(v, label) for v in values]
    blank = matcher.match(None, label)
    idx = enc.indices
    counts = np.bincount(
        idx.fill_null(len(values)).to_numpy(zero_copy_only=False), minlength=len(values) + 1
    )
    units = pa.array([m.unit for m in matches] + [None], pa.string())
    reasons = pa.array([m.reason for m in matches] + [blank.reason], pa.string())
    full = idx.fill_null(len(values))
    by_value = [
        (v, m, int(counts[i])) for i, (v, m) in enumerate(zip(values, matches, strict=True))
    ]
    if counts[len(values)]:
        by_value.append((None, blank, int(counts[len(values)])))
    by_value = [t for t in by_value if t[2]]
    return UnitColumn(pc.take(units, full), pc.take(reasons, full), by_value)
