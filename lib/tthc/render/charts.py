"""The report's charts: seaborn on matplotlib, vector SVG, readable in black-and-white print.

Each chart answers one question, stated in its title, and carries alt text (``<title>`` inside
the SVG plus ``role="img"``/``aria-label`` on the figure). One palette of greys with hatches and
markers keeps series apart on a monochrome printer. Text stays text (``svg.fonttype = "none"``)
in the document's own font: matplotlib lays it out with the bundled Liberation Serif registered
under the embedded ``@font-face`` family name, so the browser and WeasyPrint draw it with the
same embedded font (full Vietnamese, selectable, small files, fast PDF).

Each chart is also drawn once more as a greyscale PNG at print resolution (:data:`PNG_DPI`), for
the DOCX, whose readers (Word 2010 and 2013 among them) need a raster image; inside
``with raster_images(False):`` (a report that writes no DOCX) it is not, which saves the
costliest part of a chart.

Inputs are plain DataFrames / mappings (documented per function), so the charts do not depend on
how the statistics were computed.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from html import escape
from typing import Any

import pandas as pd

from tthc.render.chartsvg import tidy_svg
from tthc.render.fonts import CSS_FAMILY, register_matplotlib
from tthc.render.model import Figure
from tthc.stats.numbers import NA, format_count, format_rate, rate
from tthc.stats.periods import vn_padded_date
from tthc.stats.profile import NumberFormat, Profile

# Greys from near-black to light, each paired with a hatch: distinct on screen and on paper.
PALETTE = ("#262626", "#7a7a7a", "#bdbdbd", "#e0e0e0")
HATCHES = ("", "///", "\\\\\\", "xx")
MARKERS = ("o", "s", "^", "D")
WIDTH_IN = 6.3  # 160 mm: the text width of an A4 portrait page with the decree's margins
PNG_DPI = 300  # print resolution of the DOCX's images
# The SVG's font: the embedded face, then faces with its metrics (Times New Roman's), then any
# serif. Quoted names inside a double-quoted attribute.
SVG_FONT_STACK = f"'{CSS_FAMILY}', 'Liberation Serif', 'Times New Roman', Tinos, serif"
TITLE_WIDTH = 58  # characters per title line: room to spare even in a wider fallback font
_RASTER: ContextVar[bool] = ContextVar("tthc_chart_png", default=True)


@contextlib.contextmanager
def raster_images(enabled: bool) -> Iterator[None]:
    """Charts made inside draw their PNG (``enabled``) or leave it empty."""
    token = _RASTER.set(enabled)
    try:
        yield
    finally:
        _RASTER.reset(token)


_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "tthc",  # deterministic ids: the same data gives the same file
    "font.family": CSS_FAMILY,
    "font.size": 9.5,
    "axes.titlesize": 10.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "axes.edgecolor": "#333333",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 0.6,
    "hatch.color": "#000000",
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "figure.dpi": 100,
    # Text unhinted, at the font's own metrics: the SVG's text is measured so (matplotlib's
    # text-to-path), so the PNG, the title's placement and the crop box agree with it; at print
    # resolution hinting changes nothing visible. Interleaved with the default in one process on
    # the sample's five charts, it was faster in each of four runs: by 4-16% for SVG + PNG,
    # by 9-32% for SVG only (this machine's timings vary that much from run to run).
    "text.hinting": "no_hinting",
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.05,
}


@dataclass(frozen=True)
class NumberStyle:
    """Counts and percentages in chart labels and alt texts, written and rounded as the unit's
    profile writes them in the text (``tthc.stats.numbers``: one definition for both), so that a
    chart never says 100% where the text says 99.97%.

    ``rounding`` is the profile's rule; ``decimals`` those of a share in a chart, the decimals
    of the rate the share is (:meth:`for_profile`: the online rate's).
    """

    fmt: NumberFormat = field(default_factory=NumberFormat)
    rounding: str = "half_up"
    decimals: int = 1

    @classmethod
    def for_profile(cls, profile: Profile) -> NumberStyle:
        """The profile's number format and rounding; shares with the online rate's decimals
        (the channel chart's online share *is* that rate)."""
        return cls(profile.number_format, profile.rounding, profile.rate_def("online").decimals)

    def count(self, n: int) -> str:
        return format_count(int(n), self.fmt)

    def pct(self, part: int, total: int, decimals: int | None = None) -> str:
        """``part`` of ``total`` in percent under the profile's rounding rule, with
        ``decimals`` (default :attr:`decimals`); N/A for a zero total."""
        places = self.decimals if decimals is None else decimals
        return format_rate(rate(int(part), int(total), places, self.rounding), self.fmt, places)

    def percent(self, value: float | None, decimals: int) -> str:
        """A percentage already computed (e.g. a monthly rate); N/A for None or NaN."""
        if value is None or math.isnan(float(value)):
            return NA
        return format_rate(float(value), self.fmt, decimals)


OFFICIAL = NumberStyle()


def figure_html(fig: Figure) -> str:
    """A chart as an HTML ``figure``: the inline SVG, named by its alt text."""
    return (
        f'<figure class="chart" role="img" aria-label="{escape(fig.alt)}" '
        f'data-chart="{escape(fig.key)}">\n{fig.svg}\n</figure>'
    )


@dataclass(frozen=True)
class Chart(Figure):
    """One rendered chart: its question (title), alt text, inline SVG markup and PNG."""

    def to_html(self) -> str:
        return figure_html(self)

    def _repr_html_(self) -> str:
        return self.to_html()


def _svg_markup(fig: Any, key: str, alt: str, box: Any = None) -> str:
    """The figure as inline SVG, cropped to ``box`` (inches; default: its own tight box)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches=box)
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    # Several charts share one HTML page: prefix every id so definitions never collide.
    prefix = f"chart-{key}-"
    text = re.sub(r'\bid="', f'id="{prefix}', text)
    text = re.sub(r'href="#', f'href="#{prefix}', text)
    text = re.sub(r"url\(#", f"url(#{prefix}", text)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = tidy_svg(text)
    # Where the embedded font is missing (a notebook in JupyterLab), fonts with the same metrics
    # come next, so text keeps the width it was laid out with.
    text = text.replace(f"font-family=\"'{CSS_FAMILY}'\"", f'font-family="{SVG_FONT_STACK}"')
    # Accessible name for screen readers and the browser test.
    text = re.sub(
        r"<svg\b",
        '<svg role="img" aria-label="' + escape(alt) + '"',
        text,
        count=1,
    )
    head_end = text.index(">") + 1
    text = text[:head_end] + f"<title>{escape(alt)}</title>" + text[head_end:]
    return text


# Text extents measured by matplotlib, shared by every renderer of a kind (see
# _shared_text_metrics); bounded, kept for the life of the kernel.
_TEXT_METRICS: dict[tuple, tuple[float, float, float]] = {}
_TEXT_METRICS_MAX = 20_000


@contextlib.contextmanager
def _shared_text_metrics() -> Iterator[None]:
    """While inside, matplotlib measures a text once per renderer kind, dpi and font, not once
    per renderer instance.

    matplotlib caches text extents per renderer object, and a chart goes through several (the
    title placement, ``bbox_inches="tight"``'s layout pass, the SVG writer): with matplotlib
    3.11 each measure is a HarfBuzz shaping of a few milliseconds, the largest single cost of
    the charts. The extents depend only on the renderer's class and dpi, the text, the font
    properties and the hinting settings, which is the key here, so the charts are the same to
    the byte; the same tick labels and month names of the next report on the kept kernel are
    measured once too.
    """
    import matplotlib
    import matplotlib.text as mtext

    original = mtext._get_text_metrics_with_cache

    def metrics(renderer: Any, text: str, fontprop: Any, ismath: Any, dpi: float) -> Any:
        rc = matplotlib.rcParams
        key = (type(renderer), getattr(renderer, "dpi", None), text, fontprop.copy(), ismath,
               dpi, rc["text.hinting"], rc["text.hinting_factor"], rc["text.usetex"])  # fmt: skip
        found = _TEXT_METRICS.get(key)
        if found is None:
            if len(_TEXT_METRICS) >= _TEXT_METRICS_MAX:
                _TEXT_METRICS.clear()
            found = _TEXT_METRICS[key] = renderer.get_text_width_height_descent(
                text, fontprop, ismath
            )
        return found

    # Text._get_layout also reads the font's OS/2, hhea and head tables for every text on
    # every pass (a Python dict built each time): read once per font file.
    original_get_font = mtext.get_font

    def get_font(paths: Any, *args: Any, **kwargs: Any) -> Any:
        return _FontTables(original_get_font(paths, *args, **kwargs))

    mtext._get_text_metrics_with_cache = metrics
    mtext.get_font = get_font
    try:
        yield
    finally:
        mtext._get_text_metrics_with_cache = original
        mtext.get_font = original_get_font


_SFNT_TABLES: dict[tuple[str, str], Any] = {}


class _FontTables:
    """A matplotlib font whose ``get_sfnt_table`` answers from a cache (tables do not change)."""

    def __init__(self, font: Any) -> None:
        self._font = font

    def get_sfnt_table(self, name: str) -> Any:
        key = (self._font.fname, name)
        if key not in _SFNT_TABLES:
            _SFNT_TABLES[key] = self._font.get_sfnt_table(name)
        return _SFNT_TABLES[key]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._font, name)


def _tight_box(fig: Any, dpi: int = PNG_DPI) -> Any:
    """The box ``savefig.bbox: tight`` crops the figure to (inches), measured at ``dpi``.

    A chart with a PNG is laid out once, here, and both its SVG and its PNG are cropped to this
    box: laying it out again for each format was a third of what the PNG cost. Measured at the
    PNG's dpi, so that the drawing reuses the text layouts; the SVG's own tight box would differ
    by a fraction of a point (0.26 pt at most over the sample's charts), inside the padding.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    fig.set_dpi(dpi)
    fig.draw_without_rendering()
    return fig.get_tightbbox(canvas.get_renderer()).padded(_RC["savefig.pad_inches"])


def _png(fig: Any, box: Any, dpi: int = PNG_DPI) -> tuple[bytes, float]:
    """The figure as a greyscale PNG at ``dpi``, cropped to ``box`` (:func:`_tight_box`), and
    its width in inches.

    matplotlib draws raw RGBA (its own PNG would be encoded in colour, then decoded here);
    the charts are greys only (PALETTE, black text and hatches on white), so "L" keeps every
    pixel at a quarter of the data.
    """
    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="rgba", dpi=dpi, bbox_inches=box)
    raw = buf.getvalue()
    # The canvas size as matplotlib's Agg canvas computes it (figure box times dpi, truncated).
    width, height = int(box.width * dpi), int(box.height * dpi)
    if width * height * 4 != len(raw):
        raise RuntimeError(f"chart {width}x{height} px but {len(raw)} bytes of RGBA")
    grey = Image.frombuffer("RGBA", (width, height), raw).convert("L")
    out = io.BytesIO()
    grey.save(out, format="PNG", dpi=(dpi, dpi), compress_level=1)
    return out.getvalue(), width / dpi


def _render(key: str, title: str, alt: str, draw: Callable[[Any], None], height_in: float) -> Chart:
    # A bare Figure, not pyplot: no global figure registry, no backend, nothing an inline
    # backend in the kernel could pick up and display a second time.
    import matplotlib
    import seaborn as sns
    from matplotlib.figure import Figure

    register_matplotlib()
    with (
        matplotlib.rc_context(_RC),
        sns.axes_style("whitegrid", {"grid.color": "#dddddd"}),
        _shared_text_metrics(),
    ):
        matplotlib.rcParams.update(_RC)  # axes_style resets the font family
        fig = Figure(figsize=(WIDTH_IN, height_in))
        ax = fig.subplots()
        draw(ax)
        _place_title(fig, ax, title)
        if _RASTER.get():
            box = _tight_box(fig)
            svg = _svg_markup(fig, key, alt, box)
            png, width_in = _png(fig, box)
        else:
            svg, png, width_in = _svg_markup(fig, key, alt), b"", WIDTH_IN
    return Chart(key=key, title=title, alt=alt, svg=svg, png=png, width_in=width_in)


def _place_title(fig: Any, ax: Any, title: str) -> None:
    """The question above the chart, from the chart's own left edge (its tick labels included,
    not the plot area's, which long labels push right), on two balanced lines when long.

    Laid out for the embedded font, a one-line title filled the width; in a notebook without
    that font it ran past the right edge and was cut off.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    left = ax.get_tightbbox(renderer).x0
    x = ax.transAxes.inverted().transform((left, 0))[0]
    ax.set_title(_title_lines(title), loc="left", x=x, pad=10)


def _title_lines(title: str) -> str:
    """``title`` on one line up to :data:`TITLE_WIDTH` characters, else on two: after a comma
    or question mark when one leaves both lines short enough, else between the words that make
    the lines most even."""
    import textwrap

    if len(title) <= TITLE_WIDTH:
        return title
    words = title.split()

    def lines(i: int) -> tuple[str, str]:
        return " ".join(words[:i]), " ".join(words[i:])

    fits = [i for i in range(1, len(words)) if max(map(len, lines(i))) <= TITLE_WIDTH]
    if not fits:  # a very long title: as many lines as it takes
        return "\n".join(textwrap.wrap(title, TITLE_WIDTH))
    pauses = [i for i in fits if words[i - 1].endswith((",", "?", ";", ":"))]
    best = min(pauses or fits, key=lambda i: abs(len(lines(i)[0]) - len(lines(i)[1])))
    return "\n".join(lines(best))


def _hatch_bars(ax: Any, containers: list[Any]) -> None:
    for i, container in enumerate(containers):
        for patch in container.patches if hasattr(container, "patches") else container:
            patch.set_hatch(HATCHES[i % len(HATCHES)])
            patch.set_edgecolor("#000000")
            patch.set_linewidth(0.5)


def _int_axis(axis: Any, numbers: NumberStyle) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    axis.set_major_formatter(FuncFormatter(lambda v, _: numbers.count(int(v))))


def _no_data(ax: Any, message: str = "Không có dữ liệu trong kỳ") -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)


def _wrap(label: str, width: int) -> str:
    import textwrap

    lines = textwrap.wrap(str(label), width=width, break_long_words=False)
    if len(lines) > 2:
        lines = [*lines[:1], lines[1][: max(width - 1, 1)] + "…"]
    return "\n".join(lines)


# --- 1. cases per month -------------------------------------------------------------------------

_BARS_TOP = 0.62  # the tallest bar reaches this fraction of the plot's height
_RATE_BAND = (0.70, 0.97)  # the rate axis's lowest tick and 100% sit at these fractions


def _rate_ticks(low: float) -> list[float]:
    """Three or four whole-number ticks from ``low`` to 100."""
    step = max(1, math.ceil((100 - low) / 3))
    ticks = list(range(100, math.ceil(low) - 1, -step))
    return sorted(float(t) for t in ticks)


def _coverage_notes(rows: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Tick labels and footnotes for months the exports cover only in part, or not at all."""
    labels, notes = [], []
    for _, r in rows.iterrows():
        coverage = r.get("coverage", "complete")
        first, last = r.get("covered_from"), r.get("covered_to")
        label = str(r["label"])
        if coverage == "partial" and first is not None and last is not None:
            labels.append(label + "*")
            days = (
                f"từ {vn_padded_date(first)}"
                if last == r.get("period_end")
                else f"từ {vn_padded_date(first)} đến {vn_padded_date(last)}"
            )
            notes.append(f"* {label}: số liệu {days}, chưa đủ cả tháng báo cáo.")
        elif coverage in ("none", "unknown"):
            labels.append(label + "\n(N/A)")
            why = "tệp xuất không có các ngày này" if coverage == "none" else "không rõ phạm vi"
            notes.append(f"{label}: không có số liệu ({why}).")
        else:
            labels.append(label)
    return labels, notes


def monthly_cases_chart(
    series: pd.DataFrame, *, year: int | None = None, numbers: NumberStyle = OFFICIAL
) -> Chart:
    """Cases received and resolved per month, with the early-or-on-time rate.

    ``series`` has one row per month in order: ``label`` (e.g. "T6"), ``received``, ``resolved``
    (None for a month the exports do not cover) and ``rate_on_time`` (percent, NaN/None when
    nothing was resolved); optionally ``coverage``, ``covered_from``, ``covered_to`` and
    ``period_end`` as ``tthc.stats.series.monthly_series`` gives them, so that a month the exports cover only in
    part is marked and one they do not cover shows no bars instead of zeros.
    """
    when = f"tháng năm {year}" if year else "tháng"
    title = f"Mỗi {when} tiếp nhận, giải quyết bao nhiêu hồ sơ, tỷ lệ trước hạn và đúng hạn ra sao?"
    rows = series.reset_index(drop=True)
    received = pd.to_numeric(rows["received"], errors="coerce")
    resolved = pd.to_numeric(rows["resolved"], errors="coerce")
    labels, notes = _coverage_notes(rows)
    parts = []
    for i, r in rows.iterrows():
        if pd.isna(received[i]):
            parts.append(f"{r['label']}: không có số liệu")
            continue
        on_time = r.get("rate_on_time")
        rate_txt = (
            "không tính được"
            if on_time is None or pd.isna(on_time)
            else numbers.percent(float(on_time), 2)
        )
        parts.append(
            f"{labels[i].replace(chr(10), ' ')}: tiếp nhận {numbers.count(received[i])}, giải quyết "
            f"{numbers.count(resolved[i])}, trước hạn và đúng hạn {rate_txt}"
        )
    alt = title + " " + "; ".join(parts) + "." + "".join(" " + n for n in notes)

    def draw(ax: Any) -> None:
        import numpy as np
        from matplotlib.ticker import FuncFormatter

        if rows.empty:
            _no_data(ax)
            return
        x = np.arange(len(rows))
        w = 0.38
        b1 = ax.bar(x - w / 2, received.fillna(0), w, label="Tiếp nhận", color=PALETTE[1])
        b2 = ax.bar(x + w / 2, resolved.fillna(0), w, label="Đã giải quyết", color=PALETTE[3])
        _hatch_bars(ax, [b1, b2])
        ax.set_xticks(x, labels)
        ax.set_ylabel("Số hồ sơ")
        _int_axis(ax.yaxis, numbers)
        ax.grid(axis="x", visible=False)
        # The bars keep to the lower part and the rate line to a band above them, so the line
        # never runs over the bars (a rate near 100% sat on the tallest ones).
        top = float(np.nanmax([received.max(), resolved.max(), 0.0]))
        ax.set_ylim(0, (top or 1) / _BARS_TOP)
        ax.set_yticks([t for t in ax.get_yticks() if 0 <= t <= top * 1.05])
        ax.spines["left"].set_bounds(0, top or 1)
        ax2 = ax.twinx()
        rates = pd.to_numeric(rows["rate_on_time"], errors="coerce")
        ax2.plot(
            x,
            rates,
            color=PALETTE[0],
            marker=MARKERS[0],
            linewidth=1.4,
            markersize=4,
            label="Tỷ lệ trước hạn và đúng hạn (%)",
        )
        finite = rates.dropna()
        low = min(90.0, math.floor(float(finite.min())) - 1) if len(finite) else 90.0
        low = max(0.0, low)
        band = (100.0 - low) / (_RATE_BAND[1] - _RATE_BAND[0])
        ax2.set_ylim(low - _RATE_BAND[0] * band, low + (1 - _RATE_BAND[0]) * band)
        ax2.set_yticks(_rate_ticks(low))
        ax2.yaxis.set_major_formatter(FuncFormatter(lambda v, _: numbers.count(round(v))))
        ax2.set_ylabel("Tỷ lệ (%)")
        ax2.yaxis.set_label_coords(1.07, sum(_RATE_BAND) / 2)
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        ax2.spines["right"].set_bounds(low, 100.0)
        handles = [b1, b2, *ax2.get_lines()]
        legend = ax.legend(
            handles,
            [h.get_label() for h in handles],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12 if notes else -0.1),
            ncol=3,
        )
        if notes:
            ax.annotate(
                "\n".join(notes),
                xy=(0, 0),
                xycoords=legend,
                xytext=(0, -4),
                textcoords="offset points",
                va="top",
                ha="left",
                fontsize=8,
                style="italic",
            )

    return _render("monthly", title, alt, draw, 3.3 + 0.15 * len(notes))


# --- 2. channel mix -----------------------------------------------------------------------------

CHANNEL_LABELS = {
    "online": "Trực tuyến",
    "in_person": "Trực tiếp",
    "postal": "Dịch vụ bưu chính công ích",
    "unknown": "Không rõ kênh",
}


def channel_chart(counts: Mapping[str, int], *, numbers: NumberStyle = OFFICIAL) -> Chart:
    """How the period's new cases arrived: ``counts`` maps channel (online, in_person, postal,
    unknown) to the number of cases received in the period."""
    title = "Hồ sơ mới tiếp nhận trong kỳ đến qua kênh nào?"
    items = [(CHANNEL_LABELS.get(k, k), int(v)) for k, v in counts.items() if v is not None]
    total = sum(v for _, v in items)
    alt = (
        title
        + " "
        + "; ".join(
            f"{label}: {numbers.count(v)} hồ sơ" + (f" ({numbers.pct(v, total)})" if total else "")
            for label, v in items
        )
        + "."
    )

    def draw(ax: Any) -> None:
        if not items or total == 0:
            _no_data(ax)
            return
        labels = [label for label, _ in items]
        values = [v for _, v in items]
        bars = ax.barh(
            labels,
            values,
            color=[PALETTE[i % 4] for i in range(len(values))],
            edgecolor="#000000",
            linewidth=0.5,
        )
        for i, patch in enumerate(bars):
            patch.set_hatch(HATCHES[i % len(HATCHES)])
        ax.invert_yaxis()
        for patch, v in zip(bars, values, strict=True):
            ax.text(
                patch.get_width() + total * 0.01,
                patch.get_y() + patch.get_height() / 2,
                f"{numbers.count(v)} ({numbers.pct(v, total)})",
                va="center",
                fontsize=8.5,
            )
        ax.set_xlim(0, max(values) * 1.25 or 1)
        _int_axis(ax.xaxis, numbers)
        ax.set_xlabel("Số hồ sơ")
        ax.grid(axis="y", visible=False)

    return _render("channels", title, alt, draw, 0.6 + 0.45 * max(len(items), 2))


# --- 3. cases and late cases by field -----------------------------------------------------------


def field_chart(by_field: pd.DataFrame, *, top: int = 12, numbers: NumberStyle = OFFICIAL) -> Chart:
    """Which fields carry the load and where the late cases are.

    ``by_field`` has ``field``, ``total`` (cases to handle, column 1) and ``late`` (resolved late
    + in progress overdue, columns 8 + 11); the total row, if any, must be left out.
    """
    title = "Lĩnh vực nào nhiều hồ sơ nhất, hồ sơ quá hạn nằm ở đâu?"
    df = by_field.sort_values("total", ascending=False).head(top).reset_index(drop=True)
    alt = (
        title
        + " "
        + "; ".join(
            f"{r.field}: {numbers.count(r.total)} hồ sơ, {numbers.count(r.late)} quá hạn"
            for r in df.itertuples()
        )
        + "."
    )

    def draw(ax: Any) -> None:
        import numpy as np

        if df.empty:
            _no_data(ax)
            return
        y = np.arange(len(df))
        h = 0.4
        late = df["late"].astype(int)
        b1 = ax.barh(y - h / 2, df["total"].astype(int), h, color=PALETTE[2], label="Tổng số hồ sơ")
        ax.barh(y + h / 2, late, h, color=PALETTE[0])
        _hatch_bars(ax, [b1])
        # A few late cases beside hundreds are a bar thinner than a hair: each field with late
        # cases also gets a marker at its value and the number, so one late case is seen.
        shown = late > 0
        ax.plot(late[shown], y[shown] + h / 2, linestyle="none", marker="D", markersize=5,
                color=PALETTE[0], markeredgecolor="#ffffff", markeredgewidth=0.6,
                label="Quá hạn", clip_on=False)  # fmt: skip
        for yi, v in zip(y[shown], late[shown], strict=True):
            ax.text(
                v + df["total"].max() * 0.015,
                yi + h / 2,
                f"{numbers.count(v)} quá hạn",
                va="center",
                fontsize=8,
                fontweight="bold",
            )
        ax.set_yticks(y, [_wrap(f, 34) for f in df["field"]])
        ax.invert_yaxis()
        _int_axis(ax.xaxis, numbers)
        ax.set_xlabel("Số hồ sơ")
        ax.grid(axis="y", visible=False)
        ax.legend(loc="lower right")

    return _render("fields", title, alt, draw, 0.9 + 0.42 * max(len(df), 2))


# --- 4. top procedures --------------------------------------------------------------------------


def top_procedures_chart(
    procedures: pd.DataFrame, *, top: int = 10, numbers: NumberStyle = OFFICIAL
) -> Chart:
    """Which procedures people asked for most: ``procedures`` has ``procedure`` (name) and
    ``received`` (cases received in the period)."""
    title = f"Thủ tục nào có nhiều hồ sơ tiếp nhận nhất trong kỳ? ({top} thủ tục đứng đầu)"
    df = (
        procedures.sort_values(["received", "procedure"], ascending=[False, True])
        .head(top)
        .reset_index(drop=True)
    )
    alt = (
        title
        + ": "
        + "; ".join(f"{r.procedure}: {numbers.count(r.received)}" for r in df.itertuples())
        + "."
    )

    def draw(ax: Any) -> None:
        import seaborn as sns

        if df.empty:
            _no_data(ax)
            return
        data = df.assign(label=[_wrap(p, 48) for p in df["procedure"]])
        sns.barplot(
            data=data,
            y="label",
            x="received",
            color=PALETTE[1],
            ax=ax,
            edgecolor="#000000",
            linewidth=0.5,
        )
        total_max = int(df["received"].max())
        for patch, v in zip(ax.patches, df["received"].astype(int), strict=False):
            patch.set_hatch(HATCHES[1])
            ax.text(
                patch.get_width() + total_max * 0.01,
                patch.get_y() + patch.get_height() / 2,
                numbers.count(v),
                va="center",
                fontsize=8,
            )
        ax.set_xlim(0, total_max * 1.12 or 1)
        ax.set_ylabel("")
        ax.set_xlabel("Số hồ sơ tiếp nhận")
        _int_axis(ax.xaxis, numbers)
        ax.grid(axis="y", visible=False)

    return _render("procedures", title, alt, draw, 0.9 + 0.42 * max(len(df), 2))


# --- 5. processing time against the deadline ----------------------------------------------------


def processing_time_chart(times: pd.DataFrame, *, numbers: NumberStyle = OFFICIAL) -> Chart:
    """How much of the allowed time resolved cases used.

    ``times`` has one row per case resolved in the period with ``used_share``: elapsed time ÷
    allowed time (received → finished over received → due), 1.0 = finished at the deadline.
    Cases with no due date are left out by the caller.
    """
    title = "Hồ sơ đã giải quyết dùng bao nhiêu phần thời hạn cho phép?"
    share = pd.to_numeric(times["used_share"], errors="coerce").dropna() * 100
    n = len(share)
    late = int((share > 100).sum())
    median = float(share.median()) if n else float("nan")
    alt = (
        f"{title} {numbers.count(n)} hồ sơ; trung vị {numbers.percent(median, 0)} thời hạn; "
        f"{numbers.count(late)} hồ sơ vượt thời hạn."
        if n
        else f"{title} Không có hồ sơ đã giải quyết có ngày hẹn trả."
    )

    def draw(ax: Any) -> None:
        import numpy as np
        import seaborn as sns

        if n == 0:
            _no_data(ax)
            return
        upper = max(150.0, float(np.ceil(share.max() / 10) * 10)) if late else 100.0
        clipped = share.clip(upper=upper)
        bins = np.arange(0, upper + 10, 10)
        sns.histplot(
            x=clipped, bins=bins, ax=ax, color=PALETTE[2], edgecolor="#000000", linewidth=0.5
        )
        for patch in ax.patches:
            if patch.get_x() >= 100:
                patch.set_facecolor(PALETTE[0])
                patch.set_hatch(HATCHES[3])
            else:
                patch.set_hatch(HATCHES[2])
        ax.axvline(100, color="#000000", linestyle="--", linewidth=1.2)
        ax.text(100, ax.get_ylim()[1] * 0.95, " hạn trả", ha="left", va="top", fontsize=8.5)
        ax.set_xlabel("Thời gian đã dùng so với thời hạn (%)")
        ax.set_ylabel("Số hồ sơ")
        _int_axis(ax.yaxis, numbers)
        ax.grid(axis="x", visible=False)
        ax.text(
            0.99,
            0.98,
            f"Trung vị: {numbers.percent(median, 0)}\nVượt hạn: {numbers.count(late)} hồ sơ",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=8.5,
        )

    return _render("processing", title, alt, draw, 2.8)
