"""The appendix tables as HTML: the national form's case table, late cases, comparisons.

The per-field table follows Biểu số 06/VPCP/KSTT (domain.md §3): columns 1–11 under the merged
group headers "Số hồ sơ nhận giải quyết" (with "Trong kỳ"), "Số hồ sơ đã giải quyết" and "Số hồ
sơ đang giải quyết", a row of column numbers, one row per lĩnh vực and the total row. Numbers are
written by the unit's profile. Rows never split across pages (CSS), headers repeat on each page
and stick on screen; the tables are sortable in the browser (rows marked ``total`` stay last).

Each table is built as data (:class:`tthc.render.model.Table`), which the DOCX builder reads
too, and written as HTML by :func:`table_model_html`; ``field_table_html`` and the other
``*_html`` functions do both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any

import pandas as pd

from tthc.render.model import Cell, Row, Table
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


def _num_cell(text: str, cls: str = "num") -> Cell:
    return Cell(text, style=cls)


def _cell_html(c: Cell) -> str:
    tag = "th" if c.header else "td"
    attrs = f' class="{escape(c.style)}"' if c.style else ""
    if c.colspan > 1:
        attrs += f' colspan="{c.colspan}"'
    if c.rowspan > 1:
        attrs += f' rowspan="{c.rowspan}"'
    if c.col:
        attrs += f' data-col="{escape(c.col)}"'
    if c.sort:
        attrs += f' data-sort="{escape(c.sort)}"'
    if c.scope:
        attrs += f' scope="{c.scope}"'
    inner = escape(c.text)
    if c.mark:
        tip = f' title="{escape(c.tip)}"' if c.tip else ""
        inner = f'<span class="{escape(c.mark)}"{tip}>{inner}</span>'
    if c.note:
        inner += f'<br><span class="note">{escape(c.note)}</span>'
    return f"<{tag}{attrs}>{inner}</{tag}>"


def _row_html(r: Row) -> str:
    attr = f' class="{escape(r.style)}"' if r.style else ""
    return f"<tr{attr}>" + "".join(_cell_html(c) for c in r.cells) + "</tr>"


def table_model_html(t: Table) -> str:
    """A table of the document as HTML: caption, header rows in ``thead``, body rows; the
    ``empty`` sentence instead when there are no body rows."""
    if not t.body and t.empty:
        return f'<p class="noindent" data-table="{escape(t.key)}">{escape(t.empty)}</p>'
    cap = f"<caption>{escape(t.caption)}</caption>\n" if t.caption else ""
    head = "\n".join(_row_html(r) for r in t.head)
    body = "\n".join(_row_html(r) for r in t.body)
    return (
        f'<table class="{escape(t.style)}" data-table="{escape(t.key)}">\n{cap}'
        f"<thead>\n{head}\n</thead>\n<tbody>\n{body}\n</tbody>\n</table>"
    )


def form_values(row: Mapping[str, Any]) -> dict[int, int | None]:
    """Columns 1–11 of one row (a mapping with Figures' count names)."""
    out: dict[int, int | None] = {}
    for col, sources in FORM_COLUMNS.items():
        vals = [row.get(s) for s in sources]
        out[col] = None if any(v is None or pd.isna(v) for v in vals) else sum(int(v) for v in vals)
    return out


def field_table(
    by_field: pd.DataFrame,
    profile: Profile,
    *,
    caption: str = "Tình hình, kết quả giải quyết thủ tục hành chính theo lĩnh vực",
    show_third_bucket: bool = True,
) -> Table:
    """The national form's table: STT, Lĩnh vực, columns 1–11 (+ the third bucket), total row.

    ``by_field`` has a ``field`` column and the count columns of :data:`FORM_COLUMNS`; a row
    whose field is a total label is taken as the total row, otherwise the total is summed.
    Early and on-time columns are N/A where the profile does not split them.
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

    def cell(col: int, value: int | None) -> Cell:
        if col == 6 and not profile.early_on_time_split:
            return _num_cell(NA, "num na")
        return _num_cell(format_count(value, profile))

    def th(text: str, col: str = "", rowspan: int = 1, colspan: int = 1, **kw: str) -> Cell:
        scope = "colgroup" if colspan > 1 else "col"
        return Cell(text, header=True, rowspan=rowspan, colspan=colspan, col=col, scope=scope, **kw)

    third_head = (
        (th("Trả lại, rút, dừng xử lý", "13", 3, note="(ngoài cột 5 và 9)"),)
        if third and profile.third_bucket == "separate"
        else (th("Trả lại, rút, dừng xử lý", "13", 3),)
        if third
        else ()
    )
    head = (
        Row(
            (
                th("STT", rowspan=3),
                th("Lĩnh vực", "1", 3),
                th("Số hồ sơ nhận giải quyết", colspan=4),
                th("Số hồ sơ đã giải quyết", colspan=4),
                th("Số hồ sơ đang giải quyết", colspan=3),
                *third_head,
            )
        ),
        Row(
            (
                th("Tổng số", "2", 2),
                th("Trong kỳ", colspan=2),
                th("Từ kỳ trước", "5", 2),
                th("Tổng số", "6", 2),
                th("Trước hạn", "7", 2),
                th(profile.on_time_label, "8", 2),
                th("Quá hạn", "9", 2),
                th("Tổng số", "10", 2),
                th("Trong hạn", "11", 2),
                th("Quá hạn", "12", 2),
            )
        ),
        Row((th("Trực tuyến", "3"), th("Trực tiếp, dịch vụ bưu chính", "4"))),
        Row(
            tuple(
                Cell(f"({c})", header=True)
                for c in ("A", "B", *range(1, 12), *((12,) if third else ()))
            ),
            style="colno",
        ),
    )
    body = []
    for i, row in enumerate(rows.to_dict("records"), start=1):
        vals = form_values(row)
        extra = (
            (_num_cell(format_count(_int(row.get(THIRD_BUCKET_COLUMN)), profile)),) if third else ()
        )
        body.append(
            Row(
                (
                    Cell(str(i), style="center"),
                    Cell(str(row["field"]), style="text"),
                    *(cell(c, v) for c, v in vals.items()),
                    *extra,
                )
            )
        )
    tvals = form_values(total)
    textra = (
        (_num_cell(format_count(_int(total.get(THIRD_BUCKET_COLUMN)), profile)),) if third else ()
    )
    body.append(
        Row(
            (
                Cell("", style="center"),
                Cell("Tổng cộng", header=True, scope="row", style="text"),
                *(cell(c, v) for c, v in tvals.items()),
                *textra,
            ),
            style="total",
        )
    )
    return Table(
        key="fields",
        style="data fields sortable",
        caption=caption,
        head=head,
        body=tuple(body),
        # STT, Lĩnh vực, (1) (2), the two-word (3), (4)–(11), the third bucket: for the DOCX.
        widths=(0.65, 2.6, 0.8, 0.8, 1.15, *(0.8,) * 8, *((1.15,) if third else ())),
    )


def field_table_html(
    by_field: pd.DataFrame,
    profile: Profile,
    *,
    caption: str = "Tình hình, kết quả giải quyết thủ tục hành chính theo lĩnh vực",
    show_third_bucket: bool = True,
) -> str:
    """The national form's table (:func:`field_table`) as HTML."""
    return table_model_html(
        field_table(by_field, profile, caption=caption, show_third_bucket=show_third_bucket)
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
    """'2026-06-02T09:30:00' for a date cell: the browser sorts dates by this (the cell's
    ``data-sort``, :attr:`Cell.sort`), not by their text, which starts with the day (sort.js).
    '' for other cells and empty dates."""
    if kind not in ("datetime", "date") or value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).isoformat()


def data_table(
    df: pd.DataFrame,
    columns: Sequence[Column],
    profile: Profile,
    *,
    key: str,
    caption: str | None = None,
    numbered: bool = True,
    empty_text: str = "Không có.",
    widths: Sequence[float] = (),
) -> Table:
    """A plain sortable data table of the columns of ``df`` that ``columns`` names."""
    present = [c for c in columns if c.key in df.columns]
    heads = ([Cell("STT", header=True, scope="col")] if numbered else []) + [
        Cell(c.title, header=True, scope="col", style=f"c-{c.key}", col=str(i + numbered))
        for i, c in enumerate(present)
    ]
    rows = []
    for n, rec in enumerate(df.to_dict("records"), start=1):
        cells = [Cell(str(n), style="center")] if numbered else []
        for c in present:
            text, cls = _fmt(rec.get(c.key), c.kind, profile)
            cells.append(
                Cell(text, style=f"{cls} c-{c.key}", sort=sort_key(rec.get(c.key), c.kind))
            )
        rows.append(Row(tuple(cells)))
    return Table(
        key=key,
        style="data sortable",
        caption=caption or "",
        head=(Row(tuple(heads)),),
        body=tuple(rows),
        empty=empty_text,
        widths=tuple(widths),
    )


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
    """A plain sortable data table (:func:`data_table`) as HTML."""
    return table_model_html(
        data_table(
            df, columns, profile, key=key, caption=caption, numbered=numbered, empty_text=empty_text
        )
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


def late_cases(late: pd.DataFrame, profile: Profile) -> Table:
    """Cases resolved late in the period and cases still open past their due date at its end."""
    return data_table(
        late,
        LATE_COLUMNS,
        profile,
        key="late",
        empty_text="Không có hồ sơ quá hạn.",
        widths=(0.75, 1.9, 2.5, 1.1, 1.6, 1.6, 1.6, 1.1, 0.8),
    )


def late_cases_html(late: pd.DataFrame, profile: Profile) -> str:
    """The late cases (:func:`late_cases`) as HTML."""
    return table_model_html(late_cases(late, profile))


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


def change(current: Any, before: Any, kind: str, profile: Profile, better: bool | None) -> Cell:
    """'▲ +83', '▼ −5', '= 0' (counts) or '▲ +0,12 điểm %' (rates) as a cell whose ``mark`` is
    up/down/same and whose ``tip`` says whether that is good news; N/A when either is missing."""
    a, b = _num(current), _num(before)
    if a is None or b is None:
        return Cell(NA, style="num", mark="same")
    diff = a - b
    if kind == "rate":
        mag = format_decimal(abs(diff), profile, 2) + " điểm %"
    else:
        mag = format_count(int(abs(diff)), profile)
    if diff == 0:
        return Cell(f"= {mag}", style="num", mark="same", tip="không đổi")
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
    return Cell(f"{arrow} {sign}{mag}", style="num", mark="up" if up else "down", tip=verdict)


def change_html(current: Any, before: Any, kind: str, profile: Profile, better: bool | None) -> str:
    """The change (:func:`change`) as an HTML ``span``."""
    c = change(current, before, kind, profile, better)
    tip = f' title="{escape(c.tip)}"' if c.tip else ""
    return f'<span class="{c.mark}"{tip}>{escape(c.text)}</span>'


def _value_text(v: Any, kind: str, profile: Profile) -> str:
    if kind == "rate":
        n = _num(v)
        return format_rate(n, profile, 2) if n is not None else NA
    return format_count(_int(v), profile)


def comparison(
    current: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
    last_year: Mapping[str, Any] | None,
    profile: Profile,
    *,
    labels: tuple[str, str, str],
    metrics: Sequence[Metric] = COMPARISON_METRICS,
) -> Table:
    """This period against the previous one and the same period last year, with signed changes.

    ``labels`` name the three periods (e.g. 'Tháng 6/2026', 'Tháng 5/2026', 'Tháng 6/2025'). A
    comparison period without data (``None``) shows N/A, never a fake 0.
    """
    rows = []
    for m in metrics:
        if m.key not in current:
            continue
        cur = current.get(m.key)
        cells = [Cell(m.title, style="text"), Cell(_value_text(cur, m.kind, profile), style="num")]
        for other in (previous, last_year):
            if other is None:
                cells += [Cell(NA, style="num"), Cell(NA, style="num")]
            else:
                cells += [
                    Cell(_value_text(other.get(m.key), m.kind, profile), style="num"),
                    change(cur, other.get(m.key), m.kind, profile, m.higher_is_better),
                ]
        rows.append(Row(tuple(cells)))
    cur_l, prev_l, ly_l = labels

    def th(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
        scope = "colgroup" if colspan > 1 else "col"
        return Cell(text, header=True, rowspan=rowspan, colspan=colspan, scope=scope)

    head = (
        Row(
            (
                th("Chỉ tiêu", 2),
                th(cur_l, 2),
                th(f"Kỳ trước ({prev_l})", colspan=2),
                th(f"Cùng kỳ năm trước ({ly_l})", colspan=2),
            )
        ),
        Row((th("Số liệu"), th("Thay đổi"), th("Số liệu"), th("Thay đổi"))),
    )
    return Table(
        key="comparison",
        style="data compare",
        caption="",
        head=head,
        body=tuple(rows),
        widths=(3.4, 1.3, 1.3, 1.4, 1.3, 1.4),
    )


def comparison_html(
    current: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
    last_year: Mapping[str, Any] | None,
    profile: Profile,
    *,
    labels: tuple[str, str, str],
    metrics: Sequence[Metric] = COMPARISON_METRICS,
) -> str:
    """The comparison (:func:`comparison`) as HTML."""
    return table_model_html(
        comparison(current, previous, last_year, profile, labels=labels, metrics=metrics)
    )
