"""A part of the signed document as the report notebook displays it.

:class:`Part` holds the blocks of one part (:mod:`tthc.render.model`) and displays as two
representations of the same content: ``text/html`` for the page (nbconvert, then WeasyPrint) and
the blocks as JSON under :data:`~tthc.render.model.DOCUMENT_MIME`, which the DOCX builder reads
back from the executed notebook (``tthc.render.word``). The HTML of every block is written by the
module that owns its markup (document, tables, charts). :class:`ChecksPart` is the one part that
is HTML only: the internal checks, which the renderer puts in the companion file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tthc.render import document as doc
from tthc.render.charts import figure_html
from tthc.render.export import PART_KEY
from tthc.render.model import (
    DOCUMENT_MIME,
    AppendixHead,
    Figure,
    Group,
    Header,
    Heading,
    IncompleteMark,
    Paragraph,
    Signature,
    Table,
    Text,
    Title,
    part_bundle,
)
from tthc.render.tables import table_model_html


def group_html(g: Group) -> str:
    cls = f"{g.style} landscape" if g.landscape else g.style
    return (
        f'<section class="{doc.e(cls)}" data-part="{doc.e(g.part)}">'
        + "".join(block_html(b) for b in g.blocks)
        + "</section>"
    )


_HTML: dict[type, Callable[[Any], str]] = {
    Header: doc.header_html,
    Title: doc.title_html,
    IncompleteMark: doc.incomplete_html,
    Heading: doc.heading_html,
    Text: doc.text_html,
    Paragraph: doc.paragraph_html,
    Signature: doc.signature_html,
    AppendixHead: doc.appendix_head_html,
    Table: table_model_html,
    Group: group_html,
}


def block_html(block: Any) -> str:
    """Any block of the document as HTML."""
    if isinstance(block, Figure):
        return figure_html(block)
    return _HTML[type(block)](block)


class Part:
    """``name`` ('front', 'part-one', …, 'appendix') and its blocks, in document order."""

    def __init__(self, name: str, blocks: tuple[Any, ...] | list[Any]) -> None:
        self.name = name
        self.blocks = tuple(blocks)

    def html(self) -> str:
        return "\n".join(block_html(b) for b in self.blocks)

    def __repr__(self) -> str:  # the notebook's text/plain: the same for the same report
        return f"Part({self.name!r}, {len(self.blocks)} khối)"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/html": self.html(), DOCUMENT_MIME: part_bundle(self.name, self.blocks)}


@dataclass(frozen=True)
class ChecksPart:
    """An HTML part of the notebook that the renderer places by its output metadata
    (:data:`~tthc.render.export.PART_KEY`), not part of the signed document: the internal checks
    go to the companion file ``kiem-tra``, and also to the appendix of the HTML and PDF when
    ``in_document`` (``tthc.render.export``). It carries no document blocks, so the DOCX never
    holds it."""

    html: str
    part: str
    in_document: bool = False

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict, dict]:
        meta = {PART_KEY: {"part": self.part, "in_document": self.in_document}}
        return {"text/html": self.html}, meta
