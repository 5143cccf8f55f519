"""Personal data (Nghị định 13/2023/NĐ-CP): which columns are dropped and what may be kept.

Columns listed as personal in the alias table (Chủ hồ sơ, Địa chỉ, Số điện thoại, CCCD, …, and
free-text columns that may name people) are never read into the warehouse. Only when the unit's
params set ``personal_data.allow: true`` (with a reason) are a case list's personal columns
kept, as JSON in ``case_personal`` and nowhere else. PAKN and catalogue files never keep them.
Rejected rows keep only their mapped, non-personal columns.
"""

from __future__ import annotations

from tthc.ingest.headers import ColumnMap
from tthc.schema import Kind
from tthc.units import UnitParams


def keep_personal(cmap: ColumnMap, unit: UnitParams) -> list[int]:
    """The personal columns to store in ``case_personal`` (empty unless the unit allows it)."""
    if cmap.kind is Kind.CASES and unit.personal_data.allow:
        return list(cmap.personal)
    return []


def dropped_personal(cmap: ColumnMap, unit: UnitParams) -> list[str]:
    """Headers of the personal columns that were not stored."""
    kept = set(keep_personal(cmap, unit))
    return [cmap.labels[c] for c in cmap.personal if c not in kept]
