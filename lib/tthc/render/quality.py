"""The data-quality section of the appendix: where the figures came from and what to review.

It shows the ingest ledger of the unit (files, rows read / inserted / updated / rejected /
conflicting), rejected rows by reason, the identity checks of the case table with their gaps,
the narrative lint warnings, every figure supplied from outside the exports with its source,
date and what the exports give for it, every N/A with its reason, the notes of the statistics
and, for each rate, the rounding rule and the window and base that produced it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

import duckdb
import pandas as pd

from tthc.render.tables import sort_key
from tthc.report.supplied import SuppliedFigure, compare
from tthc.stats.numbers import format_count, format_decimal, format_rate
from tthc.stats.periods import vn_date
from tthc.stats.profile import Profile

_KIND = {"cases": "Danh sách hồ sơ", "catalogue": "Danh mục TTHC", "pakn": "Phản ánh, kiến nghị"}

# Vietnamese names of the counts that can be N/A (rates are named by their RateInfo title).
FIGURE_LABELS: dict[str, str] = {
    "cases_new_online": "Hồ sơ mới tiếp nhận trực tuyến",
    "cases_new_in_person": "Hồ sơ mới tiếp nhận trực tiếp",
    "cases_new_postal": "Hồ sơ mới tiếp nhận qua dịch vụ bưu chính",
    "cases_new_in_person_postal": "Hồ sơ mới tiếp nhận trực tiếp và qua dịch vụ bưu chính",
    "cases_resolved_early": "Hồ sơ giải quyết trước hạn",
    "procedures_with_cases": "Số thủ tục phát sinh hồ sơ",
    "procedures_catalogue": "Số thủ tục trong danh mục",
    "procedures_partial_with_cases": "Số thủ tục DVCTT một phần phát sinh hồ sơ",
    "procedures_partial_catalogue": "Số thủ tục DVCTT một phần trong danh mục",
    "procedures_full_with_cases": "Số thủ tục DVCTT toàn trình phát sinh hồ sơ",
    "procedures_full_catalogue": "Số thủ tục DVCTT toàn trình trong danh mục",
    "dvctt_cases": "Hồ sơ của các thủ tục DVCTT",
    "dvctt_cases_online": "Hồ sơ trực tuyến của các thủ tục DVCTT",
    "cases_with_components": "Hồ sơ có thành phần hồ sơ đính kèm",
    "cases_with_result_file": "Hồ sơ có file kết quả đính kèm",
    "cases_with_both": "Hồ sơ có thành phần hồ sơ và file kết quả đính kèm",
    "cases_reusing_data": "Hồ sơ tái sử dụng dữ liệu số hóa",
    "cases_fee_bearing": "Hồ sơ có phí, lệ phí",
    "cases_paid_online": "Hồ sơ thanh toán trực tuyến",
    "pakn_received": "PAKN đã tiếp nhận",
    "pakn_carried_over": "PAKN kỳ trước chuyển qua",
    "pakn_on_time": "PAKN đã xử lý đúng hạn",
    "pakn_late": "PAKN đã xử lý quá hạn",
    "pakn_in_progress": "PAKN đang xử lý",
}


def na_items(na: dict[str, str], rates: dict[str, Any]) -> list[str]:
    """'Tỷ lệ thanh toán trực tuyến: mẫu số bằng 0', one per figure that is N/A."""
    out = []
    for key, reason in na.items():
        rate = rates.get(key.removeprefix("rate_")) if key.startswith("rate_") else None
        label = rate.title if rate is not None else FIGURE_LABELS.get(key, key)
        out.append(f"{label}: {reason}")
    return out


def ledger(con: duckdb.DuckDBPyConnection, unit: str) -> pd.DataFrame:
    """One row per ingested file of the unit, oldest first."""
    return con.execute(
        """
        SELECT ingest_id, kind, file_name, sheet, as_of, ingested_at, rows_read, inserted,
               updated, unchanged, rejected, conflicts
        FROM ingests WHERE unit = ? ORDER BY ingested_at, ingest_id
        """,
        [unit],
    ).df()


def rejects_by_reason(con: duckdb.DuckDBPyConnection, unit: str) -> pd.DataFrame:
    """Rejected rows of the unit counted by reason, most frequent first."""
    return con.execute(
        """
        SELECT reason, kind, count(*) AS n FROM rejects WHERE unit = ?
        GROUP BY reason, kind ORDER BY n DESC, reason
        """,
        [unit],
    ).df()


def _cnt(v: Any, profile: Profile) -> str:
    return "" if v is None or pd.isna(v) else format_count(int(v), profile)


def _ts(v: Any) -> str:
    if v is None or pd.isna(v):
        return ""
    t = pd.Timestamp(v)
    return t.strftime("%d/%m/%Y %H:%M") if (t.hour, t.minute) != (0, 0) else t.strftime("%d/%m/%Y")


def _sort_attr(v: Any) -> str:
    """The ``data-sort`` attribute of a date cell (sort.js), '' for an empty one."""
    key = sort_key(v, "datetime")
    return f' data-sort="{escape(key)}"' if key else ""


def ledger_html(df: pd.DataFrame, profile: Profile) -> str:
    if df.empty:
        return '<p class="noindent">Chưa nạp tệp dữ liệu nào cho đơn vị này.</p>'
    rows = []
    for r in df.to_dict("records"):
        name = r["file_name"] + (f" ({r['sheet']})" if r.get("sheet") else "")
        rows.append(
            "<tr>"
            f'<td class="center">{int(r["ingest_id"])}</td>'
            f'<td class="text">{escape(_KIND.get(r["kind"], r["kind"]))}</td>'
            f'<td class="text">{escape(name)}</td>'
            f'<td class="center"{_sort_attr(r["as_of"])}>{_ts(r["as_of"])}</td>'
            + "".join(
                f'<td class="num">{_cnt(r[k], profile)}</td>'
                for k in ("rows_read", "inserted", "updated", "unchanged", "rejected", "conflicts")
            )
            + "</tr>"
        )
    totals = "".join(
        f'<td class="num">{_cnt(df[k].sum(), profile)}</td>'
        for k in ("rows_read", "inserted", "updated", "unchanged", "rejected", "conflicts")
    )
    rows.append(
        f'<tr class="total"><td></td><th scope="row" class="text" colspan="3">Cộng</th>{totals}</tr>'
    )
    return (
        '<table class="data sortable" data-table="ledger"><caption>Các tệp dữ liệu đã nạp</caption>'
        "<thead><tr>"
        '<th scope="col" data-col="0">Lần nạp</th><th scope="col" data-col="1">Loại</th>'
        '<th scope="col" data-col="2">Tệp</th><th scope="col" data-col="3">Ngày xuất</th>'
        '<th scope="col" data-col="4">Dòng đọc</th><th scope="col" data-col="5">Thêm mới</th>'
        '<th scope="col" data-col="6">Cập nhật</th><th scope="col" data-col="7">Không đổi</th>'
        '<th scope="col" data-col="8">Bị loại</th><th scope="col" data-col="9">Xung đột</th>'
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def rejects_html(df: pd.DataFrame, profile: Profile) -> str:
    if df.empty:
        return '<p class="noindent">Không có dòng dữ liệu nào bị loại.</p>'
    rows = "".join(
        f'<tr><td class="text">{escape(str(r["reason"]))}</td>'
        f'<td class="text">{escape(_KIND.get(r["kind"], r["kind"]))}</td>'
        f'<td class="num">{_cnt(r["n"], profile)}</td></tr>'
        for r in df.to_dict("records")
    )
    return (
        '<table class="data" data-table="rejects"><caption>Dòng dữ liệu bị loại, theo lý do</caption>'
        '<thead><tr><th scope="col">Lý do</th><th scope="col">Loại tệp</th><th scope="col">Số dòng</th>'
        "</tr></thead><tbody>" + rows + "</tbody></table>"
    )


def checks_html(checks: Iterable[Any]) -> str:
    """Identity checks: every failure with its gap; a single line when all hold."""
    checks = list(checks)
    failed = [c for c in checks if not c.ok]
    if not failed:
        return (
            f'<p class="noindent" data-checks="ok">Tất cả {len(checks)} phép kiểm tra cân đối số liệu '
            "(tổng số = mới + kỳ trước; đã giải quyết = trước hạn + đúng hạn + quá hạn; đang giải "
            "quyết = trong hạn + quá hạn; tổng các lĩnh vực = dòng tổng cộng…) đều khớp.</p>"
        )
    rows = "".join(
        f'<tr><td class="text">{escape(c.name)}</td><td class="text">{escape(c.detail)}</td>'
        f'<td class="num gap">{c.gap:+d}</td></tr>'
        for c in failed
    )
    return (
        f'<p class="noindent" data-checks="failed">{len(failed)}/{len(checks)} phép kiểm tra cân đối '
        "không khớp; số liệu được giữ nguyên, chênh lệch ghi dưới đây để rà soát:</p>"
        '<table class="data" data-table="checks"><thead><tr><th scope="col">Phép kiểm tra</th>'
        '<th scope="col">Chi tiết</th><th scope="col">Chênh lệch</th></tr></thead><tbody>'
        + rows
        + "</tbody></table>"
    )


def bullet_list(items: Iterable[str], *, empty: str, key: str) -> str:
    items = [i for i in items if i]
    if not items:
        return f'<p class="noindent" data-list="{key}">{escape(empty)}</p>'
    lis = "".join(f"<li>{escape(i)}</li>" for i in items)
    return f'<ul data-list="{key}">{lis}</ul>'


def rates_html(rates: dict[str, Any], profile: Profile) -> str:
    """For each rate: value, numerator/denominator, base, window and rounding rule."""
    rows = []
    for info in rates.values():
        value = (
            format_rate(info.value, profile, info.decimals)
            if info.value is not None
            else f"N/A ({info.na_reason})"
            if info.na_reason
            else "N/A"
        )
        window = "kỳ báo cáo" if info.window == "period" else "lũy kế"
        span = f"{info.window_start:%d/%m/%Y}–{info.window_end:%d/%m/%Y}"
        parts = (
            f"{_cnt(info.numerator, profile) or '?'}/{_cnt(info.denominator, profile) or '?'}"
            if info.denominator is not None
            else "—"
        )
        rows.append(
            f'<tr><td class="text">{escape(info.title)}</td><td class="num">{escape(value)}</td>'
            f'<td class="num">{escape(parts)}</td><td class="text">{escape(info.base_phrase)}</td>'
            f'<td class="text">{window} {span}</td><td class="center">{info.decimals}</td></tr>'
        )
    return (
        '<table class="data" data-table="rates"><caption>Cách tính các tỷ lệ</caption><thead><tr>'
        '<th scope="col">Tỷ lệ</th><th scope="col">Giá trị</th><th scope="col">Tử số/mẫu số</th>'
        '<th scope="col">Mẫu số là</th><th scope="col">Cửa sổ thời gian</th>'
        '<th scope="col">Số chữ số thập phân</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
        + f'<p class="noindent note">Quy tắc làm tròn: {escape(profile.rule_label)} '
        f"(bộ quy ước báo cáo “{escape(profile.name)}”).</p>"
    )


_SUPPLIED_STATUS = {
    "match": "khớp",
    "differ": "khác",
    "not_computed": "tệp xuất không tính được",
    "no_counterpart": "tệp xuất không có chỉ tiêu này",
}


def supplied_html(
    supplied: Mapping[str, SuppliedFigure],
    values: Mapping[str, Any],
    na: Mapping[str, str],
    profile: Profile,
) -> str:
    """Every figure supplied from outside the exports (``tthc.report.supplied``): value, source,
    date, and what the exports computed for the same indicator."""
    if not supplied:
        return '<p class="noindent" data-table="supplied">Không có.</p>'
    rows = []
    for fig in supplied.values():
        c = compare(fig, values, na)
        if fig.unit == "%":
            given = format_rate(fig.value, profile, fig.decimals)
            decimals = profile.rate_def(str(fig.spec.computed).removeprefix("rate_")).decimals
            computed = format_rate(c.computed, profile, decimals) if c.computed is not None else ""
        else:
            given = f"{format_decimal(fig.value, profile, fig.decimals)} {fig.unit}"
            computed = ""
        status = _SUPPLIED_STATUS[c.status]
        if c.status == "differ" and c.difference is not None:
            status += f" ({'+' if c.difference > 0 else '−'}"
            status += f"{format_decimal(abs(c.difference), profile, fig.decimals)})"
        elif c.status == "not_computed" and c.reason:
            status += f": {c.reason}"
        rows.append(
            f'<tr><td class="text">{escape(fig.spec.title)}</td><td class="num">{escape(given)}</td>'
            f'<td class="text">{escape(fig.source)}</td><td class="center">{vn_date(fig.as_of)}</td>'
            f'<td class="num">{escape(computed)}</td><td class="text">{escape(status)}</td></tr>'
        )
    return (
        '<table class="data" data-table="supplied"><caption>Số liệu do đơn vị cung cấp</caption>'
        '<thead><tr><th scope="col">Chỉ tiêu</th><th scope="col">Giá trị cung cấp</th>'
        '<th scope="col">Nguồn</th><th scope="col">Số liệu đến ngày</th>'
        '<th scope="col">Tính từ tệp xuất</th><th scope="col">So sánh</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )
