"""Everything the city report notebook displays (``notebooks/city_report.ipynb``).

The city's consolidated report (báo cáo tổng hợp của thành phố) in the unit report's layout
(Nghị định 30/2020, Phụ lục I): the city's header, number and signature; the city's results
(the unit report's sentences, over the summed figures of :mod:`tthc.stats.city`); each unit's
main rates with its rank; the units with late cases; the units whose exports do not cover the
period (listed, never counted as zero); a comparison with the previous period; the sections
the city office writes (params/narrative/<city>/<YYYY-MM>.md: II.1, II.2, III, IV); and in
the appendix the national form by unit (Biểu 06: one row per unit and the total row), the
rates and ranks by unit, and the charts. Each part of the signed document is a
:class:`~tthc.render.part.Part` of blocks (:mod:`tthc.render.model`), as the unit report's
(:mod:`tthc.render.report`, whose builders it reuses): HTML for the page and the PDF, the same
blocks as JSON for the DOCX. The internal checks are a
:class:`~tthc.render.part.ChecksPart` for the companion file kiem-tra, never in the DOCX, as
for a unit. Nothing here catches an error: a problem stops the notebook.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from tthc.cities import CityParams
from tthc.render import document as doc
from tthc.render import quality, sections, tables
from tthc.render.charts import Chart, NumberStyle, monthly_cases_chart, raster_images
from tthc.render.city_charts import units_cases_chart, units_rate_chart
from tthc.render.export import CHECKS, FIGURES_MIME
from tthc.render.model import AppendixHead, Cell, Group, Heading, Paragraph, Row, Run, Table, Text
from tthc.render.part import ChecksPart, Part
from tthc.render.report import (
    _json_default,
    comparison_blocks,
    incomplete_marks,
    monthly_chart_frame,
    narrative_section,
    resolve_period,
)
from tthc.report.narrative import Narrative, fill_computed, load_narrative
from tthc.stats.city import CityFigures, UnitRank, compute_city, load_city_profiles, rank_units
from tthc.stats.figures import Figures
from tthc.stats.numbers import NA, format_count, format_rate
from tthc.stats.periods import Period, vn_date, vn_long_date
from tthc.stats.profile import Profile
from tthc.units import UnitParams, load_unit

PAYLOAD_VERSION = 1
# The narrative sections the city office writes (the others are computed).
CITY_SECTIONS = ("II.1", "II.2", "III", "IV")
# Rates the units are ranked on: (rate key, name in the report).
RANKED: tuple[tuple[str, str], ...] = (
    ("on_time", "Giải quyết trước hạn, đúng hạn"),
    ("online", "Tiếp nhận trực tuyến"),
    ("with_both", "Số hóa thành phần hồ sơ và kết quả"),
    ("reuse", "Tái sử dụng dữ liệu số hóa"),
    ("procedures_with_cases", "Thủ tục phát sinh hồ sơ"),
)
CENTRE = "Trung tâm Phục vụ hành chính công các xã, phường"


@dataclass
class CityReportData:
    """All inputs of one city-period report."""

    city: CityParams
    units: dict[str, UnitParams]
    period: Period
    profile: Profile
    result: CityFigures
    narrative: Narrative
    monthly: pd.DataFrame
    ledger: pd.DataFrame  # per unit and kind: files, rows read, rejected, latest export
    db: Path
    trend_units: list[str]  # the units the monthly chart counts
    # The report writes a DOCX: its charts are also drawn as PNG (tthc.render.charts).
    docx: bool = True

    @property
    def figures(self) -> Figures:
        return self.result.figures

    @property
    def title(self) -> str:
        return f"Báo cáo {summary_phrase(self.period)[:1].lower()}{summary_phrase(self.period)[1:]} – {self.city.display_name}"

    @property
    def contributions(self) -> dict[str, Figures]:
        """Each unit's figures as the city counts them (its own, or counted again under the
        city's profile): what the tables by unit, the ranks and the charts compare."""
        return {u: self.result.contribution(u) for u in self.result.units}

    @property
    def narrative_warnings(self) -> list[str]:
        """The narrative's warnings about the sections the city report has (a unit's I.1 …
        are not the city's to write)."""
        return [
            w
            for w in self.narrative.warnings
            if not w.startswith("Mục ") or any(f"Mục {s} " in w for s in CITY_SECTIONS)
        ]

    def name(self, unit: str) -> str:
        """'xã An Trường' for a unit slug."""
        return self.units[unit].display_name if unit in self.units else unit


