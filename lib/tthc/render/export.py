"""Executed report notebook -> the official HTML document -> PDF (WeasyPrint).

The HTML is one self-contained file: the project's nbconvert template (``templates/tthc``), CSS
and fonts inline, charts as inline SVG, no script or resource from any other host. Code cells,
the injected-parameters cell and anything tagged for removal never reach it; a notebook holding
an error output is refused rather than rendered as a document that looks complete.
"""

from __future__ import annotations

import base64
import re
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


def render_html(nb: nbformat.NotebookNode | str | Path, *, title: str | None = None) -> str:
    """The executed notebook as the official document (one self-contained HTML string).

    ``nb`` is a notebook node or the path of an ``.ipynb``. Raises :class:`ReportError` when a
    cell failed: a document must never hide a failure.
    """
    if isinstance(nb, (str, Path)):
        nb = nbformat.read(str(nb), as_version=4)
    errors = _errors(nb)
    if errors:
        raise ReportError(f"Sổ tay có ô bị lỗi, không xuất báo cáo: {errors[0]}")
    resources = {
        "tthc": {
            "title": title or _title(nb),
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


def warm_up() -> None:
    """Load WeasyPrint's stylesheets, Pango and the embedded fonts once (about 0.5 s), e.g. in
    a thread while the report notebook executes, so the report's own PDF starts warm."""
    from weasyprint import HTML

    _exporter()
    HTML(string=f"<style>{font_face_css()}</style><p>Độc lập</p>").write_pdf()


def render_pdf(html: str, out_path: str | Path) -> Path:
    """Print ``html`` to ``out_path`` as PDF with WeasyPrint; written atomically (temp, rename)."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    out = Path(out_path)
    # Only data: URLs are served and any other reference stops the rendering: a report's
    # resources are all inline and nothing may be fetched from a host or the disk.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    try:
        with atomic_path(out) as tmp:
            document = HTML(
                string=_charts_as_images(html), base_url=str(out.parent), url_fetcher=fetcher
            )
            document.write_pdf(tmp)
    except FatalURLFetchingError as exc:
        raise ReportError(
            f"Báo cáo tham chiếu tài nguyên bên ngoài, không được phép: {exc}"
        ) from exc
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
