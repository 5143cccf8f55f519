"""Consistency checks: every identity of the national case table, per lĩnh vực and in total.

Identities (domain.md §3, columns of the form "Tình hình, kết quả giải quyết TTHC"):

- (1) = (2) + (3) + (4): total = new online + new in person/postal + carried over;
- (1) = mới + kỳ trước (always checkable, even when the channel is unknown);
- (5) = (6) + (7) + (8) (or (7) + (8) when early and on time are one column);
- (9) = (10) + (11);
- (1) = (5) + (9) + third bucket under ``separate``; (1) = (5) + (9) when the third bucket is
  folded into resolved or excluded;
- the total row = the sum of the field rows, column by column.

A failed identity is reported with its gap (left side minus right side), never hidden or fixed.
The functions take plain tables so they can check figures from anywhere (a hand-made table, a
city roll-up, figures typed into a report).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tthc.stats.profile import Profile

# The case counts of the national form, in its column order: the ones the identities hold
# between. casetable.COUNT_COLUMNS and figures.BY_FIELD_COLUMNS are built from this list.
CASE_COLUMNS = (
    "cases_total",
    "cases_new",
    "cases_new_online",
    "cases_new_in_person",
    "cases_new_postal",
    "cases_carried_over",
    "cases_resolved",
    "cases_resolved_early",
    "cases_resolved_on_time",
    "cases_resolved_late",
    "cases_in_progress",
    "cases_in_progress_within",
    "cases_in_progress_overdue",
    "cases_withdrawn",
)


@dataclass(frozen=True)
class Check:
    """One identity: ``gap`` = left side − right side (0 when ``ok``)."""

    name: str
    ok: bool
    gap: int
    scope: str = ""
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ok": self.ok,
            "gap": self.gap,
            "scope": self.scope,
            "detail": self.detail,
        }


def frame_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """``df.to_dict("records")`` without pandas' per-cell path, which is slow for nullable
    integer (Int64) columns: Python ints, and ``pd.NA`` where a value is missing."""
    cols = list(df.columns)
    return [
        dict(zip(cols, row, strict=True))
        for row in zip(*(df[c].tolist() for c in cols), strict=True)
    ]


def _val(row: dict[str, Any], key: str) -> int | None:
    v = row.get(key)
    if type(v) is int:  # the usual case, first
        return v
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    return int(v)


def _identity(name: str, scope: str, lhs: int, rhs: list[int]) -> Check:
    gap = lhs - sum(rhs)
    detail = (
        f"{lhs} = {' + '.join(str(r) for r in rhs)}"
        if gap == 0
        else (f"{lhs} ≠ {' + '.join(str(r) for r in rhs)} = {sum(rhs)}")
    )
    return Check(name=f"{scope}: {name}", ok=gap == 0, gap=gap, scope=scope, detail=detail)


def check_row(row: dict[str, Any], profile: Profile, scope: str) -> list[Check]:
    """The identities of one row (a lĩnh vực or the total). Unknown (None) parts are skipped."""
    g = {k: _val(row, k) for k in CASE_COLUMNS}
    out: list[Check] = []
    total, new, carried = g["cases_total"], g["cases_new"], g["cases_carried_over"]
    if None not in (total, new, carried):
        out.append(_identity("(1) = mới tiếp nhận + (4)", scope, total, [new, carried]))
    online, in_person, postal = (
        g["cases_new_online"],
        g["cases_new_in_person"],
        g["cases_new_postal"],
    )
    # Column (3) is the form's own "in person or postal" count. Rebuilt from its parts only
    # where a row lacks it, postal unknown meaning none (the yes/no scheme, where "not online"
    # is in person): a city's row sums units that know postal with units that do not, so its
    # postal is unknown while its column (3) is not.
    col3 = _val(row, "cases_new_in_person_postal")
    if col3 is None and in_person is not None:
        col3 = in_person + (postal or 0)
    if None not in (total, online, col3, carried):
        out.append(_identity("(1) = (2) + (3) + (4)", scope, total, [online, col3, carried]))
    resolved, early = g["cases_resolved"], g["cases_resolved_early"]
    on_time, late = g["cases_resolved_on_time"], g["cases_resolved_late"]
    if None not in (resolved, on_time, late):
        if profile.early_on_time == "disjoint" and early is not None:
            out.append(_identity("(5) = (6) + (7) + (8)", scope, resolved, [early, on_time, late]))
        else:
            out.append(_identity("(5) = (6+7) + (8)", scope, resolved, [on_time, late]))
    progress, within, overdue = (
        g["cases_in_progress"],
        g["cases_in_progress_within"],
        g["cases_in_progress_overdue"],
    )
    if None not in (progress, within, overdue):
        out.append(_identity("(9) = (10) + (11)", scope, progress, [within, overdue]))
    third = g["cases_withdrawn"]
    if None not in (total, resolved, progress):
        if profile.third_bucket == "separate":
            if third is not None:
                out.append(
                    _identity(
                        "(1) = (5) + (9) + rút/dừng/trả lại",
                        scope,
                        total,
                        [resolved, progress, third],
                    )
                )
        else:
            out.append(_identity("(1) = (5) + (9)", scope, total, [resolved, progress]))
    return out


def check_case_table(
    by_field: pd.DataFrame,
    profile: Profile,
    total_label: str = "Tổng cộng",
    parts: str = "các lĩnh vực",
) -> list[Check]:
    """Identities of every row of a by-field table, then total = sum of fields per column.

    ``by_field`` has a ``field`` column, the ``cases_*`` columns and one row whose field is
    ``total_label`` (or an ``is_total`` column marking it). ``parts`` names the rows in the
    checks' names ("các đơn vị" for a city's table by unit).
    """
    if "is_total" in by_field.columns:
        is_total = by_field["is_total"].astype(bool)
    else:
        is_total = by_field["field"] == total_label
    records = frame_records(by_field)
    for rec, flag in zip(records, is_total.tolist(), strict=True):
        rec["is_total"] = flag
    return check_case_rows(records, profile, parts=parts)


def check_case_rows(
    rows: Sequence[Mapping[str, Any]], profile: Profile, parts: str = "các lĩnh vực"
) -> list[Check]:
    """:func:`check_case_table` over records (``field``, ``is_total`` and the counts; None or
    NA for a count that is N/A)."""
    checks: list[Check] = []
    records = list(rows)
    flags = [bool(r["is_total"]) for r in records]
    columns = set().union(*(r.keys() for r in records)) if records else set()
    for row in records:
        checks.extend(check_row(row, profile, str(row["field"])))
    totals = [r for r, t in zip(records, flags, strict=True) if t]
    fields = [r for r, t in zip(records, flags, strict=True) if not t]
    if len(totals) != 1:
        checks.append(
            Check(
                "Bảng theo lĩnh vực có đúng một dòng tổng", False, len(totals) - 1, "Tổng cộng", ""
            )
        )
        return checks
    total_row = totals[0]
    for col in CASE_COLUMNS:
        if col not in columns:
            continue
        t = _val(total_row, col)
        values = [_val(r, col) for r in fields]
        if t is None or any(p is None for p in values):
            continue
        gap = t - sum(values)
        checks.append(
            Check(
                name=f"Tổng cộng = tổng {parts} ({col})",
                ok=gap == 0,
                gap=gap,
                scope="Tổng cộng",
                detail=f"{t} {'=' if gap == 0 else '≠'} {sum(values)}",
            )
        )
    return checks


def check_pakn(values: dict[str, Any]) -> list[Check]:
    """PAKN: carried over + received = on time + late + in progress."""
    keys = ("pakn_carried_over", "pakn_received", "pakn_on_time", "pakn_late", "pakn_in_progress")
    v = {k: _val(values, k) for k in keys}
    if any(x is None for x in v.values()):
        return []
    lhs = v["pakn_carried_over"] + v["pakn_received"]
    return [
        _identity(
            "kỳ trước + tiếp nhận = đúng hạn + quá hạn + đang xử lý",
            "PAKN",
            lhs,
            [v["pakn_on_time"], v["pakn_late"], v["pakn_in_progress"]],
        )
    ]


def check_rate_parts(rates: dict[str, Any]) -> list[Check]:
    """Each rate's numerator is at most its denominator (a rate above 100% is a definition bug)."""
    out = []
    for key, info in rates.items():
        num, den = info.numerator, info.denominator
        if num is None or den is None:
            continue
        gap = max(0, num - den)
        out.append(
            Check(
                name=f"{getattr(info, 'title', key)}: tử số ≤ mẫu số",
                ok=gap == 0,
                gap=gap,
                scope="Tỷ lệ",
                detail=f"{num} / {den}",
            )
        )
    return out