def summary_phrase(period: Period) -> str:
    """Trích yếu: 'Tình hình, kết quả giải quyết thủ tục hành chính của các đơn vị cấp xã
    tháng 6 năm 2026'."""
    return (
        "Tình hình, kết quả giải quyết thủ tục hành chính của các đơn vị cấp xã "
        f"{period.title_phrase}"
    )


def load_city_report_data(
    city: str,
    period: str,
    db: str | Path | None = None,
    profile: str | None = None,
    allow_partial: bool | None = None,
    docx: bool = True,
) -> CityReportData:
    """Open the warehouse read-only and gather every input of the city report: each unit's
    figures and the city's (:func:`tthc.stats.city.compute_city`), the city's monthly series,
    the units' ingest ledger, the city's narrative. ``docx``: the report writes a DOCX, so the
    charts carry a PNG too."""
    from tthc import warehouse
    from tthc.paths import default_db
    from tthc.stats.coverage import load_coverages
    from tthc.stats.series import monthly_series

    loaded = load_city_profiles(city, profile)
    params, members, city_profile = loaded.city, loaded.units, loaded.profile
    per = resolve_period(period, city_profile.period_rule)
    path = Path(db) if db else default_db()
    con = warehouse.connect(path, read_only=True)
    try:
        result = compute_city(
            con,
            params.city,
            members,
            per,
            profiles=loaded.profiles,
            city_profile=city_profile,
            allow_partial=allow_partial,
            procedures=False,
            names=loaded.names,
        )
        # The monthly chart over the units whose lists cover the year to date (a unit without
        # them would make every month of the whole city N/A); the others are named under it.
        covs = load_coverages(con, members, "cases")
        ytd = result.figures.ytd_start
        trend_units = [u for u in members if covs[u].during(ytd, per.end)] or members
        monthly = monthly_series(con, trend_units, ytd, per.end, city_profile)
        ledger = units_ledger(con, members)
    finally:
        con.close()
    return CityReportData(
        city=params,
        units={u: load_unit(u) for u in members},
        period=per,
        profile=city_profile,
        result=result,
        narrative=load_narrative(params.city, per),
        monthly=monthly,
        ledger=ledger,
        db=path,
        trend_units=trend_units,
        docx=bool(docx),
    )


def units_ledger(con: Any, units: list[str]) -> pd.DataFrame:
    """Per unit and kind of list: files ingested, rows read, rows rejected, latest export."""
    marks = ", ".join("?" for _ in units)
    return con.execute(
        f"""SELECT unit, kind, count(*) AS files, sum(rows_read) AS rows_read,
                   sum(rejected) AS rejected, max(as_of) AS latest
            FROM ingests WHERE unit IN ({marks}) GROUP BY unit, kind ORDER BY unit, kind""",
        units,
    ).df()


# --- the body ---------------------------------------------------------------------------------


def _narrative(data: CityReportData, sid: str, text: str | None = None) -> Text:
    return narrative_section(data.narrative, sid, text)


def front_matter(data: CityReportData) -> Part:
    """Header block, 'BÁO CÁO' with the summary line, the incomplete mark and the opening."""
    n = len(data.result.units)
    rule = {
        "nd09": "chốt số liệu theo Nghị định số 09/2019/NĐ-CP",
        "calendar": "số liệu theo tháng dương lịch",
        "day21": "số liệu từ ngày 21 tháng trước đến ngày 20 tháng báo cáo",
    }[data.period.rule]
    opening = (
        f"Trên cơ sở số liệu xuất từ Hệ thống thông tin giải quyết thủ tục hành chính của {n} "
        f"đơn vị cấp xã ({rule}), {doc.sentence_case(data.city.issuer)} "
        f"{data.city.display_name} báo cáo tình hình, kết quả giải quyết thủ tục hành chính "
        f"{data.period.title_phrase} như sau:"
    )
    return Part(
        "front",
        [
            doc.header(
                data.city,  # type: ignore[arg-type]  # a city has a unit's header fields
                data.period,
                number=data.narrative.number,
                issue_date=data.narrative.issue_date,
            ),
            doc.title(data.period, summary_phrase(data.period)),
            *incomplete_marks(data.figures),
            Text("narrative", "mo-dau", (Paragraph((Run(opening),)),)),
        ],
    )


def part_one(data: CityReportData) -> Part:
    """I. Results: the city's figures (1), by unit (2), late cases (3), missing data (4),
    comparison with the previous period (5)."""
    f, p = data.figures, data.profile
    return Part(
        "part-one",
        [
            Heading(
                "I.", f"KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH {data.period.title_phrase.upper()}"
            ),
            Heading("1.", "Kết quả chung của các đơn vị cấp xã trên địa bàn", 2),
            sections.computed(
                sections.results_lines(
                    f,
                    p,
                    unit_name=f"các đơn vị cấp xã của {data.city.display_name}",
                    centre=CENTRE,
                    period_start=data.period.start,
                    period_end=data.period.end,
                    ytd_start=f.ytd_start,
                ),
                section="I.1",
            ),
            sections.computed(sections.pakn_lines(f, p), section="I.1-pakn"),
            Heading("2.", "Kết quả của từng đơn vị", 2),
            units_results(data),
            Heading("3.", "Đơn vị có hồ sơ quá hạn", 2),
            *late_units(data),
            Heading("4.", "Đơn vị chưa đủ số liệu của kỳ báo cáo", 2),
            missing_units(data),
            Heading("5.", "So sánh với kỳ trước và cùng kỳ năm trước", 2),
            *comparison_blocks(f, data.period, p),
        ],
    )


_TIED_NAMED = 3  # units named when several share the highest (or lowest) rate


def _rank_phrase(data: CityReportData, ranks: list[UnitRank], decimals: int) -> str:
    known = [r for r in ranks if r.rank is not None]
    missing = [r for r in ranks if r.rank is None]
    if not known:
        return f"chưa đơn vị nào tính được ({NA})"

    def pct(r: UnitRank) -> str:
        return format_rate(r.value, data.profile, decimals)

    def named(group: list[UnitRank]) -> str:
        # Units of one rank are named together: one named "cao nhất" where six share 100%
        # misled (issue 11: rankings with ties).
        if len(group) == 1:
            return f"{data.name(group[0].unit)} ({pct(group[0])})"
        shown = [data.name(r.unit) for r in group[:_TIED_NAMED]]
        rest = len(group) - len(shown)
        listed = (
            ", ".join(shown[:-1]) + " và " + shown[-1]
            if not rest
            else (", ".join(shown) + f" và {rest} đơn vị khác")
        )
        return f"{len(group)} đơn vị cùng {pct(group[0])}: {listed}"

    best = [r for r in known if r.rank == known[0].rank]
    if len(best) == len(known) and len(known) > 1:
        text = f"cả {len(known)} đơn vị tính được cùng {pct(known[0])}"
    else:
        text = f"cao nhất {named(best)}"
        worst = [r for r in known if r.rank == known[-1].rank]
        if worst != best:
            text += f"; thấp nhất {named(worst)}"
    if missing:
        text += f"; {len(missing)} đơn vị chưa tính được ({NA})"
    return text


