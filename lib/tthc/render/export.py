"""Executed report notebook -> the official HTML document -> PDF/A (WeasyPrint); and the DOCX.

The HTML is one self-contained file: the project's nbconvert template (``templates/tthc``), CSS
and fonts inline, charts as inline SVG, no script or resource from any other host. Code cells,
the injected-parameters cell and anything tagged for removal never reach it; a notebook holding
an error output is refused rather than rendered as a document that looks complete.

The PDF is PDF/A-2b (ISO 19005-2, level B: what an archive needs to render it the same in
decades: fonts embedded, sRGB output intent, XMP metadata with title, author and language) and
tagged (structure, reading order, table headers, alt texts). The DOCX is built from the document
blocks the notebook carries beside its HTML (:func:`render_docx`, :mod:`tthc.render.word`).

The internal checks (data quality, identity checks, warnings, how each rate was computed) are not
part of the document an official signs and sends: the notebook displays them as an output whose
metadata names it (:data:`PART_KEY`), :func:`render_html` leaves it out unless the unit puts it
in the appendix, and :func:`render_checks_html` makes the companion document of it alone
(``kiem-tra.html``/``.pdf`` beside the report). The DOCX never holds them: they carry no
document blocks.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import copy
import gc
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import nbformat

from tthc import __version__
from tthc.atomic import atomic_path
from tthc.errors import ReportError
from tthc.paths import PACKAGE_DIR
from tthc.render.fonts import font_face_css

TEMPLATES_DIR = PACKAGE_DIR / "templates"
TEMPLATE_NAME = "tthc"

# Tags the template honours (papermill adds "injected-parameters"; "parameters" is the defaults).
REMOVE_CELL_TAGS = ("remove-cell", "injected-parameters", "parameters")
REMOVE_INPUT_TAGS = ("remove-input",)
REMOVE_OUTPUT_TAGS = ("remove-output",)

FIGURES_MIME = "application/vnd.tthc.figures+json"
# tthc.render.model.DOCUMENT_MIME, repeated so that rendering HTML imports nothing more.
DOCUMENT_MIME = "application/vnd.tthc.document+json"
# PDF/A-2b: part 2 allows the transparency of the charts' hatches; level B (visual appearance)
# is what an archive needs and what can be checked here (veraPDF is not installable).
PDF_VARIANT = "pdf/a-2b"

# Output metadata of a part of the notebook the renderer places: {"tthc": {"part": "checks",
# "in_document": false}} (tthc.render.part.ChecksPart).
PART_KEY = "tthc"
CHECKS = "checks"


@lru_cache(maxsize=1)
def _exporter() -> Any:
    # Building the exporter loads the Jinja environment (~0.1 s): one per process is enough.
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters import DataTypeFilter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    class ReportExporter(HTMLExporter):  # type: ignore[misc]
        """HTMLExporter without its final BeautifulSoup pass: that pass re-parses the whole
        page (~0.3 s for a report), reorders attributes and lower-cases SVG ones (viewBox), and
        only serves JupyterLab's cell wrappers and image alt texts, which this template lacks."""

        def from_notebook_node(
            self, nb: Any, resources: Any = None, **kw: Any
        ) -> tuple[str, dict[str, Any]]:
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", DataTypeFilter(parent=self))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    config.TagRemovePreprocessor.remove_input_tags = set(REMOVE_INPUT_TAGS)
    config.TagRemovePreprocessor.remove_all_outputs_tags = set(REMOVE_OUTPUT_TAGS)
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.embed_images = True
    # The figures bundle and the document blocks are data for the runner and the DOCX, not for
    # the page: listed last so that nbconvert knows the types (instead of warning that it cannot
    # represent them), the HTML beside them wins, and the template's empty data_other block
    # drops them.
    config.NbConvertBase.display_data_priority = [
        *HTMLExporter().default_config.NbConvertBase.display_data_priority,
        FIGURES_MIME,
        DOCUMENT_MIME,
    ]
    exporter = ReportExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
    )
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    return exporter


