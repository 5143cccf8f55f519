"""Known names: a unit or profile that does not exist is refused with the closest known names.

A unit (đơn vị) is known when it has a params file (``params/units/<unit>.yaml``) or data in the
warehouse (a row of the ingest ledger). Anything else is a typo until shown otherwise: a report
for it would be an official-looking document of zeros, so :func:`require_unit` refuses it in
one Vietnamese line that names the closest known units (``difflib``), before anything is
written. ``tthc ingest`` asks less: a unit's first ingest is how it becomes known, unless its
name is one slip away from a known unit's (:func:`refuse_near_miss`), when its rows would be
filed under a typo.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tthc.errors import ParamsError
from tthc.units import list_units, unit_file

# difflib's ratio: 'an-truonng' ~ 'an-truong' is 0.95, 'xyz' ~ 'an-truong' is 0.
_CUTOFF = 0.6
_LISTED = 8  # known names listed when none is close


def close_names(name: str, known: Iterable[str], cutoff: float = _CUTOFF) -> list[str]:
    """Up to three of ``known`` within ``cutoff`` of ``name`` (difflib's ratio), closest first."""
    return difflib.get_close_matches(name, sorted(set(known)), n=3, cutoff=cutoff)


def did_you_mean(close: list[str]) -> str:
    """ " Có phải 'a' hay 'b'?" for the names in ``close``; '' for none."""
    return " Có phải " + " hay ".join(f"'{c}'" for c in close) + "?" if close else ""


def suggestion(name: str, known: Iterable[str], what: str) -> str:
    """' Có phải 'an-truong'?' (the closest names), else ' Các <what> hiện có: a, b.'; '' when
    nothing is known. Meant to end a one-line error message."""
    known = sorted(set(known))
    if not known:
        return ""
    close = close_names(name, known)
    if close:
        return did_you_mean(close)
    listed = ", ".join(known[:_LISTED]) + (", …" if len(known) > _LISTED else "")
    return f" Các {what} hiện có: {listed}."


def units_with_data(con: Any) -> list[str]:
    """Units with at least one file in the warehouse's ingest ledger, sorted."""
    rows = con.execute("SELECT DISTINCT unit FROM ingests ORDER BY unit").fetchall()
    return [r[0] for r in rows]


def units_without_params(con: Any, base: Path | None = None) -> list[str]:
    """Units with data in the warehouse behind ``con`` but no params file under ``base``
    (``$TTHC_PARAMS``): no city counts them. Sorted."""
    have = set(list_units(base))
    return [u for u in units_with_data(con) if u not in have]


def params_hint(con: Any, city_name: str, base: Path | None = None) -> str | None:
    """A warning when the warehouse holds units the params do not know: a city read with the
    wrong ``$TTHC_PARAMS`` (a new terminal forgets an ``export``) shrinks to the units those
    params name, with nothing else to show for it. None when every unit is known."""
    from tthc.paths import params_dir

    unknown = units_without_params(con, base)
    if not unknown:
        return None
    shown = ", ".join(unknown[:3]) + (
        f" và {len(unknown) - 3} đơn vị khác" if len(unknown) > 3 else ""
    )
    folder = base or params_dir()
    return (
        f"Lưu ý: kho dữ liệu có dữ liệu của {len(unknown)} đơn vị không có tệp tham số trong "
        f"{folder}/units ({shown}), nên không được tính vào {city_name}; nếu chúng thuộc "
        f"{city_name}, hãy đặt TTHC_PARAMS tới thư mục tham số có các đơn vị đó."
    )


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


# A name this close to a known unit's (difflib's ratio) is a slip of the keyboard, not a new
# unit: 'an-truog', 'an-truongg' and 'an-truonq' ~ 'an-truong' are 0.89 to 0.95;
# two real names that differ in one word ('xa-an-binh', 'xa-an-hoa') are below.
_NEAR_MISS = 0.85
_NUMBER = re.compile(r"-?\d+")


def refuse_near_miss(unit: str, con: Any, base: Path | None = None) -> None:
    """Before a unit's first ingest: :class:`UnknownUnitError` when ``unit`` has no params file
    and no data but is within :data:`_NEAR_MISS` of a known unit (a typo would file every row
    under a unit nobody reports on). A new unit whose name is that close gets its params file
    first. ``con``: the warehouse the ingest writes to."""
    if unit_file(unit, base).exists():
        return
    with_data = units_with_data(con)
    if unit in with_data:
        return
    close = [
        c
        for c in close_names(unit, {*list_units(base), *with_data}, cutoff=_NEAR_MISS)
        # Names that differ only in their numbers ('phuong-2' beside 'phuong-1', 0.88;
        # 'phuong-12', 'phuong') are other wards, not slips.
        if _NUMBER.sub("", c) != _NUMBER.sub("", unit)
    ]
    if close:
        raise UnknownUnitError(
            f"Không có đơn vị '{unit}' (không có tệp params/units/{unit}.yaml, kho dữ liệu chưa có "
            "dữ liệu của đơn vị này) nhưng tên rất gần đơn vị đã có:"
            + did_you_mean(close)
            + f" Nếu đúng là đơn vị mới, hãy tạo tệp params/units/{unit}.yaml rồi nạp lại."
        )


class UnknownUnitError(ParamsError):
    """A unit with neither a params file nor data: most likely a typo."""