def units_results(data: CityReportData) -> Text:
    """For each ranked rate, the city's rate and the highest and lowest unit; the full table
    of rates and ranks is Phụ lục II."""
    lines = []
    for key, name in RANKED:
        info = data.figures.rates[key]
        city = (
            format_rate(info.value, data.profile, info.decimals)
            if info.value is not None
            else f"{NA} ({info.na_reason})"
        )
        ranks = rank_units(data.result, key)
        lines.append(
            sections.Line(
                1,
                f"Tỷ lệ {name.lower()}: toàn thành phố {city}; "
                f"{_rank_phrase(data, ranks, info.decimals)}.",
            )
        )
    if data.result.recounted:
        lines.append(
            sections.Line(
                3,
                f"Số liệu của {', '.join(data.name(u) for u in data.result.recounted)} được tính "
                f"theo bộ quy ước báo cáo của thành phố ({data.profile.name}) để cộng và so sánh "
                "với các đơn vị khác (đơn vị báo cáo theo bộ quy ước riêng).",
            )
        )
    lines.append(
        sections.Line(
            3,
            "Số liệu chi tiết của từng đơn vị theo biểu mẫu quốc gia tại Phụ lục I; tỷ lệ và "
            "xếp hạng các đơn vị tại Phụ lục II.",
        )
    )
    return sections.computed(lines, section="I.2")


def late_rows(data: CityReportData) -> list[dict[str, Any]]:
    """Units with cases resolved late in the period or overdue at its end, most first."""
    rows = []
    for unit, f in data.contributions.items():
        late, overdue = (
            f.values.get("cases_resolved_late"),
            f.values.get("cases_in_progress_overdue"),
        )
        if late is None and overdue is None:
            continue
        total = (late or 0) + (overdue or 0)
        if total:
            rows.append(
                {
                    "unit": unit,
                    "name": data.name(unit),
                    "late": late,
                    "overdue": overdue,
                    "total": total,
                }
            )
    rows.sort(key=lambda r: (-r["total"], r["name"]))
    return rows


LATE_LISTED = 20  # units listed in the body; all of them are in Phụ lục I (columns 8 and 11)
LATE_COLUMNS: tuple[tables.Column, ...] = (
    tables.Column("name", "Đơn vị"),
    tables.Column("late", "Đã giải quyết quá hạn", "count"),
    tables.Column("overdue", "Đang giải quyết quá hạn", "count"),
    tables.Column("total", "Cộng", "count"),
)


def late_units(data: CityReportData) -> tuple[Any, ...]:
    """The units with late cases (the :data:`LATE_LISTED` with most of them), or the sentence
    saying there are none among the units with the figures."""
    rows = late_rows(data)
    if not rows:
        n = sum(
            1
            for f in data.contributions.values()
            if f.values.get("cases_resolved_late") is not None
        )
        none = f"Không có đơn vị nào có hồ sơ quá hạn trong {n} đơn vị có đủ số liệu."
        return (Table("late-units", "data sortable", "", (), (), empty=none),)
    table = tables.data_table(
        pd.DataFrame(rows[:LATE_LISTED], columns=[c.key for c in LATE_COLUMNS]),
        LATE_COLUMNS,
        data.profile,
        key="late-units",
        widths=(0.6, 3.0, 1.6, 1.6, 1.0),
    )
    intro = (
        f"{len(rows)} đơn vị có hồ sơ quá hạn (đã giải quyết quá hạn trong kỳ hoặc đang giải "
        "quyết quá hạn đến cuối kỳ):"
    )
    more = (
        (
            doc.note(
                f"{LATE_LISTED} đơn vị nhiều hồ sơ quá hạn nhất; {len(rows) - LATE_LISTED} đơn "
                "vị khác có hồ sơ quá hạn: xem Phụ lục I, cột (8) và (11)."
            ),
        )
        if len(rows) > LATE_LISTED
        else ()
    )
    return (Paragraph((Run(intro),)), table, *more)


def missing_units(data: CityReportData) -> Text:
    """The units whose exports do not cover the period: named with what they cover, never
    counted as zero."""
    missing = data.result.units_missing
    n = len(data.result.units)
    if not missing:
        lines = [sections.Line(3, f"Tất cả {n} đơn vị có đủ số liệu của kỳ báo cáo.")]
        return sections.computed(lines, section="missing-units")
    how = (
        "các số liệu thiếu của thành phố ghi N/A"
        if data.figures.completeness == "incomplete"
        else "số liệu của thành phố chỉ cộng các đơn vị có số liệu, có ghi rõ"
    )
    lines = [
        sections.Line(
            3,
            f"{len(missing)}/{n} đơn vị chưa có đủ số liệu của kỳ báo cáo; số liệu của các đơn "
            f"vị này không được tính là 0 ({how}):",
        ),
        *(
            sections.Line(1, f"{data.name(u)}: {f.completeness_note or NA}")
            for u, f in missing.items()
        ),
    ]
    return sections.computed(lines, section="missing-units")


