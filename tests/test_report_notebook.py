"""The report notebook executed by papermill on the An Trường sample, rendered to HTML and PDF.

Asserts on the values the notebook computed (its figures bundle), on the HTML's structure and on
the PDF's text, page size and fonts: every figure of domain.md §10 must be in the document.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import nbformat
import pytest
from report_fixture import (
    ARTIFACTS,
    EXPECTED,
    NOTEBOOK,
    REFERENCE_SENTENCES,
    SUPPLIED_NOTE,
    execute_report,
    sample_warehouse,
)
from report_fixture import build as build_fixture_warehouse

from tthc.render import export
from tthc.stats.numbers import format_rate, rate
from tthc.stats.profile import load_profile

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("report")
    db = sample_warehouse(folder)
    nb_path = execute_report(db, folder / "report.ipynb")
    nb = nbformat.read(str(nb_path), as_version=4)
    html = export.render_html(nb)
    pdf = export.render_pdf(html, folder / "report.pdf")
    checks_html = export.render_checks_html(nb)
    checks_pdf = export.render_pdf(checks_html, folder / "kiem-tra.pdf")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.html").write_text(html, encoding="utf-8")
    shutil.copy(pdf, ARTIFACTS / "report.pdf")
    shutil.copy(checks_pdf, ARTIFACTS / "kiem-tra.pdf")
    return {
        "nb": nb,
        "html": html,
        "pdf": pdf,
        "checks_html": checks_html,
        "checks_pdf": checks_pdf,
        "payload": export.figures_payload(nb),
    }


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def test_committed_notebook_is_clean_and_tagged() -> None:
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert code[0].metadata.tags == ["parameters"]
    assert code[0].source.count("\n") >= 3  # unit, period, db, profile: literals only
    for cell in code[1:]:
        tags = set(cell.metadata.get("tags", []))
        assert tags & {"remove-input", "remove-cell"}, cell.source
        assert "print(" not in cell.source and "try:" not in cell.source


def test_notebook_computed_the_sample_figures(report: dict) -> None:
    payload = report["payload"]
    assert payload["unit"] == "an-truong" and payload["period"] == "2026-06"
    assert payload["profile"] == "an-truong"
    figures = payload["figures"]
    assert {k: figures[k] for k in EXPECTED} == EXPECTED
    assert payload["checks_ok"] is True
    late = figures["late_cases"]
    assert len(late) == 1 and late[0]["field"] == "Chứng thực"
    assert payload["document_title"].startswith("Báo cáo tình hình, kết quả cải cách")


def test_narrative_warnings_reach_the_bundle(report: dict) -> None:
    warnings = report["payload"]["warnings"]
    assert any("tháng 5" in w and "mo-dau" in w for w in warnings)
    assert any("22/5/2025" in w for w in warnings)
    assert report["payload"]["narrative"]["is_placeholder"] is False


def test_html_is_a_clean_self_contained_document(report: dict) -> None:
    html = report["html"]
    assert len(html.encode()) < 2_000_000
    assert "<script src" not in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert not re.search(r"url\(\s*[\"']?(?:https?:)?//", html)
    for absent in ("jp-InputArea", "jp-OutputPrompt", "In&nbsp;[", "Traceback", "load_report_data",
                   "display(HTML", "injected-parameters", export.FIGURES_MIME,
                   export.DOCUMENT_MIME, "Part("):  # fmt: skip
        assert absent not in html
    for block in ('data-block="header"', 'data-block="title"', 'data-block="signature"',
                  'data-block="appendix"', 'data-table="fields"', 'data-table="late"',
                  'data-table="comparison"'):  # fmt: skip
        assert block in html
    assert html.count('<figure class="chart"') == 5
    assert html.count("<svg") == 5
    # The opening paragraph is the narrative's; the summary line is generated.
    assert (
        "Tình hình, kết quả cải cách thủ tục hành chính tháng 6 năm 2026 và nhiệm vụ trọng tâm tháng 7 năm 2026"
        in html
    )


def test_html_carries_the_narrative_and_computed_text(report: dict) -> None:
    text = " ".join(re.sub(r"<[^>]+>", " ", report["html"]).split())
    assert "Thực hiện Công văn số 137/UBND-TTPVHCC ngày 23/01/2026" in text
    assert (
        "- 100% hồ sơ, thủ tục hành chính được tiếp nhận trực tuyến; hồ sơ được giải quyết và trả kết quả trước hạn và đúng hạn đạt 99.96%."
        in text
    )
    assert "Vẫn còn để xảy ra quá hạn 01 hồ sơ chứng thực bản sao điện tử" in text
    assert "III. PHƯƠNG HƯỚNG NHIỆM VỤ THÁNG 7 NĂM 2026" in text
    assert "Cổng Dịch vụ công quốc gia và qua tổng đài 1022" in text


# What only the reviewer needs, never the document an official signs and sends (issue 10, 7).
INTERNAL_CHECKS = (
    "Chất lượng dữ liệu và cách tính",
    "Số liệu chốt đến hết ngày 14 tháng 6 năm 2026",
    "Các tệp dữ liệu đã nạp",
    "an-truong-pakn.xlsx",
    "Không có dòng dữ liệu nào bị loại",
    "Tất cả 80 phép kiểm tra cân đối số liệu",
    "Cảnh báo về nội dung do cán bộ viết",
    "nhắc 'tháng 5' trong cụm 'kết quả …'",
    "Số liệu không tính được (N/A) và lý do",
    "Cách tính các tỷ lệ",
    "Quy tắc làm tròn",
)


def test_internal_checks_are_in_the_companion_not_in_the_document(report: dict) -> None:
    html_text = " ".join(unescape(re.sub(r"<[^>]+>", " ", report["html"])).split())
    checks_text = " ".join(unescape(re.sub(r"<[^>]+>", " ", report["checks_html"])).split())
    for needle in INTERNAL_CHECKS:
        assert needle not in html_text, needle
        assert needle in checks_text, needle
    assert 'data-part="quality"' not in report["html"]
    assert 'data-part="quality"' in report["checks_html"]
    # The companion names the report it goes with and says what it is.
    assert (
        "KIỂM TRA SỐ LIỆU kèm báo cáo tình hình, kết quả cải cách thủ tục hành chính tháng 6"
        in (checks_text)
    )
    assert "Không thuộc văn bản ký gửi đi." in checks_text
    assert "<title>Kiểm tra số liệu – Báo cáo tình hình" in report["checks_html"]
    # …and nothing of the document itself.
    for absent in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Vũ Trọng Dũng", "Biểu 1.", "<svg"):
        assert absent not in report["checks_html"], absent


def test_signed_pdf_ends_with_the_appendix_and_the_companion_pdf_has_the_checks(
    report: dict,
) -> None:
    text = " ".join(run("pdftotext", str(report["pdf"]), "-").split())
    for needle in INTERNAL_CHECKS:
        assert needle not in text, needle
    # The appendix in order, and it is the end: Biểu 1, 2, 3, then the charts, nothing after.
    order = [text.index(h) for h in ("Phụ lục", "Biểu 1.", "Biểu 2.", "Biểu 3.", "Biểu đồ")]
    assert order == sorted(order)
    pages = run("pdftotext", "-layout", str(report["pdf"]), "-").split("\f")
    last = " ".join(next(p for p in reversed(pages) if p.strip()).split())
    assert "Hồ sơ đã giải quyết dùng bao nhiêu phần thời hạn cho phép?" in last  # the last chart
    checks = " ".join(run("pdftotext", str(report["checks_pdf"]), "-").split())
    for needle in INTERNAL_CHECKS:
        assert needle in checks, needle


def test_pdf_is_an_a4_document_with_embedded_liberation_serif(report: dict) -> None:
    pdf = str(report["pdf"])
    info = run("pdfinfo", pdf)
    assert re.search(r"Page size:\s+595(\.\d+)? x 841(\.\d+)? pts \(A4\)", info)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 6 <= pages <= 20
    # The per-field table sits on a landscape page.
    sizes = run("pdfinfo", "-f", "1", "-l", str(pages), pdf)
    assert re.search(r"Page\s+\d+ size:\s+841(\.\d+)? x 595(\.\d+)? pts", sizes)
    fonts = run("pdffonts", pdf).splitlines()[2:]
    assert fonts
    for line in fonts:
        assert " yes yes " in line, line  # embedded, subset
        assert "Liberation-Serif" in line, line
    # Tagged for screen readers: tables with header cells, the five charts as figures.
    assert re.search(r"Tagged:\s+yes", info)
    structure = run("pdfinfo", "-struct", pdf)
    assert structure.count("Figure") == 5
    assert re.search(r"^\s+Table\b", structure, re.M) and re.search(r"^\s+TH\b", structure, re.M)


def test_pdf_text_has_every_reference_figure(report: dict) -> None:
    text = " ".join(run("pdftotext", str(report["pdf"]), "-").split())
    for needle in REFERENCE_SENTENCES:
        assert needle in text, needle
    # The reuse rate the sample narrative supplies: marked, its source a footnote on the page.
    assert "Tỷ lệ tái sử dụng dữ liệu số hóa đạt 99.87%1 " in text
    assert f"1. {SUPPLIED_NOTE}" in text


def test_supplied_figure_is_marked_in_the_html_and_listed_in_the_checks(report: dict) -> None:
    html = report["html"]
    assert (
        f'- Tỷ lệ tái sử dụng dữ liệu số hóa đạt 99.87%<span class="fn">{SUPPLIED_NOTE}</span>'
        in html
    )
    # Listed in the internal checks: the companion file, not the document to sign.
    assert 'data-table="supplied"' not in html
    checks = re.search(
        r'<table class="data" data-table="supplied">.*?</table>', report["checks_html"], re.S
    )
    assert checks is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", checks.group(0))
    assert cells == [
        "Tỷ lệ tái sử dụng dữ liệu số hóa", "99.87%", "Cổng Dịch vụ công quốc gia", "14/6/2026",
        "99.87%", "khớp",
    ]  # fmt: skip
    assert report["payload"]["narrative"]["supplied"] == [
        {"key": "reuse", "title": "Tỷ lệ tái sử dụng dữ liệu số hóa", "value": "99.87",
         "unit": "%", "source": "Cổng Dịch vụ công quốc gia", "as_of": "2026-06-14"},
    ]  # fmt: skip


def test_pdf_is_pdf_a_2b_with_title_author_and_language(report: dict) -> None:
    """What can be checked here without veraPDF: the PDF/A identification in the XMP, the output
    intent with its ICC profile, title/author/producer/creator the same in the XMP and the
    document information, the language, no encryption, a file identifier, every font embedded
    (test above), and the tags kept beside PDF/A."""
    from pypdf import PdfReader

    pdf = str(report["pdf"])
    info = run("pdfinfo", pdf)
    title = report["payload"]["document_title"]
    assert f"Title:           {title}" in info
    assert "Author:          Ủy ban nhân dân xã An Trường" in info
    assert re.search(r"Tagged:\s+yes", info) and re.search(r"Encrypted:\s+no", info)
    xmp = run("pdfinfo", "-meta", pdf)
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="B"' in xmp

    reader = PdfReader(pdf)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "vi"
    [intent] = [i.get_object() for i in root["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data()[36:40] == b"acsp"  # an ICC profile, RGB
    assert "/ID" in reader.trailer and "/Encrypt" not in reader.trailer
    meta, docinfo = reader.xmp_metadata, reader.metadata
    assert meta.dc_title == {"x-default": title} == {"x-default": docinfo.title}
    assert meta.dc_creator == ["Ủy ban nhân dân xã An Trường"] == [docinfo.author]
    assert meta.pdf_producer == docinfo.producer and meta.xmp_creator_tool == docinfo.creator
    # PDF/A and tagging together: marked content and a structure tree (its figures and table
    # headers: test_pdf_is_an_a4_document_with_embedded_liberation_serif).
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root


def test_month_without_narrative_gets_marked_placeholders(tmp_path: Path) -> None:
    db = build_fixture_warehouse(tmp_path / "fixture.duckdb")
    nb = nbformat.read(
        str(execute_report(db, tmp_path / "may.ipynb", period="2026-05")), as_version=4
    )
    payload = export.figures_payload(nb)
    assert payload["period"] == "2026-05" and payload["narrative"]["is_placeholder"] is True
    assert any("Chưa có nội dung" in w for w in payload["warnings"])
    html = export.render_html(nb)
    assert html.count('<p class="placeholder">[Chưa viết phần ') == 9
    body = html[html.index('<main class="document">') :]
    for internal in ("params/narrative", ".md", "mo-dau", "mục I.1"):
        assert internal not in re.sub(r"<[^>]+>", " ", body), internal
    # II.1's computed sentence is text, not styled like the placeholder below it.
    ii1 = re.search(r'<div class="narrative" data-section="II.1">(.*?)</div>', html, re.S).group(1)
    computed, placeholder = re.findall(r"<p[^>]*>.*?</p>", ii1)
    assert computed.startswith("<p>- ") and "trước hạn và đúng hạn đạt" in computed
    assert placeholder.startswith('<p class="placeholder">[Chưa viết phần kết quả đã đạt được')
    assert "137/UBND-TTPVHCC" not in html  # never another month's text
    assert "tháng 5 năm 2026 và nhiệm vụ trọng tâm tháng 6 năm 2026" in html
    assert "(Từ ngày 15/4/2026 đến 14/5/2026)" in html


def test_profile_parameter_changes_the_number_style(tmp_path: Path) -> None:
    import papermill

    db = build_fixture_warehouse(tmp_path / "fixture.duckdb")
    out = tmp_path / "official.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(out),
        parameters={"unit": "an-truong", "period": "2026-06", "db": str(db), "profile": "default"},
        kernel_name="python3",
        progress_bar=False,
    )
    nb = nbformat.read(str(out), as_version=4)
    payload = export.figures_payload(nb)
    assert payload["profile"] == "default"
    figures = payload["figures"]
    # Exact half-up: 23/220 = 10.4545… -> 10.5 with one decimal (the sample's legacy rule: 10.4).
    official = load_profile("default")
    decimals = official.rate_def("procedures_full").decimals
    expected = rate(23, 220, decimals, "half_up")
    assert figures["rate_procedures_full"] == float(expected)
    assert expected != rate(23, 220, decimals, "legacy_float") or decimals > 1
    assert figures["cases_total"] == 2751
    text = " ".join(re.sub(r"<[^>]+>", " ", export.render_html(nb)).split())
    assert "Tổng số hồ sơ: 2.751 hồ sơ" in text
    written = format_rate(expected, official, decimals)
    assert "," in written or decimals == 0
    assert f"23/220 thủ tục DVCTT toàn trình đạt {written}" in text
    assert "Tỷ lệ tái sử dụng dữ liệu số hóa đạt" in text and "99.87%" not in text


def test_the_monthly_chart_marks_january_as_partly_covered(report: dict) -> None:
    """The sample's case list starts on 01/01/2026 ("Từ ngày 01/01/2026 …" in its title) while
    the report month T1/2026 runs from 15/12/2025: the chart must not pass it off as a low month."""
    labels = re.findall(r'<figure class="chart"[^>]*aria-label="([^"]*)"', report["html"])
    monthly = next(a for a in labels if a.startswith("Mỗi tháng"))
    assert "T1/2026*: tiếp nhận " in monthly
    assert monthly.endswith("* T1/2026: số liệu từ 01/01/2026, chưa đủ cả tháng báo cáo.")
    assert "T2/2026: tiếp nhận " in monthly and "T2/2026*" not in monthly
