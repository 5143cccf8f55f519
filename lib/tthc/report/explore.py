"""Helpers behind ``notebooks/explore.ipynb``: the tables an analyst looks at for one unit and
period, narrowed to a field (lĩnh vực) and a procedure (thủ tục). Read-only on the warehouse;
never a personal-data column (the warehouse's ``cases`` table has none)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from tthc.errors import ParamsError

EXPLORE_MIME = "application/vnd.tthc.explore+json"

# Key figures shown first, with the label the report uses.
SUMMARY_KEYS: tuple[tuple[str, str], ...] = (
    ("cases_total", "Tổng số hồ sơ (1)"),
    ("cases_new", "Mới tiếp nhận trong kỳ"),
    ("cases_new_online", "— trực tuyến (2)"),
    ("cases_carried_over", "Từ kỳ trước (4)"),
    ("cases_resolved", "Đã giải quyết (5)"),
    ("cases_resolved_early", "— trước hạn (6)"),
    ("cases_resolved_on_time", "— đúng hạn (7)"),
    ("cases_resolved_late", "— quá hạn (8)"),
    ("cases_in_progress", "Đang giải quyết (9)"),
    ("cases_in_progress_overdue", "— quá hạn (11)"),
    ("rate_on_time", "Tỷ lệ giải quyết trước hạn và đúng hạn"),
    ("rate_online", "Tỷ lệ tiếp nhận trực tuyến"),
    ("rate_reuse", "Tỷ lệ tái sử dụng dữ liệu số hóa"),
    ("pakn_received", "PAKN đã tiếp nhận"),
)


@dataclass
class Selection:
    """What the analyst picked, checked against the data."""

    field: str | None
    procedure: str | None  # Mã TTHC


def summary(figures: Any) -> pd.DataFrame:
    """Key figures: label, value as the report writes it, and how a rate was computed."""
    rows = []
    for key, label in SUMMARY_KEYS:
        how = ""
        info = figures.rates.get(key.removeprefix("rate_")) if key.startswith("rate_") else None
        if info is not None:
            j = info.to_json()
            how = (
                f"{j.get('numerator')}/{j.get('denominator')} ({j.get('window')}: {j.get('base')})"
            )
        rows.append({"Chỉ tiêu": label, "Giá trị": figures.fmt(key), "Cách tính": how})
    return pd.DataFrame(rows)


def check_selection(figures: Any, field: str | None, procedure: str | None) -> Selection:
    """The field and procedure if the period has them; a ParamsError listing what exists."""
    fields = [str(f) for f in figures.by_field.loc[~figures.by_field["is_total"], "field"]]
    if field and field not in fields:
        raise ParamsError(
            f"Lĩnh vực '{field}' không có hồ sơ trong kỳ; có: {', '.join(sorted(fields))}."
        )
    codes = set(figures.by_procedure["procedure_code"].dropna().astype(str))
    if procedure and procedure not in codes:
        raise ParamsError(f"Thủ tục '{procedure}' không có hồ sơ trong kỳ.")
    return Selection(field or None, procedure or None)


def procedures_in_field(figures: Any, field: str | None) -> pd.DataFrame:
    """Per procedure of the field (all fields when None): the national form's main columns."""
    df = figures.by_procedure
    if field:
        df = df[df["field"] == field]
    cols = {
        "procedure_code": "Mã TTHC",
        "procedure_name": "Tên thủ tục",
        "level": "Mức độ",
        "cases_total": "Tổng số",
        "cases_new": "Mới tiếp nhận",
        "cases_resolved": "Đã giải quyết",
        "cases_resolved_late": "Giải quyết quá hạn",
        "cases_in_progress": "Đang giải quyết",
    }
    out = df[[c for c in cols if c in df.columns]].rename(columns=cols)
    return out.sort_values(["Tổng số", "Mã TTHC"], ascending=[False, True]).reset_index(drop=True)


def procedure_cases(con: Any, unit: str, period: Any, procedure: str) -> pd.DataFrame:
    """The procedure's cases handled in the period (received in it, or open at its start)."""
    return con.execute(
        """
        SELECT case_code AS "Mã hồ sơ", field AS "Lĩnh vực", channel AS "Kênh",
               received_at AS "Tiếp nhận", due_at AS "Hẹn trả",
               CASE WHEN ended_at < ? THEN ended_at END AS "Kết thúc",
               CASE WHEN ended_at < ? THEN outcome ELSE 'pending' END AS "Tình trạng cuối kỳ"
        FROM cases
        WHERE unit = ? AND procedure_code = ? AND outcome <> 'not_received' AND received_at < ?
          AND (ended_at IS NULL OR ended_at >= ?)
        ORDER BY received_at, case_code
        """,
        [period.end_excl_ts, period.end_excl_ts, unit, procedure, period.end_excl_ts,
         period.start_ts],
    ).df()  # fmt: skip


def field_times(times: pd.DataFrame, field: str | None) -> pd.DataFrame:
    """Processing time of resolved cases as a share of the time allowed (for the chart)."""
    t = times if not field else times[times["field"] == field]
    allowed = pd.to_numeric(t["days_allowed"], errors="coerce")
    used = pd.to_numeric(t["days_used"], errors="coerce")
    ok = allowed > 0
    return pd.DataFrame({"used_share": (used[ok] / allowed[ok]).reset_index(drop=True)})


def explore_values(
    figures: Any, selection: Selection, procedures: pd.DataFrame, cases: pd.DataFrame | None
) -> dict[str, Any]:
    """What the notebook computed, as one JSON object (tests read it)."""
    field_row = None
    if selection.field:
        match = figures.by_field[figures.by_field["field"] == selection.field]
        field_row = {k: int(v) for k, v in match.iloc[0].items() if k.startswith("cases_")}
    return {
        "unit": figures.unit,
        "period": figures.period.key,
        "values": {k: figures.values.get(k) for k, _ in SUMMARY_KEYS},
        "field": selection.field,
        "field_row": field_row,
        "procedures_in_field": len(procedures),
        "procedure": selection.procedure,
        "procedure_cases": None if cases is None else len(cases),
    }
