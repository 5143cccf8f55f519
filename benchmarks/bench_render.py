"""Benchmark of rendering one executed report (HTML + PDF + DOCX) in a warm worker (not a test).

Targets: rendering HTML + PDF adds no more than 1 s to a report on this machine (issue #5); the
DOCX adds no more than 0.3 s (issue #12): building it from the notebook, plus drawing the charts
a second time as PNG in the kernel.

The sample June 2026 report of An Trường is executed once (not timed). Then, in this one process,
after one warm-up rendering each, the variants below run interleaved, median of ``--runs``:

- baseline: the stock route, nbconvert's ``HTMLExporter`` with the project template, then
  ``weasyprint.HTML(string=html).write_pdf()``, on the notebook with matplotlib's own chart SVG;
- the PDF route with one change at a time added (the ablation), on the same HTML;
- ours: ``tthc.render.export.render_html`` + ``render_pdf`` on the notebook as the runner makes it;
  the companion file of internal checks (``render_checks_html`` + ``render_pdf``), and, for
  comparison, the document with those checks in its appendix, as every report was before issue 10;
- ours with the DOCX (``render_docx``), and the DOCX alone;
- in the kernel's place, the five charts drawn as the notebook draws them (SVG and PNG) against
  the same charts without their PNG: what the DOCX costs the notebook's execution.

Each timed call starts after a full garbage collection, so no variant pays for another's garbage.

Usage: ``.venv/bin/python benchmarks/bench_render.py [--runs 11]``.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
UNIT, MONTH = "an-truong", "2026-06"


def executed_notebook(work: Path) -> tuple[Path, Path]:
    """The sample report executed as for a DOCX (its charts carry their PNG)."""
    db, exports, out = work / "bench.duckdb", work / "exports", work / "out"
    run = lambda *a: subprocess.run([str(BIN / "tthc"), *a], check=True, capture_output=True)  # noqa: E731
    run("sample", "--out", str(exports))
    run("ingest", "--db", str(db), "--unit", UNIT, *map(str, sorted(exports.iterdir())))
    run("report", "--db", str(db), "--unit", UNIT, "--month", MONTH, "--out", str(out), "--force",
        "--no-progress", "--formats", "ipynb,docx")  # fmt: skip
    return out / UNIT / MONTH / "report.ipynb", db


def checks_in_document(nb: Any) -> Any:
    """The notebook as a unit with ``document.checks_in_appendix: true`` makes it."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        for output in cell.get("outputs", []):
            part = output.get("metadata", {}).get("tthc")
            if isinstance(part, dict) and part.get("part") == "checks":
                part["in_document"] = True
    return out


def with_raw_charts(nb: Any, db: Path) -> Any:
    """The notebook with each chart as matplotlib writes it (before ``tidy_svg``)."""
    from tthc.render import charts, report

    data = report.load_report_data(UNIT, MONTH, db=db)
    tidy = [c.svg for c in report.charts(data)]
    original = charts.tidy_svg
    charts.tidy_svg = lambda markup, **_: markup
    try:
        raw = [c.svg for c in report.charts(data)]
    finally:
        charts.tidy_svg = original
    nb = copy.deepcopy(nb)
    found = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if not html:
                continue
            text = "".join(html) if isinstance(html, list) else html
            for a, b in zip(tidy, raw, strict=True):
                if a in text:
                    text, found = text.replace(a, b), found + 1
            output["data"]["text/html"] = text
    assert found == len(tidy), f"found {found} of {len(tidy)} charts in the notebook"
    return nb


