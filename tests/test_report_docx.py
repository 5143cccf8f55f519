"""`tthc report` on the An Trường sample writes report.docx (Nghị định 30 layout).

Read back with python-docx (sections, page sizes, orientation, margins, styles, fonts, every
figure, the supplied figure's footnote, the charts and their alt texts), opened by LibreOffice
headless as a person would open it (pages of the same shape as the PDF, every figure in the
printed text, the header block side by side on page 1, page numbers from page 2), and written
again by `tthc render` from the executed notebook alone.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from PIL import Image
from report_fixture import ARTIFACTS, REFERENCE_SENTENCES, SUPPLIED_NOTE, sample_warehouse

from tthc.cli import main
from tthc.report.manifest import read_manifest, sha256_file
from tthc.sample.targets import FIGURES
from tthc.stats.numbers import format_count, format_rate
from tthc.stats.profile import load_profile

pytestmark = pytest.mark.slow

FONT = "Times New Roman"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("docx")
    db = sample_warehouse(base)
    out = base / "outputs"
    rc = main(["report", "--db", str(db), "--unit", "an-truong", "--month", "2026-06",
               "--out", str(out), "--no-progress"])  # fmt: skip
    assert rc == 0
    folder = out / "an-truong" / "2026-06"
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(folder / "report.docx", ARTIFACTS / "report.docx")
    return folder


@pytest.fixture(scope="module")
def document(folder: Path) -> docx.document.Document:
    return docx.Document(str(folder / "report.docx"))


def paragraphs_text(element) -> list[str]:
    """Every paragraph under ``element`` (body, table cells, footnotes), as its text."""
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in element.iter(qn("w:p"))]


def text_of(document) -> str:
    return " ".join(" ".join(paragraphs_text(document.element.body)).split())


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def test_the_report_folder_lists_the_docx_with_its_hash(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == [
        "kiem-tra.html", "kiem-tra.pdf", "manifest.json", "report.docx", "report.html",
        "report.ipynb", "report.pdf",
    ]  # fmt: skip
    entry = read_manifest(folder)["outputs"]["docx"]
    assert entry["file"] == "report.docx"
    assert entry["sha256"] == sha256_file(folder / "report.docx")
    assert read_manifest(folder)["timings"]["docx"] > 0


def mm(*lengths) -> tuple[float, ...]:
    """Lengths in mm to 0.1 mm (Word stores twips: 210 mm is 11906 twips, 209.99 mm)."""
    return tuple(round(x.mm, 1) for x in lengths)


def _section_text(section) -> str:
    out = []
    for item in section.iter_inner_content():
        if isinstance(item, docx.table.Table):
            out.extend(paragraphs_text(item._tbl))
        else:
            out.append(item.text)
    return " ".join(" ".join(out).split())


def test_a4_sections_with_the_national_table_in_landscape(document) -> None:
    portrait, landscape, back = document.sections
    for s in (portrait, back):
        assert s.orientation == WD_ORIENT.PORTRAIT
        assert mm(s.page_width, s.page_height) == (210, 297)
        # Nghị định 30: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
        assert mm(s.top_margin, s.bottom_margin, s.left_margin, s.right_margin) == (20, 20, 30, 15)
    assert landscape.orientation == WD_ORIENT.LANDSCAPE
    assert mm(landscape.page_width, landscape.page_height) == (297, 210)
    # The landscape section holds the appendix head and Biểu 06, and nothing of the body.
    tables = [t for t in landscape.iter_inner_content() if isinstance(t, docx.table.Table)]
    [national] = tables
    head = paragraphs_text(national._tbl.tr_lst[0])
    assert head[:3] == ["STT", "Lĩnh vực", "Số hồ sơ nhận giải quyết"]
    text = _section_text(landscape)
    assert text.startswith("Phụ lục SỐ LIỆU GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THÁNG 6 NĂM 2026")
    assert "Tổng cộng 2751 2668 0 83 2686 2685 0 1 65 65 0 0" in text
    assert "Biểu 2." not in text and "I. KẾT QUẢ" not in text
    # Its four header rows repeat on every page; no row splits across pages.
    rows = national._tbl.tr_lst
    repeated = [tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None for tr in rows]
    assert repeated == [True] * 4 + [False] * (len(rows) - 4)
    assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)
    # Merged header cells as Word writes them: "Số hồ sơ nhận giải quyết" spans 4 columns.
    first = rows[0].tc_lst
    assert [tc.grid_span for tc in first[:5]] == [1, 1, 4, 4, 3]
    assert national.style.name == "Table Grid"
    # The late-case list, the comparison and the charts are back on portrait pages.
    assert _section_text(back).startswith("Biểu 2. Hồ sơ quá hạn tháng 6 năm 2026")
    assert "Biểu 3. So sánh với kỳ trước và cùng kỳ năm trước" in _section_text(back)


def test_real_styles_times_new_roman_and_no_positioned_shapes(document) -> None:
    normal = document.styles["Normal"]
    assert normal.font.name == FONT and normal.font.size == Pt(14)
    fmt = normal.paragraph_format
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert fmt.first_line_indent == Cm(1.27) and fmt.space_after == Pt(6)
    assert 1 <= fmt.line_spacing <= 1.5
    for level in (1, 2, 3):
        h = document.styles[f"Heading {level}"]
        assert h.font.name == FONT and h.font.size == Pt(14) and h.font.bold
        assert str(h.font.color.rgb) == "000000"
    # Every font named anywhere (defaults, styles, runs) is Times New Roman, in every slot.
    for part in (document.styles.element, document.element):
        for fonts in part.iter(qn("w:rFonts")):
            named = {k: v for k, v in fonts.attrib.items() if not k.endswith("Theme")}
            assert set(named.values()) == {FONT}, fonts.attrib
            assert not any(k.endswith("Theme") for k in fonts.attrib), fonts.attrib
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 6 NĂM 2026", "II. ĐÁNH GIÁ CHUNG",
        "III. PHƯƠNG HƯỚNG NHIỆM VỤ THÁNG 7 NĂM 2026", "IV. KIẾN NGHỊ VÀ ĐỀ XUẤT",
    ]  # fmt: skip
    body = [p for p in document.paragraphs if p.style.name == "Normal" and len(p.text) > 200]
    assert len(body) >= 10
    # The header block is a borderless two-column table; nothing is a text box or anchored.
    header = document.tables[0]
    assert header.style.name != "Table Grid" and len(header.columns) == 2
    assert paragraphs_text(header._tbl)[:2] == ["ỦY BAN NHÂN DÂN", "XÃ AN TRƯỜNG"]
    xml = document.element.xml
    for positioned in ("<wp:anchor", "<w:txbxContent", "<v:shape", "<w:framePr"):
        assert positioned not in xml
    assert xml.count("<wp:inline") == 5


def test_the_internal_checks_stay_out_of_the_docx(document, folder: Path) -> None:
    """The DOCX is the document to sign: the checks are in kiem-tra.html/.pdf only, and a
    complete report has no incomplete mark."""
    text = text_of(document)
    checks = (folder / "kiem-tra.html").read_text(encoding="utf-8")
    for needle in ("Chất lượng dữ liệu và cách tính", "Kiểm tra cân đối số liệu"):
        assert needle in checks and needle not in text
    assert "CHƯA ĐẦY ĐỦ" not in text


def test_title_summary_signature_and_recipients(document) -> None:
    text = text_of(document)
    assert (
        "BÁO CÁO Tình hình, kết quả cải cách thủ tục hành chính tháng 6 năm 2026 và nhiệm vụ "
        "trọng tâm tháng 7 năm 2026 (Từ ngày 15/5/2026 đến 14/6/2026)"
    ) in text
    signature = document.tables[1]
    left, right = (paragraphs_text(c._tc) for c in signature.rows[0].cells)
    assert left[0] == "Nơi nhận:" and left[-1] == "- Lưu: VT, TTPVHCC."
    assert [line for line in right if line] == [
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Vũ Trọng Dũng",
    ]  # fmt: skip


def test_every_figure_of_the_sample(document) -> None:
    text = text_of(document)
    for needle in REFERENCE_SENTENCES:
        assert needle in text, needle
    profile = load_profile("an-truong")
    for key, value in FIGURES.items():
        if key.startswith("rate_"):
            written = format_rate(value, profile, profile.rate_def(key[5:]).decimals)
        else:
            written = format_count(int(value), profile)
        assert re.search(rf"(?<![\d.]){re.escape(written)}(?![\d.])", text), (key, written)


def test_page_numbers_are_a_field_from_page_two(document) -> None:
    first, *others = document.sections
    assert first.different_first_page_header_footer
    assert all(p.text == "" for p in first.first_page_header.paragraphs)
    header = first.header
    assert not header.is_linked_to_previous
    instr = [t.text for t in header._element.iter(qn("w:instrText"))]
    assert instr == [" PAGE "]
    assert header.paragraphs[0].alignment in (WD_ALIGN_PARAGRAPH.CENTER, None)
    assert header.paragraphs[0].style.name == "Header"
    assert document.styles["Header"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    for s in others:  # numbered from their first page, same header
        assert not s.different_first_page_header_footer and s.header.is_linked_to_previous


def test_charts_are_print_resolution_pngs_with_alt_text(document, folder: Path) -> None:
    html = (folder / "report.html").read_text(encoding="utf-8")
    alts = re.findall(r'<figure class="chart"[^>]*aria-label="([^"]*)"', html)
    assert len(alts) == 5
    import html as html_mod

    shapes = document.inline_shapes
    assert [s._inline.docPr.get("descr") for s in shapes] == [html_mod.unescape(a) for a in alts]
    for shape in shapes:
        blob = shape._inline.graphic.graphicData.pic.blipFill.blip
        part = document.part.related_parts[blob.embed]
        assert part.content_type == "image/png"
        image = Image.open(io.BytesIO(part.blob))
        assert image.mode == "L" and round(image.info["dpi"][0]) == 300
        # Printed at 300 dpi or finer: pixels per inch of the width it is shown at.
        assert image.width / (shape.width / 914400) >= 299
        assert shape.width <= Mm(165)  # the text width of the portrait page


def test_the_supplied_figure_has_a_real_footnote(document) -> None:
    footnotes = document.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
    )
    from docx.oxml import parse_xml

    notes = paragraphs_text(parse_xml(footnotes.blob))  # python-docx reads the part as bytes
    assert [" ".join(t.split()) for t in notes if t.strip()] == [SUPPLIED_NOTE]
    [line] = [p for p in document.paragraphs if "tái sử dụng dữ liệu số hóa đạt" in p.text]
    assert line.text == "- Tỷ lệ tái sử dụng dữ liệu số hóa đạt 99.87%"
    assert line._p.xpath("./w:r/w:footnoteReference/@w:id") == ["1"]


def test_a_report_without_docx_draws_no_png_and_cannot_give_one(folder: Path) -> None:
    from tthc.errors import ReportError
    from tthc.render import report, word
    from tthc.render.model import Figure

    db = folder.parents[2] / "sample.duckdb"  # where sample_warehouse wrote it
    data = report.load_report_data("an-truong", "2026-06", db=db, docx=False)
    [group] = report.appendix_charts(data).blocks
    figures = [b for b in group.blocks if isinstance(b, Figure)]
    assert len(figures) == 5 and all(f.svg and f.png == b"" for f in figures)
    with pytest.raises(ReportError, match="không kèm định dạng docx"):
        word.write_docx((group,), folder.parent / "x.docx", title="x", author="x")


# --- as LibreOffice opens it -------------------------------------------------------------------


def _orientations(pdf: Path, pages: int) -> list[str]:
    sizes = run("pdfinfo", "-f", "1", "-l", str(pages), str(pdf))
    found = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", sizes)
    return ["L" if float(w) > float(h) else "P" for w, h in found]


def _runs(seq: list[str]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for x in seq:
        if out and out[-1][0] == x:
            out[-1] = (x, out[-1][1] + 1)
        else:
            out.append((x, 1))
    return out


def _pages(pdf: Path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(pdf))).group(1))


def _signed_pages(pdf: Path) -> int:
    """The PDF's pages up to the one where the internal checks begin (all, without them)."""
    for page in range(1, _pages(pdf) + 1):
        if "Chất lượng dữ liệu và cách tính" in run("pdftotext", "-f", str(page), "-l",
                                                    str(page), str(pdf), "-"):  # fmt: skip
            return page
    return _pages(pdf)