def part_two(data: CityReportData) -> Part:
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


def part_three_four(data: CityReportData) -> Part:
    """III. Next period's tasks, IV. Proposals, the closing sentence."""
    closing = (
        "Trên đây là báo cáo tình hình, kết quả giải quyết thủ tục hành chính của các đơn vị cấp "
        f"xã {data.period.title_phrase} của {doc.sentence_case(data.city.issuer)} "
        f"{data.city.display_name}./."
    )
    return Part(
        "part-three-four",
        [
            Heading("III.", f"PHƯƠNG HƯỚNG NHIỆM VỤ {data.period.next().title_phrase.upper()}"),
            _narrative(data, "III"),
            Heading("IV.", "KIẾN NGHỊ VÀ ĐỀ XUẤT"),
            _narrative(data, "IV"),
            Paragraph((Run(closing),), style="closing"),
        ],
    )


def signature(data: CityReportData) -> Part:
    return Part("signature", [doc.signature(data.city)])  # type: ignore[arg-type]


# --- the appendix ------------------------------------------------------------------------------


def _appendix_head(data: CityReportData, label: str, title: str) -> AppendixHead:
    return doc.appendix_head(
        data.city,  # type: ignore[arg-type]  # a city has a unit's header fields
        data.period,
        label,
        number=data.narrative.number,
        issue_date=data.narrative.issue_date,
        title=title,
    )


def appendix_units_table(data: CityReportData) -> Part:
    """Phụ lục I: the national form (Biểu 06) with one row per unit and the total row, on a
    landscape page."""
    table = data.result.units_table.copy()
    table["field"] = [
        name if total else data.name(name)
        for name, total in zip(table["field"], table["is_total"], strict=True)
    ]
    f = data.figures
    notes = [f"N/A: {f.coverage_na[k]}." for k in ("cases_total",) if k in f.coverage_na]
    notes.append(
        "Mỗi dòng là số liệu của một đơn vị tính riêng từ dữ liệu của đơn vị đó; dòng Tổng cộng là "
        "tổng các đơn vị (một đơn vị thiếu số liệu thì cột đó của dòng Tổng cộng ghi N/A)."
    )
    cmp = "theo thời điểm" if data.profile.comparison == "timestamp" else "theo ngày"
    notes.append(f"Trước hạn / đúng hạn / quá hạn: so sánh ngày kết thúc với ngày hẹn trả {cmp}.")
    head = _appendix_head(
        data,
        "I",
        f"Số liệu giải quyết thủ tục hành chính của các đơn vị cấp xã {data.period.title_phrase}",
    )
    form = tables.field_table(
        table,
        data.profile,
        caption=(
            "Biểu 06. Tình hình, kết quả giải quyết thủ tục hành chính theo đơn vị "
            f"({data.period.range_phrase.lower()})"
        ),
        label="Đơn vị",
        key="units",
    )
    blocks = (head, form, *(doc.note(n) for n in notes))
    return Part("appendix", [Group("appendix", "appendix", blocks, landscape=True)])


def rankings_frame(data: CityReportData) -> pd.DataFrame:
    """One row per unit (in the city's order): name, and per ranked rate its value and rank."""
    rows: dict[str, dict[str, Any]] = {
        u: {"unit": u, "name": data.name(u)} for u in data.result.units
    }
    for key, _ in RANKED:
        for r in rank_units(data.result, key):
            rows[r.unit][f"{key}_value"] = r.value
            rows[r.unit][f"{key}_rank"] = r.rank
    return pd.DataFrame(list(rows.values()))


