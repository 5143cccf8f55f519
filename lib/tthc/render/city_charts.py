"""Charts of the city report: the units side by side, drawn like the unit report's charts.

Seaborn on matplotlib through :mod:`tthc.render.charts` (same fonts, greys and hatches for
black-and-white print, SVG with alt text, numbers written by the profile). Each chart answers
one question in its title. A city of a hundred units does not fit one page of bars: above
:data:`MAX_BARS` units a chart shows the ones that need attention (the lowest rates, the most
cases) and says so in its title; the full lists are in the appendix tables.

Inputs are plain DataFrames with a ``unit`` column holding the display name (documented per
function), so the charts do not depend on how the figures were computed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from tthc.render.charts import (
    HATCHES,
    OFFICIAL,
    PALETTE,
    Chart,
    NumberStyle,
    _int_axis,
    _no_data,
    _render,
    _wrap,
)

MAX_BARS = 30  # bars per chart; more units: the MAX_BARS that need attention most
_STACK = (
    ("resolved_ok", "Giải quyết trước hạn, đúng hạn"),
    ("resolved_late", "Giải quyết quá hạn"),
    ("in_progress_within", "Đang giải quyết trong hạn"),
    ("in_progress_overdue", "Đang giải quyết quá hạn"),
)
_BAR_H = 0.27  # inches per bar


def units_cases_chart(df: pd.DataFrame, *, numbers: NumberStyle = OFFICIAL) -> Chart:
    """Cases to handle per unit, split into resolved early or on time, resolved late, in
    progress within the deadline and overdue (a stacked bar per unit, most cases first); the
    third bucket (rút, dừng, trả lại) is not drawn, and the title says so.

    ``df``: ``unit`` and the four counts of :data:`_STACK`; units whose counts are N/A are left
    out by the caller (the report lists them)."""
    data = df.copy()
    data["total"] = sum(data[k] for k, _ in _STACK)
    data = data.sort_values(["total", "unit"], ascending=[False, True])
    capped = len(data) > MAX_BARS
    data = data.head(MAX_BARS).reset_index(drop=True)
    # The bars leave out the third bucket (withdrawn, stopped, returned): said in the title,
    # since their totals are then below column (1) of Biểu 06 for units that have such cases.
    title = (
        "Hồ sơ của từng đơn vị: đã giải quyết, đang giải quyết, quá hạn (không kể hồ sơ rút, "
        "dừng, trả lại)"
    )
    if capped:
        title += f" ({MAX_BARS} đơn vị nhiều hồ sơ nhất)"
    late = data[(data["resolved_late"] + data["in_progress_overdue"]) > 0]
    alt = (
        f"{title}. "
        + "; ".join(f"{r.unit}: {numbers.count(r.total)} hồ sơ" for r in data.itertuples())
        + ". Đơn vị có hồ sơ quá hạn: "
        + (
            ", ".join(
                f"{r.unit} ({numbers.count(r.resolved_late + r.in_progress_overdue)})"
                for r in late.itertuples()
            )
            or "không có"
        )
        + "."
    )

    def draw(ax: Any) -> None:
        import numpy as np

        if data.empty:
            _no_data(ax, "Không có đơn vị nào có đủ số liệu")
            return
        y = np.arange(len(data))
        left = np.zeros(len(data))
        bars = []
        for i, (key, label) in enumerate(_STACK):
            values = data[key].astype(int).to_numpy()
            bars.append(
                ax.barh(y, values, 0.7, left=left, color=PALETTE[[2, 0, 3, 1][i]], label=label)
            )
            left = left + values
        for container, hatch in zip(bars, ("", "", "///", "xx"), strict=True):
            for patch in container.patches:
                patch.set_hatch(hatch)
                patch.set_edgecolor("#000000")
                patch.set_linewidth(0.4)
        for yi, r in zip(y, data.itertuples(), strict=True):
            n_late = int(r.resolved_late + r.in_progress_overdue)
            text = numbers.count(r.total) + (
                f" ({numbers.count(n_late)} quá hạn)" if n_late else ""
            )
            ax.text(r.total + data["total"].max() * 0.01, yi, text, va="center", fontsize=7.5)
        ax.set_yticks(y, [_wrap(u, 28) for u in data["unit"]], fontsize=8)
        ax.invert_yaxis()
        _int_axis(ax.xaxis, numbers)
        ax.set_xlim(0, data["total"].max() * 1.22 or 1)
        ax.set_xlabel("Số hồ sơ")
        ax.grid(axis="y", visible=False)
        # Under the axis: beside the bars it would cover the longest ones and their numbers.
        # About 0.55 in below the axis, whatever the chart's height.
        ax.legend(loc="upper center", bbox_to_anchor=(0.45, -0.55 / max(height - 1.4, 1.0)),
                  ncol=2, fontsize=7.5)  # fmt: skip

    height = 1.9 + _BAR_H * max(len(data), 3)
    return _render("units-cases", title, alt, draw, height)


def units_rate_chart(
    key: str,
    question: str,
    df: pd.DataFrame,
    city_value: float | None,
    *,
    decimals: int = 2,
    numbers: NumberStyle = OFFICIAL,
) -> Chart:
    """One rate per unit, lowest first, with the city's rate (recomputed from the summed
    parts, not an average) as a line.

    ``df``: ``unit`` and ``value`` (percent; None where the rate is N/A for the unit: left out
    of the bars, named in the alt text). ``question`` is the chart's title."""
    known = df[df["value"].notna()].sort_values(["value", "unit"]).reset_index(drop=True)
    unknown = df[df["value"].isna()]["unit"].tolist()
    capped = len(known) > MAX_BARS
    data = known.head(MAX_BARS)
    title = question + (f" ({MAX_BARS} đơn vị thấp nhất)" if capped else "")
    city_text = numbers.percent(city_value, decimals)
    alt = (
        f"{title}. Toàn thành phố: {city_text}. "
        + "; ".join(f"{r.unit}: {numbers.percent(r.value, decimals)}" for r in data.itertuples())
        + "."
        + (f" Chưa tính được (N/A): {', '.join(unknown)}." if unknown else "")
    )

    def draw(ax: Any) -> None:
        import numpy as np

        if data.empty:
            _no_data(ax, "Không đơn vị nào tính được tỷ lệ này")
            return
        y = np.arange(len(data))
        values = data["value"].astype(float).to_numpy()
        low = min(values.min(), city_value if city_value is not None else 100.0)
        start = max(0.0, np.floor((low - max(2.0, (100 - low) * 0.25)) / 5) * 5)
        bars = ax.barh(y, values - start, 0.65, left=start, color=PALETTE[2])
        for patch in bars.patches:
            patch.set_hatch(HATCHES[0])
            patch.set_edgecolor("#000000")
            patch.set_linewidth(0.4)
        for yi, v in zip(y, values, strict=True):
            ax.text(v + (100 - start) * 0.01, yi, numbers.percent(v, decimals), va="center",
                    fontsize=7.5)  # fmt: skip
        if city_value is not None:
            ax.axvline(city_value, color=PALETTE[0], linestyle="--", linewidth=1.1)
            # The label on the side of the line with room: near 100% it would leave the axes.
            right = city_value > start + (100 - start) * 0.6
            ax.text(city_value + (-0.6 if right else 0.6) * (100 - start) / 100, -0.9,
                    f"Toàn thành phố {city_text}", ha="right" if right else "left",
                    va="bottom", fontsize=8, fontweight="bold")  # fmt: skip
        ax.set_yticks(y, [_wrap(u, 28) for u in data["unit"]], fontsize=8)
        ax.set_ylim(len(data) - 0.4, -1.3)
        ax.set_xlim(start, 100 + (100 - start) * 0.12)
        ax.set_xlabel("Tỷ lệ (%)")
        ax.grid(axis="y", visible=False)

    return _render(f"units-{key}", title, alt, draw, 1.4 + _BAR_H * max(len(data), 3))
