"""The signed document as data: the blocks that both the HTML and the DOCX builders consume.

The report notebook builds each part of the document (front matter, parts I–IV, signature, the
appendix) as a tuple of blocks, displays it as HTML (``tthc.render.part``) and leaves the same
blocks as JSON beside it (mime :data:`DOCUMENT_MIME`), so that ``tthc render`` can write the DOCX
from the executed notebook alone, without recomputing (``tthc.render.word``). Nothing here knows
about HTML or Word; nothing here imports more than the standard library, so reading a notebook's
document costs nothing.

Inline text is a sequence of :class:`Run`: plain, bold or italic text, or a footnote
(``note``) placed where it stands, e.g. after a figure supplied from the national dashboard.
Paragraph and cell ``style`` strings are the document's style names (the HTML class), which the
DOCX builder maps to Word styles.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field, fields
from typing import Any

DOCUMENT_MIME = "application/vnd.tthc.document+json"
MODEL_VERSION = 1


@dataclass(frozen=True)
class Run:
    """A piece of inline text; with ``note`` set it is a footnote reference at this point, whose
    text is ``note`` (``text`` is then empty)."""

    text: str = ""
    bold: bool = False
    italic: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of runs. ``style``: '' (body text: justified, first-line indent), 'l1'/'l2'/'l3'
    (computed lines, laid out as body text), 'placeholder' (a section nobody has written yet:
    muted, to be replaced before signing), 'closing', 'noindent note' (small italic note)."""

    runs: tuple[Run, ...]
    style: str = ""

    @property
    def text(self) -> str:
        """The paragraph's text without its footnotes."""
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Text:
    """A section's paragraphs: ``kind`` 'narrative' (written by people) or 'computed'."""

    kind: str
    section: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Heading:
    """'I. KẾT QUẢ …' (level 1), '1. …' (2), '2.1. …' (3); level 4 is an appendix table's title
    (``number`` empty)."""

    number: str
    text: str
    level: int = 1


@dataclass(frozen=True)
class Header:
    """The two-column header block of Nghị định 30 (tên cơ quan, số; quốc hiệu, tiêu ngữ, địa
    danh và thời gian)."""

    issuer: tuple[str, ...]
    number: str
    nation: str
    motto: str
    place_date: str


@dataclass(frozen=True)
class Title:
    """'BÁO CÁO' and the summary lines (trích yếu, then the period's window)."""

    kind: str
    summary: tuple[str, ...]


@dataclass(frozen=True)
class IncompleteMark:
    """The boxed line under the title of a report the exports do not cover entirely: ``label``
    ('BÁO CÁO CHƯA ĐẦY ĐỦ:', bold) and what the exports cover (``detail``); ``partial`` when
    figures computed from part of their window are printed (``--allow-partial``)."""

    label: str
    detail: str
    partial: bool = False


@dataclass(frozen=True)
class Signature:
    """'Nơi nhận' (left) and the signature block (right)."""

    recipients: tuple[str, ...]
    authority: tuple[str, ...]
    signer: str


@dataclass(frozen=True)
class AppendixHead:
    """'Phụ lục', the appendix title lines and '(Kèm theo Báo cáo số …)'."""

    label: str
    titles: tuple[str, ...]
    ref: str


@dataclass(frozen=True)
class Cell:
    """One table cell. ``style`` holds the alignment ('num', 'text', 'center', 'num na', plus
    any column class); ``col`` is the sort column of a header cell; ``note`` a second, smaller
    line of a header cell; ``mark``/``tip`` a change arrow's class and its spoken meaning;
    ``sort`` the key the browser sorts the column by (a date's ISO form, ``data-sort``; the HTML
    only)."""

    text: str
    header: bool = False
    style: str = ""
    colspan: int = 1
    rowspan: int = 1
    scope: str = ""
    col: str = ""
    note: str = ""
    mark: str = ""
    tip: str = ""
    sort: str = ""


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    style: str = ""  # 'total', 'colno'


