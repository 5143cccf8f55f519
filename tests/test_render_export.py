"""nbconvert template, embedded fonts and the WeasyPrint PDF, on small hand-made notebooks."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tthc.errors import ReportError
from tthc.render import export, fonts

VIETNAMESE = (
    "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
)
LETTERS = VIETNAMESE + VIETNAMESE.upper() + "0123456789%–—…“”▲▼−"


@pytest.mark.parametrize("face", fonts.FACES, ids=lambda f: f.file)
def test_subset_keeps_every_vietnamese_letter(face: fonts.Face) -> None:
    font = TTFont(io.BytesIO(fonts.subset_font(face)))
    cmap = font.getBestCmap()
    missing = [ch for ch in LETTERS if ord(ch) not in cmap]
    assert missing == []
    assert len(fonts.subset_font(face)) < 120_000  # subset, not the 380 KB original


def test_font_css_is_four_inline_faces() -> None:
    css = fonts.font_face_css()
    assert css.count("@font-face") == 4
    assert css.count("data:font/ttf;base64,") == 4
    assert "http" not in css
    assert {m for m in re.findall(r"font-weight:(\w+);font-style:(\w+)", css)} == {
        ("normal", "normal"),
        ("bold", "normal"),
        ("normal", "italic"),
        ("bold", "italic"),
    }


def _notebook(extra_outputs: list | None = None) -> object:
    params = new_code_cell('unit = "an-truong"', metadata={"tags": ["parameters"]})
    injected = new_code_cell('unit = "x"', metadata={"tags": ["injected-parameters"]})
    shown = new_code_cell("SECRET_CODE = 1\ndisplay(HTML(x))", metadata={"tags": ["remove-input"]})
    shown.outputs = [
        new_output("stream", name="stdout", text="STRAY STDOUT\n"),
        new_output("stream", name="stderr", text="STRAY STDERR\n"),
        new_output(
            "display_data",
            data={"text/html": '<p class="marker">Nội dung hiển thị</p>', "text/plain": "<HTML>"},
        ),
        new_output("execute_result", data={"text/plain": "PLAIN REPR"}, execution_count=3),
        new_output("display_data", data={"text/markdown": "**đậm** trong Markdown"}),
        *(extra_outputs or []),
    ]
    hidden = new_code_cell("x", metadata={"tags": ["remove-cell"]})
    hidden.outputs = [
        new_output(
            "display_data",
            data={export.FIGURES_MIME: {"document_title": "Báo cáo thử – xã Thử"}},
        )
    ]
    guide = new_markdown_cell("# HƯỚNG DẪN", metadata={"tags": ["remove-cell"]})
    return new_notebook(cells=[guide, params, injected, shown, hidden])


def test_html_shows_outputs_only() -> None:
    html = export.render_html(_notebook())
    assert '<p class="marker">Nội dung hiển thị</p>' in html
    assert "<strong>đậm</strong> trong Markdown" in html
    for absent in (
        "SECRET_CODE",
        "STRAY STDOUT",
        "STRAY STDERR",
        "PLAIN REPR",
        "HƯỚNG DẪN",
        'unit = "',
        "jp-InputArea",
        "In&nbsp;[",
        "prompt",
    ):
        assert absent not in html
    assert "<title>Báo cáo thử – xã Thử</title>" in html
    assert "<script src" not in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "@import" not in html
    assert html.count("@font-face") == 4


def test_error_output_is_refused() -> None:
    err = new_output("error", ename="ValueError", evalue="hỏng", traceback=["Traceback…"])
    with pytest.raises(ReportError, match="ValueError: hỏng"):
        export.render_html(_notebook([err]))


def test_figures_payload_is_read_back() -> None:
    assert export.figures_payload(_notebook()) == {"document_title": "Báo cáo thử – xã Thử"}
    assert export.figures_payload(new_notebook()) == {}


def _pdf_tool(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.mark.slow
def test_pdf_is_a4_with_embedded_fonts(tmp_path: Path) -> None:
    out = export.render_pdf(export.render_html(_notebook()), tmp_path / "a.pdf")
    info = _pdf_tool("pdfinfo", str(out))
    assert re.search(r"Page size:\s+595(\.\d+)? x 841(\.\d+)? pts \(A4\)", info)
    table = _pdf_tool("pdffonts", str(out)).splitlines()[2:]
    assert table and all(" yes yes " in line for line in table)
    assert all("Liberation-Serif" in line for line in table)
    text = _pdf_tool("pdftotext", str(out), "-")
    assert "Nội dung hiển thị" in text
    assert not list(tmp_path.glob("*.tmp"))
    assert out.stat().st_mode & 0o044  # readable by others under a usual umask, not 0600


@pytest.mark.slow
def test_pdf_refuses_external_resources(tmp_path: Path) -> None:
    nb = _notebook(
        [new_output("display_data", data={"text/html": '<img src="http://127.0.0.1:9/x.png">'})]
    )
    with pytest.raises(ReportError, match=r"127\.0\.0\.1"):
        export.render_pdf(export.render_html(nb), tmp_path / "b.pdf")
    assert not (tmp_path / "b.pdf").exists()
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.slow
def test_shared_fonts_give_the_same_pdf_as_the_document_own(tmp_path: Path) -> None:
    """The PDF takes the @font-face rules from one parsed stylesheet per process when the HTML
    carries exactly the package's fonts; a document with other rules keeps its own. Same text,
    same embedded faces, either way."""
    html = export.render_html(_notebook())
    _, shared = export._without_font_block(html)
    assert shared
    other = html.replace('<style id="tthc-fonts">\n', '<style id="tthc-fonts">\n/* khác */\n')
    _, shared = export._without_font_block(other)
    assert not shared
    a = export.render_pdf(html, tmp_path / "shared.pdf")
    b = export.render_pdf(other, tmp_path / "own.pdf")

    def faces(pdf: Path) -> list[str]:
        rows = _pdf_tool("pdffonts", str(pdf)).splitlines()[2:]
        return sorted(re.sub(r"^[A-Z]{6}\+", "", row.split()[0]) for row in rows)

    assert faces(a) == faces(b) and faces(a)
    assert _pdf_tool("pdftotext", str(a), "-") == _pdf_tool("pdftotext", str(b), "-")


def test_collector_is_handed_everything_back_after_a_pdf(tmp_path: Path) -> None:
    import gc

    nb = _notebook(
        [new_output("display_data", data={"text/html": '<img src="http://127.0.0.1:9/x.png">'})]
    )
    with pytest.raises(ReportError):
        export.render_pdf(export.render_html(nb), tmp_path / "c.pdf")
    assert gc.get_freeze_count() == 0
    export.render_pdf(export.render_html(_notebook()), tmp_path / "d.pdf")
    assert gc.get_freeze_count() == 0


@pytest.mark.slow
def test_a_process_that_made_a_pdf_exits_cleanly_and_leaves_no_temporary_fonts(
    tmp_path: Path,
) -> None:
    import sys

    temp = tmp_path / "tmp"
    temp.mkdir()
    code = (
        "from tthc.render import export\n"
        "export.warm_up()\n"
        f"export.render_pdf('<p>Độc lập</p>', {str(tmp_path / 'e.pdf')!r})\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "TMPDIR": str(temp)},
        check=True,
    )
    assert run.stderr == ""
    assert (tmp_path / "e.pdf").exists()
    assert list(temp.iterdir()) == []


def test_the_figures_bundle_is_known_to_nbconvert_and_stays_off_the_page() -> None:
    import warnings

    bundle = new_output("display_data", data={export.FIGURES_MIME: {"document_title": "Bí mật"}})
    nb = new_notebook(cells=[new_code_cell("x", outputs=[bundle])])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nbconvert used to warn it could not represent the type
        html = export.render_html(nb)
    assert "Bí mật" in html  # the <title> comes from the bundle…
    assert html.count("Bí mật") == 1  # …and nothing of it reaches the body


def _checks_output(in_document: bool) -> object:
    """The output the report notebook displays for ``tthc.render.report.checks(data)``."""
    from tthc.render.part import ChecksPart

    data, metadata = ChecksPart('<section data-part="quality">KIỂM TRA NỘI BỘ</section>',
                                "checks", in_document)._repr_mimebundle_()  # fmt: skip
    return new_output("display_data", data=data, metadata=metadata)


def test_internal_checks_go_to_the_companion_unless_the_unit_puts_them_in_the_appendix() -> None:
    companion = _notebook([_checks_output(in_document=False)])
    document = export.render_html(companion)
    assert '<p class="marker">Nội dung hiển thị</p>' in document
    assert "KIỂM TRA NỘI BỘ" not in document
    checks = export.render_checks_html(companion)
    assert checks is not None and "KIỂM TRA NỘI BỘ" in checks
    assert "Nội dung hiển thị" not in checks and "đậm" not in checks  # nothing of the document
    assert "<title>Kiểm tra số liệu – Báo cáo thử – xã Thử</title>" in checks
    assert "kèm báo cáo thử – xã Thử" in checks
    # document.checks_in_appendix: true puts them back at the end of the document too.
    appendix = _notebook([_checks_output(in_document=True)])
    assert "KIỂM TRA NỘI BỘ" in export.render_html(appendix)
    assert "KIỂM TRA NỘI BỘ" in export.render_checks_html(appendix)
    # A notebook without checks has no companion.
    assert export.render_checks_html(_notebook()) is None
    # Rendering the document left the notebook itself whole.
    assert any("KIỂM TRA NỘI BỘ" in str(o) for c in companion.cells for o in c.get("outputs", []))
