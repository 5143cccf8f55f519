"""Re-rendering an executed report notebook (``tthc render``): no kernel, no recomputation.

When the notebook is the ``report.ipynb`` of a report folder with a manifest, the manifest is
updated (new output hashes, a ``renders`` entry) so it still describes the folder.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tthc import atomic
from tthc.errors import InputFileError
from tthc.known import close_names, did_you_mean
from tthc.logfile import display_path, record
from tthc.vntime import iso_vn, now_vn

RENDER_FORMATS = ("html", "pdf", "docx")


def rerender(
    notebook: Path,
    *,
    formats: list[str] | tuple[str, ...] = RENDER_FORMATS,
    out: Path | None = None,
    renderer: Any = None,
) -> dict[str, Path]:
    """Write ``<stem>.html`` / ``.pdf`` / ``.docx`` beside the notebook (or in ``out``), and the
    companion file of internal checks ``kiem-tra.html`` / ``.pdf`` when the notebook has them;
    their paths by output key (``html``, ``pdf``, ``docx``, ``checks_html``, ``checks_pdf``).
    The DOCX comes from the document blocks the notebook carries, as in ``tthc report``."""
    from tthc.report.fastimport import skip_slow_optional_imports

    skip_slow_optional_imports()
    import nbformat

    from tthc.report.manifest import NOT_COMPLETE, read_manifest, sha256_file, write_manifest
    from tthc.report.runner import CHECKS_NAMES, _checks_html, _resolve_renderer

    # What the user gave is refused as input (exit 2); ReportError (exit 1) is a report that
    # could not be made.
    bad = [f for f in formats if f not in RENDER_FORMATS]
    if bad or not formats:
        raise InputFileError(
            f"Định dạng '{','.join(bad)}' không xuất lại được: chọn html, pdf, docx."
            + did_you_mean(close_names(bad[0], RENDER_FORMATS) if bad else [])  # 'pfd' -> 'pdf'
        )
    if not notebook.exists():
        raise InputFileError(f"Không tìm thấy notebook {notebook}.")
    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception as exc:
        # The library's own words (English) go to the technical log, not to the user.
        record(f"tthc render: {notebook} không đọc được như notebook", repr(exc))
        raise InputFileError(
            f"{notebook} không phải notebook hợp lệ (tệp .ipynb do 'tthc report' ghi); chi tiết "
            f"kỹ thuật ở {display_path()}."
        ) from exc
    if not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"):
        raise InputFileError(f"{notebook} chưa được chạy (không có kết quả): dùng 'tthc report'.")
    folder = out or notebook.parent
    folder.mkdir(parents=True, exist_ok=True)
    render = _resolve_renderer(renderer)
    timings: dict[str, float] = {}
    written: dict[str, Path] = {}
    html = checks = None
    if "html" in formats or "pdf" in formats:
        t0 = time.perf_counter()
        html = render.render_html(nb)
        timings["html"] = time.perf_counter() - t0
        checks = _checks_html(render, nb)
    for fmt in formats:
        if fmt == "docx":
            written["docx"] = folder / f"{notebook.stem}.docx"
            t0 = time.perf_counter()
            with atomic.atomic_path(written["docx"]) as tmp:
                render.render_docx(nb, tmp)
            timings["docx"] = time.perf_counter() - t0
            continue
        for key, text, path in (
            (fmt, html, folder / f"{notebook.stem}.{fmt}"),
            (f"checks_{fmt}", checks, folder / CHECKS_NAMES[fmt]),
        ):
            if text is None:
                continue
            t0 = time.perf_counter()
            if fmt == "html":
                atomic.write_text(path, text)
            else:
                with atomic.atomic_path(path) as tmp:
                    render.render_pdf(text, tmp)
            timings[key] = timings.get(key, 0.0) + time.perf_counter() - t0
            written[key] = path

    manifest = read_manifest(folder)
    if (
        manifest
        and manifest.get("status") in ("ok", *NOT_COMPLETE)
        and notebook.resolve().parent == folder.resolve()
    ):
        for fmt, path in written.items():
            manifest.setdefault("outputs", {})[fmt] = {
                "file": path.name,
                "sha256": sha256_file(path),
                "bytes": path.stat().st_size,
            }
        manifest.setdefault("renders", []).append(
            {
                "at": iso_vn(now_vn()),
                "formats": list(written),
                "timings": {k: round(v, 4) for k, v in timings.items()},
            }
        )
        write_manifest(folder, manifest)
    return written