def stock_html(nb: Any) -> str:
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    from tthc.render import export
    from tthc.render.fonts import font_face_css

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(export.REMOVE_CELL_TAGS)
    config.TagRemovePreprocessor.remove_input_tags = set(export.REMOVE_INPUT_TAGS)
    config.HTMLExporter.exclude_input = True
    exporter = HTMLExporter(
        config=config,
        template_name=export.TEMPLATE_NAME,
        extra_template_basedirs=[str(export.TEMPLATES_DIR)],
    )
    resources = {"tthc": {"title": "x", "font_css": font_face_css(), "version": "bench"}}
    return exporter.from_notebook_node(nb, resources=resources)[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tthc-bench-render-"))
    os.environ.setdefault("TTHC_PARAMS", str(ROOT / "params"))
    try:
        import nbformat
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher

        from tthc.render import export, report

        path, db = executed_notebook(work)
        nb = nbformat.read(str(path), as_version=4)
        raw_nb = with_raw_charts(nb, db)
        pdf = str(work / "x.pdf")
        docx = str(work / "x.docx")
        data = report.load_report_data(UNIT, MONTH, db=db)

        no_docx = dataclasses.replace(data, docx=False)

        def svg_only() -> None:  # as a report that writes no DOCX draws them
            report.charts(no_docx)

        fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
        config, fonts = export._pdf_fonts()

        ours_html = export.render_html(nb)
        plain_html = export.render_html(raw_nb)
        no_fonts, _ = export._without_font_block(ours_html)
        with_checks = checks_in_document(nb)

        def weasy(html: str, **kw: Any) -> None:
            HTML(string=html, url_fetcher=fetcher).write_pdf(pdf, **kw)

        def frozen(fn: Callable[[], None]) -> None:
            with export._long_lived_objects_frozen():
                fn()

        variants: dict[str, Callable[[], None]] = {
            "baseline: stock nbconvert + WeasyPrint, matplotlib SVG": lambda: HTML(
                string=stock_html(raw_nb)
            ).write_pdf(pdf),
            "PDF only, plain WeasyPrint, matplotlib SVG inline": lambda: weasy(plain_html),
            "  + charts tidied (chartsvg.tidy_svg)": lambda: weasy(ours_html),
            "  + charts handed over as images": lambda: weasy(export._charts_as_images(ours_html)),
            "  + fonts parsed once per process": lambda: weasy(
                export._charts_as_images(no_fonts), stylesheets=[fonts], font_config=config
            ),
            "  + collector off the long-lived objects": lambda: frozen(
                lambda: weasy(
                    export._charts_as_images(no_fonts), stylesheets=[fonts], font_config=config
                )
            ),
            "  + tagged PDF (tags cost, they are not a speed-up)": lambda: frozen(
                lambda: weasy(
                    export._charts_as_images(no_fonts),
                    stylesheets=[fonts],
                    font_config=config,
                    pdf_tags=True,
                )
            ),
            "  + PDF/A-2b (= render_pdf)": lambda: frozen(
                lambda: weasy(
                    export._charts_as_images(no_fonts),
                    stylesheets=[fonts],
                    font_config=config,
                    pdf_tags=True,
                    pdf_variant=export.PDF_VARIANT,
                )
            ),
            "ours: render_html + render_pdf": lambda: export.render_pdf(
                export.render_html(nb), pdf
            ),
            "ours, HTML part only (render_html)": lambda: export.render_html(nb),
            "ours: companion kiem-tra (render_checks_html + render_pdf)": lambda: export.render_pdf(
                export.render_checks_html(nb), pdf
            ),
            "ours: document with the checks in its appendix (as before)": lambda: export.render_pdf(
                export.render_html(with_checks), pdf
            ),
            "ours + DOCX: render_html + render_pdf + render_docx": lambda: (
                export.render_pdf(export.render_html(nb), pdf),
                export.render_docx(nb, docx),
            ),
            "ours, DOCX part only (render_docx)": lambda: export.render_docx(nb, docx),
            "kernel: the five charts, SVG + PNG (as the notebook draws them)": lambda: (
                report.charts(data)
            ),
            "kernel: the five charts, SVG only": lambda: svg_only(),
        }
        export.warm_up()
        for fn in variants.values():
            fn()
        times: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(args.runs):
            for name, fn in variants.items():
                gc.collect()  # every variant starts from the same heap, not another's garbage
                t0 = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t0)
        med = {name: statistics.median(t) for name, t in times.items()}
        base = med[next(iter(med))]
        print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; "
              f"median of {args.runs}, warm process")  # fmt: skip
        width = max(map(len, med))
        for name, m in med.items():
            print(f"  {name:<{width}}  {m:6.3f} s  {base / m:5.2f}x baseline")
        ours = med["ours: render_html + render_pdf"]
        companion = med["ours: companion kiem-tra (render_checks_html + render_pdf)"]
        before = med["ours: document with the checks in its appendix (as before)"]
        print(f"rendering per report (HTML + PDF): {ours:.3f} s; target ≤ 1 s -> "
              f"{'OK' if ours <= 1 else 'MISSED'}")  # fmt: skip
        print(
            f"document + companion: {ours + companion:.3f} s, "
            f"{(ours + companion) / before:.2f}x the document with its checks ({before:.3f} s)"
        )
        with_docx = med["ours + DOCX: render_html + render_pdf + render_docx"] - ours
        pngs = (
            med["kernel: the five charts, SVG + PNG (as the notebook draws them)"]
            - med["kernel: the five charts, SVG only"]
        )
        added = with_docx + pngs
        print(f"the DOCX adds {with_docx:.3f} s to rendering and {pngs:.3f} s of PNG charts to "
              f"the notebook: {added:.3f} s per report; target ≤ 0.3 s -> "
              f"{'OK' if added <= 0.3 else 'MISSED'}")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
