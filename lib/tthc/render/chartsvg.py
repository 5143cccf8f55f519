"""Chart SVG made ready for the document: the same drawing in fewer nodes, hatches without seams.

matplotlib wraps every artist in its own ``<g id="…">``, styles each element through a
``style="…"`` attribute and sets line joins with a ``*{…}`` CSS rule. A browser does not mind, but
WeasyPrint, when it draws a chart into the PDF, walks every node through its SVG cascade (the
``*`` rule is matched against each one) and parses every ``style`` attribute with tinycss2. For
the five charts of a report that was about a third of the PDF's drawing time.

:func:`tidy_svg` rewrites the markup without changing what is drawn:

- the ``*{…}`` rule becomes presentation attributes on the root ``<svg>``, which every element
  inherits; an element that would inherit another value from a parent, or that lives in
  ``<defs>`` (drawn where it is referenced), gets the rule's values written on itself;
- ``style`` declarations that are SVG presentation properties become attributes of the same
  element (a declaration in ``style`` already overrode inheritance; an attribute on the element
  does too);
- ``<g>`` elements left without any attribute are replaced by their children (a bare group draws
  nothing and changes no state), ids nobody references are dropped, zero rotations and the RDF
  ``<metadata>`` go;
- path coordinates are rounded to hundredths of a point (3.5 µm on paper).

It also moves the background colour out of hatch patterns. matplotlib paints a hatched bar with a
pattern tile holding a filled square and the hatch lines; PDF viewers anti-alias the tile edges,
so white seams ran across every wide hatched bar (visible in ``pdftoppm`` pages at 100 and 300
dpi). The bar is now painted with its colour first and then with a pattern of lines only.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

# The SVG 1.1 presentation attributes matplotlib writes into ``style``; anything else stays there.
PRESENTATION = frozenset(
    {
        "clip-path",
        "clip-rule",
        "color",
        "dominant-baseline",
        "fill",
        "fill-opacity",
        "fill-rule",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
    }
)
# These keep their characters (a <style> other than the * rule stays as it is); everywhere else
# text and tails are only the serializer's indentation.
_TEXT_TAGS = frozenset({"text", "tspan", "title", "desc", "style"})
_NUMBER = re.compile(r"-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
_STAR_RULE = re.compile(r"^\s*\*\s*\{([^{}]*)\}\s*$")
_ZERO_ROTATION = re.compile(r"^\s*rotate\(\s*-?0(?:\.0*)?(?:[\s,]+[-\d.eE+]+){0,2}\s*\)\s*$")
_REFERENCE = re.compile(r'href="#([^"]+)"|url\(#([^)]+)\)')


def _declarations(css: str) -> list[tuple[str, str]]:
    pairs = []
    for item in css.split(";"):
        name, sep, value = item.partition(":")
        if sep and name.strip():
            pairs.append((name.strip(), value.strip()))
    return pairs


def _round(match: re.Match[str], precision: int) -> str:
    text = f"{float(match.group(0)):.{precision}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _round_path(d: str, precision: int) -> str:
    d = _NUMBER.sub(lambda m: _round(m, precision), d)
    return " ".join(d.split())


def _only_a_star_rule(root: ET.Element) -> bool:
    """Whether the SVG's only CSS is (at most) one ``*{…}`` rule of presentation properties."""
    styles = list(root.iter(f"{{{SVG_NS}}}style"))
    if len(styles) > 1:
        return False
    for style in styles:
        rule = _STAR_RULE.match(style.text or "")
        if rule is None or not all(n in PRESENTATION for n, _ in _declarations(rule.group(1))):
            return False
    return True


def _take_star_rule(root: ET.Element) -> dict[str, str]:
    """Remove a ``<style>`` that holds only ``*{…}`` with presentation properties; return them."""
    star: dict[str, str] = {}
    for defs in [el for el in root if el.tag == "defs"]:
        for style in [el for el in defs if el.tag == "style"]:
            rule = _STAR_RULE.match(style.text or "")
            if rule is None:
                continue
            star = dict(_declarations(rule.group(1)))
            defs.remove(style)
        if len(defs) == 0:
            root.remove(defs)
    return star


def _plain_names(root: ET.Element) -> bool:
    """Namespaces as written in the file (``svg``, ``xlink:href``): ElementTree would otherwise
    invent ``ns0:`` prefixes. Returns whether an xlink attribute is present."""
    uses_xlink = False
    for el in root.iter():
        el.tag = el.tag.rpartition("}")[2]
        for key in [k for k in el.attrib if k.startswith("{")]:
            uri, _, local = key[1:].partition("}")
            value = el.attrib.pop(key)
            if uri == XLINK_NS:
                el.set(f"xlink:{local}", value)
                uses_xlink = True
            else:
                el.set(local, value)
    return uses_xlink