@pytest.fixture(scope="module")
def converted(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (libreoffice-writer-nogui) is missing: run scripts/system-deps.sh"
    work = tmp_path_factory.mktemp("lo")
    # A private profile: parallel conversions must not share (and lock) the user's.
    subprocess.run(
        [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(work), str(folder / "report.docx")],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    pdf = work / "report.pdf"
    shutil.copy(pdf, ARTIFACTS / "report-docx-libreoffice.pdf")
    return pdf


def test_libreoffice_prints_it_in_the_shape_of_the_pdf(converted: Path, folder: Path) -> None:
    ours = folder / "report.pdf"
    signed = _signed_pages(ours)
    lo = _runs(_orientations(converted, _pages(converted)))
    pdf = _runs(_orientations(ours, signed))
    # Body pages in portrait, Biểu 06 on one landscape page, the rest in portrait again.
    assert [o for o, _ in lo] == [o for o, _ in pdf] == ["P", "L", "P"]
    assert lo[1][1] == pdf[1][1] == 1
    assert abs(lo[0][1] - pdf[0][1]) <= 1  # the landscape page falls on the same page, ±1
    assert abs(_pages(converted) - signed) <= 1
    text = " ".join(run("pdftotext", str(converted), "-").split())
    for needle in (*REFERENCE_SENTENCES, SUPPLIED_NOTE):
        assert needle in text, needle
    # Page numbers: none on page 1, "2" heading page 2.
    page = lambda n: run("pdftotext", "-f", str(n), "-l", str(n), str(converted), "-")  # noqa: E731
    assert page(1).split()[:3] == ["ỦY", "BAN", "NHÂN"] and page(2).split()[0] == "2"


def test_page_one_shows_the_header_block(converted: Path) -> None:
    """The two columns of the header block side by side at the top of page 1 (word boxes),
    and the page as a PNG (tests/artifacts/report-docx-page-1.png, to look at)."""
    boxes = run("pdftotext", "-f", "1", "-l", "1", "-bbox", str(converted), "-")
    box = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>')
    words = [(w, float(x0), float(y0)) for x0, y0, w in box.findall(boxes)]

    def where(word: str) -> tuple[float, float]:
        return next((x, y) for w, x, y in words if w == word)

    left, right = where("ỦY"), where("CỘNG")
    assert left[0] < 150 < 250 < right[0]  # points from the left edge: two columns
    assert abs(left[1] - right[1]) < 4 and left[1] < 90  # the same first line, in the top
    motto, number = where("Độc"), where("Số:")
    assert motto[0] > 250 and number[0] < 150 and motto[1] < number[1] < 140
    png = ARTIFACTS / "report-docx-page-1"
    run("pdftoppm", "-f", "1", "-l", "1", "-r", "60", "-png", "-singlefile", str(converted),
        str(png))  # fmt: skip
    image = Image.open(f"{png}.png").convert("L")
    w, h = image.size
    top = image.crop((0, 0, w, h // 6))
    ink = lambda box: sum(top.crop(box).histogram()[:128])  # noqa: E731  (dark pixels)
    assert ink((0, 0, w // 2, h // 6)) > 50 and ink((w // 2, 0, w, h // 6)) > 50


def test_tthc_render_writes_the_docx_again_from_the_notebook(folder: Path, document) -> None:
    before = text_of(document)
    (folder / "report.docx").unlink()
    assert main(["render", str(folder / "report.ipynb"), "--formats", "docx"]) == 0
    again = docx.Document(str(folder / "report.docx"))
    assert text_of(again) == before
    manifest = read_manifest(folder)
    assert manifest["outputs"]["docx"]["sha256"] == sha256_file(folder / "report.docx")
    assert manifest["renders"][-1]["formats"] == ["docx"]
