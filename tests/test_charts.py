"""Charts: one question per title, alt text, text in the embedded font, nothing external."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from tthc.render import charts
from tthc.render.fonts import CSS_FAMILY
from tthc.stats.profile import NumberFormat, load_profile

MONTHLY = pd.DataFrame(
    {
        "label": [f"T{i}/2026" for i in range(1, 7)],
        "received": [1200, 2700, 2500, 2730, 1570, 2668],
        "resolved": [1100, 2690, 2480, 2750, 1600, 2686],
        "rate_on_time": [100.0, 99.9, None, 100.0, 98.5, 99.96],
    }
)
FIELDS = pd.DataFrame(
    {"field": ["Chứng thực", "Hộ tịch", "Đất đai"], "total": [1563, 557, 161], "late": [1, 0, 3]}
)
PROCS = pd.DataFrame(
    {
        "procedure": [
            f"Thủ tục số {i} về chứng thực bản sao điện tử từ bản chính" for i in range(14)
        ],
        "received": list(range(140, 0, -10)),
    }
)
TIMES = pd.DataFrame({"used_share": [*np.linspace(0.05, 0.95, 50), 1.6]})


def all_charts(numbers: charts.NumberStyle = charts.OFFICIAL) -> list[charts.Chart]:
    return [
        charts.monthly_cases_chart(MONTHLY, year=2026, numbers=numbers),
        charts.channel_chart({"online": 2668, "in_person": 12, "postal": 0}, numbers=numbers),
        charts.field_chart(FIELDS, numbers=numbers),
        charts.top_procedures_chart(PROCS, numbers=numbers),
        charts.processing_time_chart(TIMES, numbers=numbers),
    ]


@pytest.fixture(scope="module")
def rendered() -> list[charts.Chart]:
    return all_charts()


SVG = "http://www.w3.org/2000/svg"


def svg_root(chart: charts.Chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def texts(chart: charts.Chart) -> list[str]:
    return [t.text or "" for t in svg_root(chart).iter("{http://www.w3.org/2000/svg}text")]


def test_each_chart_is_valid_svg_with_title_and_alt(rendered: list[charts.Chart]) -> None:
    assert len({c.key for c in rendered}) == 5
    for chart in rendered:
        root = svg_root(chart)
        assert root.get("role") == "img"
        assert root.get("aria-label") == chart.alt
        title = root.find("{http://www.w3.org/2000/svg}title")
        assert title is not None and title.text == chart.alt
        assert chart.alt.startswith(chart.title)
        assert chart.title.endswith("?") or "?" in chart.title
        assert chart.title in " ".join(texts(chart)).replace("\n", " ") or chart.title in chart.svg
        html = chart.to_html()
        assert html.startswith('<figure class="chart" role="img" aria-label=')


def test_text_stays_text_in_the_document_font(rendered: list[charts.Chart]) -> None:
    for chart in rendered:
        families = {t.get("font-family") for t in svg_root(chart).iter(f"{{{SVG}}}text")}
        # The embedded face first; where it is missing, faces of the same metrics.
        assert families == {charts.SVG_FONT_STACK}
        assert charts.SVG_FONT_STACK.startswith(f"'{CSS_FAMILY}', 'Liberation Serif'")
        assert "<path d=" in chart.svg  # bars and axes are vector paths
        assert "<image" not in chart.svg  # no raster inside


def test_vietnamese_labels_survive(rendered: list[charts.Chart]) -> None:
    monthly, channels, fields, procs, times = (texts(c) for c in rendered)
    assert "Tiếp nhận" in monthly and "Đã giải quyết" in monthly
    assert {"Trực tuyến", "Trực tiếp", "Dịch vụ bưu chính công ích"} <= set(channels)
    assert "Chứng thực" in fields and "Đất đai" in fields
    assert any("Thủ tục số 0" in t for t in procs)
    assert any("hạn trả" in t for t in times)


def test_nothing_external_and_ids_are_prefixed(rendered: list[charts.Chart]) -> None:
    ids: set[str] = set()
    for chart in rendered:
        assert not re.search(r"(?:href|src)=\"(?:https?:)?//", chart.svg)
        assert "<?xml" not in chart.svg and "<!DOCTYPE" not in chart.svg
        own = set(re.findall(r'\bid="([^"]+)"', chart.svg))
        assert all(i.startswith(f"chart-{chart.key}-") for i in own)
        assert not own & ids
        ids |= own
        for ref in re.findall(r'href="#([^"]+)"|url\(#([^)]+)\)', chart.svg):
            target = ref[0] or ref[1]
            assert target in own


def test_alt_text_carries_the_numbers(rendered: list[charts.Chart]) -> None:
    monthly, channels, fields, procs, times = rendered
    # The official style (the default profile): '2.668', '99,96%'.
    assert "T6/2026: tiếp nhận 2.668, giải quyết 2.686, trước hạn và đúng hạn 99,96%" in monthly.alt
    assert (
        "T3/2026: tiếp nhận 2.500, giải quyết 2.480, trước hạn và đúng hạn không tính được"
        in monthly.alt
    )
    assert "Trực tuyến: 2.668 hồ sơ (99,6%)" in channels.alt
    assert "Đất đai: 161 hồ sơ, 3 quá hạn" in fields.alt
    assert procs.alt.count(";") == 9  # top 10 only
    # The median of the 51 shares is the 26th, 50.9%.
    assert "51 hồ sơ; trung vị 51% thời hạn; 1 hồ sơ vượt thời hạn" in times.alt


def test_numbers_follow_the_profile() -> None:
    sample_style = charts.NumberStyle(
        NumberFormat(thousands_sep="", decimal_sep=".", strip_trailing_zeros=True)
    )
    chart = charts.channel_chart({"online": 2668, "in_person": 12}, numbers=sample_style)
    assert "2668 (99.6%)" in texts(chart)
    assert "Trực tuyến: 2668 hồ sơ (99.6%); Trực tiếp: 12 hồ sơ (0.4%)" in chart.alt
    official = charts.channel_chart({"online": 2668, "in_person": 12})
    assert "2.668 (99,6%)" in texts(official)
    assert "Trực tuyến: 2.668 hồ sơ (99,6%)" in official.alt
    spaced = charts.NumberStyle(NumberFormat(percent_suffix=" %"))
    assert spaced.pct(1, 3) == "33,3 %" and spaced.percent(None, 2) == "N/A"
    assert spaced.pct(1, 0) == "N/A" and spaced.percent(float("nan"), 0) == "N/A"
    # The text's rounding: exact half-up, 1/8 = 12.5% -> 13% with no decimals.
    assert spaced.pct(1, 8, 0) == "13 %"


def test_the_report_charts_write_numbers_as_the_unit_profile() -> None:
    sample = charts.NumberStyle(load_profile("an-truong").number_format)
    monthly = charts.monthly_cases_chart(MONTHLY, year=2026, numbers=sample)
    assert "T6/2026: tiếp nhận 2668, giải quyết 2686, trước hạn và đúng hạn 99.96%" in monthly.alt


def test_shares_are_rounded_as_the_text_rounds_them() -> None:
    """Q2 2026 of the sample: 7509 of 7511 cases online. The text says 99.97% (two decimals,
    legacy rounding); a chart rounding to one decimal said 100%."""
    style = charts.NumberStyle.for_profile(load_profile("an-truong"))
    assert (style.rounding, style.decimals) == ("legacy_float", 2)
    chart = charts.channel_chart({"online": 7509, "in_person": 2, "postal": 0}, numbers=style)
    assert "7509 (99.97%)" in texts(chart) and "2 (0.03%)" in texts(chart)
    assert "Trực tuyến: 7509 hồ sơ (99.97%)" in chart.alt
    assert "100%" not in " ".join(texts(chart))
    # The legacy rule differs from exact rounding where it matters: 23/220 with one decimal.
    assert charts.NumberStyle(rounding="legacy_float").pct(23, 220, 1) == "10,4%"
    assert charts.NumberStyle().pct(23, 220, 1) == "10,5%"


def test_same_data_same_svg() -> None:
    a = charts.field_chart(FIELDS)
    b = charts.field_chart(FIELDS)
    assert a.svg == b.svg


def test_empty_inputs_say_so() -> None:
    empty = [
        charts.monthly_cases_chart(MONTHLY.iloc[0:0]),
        charts.channel_chart({"online": 0}),
        charts.field_chart(FIELDS.iloc[0:0]),
        charts.top_procedures_chart(PROCS.iloc[0:0]),
        charts.processing_time_chart(pd.DataFrame({"used_share": []})),
    ]
    for chart in empty:
        assert "Không có dữ liệu trong kỳ" in texts(chart)


def test_months_the_exports_do_not_fully_cover_are_marked_not_shown_as_zero() -> None:
    from datetime import date

    series = MONTHLY.assign(
        coverage="complete",
        covered_from=None,
        covered_to=None,
        period_end=[date(2026, m, 14) for m in range(1, 7)],
    )
    series.loc[0, ["received", "resolved", "rate_on_time", "coverage"]] = [
        None,
        None,
        None,
        "none",
    ]
    series.loc[1, ["coverage", "covered_from", "covered_to"]] = [
        "partial",
        date(2026, 1, 20),
        date(2026, 2, 14),
    ]
    series.loc[2, ["coverage", "covered_from", "covered_to"]] = [
        "partial",
        date(2026, 2, 15),
        date(2026, 3, 10),
    ]
    chart = charts.monthly_cases_chart(series, year=2026)
    first, second, third = MONTHLY["label"][0], MONTHLY["label"][1], MONTHLY["label"][2]
    assert f"{first}: không có số liệu;" in chart.alt
    assert f"{second}*: tiếp nhận" in chart.alt
    assert f"* {second}: số liệu từ 20/01/2026, chưa đủ cả tháng báo cáo." in chart.alt
    shown = texts(chart)
    assert f"{second}*" in shown
    assert f"{first}: không có số liệu (tệp xuất không có các ngày này)." in shown
    assert f"* {second}: số liệu từ 20/01/2026, chưa đủ cả tháng báo cáo." in shown
    # A month whose data stop before its end says until when.
    assert f"* {third}: số liệu từ 15/02/2026 đến 10/03/2026, chưa đủ cả tháng báo cáo." in shown
    assert "(N/A)" in shown  # under the tick of the month with no data
    # Without coverage columns (or with coverage unknown) nothing is marked.
    plain = charts.monthly_cases_chart(MONTHLY, year=2026)
    assert "*" not in plain.alt and "không có số liệu" not in plain.alt


def _figure_of(make, monkeypatch: pytest.MonkeyPatch):
    """The matplotlib figure a chart function draws (caught on its way to SVG)."""
    caught = {}
    original = charts._svg_markup

    def keep(fig, key, alt, box=None):
        caught["fig"] = fig
        return original(fig, key, alt, box)

    monkeypatch.setattr(charts, "_svg_markup", keep)
    make()
    fig = caught["fig"]
    fig.canvas.draw()
    return fig


def test_the_rate_line_runs_above_the_bars(monkeypatch: pytest.MonkeyPatch) -> None:
    """June 2026 of the sample: rates near 100% drew their line across the tallest bars."""
    fig = _figure_of(lambda: charts.monthly_cases_chart(MONTHLY, year=2026), monkeypatch)
    bars_ax, rate_ax = fig.axes
    bar_tops = [bars_ax.transData.transform((p.get_x(), p.get_height()))[1]
                for p in bars_ax.patches]  # fmt: skip
    [line] = rate_ax.get_lines()
    points = rate_ax.transData.transform(np.column_stack(line.get_data()).astype(float))
    line_low = np.nanmin(points[:, 1])
    assert line_low > max(bar_tops) + 5  # display points, y upwards: clear of every bar
    # The right axis shows only the rates' own range, ending at 100.
    ticks = rate_ax.get_yticks()
    assert ticks.max() == 100 and ticks.min() >= 90


def test_a_single_late_case_is_visible(monkeypatch: pytest.MonkeyPatch) -> None:
    """One late case beside 1,563 is a bar 0.06% long: it gets a marker and its number."""
    fig = _figure_of(lambda: charts.field_chart(FIELDS), monkeypatch)
    ax = fig.axes[0]
    [markers] = [ln for ln in ax.get_lines() if ln.get_marker() == "D"]
    assert list(markers.get_xdata()) == [1, 3]  # Chứng thực and Đất đai, not Hộ tịch (0)
    assert markers.get_markersize() >= 5 and markers.get_clip_on() is False
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["1 quá hạn", "3 quá hạn"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Quá hạn" in legend


def test_shared_text_metrics_change_nothing_in_the_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text extents measured once per renderer kind (charts._shared_text_metrics) give the
    same SVG, to the byte, as matplotlib measuring them per renderer; matplotlib's own
    function is back afterwards."""
    import contextlib

    import matplotlib.text as mtext

    own = mtext._get_text_metrics_with_cache, mtext.get_font
    charts._TEXT_METRICS.clear()
    shared = [c.svg for c in all_charts()]
    assert (mtext._get_text_metrics_with_cache, mtext.get_font) == own
    assert len(charts._TEXT_METRICS) > 50  # the charts' texts were measured through it
    monkeypatch.setattr(charts, "_shared_text_metrics", contextlib.nullcontext)
    assert [c.svg for c in all_charts()] == shared
