"""The appendix tables as HTML: the national form's case table, late cases, comparisons.

The per-field table follows Biểu số 06/VPCP/KSTT (domain.md §3): columns 1–11 under the merged
group headers "Số hồ sơ nhận giải quyết" (with "Trong kỳ"), "Số hồ sơ đã giải quyết" and "Số hồ
sơ đang giải quyết", a row of column numbers, one row per lĩnh vực and the total row. Numbers are
written by the unit's profile. Rows never split across pages (CSS), headers repeat on each page
and stick on screen; the tables are sortable in the browser (rows marked ``total`` stay last).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any

import pandas as pd

from tthc.stats.numbers import NA, format_count, format_decimal, format_rate
from tthc.stats.profile import Profile

# Column number of the national form -> source column(s) of Figures.by_field (summed).
FORM_COLUMNS: dict[int, tuple[str, ...]] = {
    1: ("cases_total",),
    2: ("cases_new_online",),
    3: ("cases_new_in_person", "cases_new_postal"),
    4: ("cases_carried_over",),
    5: ("cases_resolved",),
    6: ("cases_resolved_early",),
    7: ("cases_resolved_on_time",),
    8: ("cases_resolved_late",),
    9: ("cases_in_progress",),
    10: ("cases_in_progress_within",),
    11: ("cases_in_progress_overdue",),
}
THIRD_BUCKET_COLUMN = "cases_withdrawn"
# Every count column the table reads, in form order.
COUNT_KEYS: tuple[str, ...] = (
    *(c for cols in FORM_COLUMNS.values() for c in cols),
    THIRD_BUCKET_COLUMN,
)
TOTAL_LABELS = ("Tổng cộng", "Tổng số", "total")


def _td_num(text: str, cls: str = "num") -> str:
    return f'<td class="{cls}">{escape(text)}</td>'


def form_values(row: Mapping[str, Any]) -> dict[int, int | None]:
    """Columns 1–11 of one row (a mapping with Figures' count names)."""
    out: dict[int, int | None] = {}
    for col, sources in FORM_COLUMNS.items():
        vals = [row.get(s) for s in sources]
        out[col] = None if any(v is None or pd.isna(v) for v in vals) else sum(int(v) for v in vals)
    return out


def field_table_html(
    by_field: pd.DataFrame,
    profile: Profile,
    *,
    caption: str = "Tình hình, kết quả giải quyết thủ tục hành chính theo lĩnh vực",
    show_third_bucket: bool = True,
    label: str = "Lĩnh vực",
    key: str = "fields",
) -> str:
    """The national form's table: STT, Lĩnh vực, columns 1–11 (+ the third bucket), total row.

    ``by_field`` has a ``field`` column and the count columns of :data:`FORM_COLUMNS`; a row
    whose field is a total label is taken as the total row, otherwise the total is summed.
    Early and on-time columns are N/A where the profile does not split them. ``label`` heads
    the rows' column ("Đơn vị" for a city's table by unit, whose ``field`` holds the units'
    names); ``key`` is the table's ``data-table``.
    """
    df = by_field.copy()
    if "is_total" in df.columns:
        is_total = df["is_total"].astype(bool)
    else:
        is_total = df["field"].astype(str).isin(TOTAL_LABELS)
    rows = df[~is_total].reset_index(drop=True)
    if is_total.any():
        total = df[is_total].iloc[0].to_dict()
    else:
        total = {c: int(rows[c].sum()) for s in FORM_COLUMNS.values() for c in s if c in rows}
        if THIRD_BUCKET_COLUMN in rows:
            total[THIRD_BUCKET_COLUMN] = int(rows[THIRD_BUCKET_COLUMN].sum())
    third = show_third_bucket and THIRD_BUCKET_COLUMN in df.columns

    def cell(col: int, value: int | None) -> str:
        if col == 6 and not profile.early_on_time_split:
            return _td_num(NA, "num na")
        return _td_num(format_count(value, profile))

    on_time = profile.on_time_label
    third_head = (
        '<th rowspan="3" data-col="13" scope="col">Trả lại, rút, dừng xử lý<br><span class="note">(ngoài cột 5 và 9)</span></th>'
        if third and profile.third_bucket == "separate"
        else '<th rowspan="3" data-col="13" scope="col">Trả lại, rút, dừng xử lý</th>'
        if third
        else ""
    )
    head = f"""<thead>
<tr>
<th rowspan="3" scope="col">STT</th>
<th rowspan="3" data-col="1" scope="col">{escape(label)}</th>
<th colspan="4" scope="colgroup">Số hồ sơ nhận giải quyết</th>
<th colspan="4" scope="colgroup">Số hồ sơ đã giải quyết</th>
<th colspan="3" scope="colgroup">Số hồ sơ đang giải quyết</th>
{third_head}
</tr>
<tr>
<th rowspan="2" data-col="2" scope="col">Tổng số</th>
<th colspan="2" scope="colgroup">Trong kỳ</th>
<th rowspan="2" data-col="5" scope="col">Từ kỳ trước</th>
<th rowspan="2" data-col="6" scope="col">Tổng số</th>
<th rowspan="2" data-col="7" scope="col">Trước hạn</th>
<th rowspan="2" data-col="8" scope="col">{escape(on_time)}</th>
<th rowspan="2" data-col="9" scope="col">Quá hạn</th>
<th rowspan="2" data-col="10" scope="col">Tổng số</th>
<th rowspan="2" data-col="11" scope="col">Trong hạn</th>
<th rowspan="2" data-col="12" scope="col">Quá hạn</th>
</tr>
<tr>
<th data-col="3" scope="col">Trực tuyến</th>
<th data-col="4" scope="col">Trực tiếp, dịch vụ bưu chính</th>
</tr>
<tr class="colno">
<th>(A)</th><th>(B)</th>{"".join(f"<th>({i})</th>" for i in range(1, 12))}{"<th>(12)</th>" if third else ""}
</tr>
</thead>"""
    body = []
    for i, row in enumerate(rows.to_dict("records"), start=1):
        vals = form_values(row)
        cells = "".join(cell(c, v) for c, v in vals.items())
        extra = _td_num(format_count(_int(row.get(THIRD_BUCKET_COLUMN)), profile)) if third else ""
        body.append(
            f'<tr><td class="center">{i}</td><td class="text">{escape(str(row["field"]))}</td>'
            f"{cells}{extra}</tr>"
        )
    tvals = form_values(total)
    tcells = "".join(cell(c, v) for c, v in tvals.items())
    textra = _td_num(format_count(_int(total.get(THIRD_BUCKET_COLUMN)), profile)) if third else ""
    body.append(
        f'<tr class="total"><td class="center"></td><th scope="row" class="text">Tổng cộng</th>'
        f"{tcells}{textra}</tr>"
    )
    return (
        f'<table class="data fields sortable" data-table="{escape(key)}">\n<caption>{escape(caption)}</caption>\n'
        f"{head}\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>"
    )


def _int(v: Any) -> int | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    return int(v)


# --- generic tables -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = "text"  # text | count | datetime | date | rate | center


def _fmt(value: Any, kind: str, profile: Profile) -> tuple[str, str]:
    if value is None or (not isinstance(value, (str, list, dict)) and pd.isna(value)):
        return (
            ("", "center")
            if kind in ("datetime", "date")
            else (NA if kind != "text" else "", "center")
        )
    if kind == "count":
        return format_count(int(value), profile), "num"
    if kind == "rate":
        return format_rate(Decimal(str(value)), profile, 2), "num"
    if kind == "decimal":
        return format_decimal(Decimal(str(value)), profile, 1), "num"
    if kind in ("datetime", "date"):
        ts = pd.Timestamp(value)
        if kind == "date" or (ts.hour, ts.minute, ts.second) == (0, 0, 0):
            return ts.strftime("%d/%m/%Y"), "center"
        return ts.strftime("%d/%m/%Y %H:%M"), "center"
    if kind == "center":
        return str(value), "center"
    return str(value), "text"


def sort_key(value: Any, kind: str) -> str:
    """' data-sort="2026-06-02T09:30:00"' for a date cell: the browser sorts dates by this, not
    by their text, which starts with the day (sort.js). '' for other cells and empty dates."""
    if kind not in ("datetime", "date") or value is None or pd.isna(value):
        return ""
    return f' data-sort="{pd.Timestamp(value).isoformat()}"'


def table_html(
    df: pd.DataFrame,
    columns: Sequence[Column],
    profile: Profile,
    *,
    key: str,
    caption: str | None = None,
    numbered: bool = True,
    empty_text: str = "Không có.",
) -> str:
    """A plain sortable data table of the columns of ``df`` that ``columns`` names."""
    present = [c for c in columns if c.key in df.columns]
    if df.empty:
        return f'<p class="noindent" data-table="{escape(key)}">{escape(empty_text)}</p>'
    heads = (['<th scope="col">STT</th>'] if numbered else []) + [
        f'<th scope="col" class="c-{c.key}" data-col="{i + (1 if numbered else 0)}">{escape(c.title)}</th>'
        for i, c in enumerate(present)
    ]
    rows = []
    for n, rec in enumerate(df.to_dict("records"), start=1):
        cells = [f'<td class="center">{n}</td>'] if numbered else []
        for c in present:
            text, cls = _fmt(rec.get(c.key), c.kind, profile)
            cells.append(
                f'<td class="{cls} c-{c.key}"{sort_key(rec.get(c.key), c.kind)}>{escape(text)}</td>'
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{escape(caption)}</caption>\n" if caption else ""
    return (
        f'<table class="data sortable" data-table="{escape(key)}">\n{cap}'
        f"<thead><tr>{''.join(heads)}</tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody>\n</table>"
    )


LATE_COLUMNS: tuple[Column, ...] = (
    Column("case_code", "Mã hồ sơ"),
    Column("procedure_name", "Thủ tục hành chính"),
    Column("field", "Lĩnh vực"),
    Column("received_at", "Ngày tiếp nhận", "datetime"),
    Column("due_at", "Ngày hẹn trả", "datetime"),
    Column("ended_at", "Ngày kết thúc xử lý", "datetime"),
    Column("status", "Tình trạng", "center"),
    Column("days_late", "Số ngày quá hạn", "count"),
)


def late_cases_html(late: pd.DataFrame, profile: Profile) -> str:
    """Cases resolved late in the period and cases still open past their due date at its end."""
    return table_html(late, LATE_COLUMNS, profile, key="late", empty_text="Không có hồ sơ quá hạn.")


# --- comparison -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    key: str
    title: str
    kind: str = "count"  # count | rate
    # Whether a rise is good news (True), bad news (False) or neither (None): sets the wording.
    higher_is_better: bool | None = None


COMPARISON_METRICS: tuple[Metric, ...] = (
    Metric("cases_total", "Tổng số hồ sơ nhận giải quyết"),
    Metric("cases_new", "Hồ sơ mới tiếp nhận trong kỳ"),
    Metric("cases_new_online", "— trong đó trực tuyến"),
    Metric("cases_carried_over", "Hồ sơ từ kỳ trước chuyển qua"),
    Metric("cases_resolved", "Hồ sơ đã giải quyết"),
    Metric("cases_resolved_late", "— trong đó quá hạn", higher_is_better=False),
    Metric("cases_in_progress", "Hồ sơ đang giải quyết"),
    Metric("cases_in_progress_overdue", "— trong đó quá hạn", higher_is_better=False),
    Metric("rate_online", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", "rate", True),
    Metric("rate_on_time", "Tỷ lệ giải quyết trước hạn và đúng hạn", "rate", True),
)


def _num(v: Any) -> Decimal | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    return Decimal(str(v))


def change_html(current: Any, before: Any, kind: str, profile: Profile, better: bool | None) -> str:
    """'▲ +83', '▼ −5', '= 0' (counts) or '▲ +0,12 điểm %' (rates); N/A when either is missing."""
    a, b = _num(current), _num(before)
    if a is None or b is None:
        return f'<span class="same">{NA}</span>'
    diff = a - b
    if kind == "rate":
        mag = format_decimal(abs(diff), profile, 2) + " điểm %"
    else:
        mag = format_count(int(abs(diff)), profile)
    if diff == 0:
        return f'<span class="same" title="không đổi">= {mag}</span>'
    up = diff > 0
    arrow, sign = ("▲", "+") if up else ("▼", "−")
    if better is None:
        verdict = "tăng" if up else "giảm"
    else:
        verdict = (
            ("tăng, tốt hơn" if up else "giảm, kém hơn")
            if better
            else ("tăng, kém hơn" if up else "giảm, tốt hơn")
        )
    cls = "up" if up else "down"
    return f'<span class="{cls}" title="{verdict}">{arrow} {sign}{mag}</span>'


def _value_text(v: Any, kind: str, profile: Profile) -> str:
    if kind == "rate":
        n = _num(v)
        return format_rate(n, profile, 2) if n is not None else NA
    return format_count(_int(v), profile)


def comparison_html(
    current: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
    last_year: Mapping[str, Any] | None,
    profile: Profile,
    *,
    labels: tuple[str, str, str],
    metrics: Sequence[Metric] = COMPARISON_METRICS,
) -> str:
    """This period against the previous one and the same period last year, with signed changes.

    ``labels`` name the three periods (e.g. 'Tháng 6/2026', 'Tháng 5/2026', 'Tháng 6/2025'). A
    comparison period without data (``None``) shows N/A, never a fake 0.
    """
    prev = previous or {}
    ly = last_year or {}
    rows = []
    for m in metrics:
        if m.key not in current:
            continue
        cur = current.get(m.key)
        rows.append(
            "<tr>"
            f'<td class="text">{escape(m.title)}</td>'
            f'<td class="num">{escape(_value_text(cur, m.kind, profile))}</td>'
            f'<td class="num">{escape(_value_text(prev.get(m.key), m.kind, profile)) if previous is not None else NA}</td>'
            f'<td class="num">{change_html(cur, prev.get(m.key), m.kind, profile, m.higher_is_better) if previous is not None else NA}</td>'
            f'<td class="num">{escape(_value_text(ly.get(m.key), m.kind, profile)) if last_year is not None else NA}</td>'
            f'<td class="num">{change_html(cur, ly.get(m.key), m.kind, profile, m.higher_is_better) if last_year is not None else NA}</td>'
            "</tr>"
        )
    cur_l, prev_l, ly_l = (escape(x) for x in labels)
    return f"""<table class="data compare" data-table="comparison">
<thead>
<tr><th rowspan="2" scope="col">Chỉ tiêu</th><th rowspan="2" scope="col">{cur_l}</th>
<th colspan="2" scope="colgroup">Kỳ trước ({prev_l})</th><th colspan="2" scope="colgroup">Cùng kỳ năm trước ({ly_l})</th></tr>
<tr><th scope="col">Số liệu</th><th scope="col">Thay đổi</th><th scope="col">Số liệu</th><th scope="col">Thay đổi</th></tr>
</thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>"""