def _errors(nb: nbformat.NotebookNode) -> list[str]:
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"ô {index + 1}: {output.get('ename')}: {output.get('evalue')}")
    return found


def _title(nb: nbformat.NotebookNode) -> str:
    """The document title the notebook left in its figures bundle (a generic one without)."""
    title = figures_payload(nb).get("document_title")
    return str(title or "Báo cáo cải cách thủ tục hành chính")


def _author(nb: nbformat.NotebookNode) -> str:
    """The issuing body the notebook left in its figures bundle ('' without)."""
    return str(figures_payload(nb).get("document_author") or "")


def render_html(nb: nbformat.NotebookNode | str | Path, *, title: str | None = None) -> str:
    """The executed notebook as the official document (one self-contained HTML string).

    ``nb`` is a notebook node or the path of an ``.ipynb``. The internal checks are left out
    unless their output says ``in_document`` (a unit setting). Raises :class:`ReportError` when a
    cell failed: a document must never hide a failure.
    """
    nb = _read(nb)
    _refuse_errors(nb)
    return _export(_without_companion_parts(nb), title or _title(nb), _author(nb))


def render_checks_html(nb: nbformat.NotebookNode | str | Path) -> str | None:
    """The companion document: a heading naming the report, then the notebook's internal checks
    alone; None when the notebook displays none. Raises like :func:`render_html`."""
    nb = _read(nb)
    _refuse_errors(nb)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = [o for o in cell.get("outputs", []) if _part(o) == CHECKS]
        if kept:
            cells.append(nbformat.v4.new_code_cell(outputs=kept))
    if not cells:
        return None
    title = _title(nb)
    head = nbformat.v4.new_output("display_data", data={"text/html": _checks_heading(title)})
    companion = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(outputs=[head]), *cells], metadata=nb.metadata
    )
    return _export(companion, f"Kiểm tra số liệu – {title}", _author(nb))


def _checks_heading(report_title: str) -> str:
    from html import escape

    return (
        '<div class="checks-head" data-block="checks-head">'
        '<p class="doc-title">KIỂM TRA SỐ LIỆU</p>'
        f'<p class="doc-summary">kèm {escape(report_title[:1].lower() + report_title[1:])}</p>'
        '<div class="doc-summary-rule"></div>'
        '<p class="noindent note">Tài liệu nội bộ để rà soát trước khi trình ký: nguồn dữ liệu, '
        "kiểm tra cân đối, cảnh báo và cách tính từng tỷ lệ. Không thuộc văn bản ký gửi đi.</p>"
        "</div>"
    )


def _read(nb: nbformat.NotebookNode | str | Path) -> nbformat.NotebookNode:
    if isinstance(nb, (str, Path)):
        return nbformat.read(str(nb), as_version=4)
    return nb


def _refuse_errors(nb: nbformat.NotebookNode) -> None:
    errors = _errors(nb)
    if errors:
        raise ReportError(f"Sổ tay có ô bị lỗi, không xuất báo cáo: {errors[0]}")


def _part(output: Any) -> str | None:
    meta = output.get("metadata", {}).get(PART_KEY)
    return meta.get("part") if isinstance(meta, dict) else None


def _in_document(output: Any) -> bool:
    return bool(output.get("metadata", {}).get(PART_KEY, {}).get("in_document", False))


