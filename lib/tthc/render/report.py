"""Everything the report notebook displays, one function per part of the document.

The notebook stays thin: it loads :class:`ReportData` once (warehouse opened read-only, unit
params, profile, narrative, figures, chart series, ingest ledger) and displays the parts below in
document order. Each part of the signed document is a :class:`~tthc.render.part.Part`: blocks of
content (:mod:`tthc.render.model`) shown as HTML, with the same blocks as JSON beside it for the
DOCX. Nothing here catches an error: a problem stops the notebook, and the runner reports the
failing cell.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from tthc.render import document as doc
from tthc.render import quality, sections, tables
from tthc.render.charts import (
    Chart,
    NumberStyle,
    channel_chart,
    field_chart,
    monthly_cases_chart,
    processing_time_chart,
    raster_images,
    top_procedures_chart,
)
from tthc.render.export import CHECKS, FIGURES_MIME
from tthc.render.model import Group, Heading, IncompleteMark, Paragraph, Run, Table, Text
from tthc.render.part import ChecksPart, Part
from tthc.report.narrative import Narrative, fill_computed, load_narrative, placeholder_text
from tthc.stats.figures import NATIONAL_COLUMNS, Figures, compute_figures
from tthc.stats.periods import Period, parse_period, vn_long_date
from tthc.stats.profile import Profile, load_profile
from tthc.stats.series import monthly_series, processing_times
from tthc.units import UnitParams, load_unit

PAYLOAD_VERSION = 1


@dataclass
class ReportData:
    """All inputs of one unit-period report."""

    unit: UnitParams
    period: Period
    profile: Profile
    figures: Figures
    narrative: Narrative
    monthly: pd.DataFrame
    times: pd.DataFrame
    ledger: pd.DataFrame
    rejects: pd.DataFrame
    db: Path
    # The report writes a DOCX: its charts are also drawn as PNG (tthc.render.charts).
    docx: bool = True

    @property
    def title(self) -> str:
        return doc.document_title(self.unit, self.period)


_MONTH = re.compile(r"^\d{4}-\d{1,2}$")
_QUARTER = re.compile(r"^\d{4}-[Qq][1-4]$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|/|_)\s*(\d{4}-\d{2}-\d{2})$")


def resolve_period(text: str, rule: str) -> Period:
    """'2026-06' (month), '2026-Q2' (quarter) or '2026-05-15..2026-06-14' (from..to)."""
    text = str(text).strip()
    if _MONTH.match(text):
        return parse_period(month=text, rule=rule)
    if _QUARTER.match(text):
        return parse_period(quarter=text, rule=rule)
    m = _RANGE.match(text)
    if m:
        return parse_period(date_from=m.group(1), date_to=m.group(2), rule=rule)
    # parse_period names the accepted forms in its message.
    return parse_period(month=text, rule=rule)


def load_report_data(
    unit: str,
    period: str,
    db: str | Path | None = None,
    profile: str | None = None,
    allow_partial: bool | None = None,
    docx: bool = True,
) -> ReportData:
    """Open the warehouse read-only and gather every input of the report. ``allow_partial``
    (None: the profile's setting) prints figures the exports cover only in part, marked;
    ``docx``: the report writes a DOCX, so the charts carry a PNG too."""
    from tthc import warehouse
    from tthc.known import require_unit
    from tthc.paths import default_db

    params = load_unit(unit)
    prof = load_profile(profile or params.profile)
    per = resolve_period(period, prof.period_rule)
    path = Path(db) if db else default_db()
    con = warehouse.connect(path, read_only=True)
    try:
        require_unit(unit, con)
        figures = compute_figures(con, unit, per, prof, allow_partial=allow_partial)
        monthly = monthly_series(con, unit, figures.ytd_start, per.end, prof)
        times = processing_times(con, unit, per)
        ledger = quality.ledger(con, unit)
        rejects = quality.rejects_by_reason(con, unit)
    finally:
        con.close()
    narrative = load_narrative(unit, per)
    return ReportData(
        unit=params,
        period=per,
        profile=prof,
        figures=figures,
        narrative=narrative,
        monthly=monthly,
        times=times,
        ledger=ledger,
        rejects=rejects,
        db=path,
        docx=bool(docx),
    )


# --- the body ---------------------------------------------------------------------------------


def narrative_section(narrative: Narrative, sid: str, text: str | None = None) -> Text:
    """Section ``sid`` of a narrative file (or ``text`` in its place) as a block, its unwritten
    placeholder marked: the unit's and the city's report read their narrative alike."""
    raw = narrative.sections[sid] if text is None else text
    return doc.narrative(raw, placeholders=[placeholder_text(sid)], section=sid)


def _narrative(data: ReportData, sid: str, text: str | None = None) -> Text:
    return narrative_section(data.narrative, sid, text)


def front_matter(data: ReportData) -> Part:
    """Header block, 'BÁO CÁO' with the summary line, and the opening paragraph."""
    return Part(
        "front",
        [
            # Số and ngày ban hành belong to this one report: its narrative file gives them.
            doc.header(
                data.unit,
                data.period,
                number=data.narrative.number,
                issue_date=data.narrative.issue_date,
            ),
            doc.title(data.period),
            *completeness_mark(data),
            _narrative(data, "mo-dau"),
        ],
    )


def completeness_mark(data: ReportData) -> tuple[IncompleteMark, ...]:
    """The boxed "BÁO CÁO CHƯA ĐẦY ĐỦ" line of a report the exports do not cover entirely, as
    a block of the front matter (HTML, PDF and DOCX); none for a complete report."""
    return incomplete_marks(data.figures)


def incomplete_marks(f: Figures) -> tuple[IncompleteMark, ...]:
    """The incomplete mark of figures (a unit's, or a city's summed ones) the exports do not
    cover entirely; none when they do."""
    if f.completeness == "complete":
        return ()
    return (doc.incomplete(f.completeness_note, partial=f.completeness == "partial"),)


def _unit_in_text(data: ReportData) -> str:
    return data.unit.display_name


def part_one(data: ReportData) -> Part:
    """I. Results: direction (I.1), regulatory reform (I.2), computed results (I.3, with the
    figures supplied from outside the exports), PAKN (I.4), communication (I.5)."""
    f, p = data.figures, data.profile
    return Part(
        "part-one",
        [
            Heading("I.", f"KẾT QUẢ THỰC HIỆN NHIỆM VỤ {data.period.title_phrase.upper()}"),
            Heading("1.", "Công tác chỉ đạo, điều hành", 2),
            _narrative(data, "I.1"),
            Heading("2.", "Cải cách quy định thủ tục hành chính", 2),
            Heading(
                "2.1.",
                "Kết quả kiểm soát quy định thủ tục hành chính trong các văn bản quy phạm pháp luật.",
                3,
            ),
            _narrative(data, "I.2.1"),
            Heading("2.2.", "Đối với việc rà soát, cắt giảm, đơn giản hóa thủ tục hành chính.", 3),
            _narrative(data, "I.2.2"),
            Heading("3.", "Kết quả thực hiện công tác cải cách thủ tục hành chính.", 2),
            sections.computed(
                sections.results_lines(
                    f,
                    p,
                    unit_name=_unit_in_text(data),
                    centre=data.unit.centre,
                    period_start=data.period.start,
                    period_end=data.period.end,
                    ytd_start=f.ytd_start,
                    supplied=data.narrative.supplied,
                ),
                section="I.3",
            ),
            Heading("4.", "Kết quả tiếp nhận và xử lý phản ánh, kiến nghị", 2),
            sections.computed(sections.pakn_lines(f, p), section="I.4"),
            Heading("5.", "Công tác truyền thông về cải cách thủ tục hành chính.", 2),
            _narrative(data, "I.5"),
        ],
    )


def part_two(data: ReportData) -> Part:
    """II. Assessment: achievements (with the computed bullet) and shortcomings."""
    bullet = sections.achievement_line(data.figures, data.profile).to_markdown()
    return Part(
        "part-two",
        [
            Heading("II.", "ĐÁNH GIÁ CHUNG"),
            Heading("1.", "Kết quả đã đạt được.", 2),
            _narrative(data, "II.1", fill_computed(data.narrative.sections["II.1"], bullet)),
            Heading("2.", "Một số tồn tại, hạn chế", 2),
            _narrative(data, "II.2"),
        ],
    )


def part_three_four(data: ReportData) -> Part:
    """III. Next period's tasks, IV. Proposals, the closing sentence."""
    return Part(
        "part-three-four",
        [
            Heading("III.", f"PHƯƠNG HƯỚNG NHIỆM VỤ {data.period.next().title_phrase.upper()}"),
            _narrative(data, "III"),
            Heading("IV.", "KIẾN NGHỊ VÀ ĐỀ XUẤT"),
            _narrative(data, "IV"),
            Paragraph((Run(doc.closing_sentence(data.unit, data.period)),), style="closing"),
        ],
    )


def signature(data: ReportData) -> Part:
    return Part("signature", [doc.signature(data.unit)])


# --- the appendix ------------------------------------------------------------------------------


def appendix_field_table(data: ReportData) -> Part:
    """Appendix heading and the national form's table, on a landscape page."""
    table = tables.field_table(
        data.figures.by_field,
        data.profile,
        caption=f"Biểu 1. Tình hình, kết quả giải quyết thủ tục hành chính theo lĩnh vực ({data.period.range_phrase.lower()})",
    )
    head = doc.appendix_head(
        data.unit,
        data.period,
        number=data.narrative.number,
        issue_date=data.narrative.issue_date,
    )
    notes = [doc.note(n) for n in _field_table_notes(data)]
    return Part(
        "appendix",
        [Group("appendix", "appendix", (head, table, *notes), landscape=True)],
    )


def _field_table_notes(data: ReportData) -> list[str]:
    notes = _coverage_table_notes(data, [k for k, _, _ in NATIONAL_COLUMNS])
    if data.profile.third_bucket == "separate":
        notes.append(
            "Cột (12): hồ sơ công dân rút, dừng xử lý hoặc trả lại trong kỳ, không tính vào cột (5) "
            "và (9); (1) = (5) + (9) + (12)."
        )
    elif data.profile.third_bucket == "resolved_on_time":
        notes.append(
            "Hồ sơ rút, dừng xử lý, trả lại được tính vào cột (7) theo bộ quy ước báo cáo."
        )
    else:
        notes.append("Hồ sơ rút, dừng xử lý, trả lại không tính vào tổng số (cột 1).")
    cmp = "theo thời điểm" if data.profile.comparison == "timestamp" else "theo ngày"
    notes.append(f"Trước hạn / đúng hạn / quá hạn: so sánh ngày kết thúc với ngày hẹn trả {cmp}.")
    return notes


def _coverage_table_notes(data: ReportData, keys: list[str]) -> list[str]:
    """'N/A: <reason>.' and '<days>: …' notes for the columns of a table the exports do not
    cover entirely (each reason or span once)."""
    f = data.figures
    out: list[str] = []
    for key in keys:
        if key in f.coverage_na:
            out.append(f"N/A: {f.coverage_na[key]}.")
        elif key in f.partial:
            out.append(f"Số liệu {f.partial[key].note}, chưa đủ cả kỳ.")
    return list(dict.fromkeys(out))


def appendix_late_cases(data: ReportData) -> Part:
    """Biểu 2: the late cases; N/A with its reason when the exports cannot tell them, a note
    under the table when they cover only part of the period."""
    f = data.figures
    title = (
        f"Biểu 2. Hồ sơ quá hạn {data.period.title_phrase} "
        "(đã giải quyết quá hạn trong kỳ và đang giải quyết quá hạn đến cuối kỳ)"
    )
    if "late_cases" in f.na:
        # No rows to list: the table says N/A and why instead (as an empty list says 'none').
        na = f"N/A ({f.na['late_cases']})."
        body: tuple[Any, ...] = (Table("late", "data sortable", "", (), (), empty=na),)
    else:
        body = (
            tables.late_cases(f.late_cases, data.profile),
            *(doc.note(n) for n in _coverage_table_notes(data, ["late_cases"])),
        )
    return Part("late", [Group("late", "appendix-part", (Heading("", title, 4), *body))])


def _period_label(p: Period) -> str:
    return p.title_phrase[:1].upper() + p.title_phrase[1:]


def comparison_blocks(f: Figures, period: Period, profile: Profile) -> tuple[Any, ...]:
    """The comparison with the previous period and the same period last year (the table, and
    a note naming the periods without data), for the unit's and the city's figures alike."""
    comps = f.comparisons
    labels = (
        _period_label(period),
        _period_label(period.previous()),
        _period_label(period.same_period_last_year()),
    )
    missing = [
        label
        for key, label in (("previous", labels[1]), ("last_year", labels[2]))
        if comps.get(key) is None
    ]
    # A figure of part of the period compares with nothing: N/A in this table.
    current = {k: (None if k in f.partial else v) for k, v in f.values.items()}
    table = tables.comparison(
        current,
        comps.get("previous"),
        comps.get("last_year"),
        profile,
        labels=labels,
    )
    notes = [doc.note(f"Không có dữ liệu cho: {', '.join(missing)} (N/A).")] if missing else []
    return (table, *notes)


def appendix_comparison(data: ReportData) -> Part:
    blocks = comparison_blocks(data.figures, data.period, data.profile)
    if data.figures.partial:
        blocks = (*blocks, doc.note("Số liệu chỉ tính một phần kỳ không được so sánh (N/A)."))
    title = Heading("", "Biểu 3. So sánh với kỳ trước và cùng kỳ năm trước", 4)
    return Part("comparison", [Group("comparison", "appendix-part", (title, *blocks))])


def charts(data: ReportData) -> list[Chart]:
    """The five charts, in the order the appendix shows them; with their PNG when the report
    writes a DOCX (``data.docx``)."""
    with raster_images(data.docx):
        return _charts(data)


def monthly_chart_frame(monthly: pd.DataFrame) -> pd.DataFrame:
    """The monthly series (:func:`tthc.stats.series.monthly_series`) as the monthly chart reads
    it (:func:`tthc.render.charts.monthly_cases_chart`)."""
    return pd.DataFrame(
        {
            "label": monthly["label"],
            "received": monthly["cases_new"],
            "resolved": monthly["cases_resolved"],
            "rate_on_time": monthly["rate_on_time"],
            "coverage": monthly["coverage"],
            "covered_from": monthly["covered_from"],
            "covered_to": monthly["covered_to"],
            "period_end": monthly["period_end"],
        }
    )


def _charts(data: ReportData) -> list[Chart]:
    f = data.figures
    monthly = monthly_chart_frame(data.monthly)
    v = f.values
    channels = {
        "online": v.get("cases_new_online"),
        "in_person": v.get("cases_new_in_person"),
        "postal": v.get("cases_new_postal"),
    }
    if v.get("cases_new") is None:  # the exports do not cover the period's receptions
        channels = {}
    elif any(c is None for c in channels.values()):
        # Channel unknown for some cases: show what is known and the rest as "không rõ".
        known = sum(c or 0 for c in channels.values())
        channels["unknown"] = int(v["cases_new"]) - known
    rows = f.by_field[~f.by_field["is_total"]]
    if "cases_total" in f.coverage_na:  # no count per field to draw
        rows = rows.iloc[0:0]
    by_field = pd.DataFrame(
        {
            "field": rows["field"].astype(str),
            "total": rows["cases_total"].fillna(0).astype(int),
            "late": (
                rows["cases_resolved_late"].fillna(0) + rows["cases_in_progress_overdue"].fillna(0)
            ).astype(int),
        }
    )
    procs = f.by_procedure
    top = pd.DataFrame(
        {
            "procedure": procs["procedure_name"].fillna(procs["procedure_code"]).astype(str),
            "received": procs["cases_new"].fillna(0).astype(int),
        }
    )
    top = top[top["received"] > 0]
    t = data.times
    if "cases_resolved" in f.coverage_na:  # what was resolved in the period is not known
        t = t.iloc[0:0]
    allowed = pd.to_numeric(t["days_allowed"], errors="coerce")
    used = pd.to_numeric(t["days_used"], errors="coerce")
    ok = allowed > 0
    times = pd.DataFrame({"used_share": (used[ok] / allowed[ok])})
    numbers = NumberStyle.for_profile(data.profile)
    return [
        monthly_cases_chart(monthly, year=data.period.end.year, numbers=numbers),
        channel_chart({k: int(c) for k, c in channels.items() if c is not None}, numbers=numbers),
        field_chart(by_field, numbers=numbers),
        top_procedures_chart(top, numbers=numbers),
        processing_time_chart(times, numbers=numbers),
    ]


def appendix_charts(data: ReportData) -> Part:
    """The five charts, SVG in the HTML and PDF, PNG in the DOCX (when the report writes one);
    a note above them for the days the exports do not cover."""
    notes = _coverage_table_notes(
        data, ["cases_new", "cases_total", "cases_resolved", "cases_in_progress"]
    )
    blocks = (
        Heading("", "Biểu đồ", 4),
        *(doc.note(f"Biểu đồ của kỳ báo cáo — {n}") for n in notes),
        *charts(data),
    )
    return Part("charts", [Group("charts", "appendix-part charts", blocks)])


def cutoff_sentence(data: ReportData) -> str:
    """'Số liệu chốt đến hết ngày 14 tháng 6 năm 2026 (Nghị định 09/2019 …); tệp hồ sơ mới nhất
    xuất ngày 15 tháng 6 năm 2026.'"""
    rule = {
        "nd09": "theo Nghị định 09/2019/NĐ-CP: từ ngày 15 tháng trước đến ngày 14 tháng báo cáo",
        "calendar": "theo tháng dương lịch",
        "day21": "từ ngày 21 tháng trước đến ngày 20 tháng báo cáo",
    }[data.period.rule]
    out = f"Số liệu chốt đến hết {vn_long_date(data.period.end)} ({rule})"
    cases = data.ledger[data.ledger["kind"] == "cases"]["as_of"].dropna()
    if len(cases):
        out += (
            f"; tệp danh sách hồ sơ mới nhất xuất {vn_long_date(pd.Timestamp(cases.max()).date())}"
        )
    return out + "."


def checks(data: ReportData) -> ChecksPart:
    """The internal checks (:func:`data_quality`) as the part the notebook displays: in the
    companion file ``kiem-tra``, and in the appendix of the HTML and PDF too when the unit's
    ``document.checks_in_appendix`` says so; never in the DOCX (it carries no blocks)."""
    return ChecksPart(data_quality(data), CHECKS, data.unit.document.checks_in_appendix)


def data_quality(data: ReportData) -> str:
    """Where the figures came from and what a reviewer should look at: the one place the
    internal checks are built (the companion file shows exactly this)."""
    f, p = data.figures, data.profile
    return (
        '<section class="appendix-part dq" data-part="quality">'
        + '<h3 class="app">Chất lượng dữ liệu và cách tính</h3>'
        + f'<p class="noindent">{doc.e(cutoff_sentence(data))}</p>'
        + quality.ledger_html(data.ledger, p)
        + quality.rejects_html(data.rejects, p)
        + '<p class="noindent"><strong>Kiểm tra cân đối số liệu.</strong></p>'
        + quality.checks_html(f.checks)
        + '<p class="noindent"><strong>Cảnh báo về nội dung do cán bộ viết.</strong></p>'
        + quality.bullet_list(
            data.narrative.warnings, empty="Không có cảnh báo.", key="narrative-warnings"
        )
        + '<p class="noindent"><strong>Số liệu do đơn vị cung cấp (không tính từ tệp xuất).'
        + "</strong></p>"
        + quality.supplied_html(data.narrative.supplied, f.values, f.na, p)
        + '<p class="noindent"><strong>Số liệu không tính được (N/A) và lý do.</strong></p>'
        + quality.bullet_list(quality.na_items(f.na, f.rates), empty="Không có.", key="na")
        + '<p class="noindent"><strong>Ghi chú của phần thống kê.</strong></p>'
        + quality.bullet_list(f.notes, empty="Không có.", key="notes")
        + quality.rates_html(f.rates, p)
        + "</section>"
    )


# --- the machine-readable bundle ------------------------------------------------------------------


def _json_default(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return float(obj)
    if isinstance(obj, (datetime, date, pd.Timestamp)):
        return obj.isoformat()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def payload(data: ReportData) -> dict[str, Any]:
    """What the notebook leaves for tests and the runner (mime :data:`FIGURES_MIME`)."""
    out = {
        "version": PAYLOAD_VERSION,
        "unit": data.unit.unit,
        "period": data.period.key,
        "profile": data.profile.name,
        "db": str(data.db),
        "document_title": data.title,
        "document_author": doc.document_author(data.unit),
        "figures": data.figures.to_json(),
        "narrative": data.narrative.summary(),
        "warnings": [*data.figures.coverage_warnings, *data.narrative.warnings],
        "checks_in_document": data.unit.document.checks_in_appendix,
        "checks_ok": data.figures.ok,
        # Read by the runner: a report that is not complete gets that status, not 'ok'.
        "completeness": {
            "status": data.figures.completeness,
            "note": data.figures.completeness_note,
            "na": sorted(data.figures.coverage_na),
            "partial": sorted(data.figures.partial),
        },
    }
    return json.loads(json.dumps(out, default=_json_default))


def payload_bundle(data: ReportData) -> dict[str, Any]:
    """The raw display bundle: only the custom mime type, so the document never shows it."""
    return {FIGURES_MIME: payload(data)}
