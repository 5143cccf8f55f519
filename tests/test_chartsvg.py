"""tidy_svg draws the same thing: every drawn element keeps its geometry and resolved style.

The resolver below implements the cascade tidy_svg replaces (``style`` > CSS rule > presentation
attribute > inherited), so the original and the tidied markup can be compared element by element.
"""

from __future__ import annotations

import io
import re
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tthc.render.chartsvg import PRESENTATION, tidy_svg

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
LEAVES = {"path", "text", "rect", "use"}
NUMBER = re.compile(r"-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def _decls(css: str) -> dict[str, str]:
    out = {}
    for item in css.split(";"):
        k, sep, v = item.partition(":")
        if sep:
            out[k.strip()] = v.strip()
    return out


def _star_rule(root: ET.Element) -> dict[str, str]:
    for style in root.iter(f"{SVG}style"):
        m = re.match(r"\s*\*\s*\{([^}]*)\}", style.text or "")
        if m:
            return _decls(m.group(1))
    return {}


def _geometry(el: ET.Element) -> tuple[Any, ...]:
    tag = el.tag.removeprefix(SVG)
    if tag == "path":
        return tuple(round(float(n), 2) for n in NUMBER.findall(el.get("d", "")))
    if tag == "text":
        return (el.text, el.get("x"), el.get("y"))
    if tag == "use":
        return (el.get(XLINK_HREF) or el.get("href"), el.get("x"), el.get("y"))
    return tuple(el.get(k) for k in ("x", "y", "width", "height"))


def drawn(markup: str) -> list[tuple[str, bool, tuple[Any, ...], dict[str, str], tuple[str, ...]]]:
    """Every leaf outside patterns: (tag, in defs, geometry, resolved properties, clip/transform
    chain of its ancestors)."""
    root = ET.fromstring(markup)
    star = _star_rule(root)
    out = []

    def walk(
        el: ET.Element, inherited: dict[str, str], chain: tuple[str, ...], in_defs: bool
    ) -> None:
        tag = el.tag.removeprefix(SVG)
        if tag == "pattern":
            return
        own = {k: v for k, v in el.attrib.items() if k in PRESENTATION}
        own.update(star)
        own.update({k: v for k, v in _decls(el.get("style", "")).items() if k in PRESENTATION})
        props = {**inherited, **own}
        here = chain + tuple(f"{k}={el.get(k)}" for k in ("transform", "clip-path") if el.get(k))
        here = tuple(s for s in here if not re.fullmatch(r"transform=rotate\(-?0 [\d. ]+\)", s))
        if tag in LEAVES:
            out.append((tag, in_defs, _geometry(el), props, here))
        for child in el:
            walk(child, props, here, in_defs or tag == "defs")

    walk(root, {}, (), False)
    return out


def patterns(markup: str) -> dict[str, list[tuple[str, tuple[Any, ...]]]]:
    root = ET.fromstring(markup)
    return {
        p.get("id"): [(c.tag.removeprefix(SVG), _geometry(c)) for c in p]
        for p in root.iter(f"{SVG}pattern")
    }


def assert_same_drawing(original: str, tidy: str) -> None:
    before, after = drawn(original), drawn(tidy)
    backgrounds = {
        pid: children[0]
        for pid, children in patterns(original).items()
        if children and children[0][0] == "rect"
    }
    # An underlay is a shape painted with a pattern's former background right before its twin.
    kept = []
    for i, item in enumerate(after):
        nxt = after[i + 1] if i + 1 < len(after) else None
        fill = nxt[3].get("fill", "") if nxt else ""
        m = re.fullmatch(r"url\(#([^)]+)\)", fill)
        if (
            nxt
            and m
            and item[3].get("stroke") == "none"
            and item[2] == nxt[2]
            and m.group(1) in backgrounds
        ):
            continue
        kept.append(item)
    assert len(kept) == len(before)
    for b, a in zip(before, kept, strict=True):
        assert a == b


def matplotlib_svg() -> str:
    """A figure with what the report's charts use: hatched bars, markers, a twin axis, rotated
    labels, a legend, a dashed line, clipped artists and Vietnamese text."""
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none"}):  # as the report's charts: text is text
        return _figure_svg()


def _figure_svg() -> str:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 3))
    ax = fig.subplots()
    bars = ax.bar(["Tháng 1", "Tháng 2", "Tháng 3"], [3, 5, 2], color="#7a7a7a", edgecolor="k")
    for patch, hatch in zip(bars, ["///", "xx", "\\\\\\"], strict=True):
        patch.set_hatch(hatch)
    ax.barh([1, 2], [1, 2], color="#e0e0e0", hatch="//")
    twin = ax.twinx()
    twin.plot([0, 1, 2], [90, 95, 99], marker="o", color="#262626", label="Tỷ lệ (%)")
    ax.axvline(1.5, linestyle="--", color="k")
    ax.tick_params(axis="x", labelrotation=30)
    ax.legend(["Tiếp nhận"], loc="upper left")
    twin.legend(loc="upper right")
    ax.set_title("Hồ sơ đã giải quyết đúng hạn?")
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg") :]