def _without_companion_parts(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` without the checks outputs meant for the companion (a copy only when needed)."""
    if not any(
        _part(o) == CHECKS and not _in_document(o) for c in nb.cells for o in c.get("outputs", [])
    ):
        return nb
    # Shallow copies: the exporter deep-copies the notebook it is given anyway.
    out = copy.copy(nb)
    out.cells = []
    for cell in nb.cells:
        if "outputs" in cell:
            cell = copy.copy(cell)
            cell.outputs = [o for o in cell.outputs if _part(o) != CHECKS or _in_document(o)]
        out.cells.append(cell)
    return out


def _export(nb: nbformat.NotebookNode, title: str, author: str) -> str:
    resources = {
        "tthc": {
            "title": title,
            "author": author,
            "font_css": font_face_css(),
            "version": __version__,
        }
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return body


_INLINE_CHART = re.compile(
    r'(<figure class="chart"[^>]*?aria-label="([^"]*)"[^>]*>)\s*(<svg\b.*?</svg>)\s*(</figure>)',
    re.S,
)


def _charts_as_images(html: str) -> str:
    """Inline chart SVGs become ``<img>`` of the same SVG (a data: URL) for WeasyPrint.

    WeasyPrint runs its CSS cascade over every element of the HTML tree, inline SVG included;
    as images the charts skip it (about a quarter of the PDF time for a report) and are drawn
    the same, vector, with the document's embedded font.
    """

    def swap(m: re.Match[str]) -> str:
        data = base64.b64encode(m.group(3).encode("utf-8")).decode("ascii")
        alt = m.group(2)  # already escaped in the attribute
        return f'{m.group(1)}<img class="chart-svg" alt="{alt}" src="data:image/svg+xml;base64,{data}">{m.group(4)}'

    return _INLINE_CHART.sub(swap, html)


_FONT_BLOCK = re.compile(r'<style id="tthc-fonts">\n?(.*?)\n?</style>', re.S)


@lru_cache(maxsize=1)
def _pdf_fonts() -> tuple[Any, Any]:
    """One WeasyPrint font configuration per process, holding the embedded faces, and the
    parsed ``@font-face`` stylesheet that registered them.

    Parsing the 340 kB of base64 font rules and handing the four faces to fontconfig took about
    0.13 s of every PDF; the faces never change within a process.
    """
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    # The configuration keeps the faces in a temporary folder that it removes when collected;
    # at interpreter exit that may happen after the modules it needs are gone, so let it go
    # while they are still there.
    atexit.register(_pdf_fonts.cache_clear)
    return config, CSS(string=font_face_css(), font_config=config)


def _without_font_block(html: str) -> tuple[str, bool]:
    """``html`` without its ``@font-face`` block when that block is exactly the package's
    fonts (which :func:`_pdf_fonts` then supplies); otherwise unchanged."""
    m = _FONT_BLOCK.search(html)
    if m is None or m.group(1).strip() != font_face_css():
        return html, False
    return html[: m.start()] + html[m.end() :], True


@contextlib.contextmanager
def _long_lived_objects_frozen() -> Iterator[None]:
    """Keep the cyclic garbage collector off the objects that existed before the rendering.

    WeasyPrint allocates enough to trigger several full collections per PDF, and each one
    walked the whole process (pandas, nbconvert, matplotlib: about 300,000 objects), which cost
    0.1–0.25 s. Frozen, those are skipped; the rendering's own garbage is still collected, and
    everything is handed back to the collector afterwards (``gc.freeze`` is CPython's API for
    exactly this).
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# What a report's PDF goes through, in miniature: headings, bold and italic text, a data table
# and a chart figure (an SVG image with a hatch pattern, a clip path and text).
_WARM_UP_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40pt" height="20pt" viewBox="0 0 40 20">'
    '<defs><pattern id="h" patternUnits="userSpaceOnUse" width="4" height="4">'
    '<path d="M 0 4 L 4 0" stroke="#000000"/></pattern>'
    '<clipPath id="c"><rect width="40" height="20"/></clipPath></defs>'
    '<path d="M 0 20 L 40 20 L 40 0 z" fill="#7a7a7a" stroke="none" clip-path="url(#c)"/>'
    '<path d="M 0 20 L 40 20 L 40 0 z" fill="url(#h)" stroke="#000000" clip-path="url(#c)"/>'
    '<text x="1" y="18" font-size="8px" font-family="\'TTHC Liberation Serif\'">Độc lập</text></svg>'
)
_WARM_UP_HTML = (
    '<h2>I. Độc lập</h2><p class="body"><b>Tự do</b> – <i>Hạnh phúc</i> <b><i>Số</i></b></p>'
    '<table class="data"><thead><tr><th>Lĩnh vực</th><th>Số hồ sơ</th></tr></thead>'
    '<tbody><tr><td class="text">Hộ tịch</td><td class="num">1</td></tr></tbody></table>'
    f'<figure class="chart" role="img" aria-label="Biểu đồ">{_WARM_UP_SVG}</figure>'
)


def warm_up() -> None:
    """Render a miniature report once (about 0.5 s, mostly loading WeasyPrint, Pango and the
    embedded fonts; then python-docx), e.g. in a thread while the report notebook executes, so
    that the report's own PDF and DOCX start with every code path and cache of the real one
    warm."""
    import tempfile

    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from tthc.render import word
    from tthc.render.model import Heading, Paragraph, Run, Table

    cell = new_code_cell(outputs=[new_output("display_data", data={"text/html": _WARM_UP_HTML})])
    html = render_html(new_notebook(cells=[cell]), title="Khởi động")
    blocks = (
        Heading("I.", "Độc lập"),
        Paragraph((Run("Tự do", bold=True), Run(note="Hạnh phúc"))),
        Table("x", "data", "Biểu", (), (), empty="Không có."),
    )
    with tempfile.TemporaryDirectory(prefix="tthc-warm-up-") as folder:
        render_pdf(html, Path(folder) / "warm-up.pdf")
        word.write_docx(blocks, Path(folder) / "warm-up.docx", title="Khởi động", author="")


def render_pdf(html: str, out_path: str | Path) -> Path:
    """Print ``html`` to ``out_path`` as a tagged PDF/A-2b with WeasyPrint; written atomically
    (temp, rename). Title, author and language come from the HTML's ``<title>``, ``<meta
    name="author">`` and ``<html lang>``."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    out = Path(out_path)
    # Only data: URLs are served and any other reference stops the rendering: a report's
    # resources are all inline and nothing may be fetched from a host or the disk.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    config, fonts = _pdf_fonts()
    html, shared_fonts = _without_font_block(html)
    try:
        with atomic_path(out) as tmp, _long_lived_objects_frozen():
            document = HTML(
                string=_charts_as_images(html), base_url=str(out.parent), url_fetcher=fetcher
            )
            document.write_pdf(
                tmp,
                pdf_variant=PDF_VARIANT,
                # Tagged (structure, reading order, table headers) for screen readers and reflow
                # in mobile viewers; about 0.03 s of a report.
                pdf_tags=True,
                stylesheets=[fonts] if shared_fonts else None,
                font_config=config if shared_fonts else None,
            )
    except FatalURLFetchingError as exc:
        raise ReportError(
            f"Báo cáo tham chiếu tài nguyên bên ngoài, không được phép: {exc}"
        ) from exc
    return out


def render_docx(nb: nbformat.NotebookNode | str | Path, out_path: str | Path) -> Path:
    """The signed document as DOCX (Nghị định 30 layout), from the document blocks the executed
    notebook carries; written atomically. See :mod:`tthc.render.word`."""
    from tthc.render import word

    nb = _read(nb)
    _refuse_errors(nb)
    blocks = word.document_blocks(nb)
    out = Path(out_path)
    with atomic_path(out) as tmp:
        word.write_docx(blocks, tmp, title=_title(nb), author=_author(nb))
    return out


def figures_payload(nb: nbformat.NotebookNode | str | Path) -> dict[str, Any]:
    """The JSON bundle the report notebook displays last (figures, warnings); {} when absent."""
    if isinstance(nb, (str, Path)):
        nb = nbformat.read(str(nb), as_version=4)
    for cell in reversed(nb.cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if FIGURES_MIME in data:
                payload = data[FIGURES_MIME]
                return dict(payload) if isinstance(payload, dict) else {}
    return {}
