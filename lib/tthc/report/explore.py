"""Helpers behind ``notebooks/explore.ipynb``: the tables an analyst looks at for one unit and
period, narrowed to a field (lĩnh vực) and a procedure (thủ tục). Read-only on the warehouse;
never a personal-data column (the warehouse's ``cases`` table has none).

Everything the notebook shows is Vietnamese: column names, the warehouse's codes ('full',
'online', 'pending') as the words the report uses, dates as dd/mm/yyyy hh:mm, and a date that
does not exist (a case still open has no end) as an empty cell, never 'NaT'. :func:`table`
hides pandas' row numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd

from tthc.errors import ParamsError

EXPLORE_MIME = "application/vnd.tthc.explore+json"

# The warehouse's codes (tthc.schema) in the report's words.
LEVEL_LABELS: dict[str, str] = {
    "full": "DVCTT toàn trình",
    "partial": "DVCTT một phần",
    "none": "không có DVCTT",
}
CHANNEL_LABELS: dict[str, str] = {
    "online": "trực tuyến",
    "in_person": "trực tiếp",
    "postal": "dịch vụ bưu chính công ích",
}
OUTCOME_LABELS: dict[str, str] = {
    "pending": "đang giải quyết",
    "resolved": "đã giải quyết",
    "withdrawn": "công dân rút hồ sơ",
    "stopped": "dừng xử lý",
    "returned": "trả lại",
    "not_received": "không được tiếp nhận",
}
WINDOW_LABELS: dict[str, str] = {"period": "kỳ báo cáo", "ytd": "lũy kế từ đầu năm"}

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
    """Key figures: label, value as the report writes it, and how a rate was computed
    ('2685/2686 — kỳ báo cáo, mẫu số: hồ sơ đã giải quyết')."""
    from tthc.stats.numbers import format_count

    rows = []
    for key, label in SUMMARY_KEYS:
        how = ""
        info = figures.rates.get(key.removeprefix("rate_")) if key.startswith("rate_") else None
        if info is not None:
            parts = "/".join(
                format_count(n, figures.profile) if n is not None else "?"
                for n in (info.numerator, info.denominator)
            )
            window = WINDOW_LABELS.get(info.window, info.window)
            how = f"{parts} — {window}, mẫu số: {info.base_phrase}"
        rows.append({"Chỉ tiêu": label, "Giá trị": figures.fmt(key), "Cách tính": how})
    return pd.DataFrame(rows)


def not_computed(figures: Any) -> list[str]:
    """Each figure that is N/A, by its Vietnamese name, with the reason."""
    from tthc.render.quality import na_items

    return na_items(figures.na, figures.rates)


def table(df: pd.DataFrame, max_rows: int = 100) -> Any:
    """``df`` for display (an object with ``_repr_html_``): no row numbers, dates as
    dd/mm/yyyy hh:mm, an empty cell where a value does not exist (never 'NaT', 'NaN' or
    'None'), and at most ``max_rows`` rows (then a '…' row: the whole table is ``df``)."""
    shown = df.copy()
    for col in shown.columns:
        values = shown[col].dropna()
        is_date = pd.api.types.is_datetime64_any_dtype(shown[col]) or (
            len(values) > 0 and values.map(lambda v: isinstance(v, (datetime, date))).all()
        )
        if is_date:
            shown[col] = shown[col].map(_when)
    styler = shown.style.hide(axis="index").format(na_rep="")
    words = [c for c in shown.columns if shown[c].dtype == object]
    if words:  # names and labels read from the left; numbers stay right-aligned
        styler = styler.set_properties(subset=words, **{"text-align": "left"})
    return _Html(styler.to_html(max_rows=max_rows))


class _Html:
    def __init__(self, html: str) -> None:
        self.html = html

    def _repr_html_(self) -> str:
        return self.html


def _when(value: Any) -> str:
    if value is None or pd.isna(value):
        return ""
    t = pd.Timestamp(value)
    return (
        t.strftime("%d/%m/%Y")
        if (t.hour, t.minute, t.second) == (0, 0, 0)
        else (t.strftime("%d/%m/%Y %H:%M"))
    )


def late_cases(figures: Any) -> pd.DataFrame:
    """The late cases of the period with the report's column names (Biểu 2)."""
    from tthc.render.tables import LATE_COLUMNS

    df = figures.late_cases
    present = [c for c in LATE_COLUMNS if c.key in df.columns]
    return df[[c.key for c in present]].rename(columns={c.key: c.title for c in present})


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
    if "Mức độ" in out.columns:
        out["Mức độ"] = out["Mức độ"].map(lambda v: LEVEL_LABELS.get(v, v) if v else "")
    return out.sort_values(["Tổng số", "Mã TTHC"], ascending=[False, True]).reset_index(drop=True)


def procedure_cases(con: Any, unit: str, period: Any, procedure: str) -> pd.DataFrame:
    """The procedure's cases handled in the period (received in it, or open at its start), with
    channel and state at the period's end in words; no end date for a case still open."""
    df = con.execute(
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
    df["Kênh"] = df["Kênh"].map(lambda v: CHANNEL_LABELS.get(v, v) if v else "không rõ")
    df["Tình trạng cuối kỳ"] = df["Tình trạng cuối kỳ"].map(lambda v: OUTCOME_LABELS.get(v, v))
    return df


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