def test_a_matplotlib_figure_is_drawn_the_same_with_far_fewer_nodes() -> None:
    original = matplotlib_svg()
    tidy = tidy_svg(original)
    assert_same_drawing(original, tidy)
    count = lambda s: sum(1 for _ in ET.fromstring(s).iter())  # noqa: E731
    assert count(tidy) < 0.6 * count(original)
    assert "<style" not in tidy and "style=" not in tidy and "<metadata" not in tidy
    root = ET.fromstring(tidy)
    assert all(g.attrib for g in root.iter(f"{SVG}g"))
    assert root.get("stroke-linejoin") == "round" and root.get("stroke-linecap") == "butt"
    assert not re.search(r"\bns\d+:", tidy)  # namespaces written as in the source


def test_hatch_tiles_lose_their_background_and_shapes_gain_an_underlay() -> None:
    original = matplotlib_svg()
    tidy = tidy_svg(original)
    before, after = patterns(original), patterns(tidy)
    assert before.keys() == after.keys() and before
    for pid, children in before.items():
        assert children[0][0] == "rect"
        assert after[pid] == children[1:]
    root = ET.fromstring(tidy)
    shapes = list(root.iter(f"{SVG}path"))
    for i, shape in enumerate(shapes):
        if shape.get("fill", "").startswith("url(#"):
            under = shapes[i - 1]
            assert under.get("d") == shape.get("d")
            assert under.get("stroke") == "none" and under.get("fill").startswith("#")


def test_ids_that_are_referenced_survive_and_others_go() -> None:
    original = matplotlib_svg()
    tidy = tidy_svg(original)
    refs = set(re.findall(r'href="#([^"]+)"|url\(#([^)]+)\)', tidy))
    refs = {a or b for a, b in refs}
    ids = set(re.findall(r'\bid="([^"]+)"', tidy))
    assert refs and refs <= ids
    assert ids <= refs


def test_not_svg_is_refused() -> None:
    with pytest.raises(ValueError, match="not an SVG"):
        tidy_svg("<html/>")


# --- property: any nesting of groups, styles, attributes and a * rule resolves the same --------

PROPS = ("fill", "stroke", "stroke-width", "stroke-linejoin", "stroke-linecap")
VALUES = {
    "fill": ("#000000", "#7a7a7a", "none"),
    "stroke": ("#000000", "none"),
    "stroke-width": ("0.5", "1"),
    "stroke-linejoin": ("round", "miter", "bevel"),
    "stroke-linecap": ("butt", "round", "square"),
}

decl = st.sampled_from(PROPS).flatmap(lambda k: st.tuples(st.just(k), st.sampled_from(VALUES[k])))
styling = st.tuples(st.lists(decl, max_size=3), st.lists(decl, max_size=2))


def node(depth: int) -> st.SearchStrategy[str]:
    def render(args: tuple[Any, ...]) -> str:
        kind, (style, attrs), children, n = args
        style_attr = f' style="{"; ".join(f"{k}: {v}" for k, v in style)}"' if style else ""
        attr = "".join(f' {k}="{v}"' for k, v in dict(attrs).items())
        if kind == "path" or depth == 0:
            return f'<path d="M {n} 0 L {n}.004 1.0049"{attr}{style_attr}/>'
        return f"<g{attr}{style_attr}>{''.join(children)}</g>"

    kids = st.lists(node(depth - 1), max_size=3) if depth else st.just([])
    return st.tuples(st.sampled_from(["g", "path"]), styling, kids, st.integers(0, 99)).map(render)


@settings(max_examples=150, deadline=None)
@given(
    star=st.lists(
        st.sampled_from(["stroke-linejoin", "stroke-linecap"]).flatmap(
            lambda k: st.tuples(st.just(k), st.sampled_from(VALUES[k]))
        ),
        max_size=2,
    ),
    body=st.lists(node(3), min_size=1, max_size=4),
)
def test_any_tree_resolves_the_same(star: list[tuple[str, str]], body: list[str]) -> None:
    rule = "; ".join(f"{k}: {v}" for k, v in star)
    defs = f'<defs><style type="text/css">*{{{rule}}}</style></defs>' if star else ""
    original = f'<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="10pt">{defs}{"".join(body)}</svg>'
    assert_same_drawing(original, tidy_svg(original))


def test_an_svg_with_other_css_is_left_as_it_is() -> None:
    markup = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="10pt"><defs>'
        '<style type="text/css">path{stroke: red}</style></defs>'
        '<g><path d="M 0 0 L 1 1" style="fill: none"/></g></svg>'
    )
    # A rule that selects by element outranks presentation attributes: nothing is rewritten.
    assert tidy_svg(markup) == markup