def _simplify(
    el: ET.Element,
    star: dict[str, str],
    inherited: dict[str, str],
    in_defs: bool,
    referenced: set[str],
    precision: int,
) -> None:
    # The cascade being replaced: ``style`` beats the ``*`` rule, which beats the element's own
    # presentation attributes, which beat inheritance. Each element must end up with the value
    # it had; it inherits the ``*`` value only where its parent now carries exactly that value.
    # Content under <defs> is drawn where it is referenced and inherits from there, so it gets
    # the ``*`` values written out.
    for name, value in star.items():
        if name in el.attrib:
            el.set(name, value)
    style = el.attrib.pop("style", None)
    if style is not None:
        kept = []
        for name, value in _declarations(style):
            if name in PRESENTATION:
                el.set(name, value)
            else:
                kept.append(f"{name}: {value}")
        if kept:
            el.set("style", "; ".join(kept))
    for name, value in star.items():
        if name not in el.attrib and (in_defs or inherited.get(name) != value):
            el.set(name, value)
    if el.get("id") is not None and el.get("id") not in referenced:
        del el.attrib["id"]
    transform = el.get("transform")
    if transform is not None and _ZERO_ROTATION.match(transform):
        del el.attrib["transform"]
    d = el.get("d")
    if d is not None:
        el.set("d", _round_path(d, precision))
    if el.tag not in _TEXT_TAGS:
        el.text = None
    el.tail = None

    passed = {**inherited, **{k: el.attrib[k] for k in star if k in el.attrib}}
    children: list[ET.Element] = []
    for child in el:
        if child.tag == "metadata":  # RDF about the file, never drawn
            continue
        _simplify(child, star, passed, in_defs or el.tag == "defs", referenced, precision)
        if child.tag == "g" and not child.attrib:
            children.extend(child)
        else:
            children.append(child)
    el[:] = children


_PATTERN_FILL = re.compile(r"url\(#([^)]+)\)")
_SHAPES = frozenset({"path", "rect", "circle", "ellipse", "polygon"})


def _tile_background(pattern: ET.Element) -> str | None:
    """The colour of a pattern's first child when it is a plain square under the whole tile."""
    if len(pattern) == 0 or pattern[0].tag != "rect":
        return None
    rect = pattern[0]
    # Stroke details (the ``*`` rule's joins) do not matter on a rect that has no stroke.
    other = {k for k in rect.attrib if not k.startswith("stroke-")} - {
        "x",
        "y",
        "width",
        "height",
        "fill",
    }
    if other or "stroke" in rect.attrib:
        return None
    try:
        covers = (
            float(rect.get("x", "0")) <= 0
            and float(rect.get("y", "0")) <= 0
            and float(rect.get("width", "0")) >= float(pattern.get("width", "inf"))
            and float(rect.get("height", "0")) >= float(pattern.get("height", "inf"))
        )
    except ValueError:
        return None
    fill = rect.get("fill")
    return fill if covers and fill not in (None, "none") else None


def _underlay_hatch_backgrounds(root: ET.Element) -> None:
    colours = {}
    for pattern in root.iter("pattern"):
        colour = _tile_background(pattern)
        if colour is not None and pattern.get("id"):
            colours[pattern.get("id")] = colour
            pattern.remove(pattern[0])
    if not colours:
        return
    for parent in list(root.iter()):
        children = []
        for child in parent:
            m = _PATTERN_FILL.fullmatch(child.get("fill", ""))
            if child.tag in _SHAPES and m and m.group(1) in colours:
                kept = {k: v for k, v in child.attrib.items() if not k.startswith("stroke")}
                kept.pop("id", None)
                children.append(
                    ET.Element(child.tag, {**kept, "fill": colours[m.group(1)], "stroke": "none"})
                )
            children.append(child)
        parent[:] = children


def tidy_svg(markup: str, *, precision: int = 2) -> str:
    """``markup`` (one ``<svg>`` element as matplotlib writes it) drawn the same, lighter, and
    with hatch backgrounds painted under the hatch instead of inside its tiles."""
    root = ET.fromstring(markup)
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ValueError(f"not an SVG document: <{root.tag}>")
    if not _only_a_star_rule(root):
        # Other CSS could select by element, id or position, or outrank presentation attributes:
        # none of the rewrites below would be safe, and matplotlib never writes such CSS.
        return markup
    uses_xlink = _plain_names(root)
    referenced = {a or b for a, b in _REFERENCE.findall(markup)}
    star = _take_star_rule(root)
    root_id = root.get("id")
    _simplify(root, star, {}, False, referenced, precision)
    _underlay_hatch_backgrounds(root)
    if root_id is not None:
        root.set("id", root_id)
    namespaces = {"xmlns": SVG_NS, **({"xmlns:xlink": XLINK_NS} if uses_xlink else {})}
    root.attrib = {**namespaces, **root.attrib}
    return ET.tostring(root, encoding="unicode")