@dataclass(frozen=True)
class Table:
    """A data table: header rows (repeated on every page) and body rows; ``empty`` is what the
    document says instead when there are no body rows; ``widths`` are relative column widths."""

    key: str
    style: str
    caption: str
    head: tuple[Row, ...]
    body: tuple[Row, ...]
    empty: str = ""
    widths: tuple[float, ...] = ()


@dataclass(frozen=True)
class Figure:
    """A chart: its question (title), alt text, SVG markup for the HTML and PDF, and a PNG at
    print resolution for the DOCX (the SVG is not kept in the notebook's document JSON: the
    HTML beside it holds it)."""

    key: str
    title: str
    alt: str
    svg: str = field(default="", repr=False)
    png: bytes = field(default=b"", repr=False)
    width_in: float = 6.3  # drawn width, inches


@dataclass(frozen=True)
class Group:
    """Blocks kept together as one part of the appendix (``part``: 'appendix', 'late',
    'comparison', 'charts'); ``landscape`` puts them on landscape pages of their own."""

    part: str
    style: str
    blocks: tuple[Any, ...]
    landscape: bool = False


Block = (
    Text
    | Heading
    | Header
    | Title
    | IncompleteMark
    | Signature
    | AppendixHead
    | Table
    | Figure
    | Group
    | Paragraph
)

_TYPES: dict[str, type] = {
    "run": Run,
    "paragraph": Paragraph,
    "text": Text,
    "heading": Heading,
    "header": Header,
    "title": Title,
    "incomplete_mark": IncompleteMark,
    "signature": Signature,
    "appendix_head": AppendixHead,
    "cell": Cell,
    "row": Row,
    "table": Table,
    "figure": Figure,
    "group": Group,
}
_NAMES = {cls: name for name, cls in _TYPES.items()}


def _name(obj: Any) -> str | None:
    """The JSON type name of a block, also for subclasses (``tthc.render.charts.Chart``)."""
    return next((_NAMES[c] for c in type(obj).__mro__ if c in _NAMES), None)


def to_json(obj: Any) -> Any:
    """A block (or tuple of blocks) as JSON-safe data; defaults are left out, the SVG too."""
    if isinstance(obj, (list, tuple)):
        return [to_json(o) for o in obj]
    name = _name(obj)
    if name is None:
        return obj
    out: dict[str, Any] = {"type": name}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if name == "figure" and f.name == "svg":
            continue
        if value == f.default:
            continue
        if isinstance(value, bytes):
            value = base64.b64encode(value).decode("ascii")
        out[f.name] = to_json(value)
    return out


def from_json(data: Any) -> Any:
    """The inverse of :func:`to_json`."""
    if isinstance(data, list):
        return tuple(from_json(d) for d in data)
    if not isinstance(data, dict) or "type" not in data:
        return data
    cls = _TYPES[data["type"]]
    kwargs = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if cls is Figure and f.name == "png":
            value = base64.b64decode(value)
        kwargs[f.name] = from_json(value)
    return cls(**kwargs)


def part_bundle(part: str, blocks: tuple[Any, ...]) -> dict[str, Any]:
    """What a document part leaves in the notebook under :data:`DOCUMENT_MIME`."""
    return {"version": MODEL_VERSION, "part": part, "blocks": to_json(blocks)}


_NOT_TEXT = (
    "style",
    "key",
    "scope",
    "col",
    "mark",
    "tip",
    "sort",
    "svg",
    "png",
    "kind",
    "section",
    "part",
)


def plain_text(blocks: tuple[Any, ...]) -> str:
    """Every text of ``blocks`` (footnotes included), one per line: for tests and checks."""
    out: list[str] = []

    def walk(obj: Any) -> None:
        if isinstance(obj, (list, tuple)):
            for o in obj:
                walk(o)
        elif isinstance(obj, Run):
            out.append(obj.note if obj.note is not None else obj.text)
        elif isinstance(obj, Figure):
            out.append(obj.alt)
        elif isinstance(obj, str):
            out.append(obj)
        elif _name(obj) is not None:
            for f in fields(obj):
                if f.name not in _NOT_TEXT:
                    walk(getattr(obj, f.name))

    walk(blocks)
    return "\n".join(t for t in out if t)