def rankings_table(data: CityReportData) -> Table:
    """Each unit's main rates and its rank on each (1 = highest), the city's row last (its
    rates recomputed from the summed parts)."""
    df = rankings_frame(data)
    decimals = {key: data.figures.rates[key].decimals for key, _ in RANKED}

    def pct(v: Any, key: str) -> str:
        return NA if v is None or pd.isna(v) else format_rate(v, data.profile, decimals[key])

    def th(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
        return Cell(text, header=True, rowspan=rowspan, colspan=colspan, scope="col")

    head = (
        Row((th("STT", 2), th("Đơn vị", 2), *(th(name, colspan=2) for _, name in RANKED))),
        Row(tuple(c for _ in RANKED for c in (th("Tỷ lệ"), th("Hạng")))),
    )
    body = []
    for i, r in enumerate(df.to_dict("records"), start=1):
        cells = [Cell(str(i), style="center"), Cell(str(r["name"]), style="text")]
        for k, _ in RANKED:
            rank = r.get(f"{k}_rank")
            cells += [
                Cell(pct(r.get(f"{k}_value"), k), style="num"),
                Cell("" if rank is None or pd.isna(rank) else str(int(rank)), style="center"),
            ]
        body.append(Row(tuple(cells)))
    city = [
        c
        for k, _ in RANKED
        for c in (Cell(pct(data.figures.values.get(f"rate_{k}"), k), style="num"), Cell(""))
    ]
    body.append(
        Row(
            (
                Cell(""),
                Cell("Toàn thành phố", header=True, scope="row", style="text"),
                *city,
            ),
            style="total",
        )
    )
    return Table(
        key="rankings",
        style="data sortable",
        caption="",
        head=head,
        body=tuple(body),
        # STT, Đơn vị, then per rate its value and rank: for the DOCX.
        widths=(0.6, 2.6, *(1.1, 0.7) * len(RANKED)),
    )


def appendix_rankings(data: CityReportData) -> Part:
    """Phụ lục II: the rates and ranks by unit (:func:`rankings_table`), on a landscape page."""
    blocks = (
        _appendix_head(data, "II", "Tỷ lệ và xếp hạng các đơn vị cấp xã"),
        rankings_table(data),
        doc.note(
            "Hạng 1 là tỷ lệ cao nhất; các đơn vị bằng tỷ lệ cùng hạng; đơn vị chưa tính được "
            "tỷ lệ (N/A) không xếp hạng. Tỷ lệ toàn thành phố tính từ tổng tử số và tổng mẫu số "
            "của các đơn vị, không phải trung bình các tỷ lệ."
        ),
    )
    return Part("rankings", [Group("rankings", "appendix", blocks, landscape=True)])


def charts(data: CityReportData) -> list[Chart]:
    """The city's charts, in the order the appendix shows them; with their PNG when the report
    writes a DOCX (``data.docx``)."""
    with raster_images(data.docx):
        return _charts(data)


def _charts(data: CityReportData) -> list[Chart]:
    numbers = NumberStyle.for_profile(data.profile)
    rows = []
    for unit, f in data.contributions.items():
        v = f.values
        parts = {k: v.get(CASE_PARTS[k]) for k in CASE_PARTS}
        if any(x is None for x in parts.values()):
            continue
        rows.append({"unit": data.name(unit), **parts})
    out = [
        monthly_cases_chart(
            monthly_chart_frame(data.monthly), year=data.period.end.year, numbers=numbers
        ),
        units_cases_chart(pd.DataFrame(rows, columns=["unit", *CASE_PARTS]), numbers=numbers),
    ]
    for key, question in (
        ("on_time", "Đơn vị nào giải quyết trước hạn, đúng hạn thấp nhất?"),
        ("online", "Đơn vị nào tiếp nhận trực tuyến thấp nhất?"),
        ("reuse", "Đơn vị nào tái sử dụng dữ liệu số hóa thấp nhất?"),
    ):
        frame = pd.DataFrame(
            [
                {"unit": data.name(u), "value": f.values.get(f"rate_{key}")}
                for u, f in data.contributions.items()
            ],
            columns=["unit", "value"],
        )
        info = data.figures.rates[key]
        out.append(
            units_rate_chart(
                key,
                question,
                frame,
                None if info.value is None else float(info.value),
                decimals=info.decimals,
                numbers=numbers,
            )
        )
    return out


# The stacked parts of the cases chart (tthc.render.city_charts) and the figures they count.
CASE_PARTS = {
    "resolved_ok": "cases_resolved_early_or_on_time",
    "resolved_late": "cases_resolved_late",
    "in_progress_within": "cases_in_progress_within",
    "in_progress_overdue": "cases_in_progress_overdue",
}


def appendix_charts(data: CityReportData) -> Part:
    """Phụ lục III: the charts, SVG in the HTML and PDF, PNG in the DOCX; a note above them
    naming the units the monthly chart leaves out."""
    left_out = [data.name(u) for u in data.result.units if u not in data.trend_units]
    note = (
        (
            doc.note(
                "Biểu đồ theo tháng không gồm các đơn vị chưa có đủ dữ liệu từ "
                f"{vn_date(data.figures.ytd_start)}: {', '.join(left_out)}."
            ),
        )
        if left_out
        else ()
    )
    blocks = (Heading("", "Phụ lục III. Biểu đồ", 4), *note, *charts(data))
    return Part("charts", [Group("charts", "appendix-part charts", blocks)])


# --- internal checks (the companion file) ------------------------------------------------------


def checks(data: CityReportData) -> ChecksPart:
    """The internal checks, for the companion file ``kiem-tra`` (and the appendix when the
    city's ``document.checks_in_appendix`` says so)."""
    return ChecksPart(data_quality(data), CHECKS, data.city.document.checks_in_appendix)


def _ledger_html(data: CityReportData) -> str:
    df = data.ledger
    if df.empty:
        return '<p class="noindent">Chưa nạp tệp dữ liệu nào cho các đơn vị.</p>'
    kinds = {"cases": "hồ sơ", "catalogue": "danh mục", "pakn": "PAKN"}
    rows = "".join(
        f'<tr><td class="text">{doc.e(data.name(r["unit"]))}</td>'
        f'<td class="text">{doc.e(kinds.get(r["kind"], r["kind"]))}</td>'
        f'<td class="num">{format_count(int(r["files"]), data.profile)}</td>'
        f'<td class="num">{format_count(int(r["rows_read"]), data.profile)}</td>'
        f'<td class="num">{format_count(int(r["rejected"]), data.profile)}</td>'
        f'<td class="center">{"" if pd.isna(r["latest"]) else pd.Timestamp(r["latest"]).strftime("%d/%m/%Y %H:%M")}</td></tr>'
        for r in df.to_dict("records")
    )
    return (
        '<table class="data sortable" data-table="ledger"><caption>Các tệp dữ liệu đã nạp, theo '
        'đơn vị</caption><thead><tr><th scope="col">Đơn vị</th><th scope="col">Loại</th>'
        '<th scope="col">Số tệp</th><th scope="col">Dòng đọc</th><th scope="col">Bị loại</th>'
        '<th scope="col">Xuất lúc (mới nhất)</th></tr></thead><tbody>' + rows + "</tbody></table>"
    )


def _completeness_html(data: CityReportData) -> str:
    state = {"complete": "đủ", "incomplete": "chưa đủ", "partial": "một phần"}
    rows = "".join(
        f'<tr><td class="text">{doc.e(data.name(u))}</td>'
        f'<td class="center">{state.get(f.completeness, f.completeness)}</td>'
        f'<td class="num">{len(f.coverage_na)}</td>'
        f'<td class="text">{doc.e(f.data_note)}</td></tr>'
        for u, f in data.result.units.items()
    )
    return (
        '<table class="data sortable" data-table="units-coverage"><caption>Số liệu của từng đơn '
        'vị</caption><thead><tr><th scope="col">Đơn vị</th><th scope="col">Số liệu</th>'
        '<th scope="col">Số liệu N/A vì thiếu dữ liệu</th><th scope="col">Dữ liệu có</th></tr>'
        "</thead><tbody>" + rows + "</tbody></table>"
    )


def data_quality(data: CityReportData) -> str:
    """Where the city's figures came from and what a reviewer should look at."""
    f, p = data.figures, data.profile
    warnings = data.narrative_warnings
    cutoff = (
        f"Số liệu chốt đến hết {vn_long_date(data.period.end)}; {len(data.result.units)} đơn vị."
    )
    return (
        '<section class="appendix-part dq" data-part="quality">'
        + '<h3 class="app">Chất lượng dữ liệu và cách tính</h3>'
        + f'<p class="noindent">{doc.e(cutoff)}</p>'
        + _completeness_html(data)
        + _ledger_html(data)
        + '<p class="noindent"><strong>Kiểm tra cân đối số liệu</strong> (từng đơn vị, toàn thành '
        "phố, tổng các đơn vị, và số liệu toàn thành phố tính lại trên toàn bộ hồ sơ).</p>"
        + quality.checks_html(f.checks)
        + '<p class="noindent"><strong>Cảnh báo về nội dung do cán bộ viết.</strong></p>'
        + quality.bullet_list(warnings, empty="Không có cảnh báo.", key="narrative-warnings")
        + '<p class="noindent"><strong>Số liệu không tính được (N/A) và lý do.</strong></p>'
        + quality.bullet_list(quality.na_items(f.na, f.rates), empty="Không có.", key="na")
        + '<p class="noindent"><strong>Ghi chú của phần thống kê (theo đơn vị).</strong></p>'
        + quality.bullet_list(f.notes, empty="Không có.", key="notes")
        + quality.rates_html(f.rates, p)
        + "</section>"
    )


# --- the machine-readable bundle ------------------------------------------------------------------

_UNIT_KEYS = (
    "cases_total",
    "cases_new",
    "cases_resolved",
    "cases_resolved_late",
    "cases_in_progress",
    "cases_in_progress_overdue",
    "rate_on_time",
    "rate_online",
    "rate_with_both",
    "rate_reuse",
    "rate_procedures_with_cases",
)


def payload(data: CityReportData) -> dict[str, Any]:
    """What the notebook leaves for tests and the runner (mime :data:`FIGURES_MIME`): the
    city's figures, and for each unit its main figures, rank and completeness (not its whole
    JSON: a hundred units would weigh megabytes in the notebook)."""
    f = data.figures
    ranks = rankings_frame(data).set_index("unit")
    city_json = data.result.to_json()
    units = city_json.pop("units")
    out = {
        "version": PAYLOAD_VERSION,
        "kind": "city",
        "city": data.city.city,
        "unit": data.city.city,
        "period": data.period.key,
        "profile": data.profile.name,
        "db": str(data.db),
        "document_title": data.title,
        "document_author": doc.document_author(data.city),  # type: ignore[arg-type]
        "figures": city_json,
        "units": [
            {
                "unit": u["unit"],
                "name": data.name(u["unit"]),
                "completeness": u["completeness"],
                **{k: u.get(k) for k in _UNIT_KEYS},
                "ranks": {
                    key: (
                        None
                        if pd.isna(ranks.loc[u["unit"], f"{key}_rank"])
                        else int(ranks.loc[u["unit"], f"{key}_rank"])
                    )
                    for key, _ in RANKED
                },
            }
            for u in units
        ],
        "late_units": [r["unit"] for r in late_rows(data)],
        "narrative": data.narrative.summary(),
        "warnings": [*f.coverage_warnings, *data.narrative_warnings],
        "checks_in_document": data.city.document.checks_in_appendix,
        "checks_ok": f.ok,
        "completeness": {
            "status": f.completeness,
            "note": f.completeness_note,
            "na": sorted(f.coverage_na),
            "partial": sorted(f.partial),
            "units_missing": sorted(data.result.units_missing),
        },
    }
    return json.loads(json.dumps(out, default=_json_default))


def payload_bundle(data: CityReportData) -> dict[str, Any]:
    """The raw display bundle: only the custom mime type, so the document never shows it."""
    return {FIGURES_MIME: payload(data)}
