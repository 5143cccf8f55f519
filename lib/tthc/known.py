"""Known names: a unit or profile that does not exist is refused with the closest known names.

A unit (đơn vị) is known when it has a params file (``params/units/<unit>.yaml``) or data in the
warehouse (a row of the ingest ledger). Anything else is a typo until shown otherwise: a report
for it would be an official-looking document of zeros, so :func:`require_unit` refuses it in
one Vietnamese line that names the closest known units (``difflib``), before anything is
written. ``tthc ingest`` does not ask: a unit's first ingest is how it becomes known.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tthc.errors import ParamsError
from tthc.units import list_units, unit_file

# difflib's ratio: 'an-truonng' ~ 'an-truong' is 0.95, 'xyz' ~ 'an-truong' is 0.
_CUTOFF = 0.6
_LISTED = 8  # known names listed when none is close


def suggestion(name: str, known: Iterable[str], what: str) -> str:
    """' Có phải 'an-truong'?' (the closest names), else ' Các <what> hiện có: a, b.'; '' when
    nothing is known. Meant to end a one-line error message."""
    known = sorted(set(known))
    if not known:
        return ""
    close = difflib.get_close_matches(name, known, n=3, cutoff=_CUTOFF)
    if close:
        return " Có phải " + " hay ".join(f"'{c}'" for c in close) + "?"
    listed = ", ".join(known[:_LISTED]) + (", …" if len(known) > _LISTED else "")
    return f" Các {what} hiện có: {listed}."


def units_with_data(con: Any) -> list[str]:
    """Units with at least one file in the warehouse's ingest ledger, sorted."""
    rows = con.execute("SELECT DISTINCT unit FROM ingests ORDER BY unit").fetchall()
    return [r[0] for r in rows]


def known_units(con: Any, base: Path | None = None) -> list[str]:
    """Every known unit: a params file, or data in the warehouse behind ``con``."""
    return sorted({*list_units(base), *units_with_data(con)})


def require_unit(unit: str, con: Any, base: Path | None = None) -> None:
    """Nothing when ``unit`` is known; else :class:`UnknownUnitError`.

    ``con`` is an open (read-only is enough) warehouse connection.
    """
    if unit_file(unit, base).exists():
        return
    with_data = units_with_data(con)
    if unit in with_data:
        return
    raise UnknownUnitError(
        f"Không có đơn vị '{unit}': không có tệp params/units/{unit}.yaml và kho dữ liệu chưa có "
        "dữ liệu của đơn vị này." + suggestion(unit, {*list_units(base), *with_data}, "đơn vị")
    )


def require_unit_in(unit: str, db: str | Path, base: Path | None = None) -> None:
    """:func:`require_unit` with the warehouse at ``db`` (opened read-only, then closed)."""
    if unit_file(unit, base).exists():
        return
    from tthc.warehouse import connect

    con = connect(Path(db), read_only=True)
    try:
        require_unit(unit, con, base)
    finally:
        con.close()


class UnknownUnitError(ParamsError):
    """A unit with neither a params file nor data: most likely a typo."""
