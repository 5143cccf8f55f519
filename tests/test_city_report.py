"""The city's consolidated report (``tthc report --city``, notebooks/city_report.ipynb).

One run of the city job through the real runner (papermill, nbconvert, WeasyPrint,
python-docx) on the four-unit test city of tests/city_fixture.py, then: the values the notebook
computed against :func:`tthc.stats.city.compute_city`, the manifest (kind, city, units; status
incomplete: one unit has no June), the HTML's structure (Biểu 06 rows = units + total, the
units missing data, no code), the PDF's text (pdftotext), the DOCX read back with python-docx
(title, Biểu 06 by unit, signature, no checks) and as LibreOffice prints it, and the batch the
CLI builds.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import docx
import duckdb
import nbformat
import pytest
from city_fixture import CITY, NAMES, UNITS, build_city_warehouse, city_params
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from tthc.cities import load_city
from tthc.errors import ParamsError
from tthc.render.export import figures_payload
from tthc.report.jobs import build_city_jobs, prepare_job
from tthc.report.runner import run_jobs
from tthc.stats.city import compute_city
from tthc.stats.periods import month_period
from tthc.stats.profile import load_profile


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The city report of June 2026, made by the runner: (folder, warehouse, params)."""
    from report_fixture import sample_warehouse

    folder = tmp_path_factory.mktemp("cityreport")
    db = build_city_warehouse(folder, sample_warehouse(folder))
    params = city_params(folder)
    saved = os.environ.get("TTHC_PARAMS")
    os.environ["TTHC_PARAMS"] = str(params)
    jobs = build_city_jobs(CITY, ["2026-06"], out_dir=folder / "out", db=db, units=False)
    (result,) = run_jobs(jobs, progress=False)
    yield folder / "out" / CITY / "2026-06", db, params, result
    if saved is None:
        os.environ.pop("TTHC_PARAMS", None)
    else:
        os.environ["TTHC_PARAMS"] = saved


def test_the_city_job_is_made_in_its_folder_with_its_manifest(made):
    folder, _, _, result = made
    assert result.status == "incomplete", result.message  # xa-nam has no June
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "kiem-tra.html",
        "kiem-tra.pdf",
        "manifest.json",
        "report.docx",
        "report.html",
        "report.ipynb",
        "report.pdf",
    ]
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no staging left
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert (m["kind"], m["city"], m["unit"], m["period"]) == ("city", CITY, CITY, "2026-06")
    # Named as its units' manifests name their city (the outputs index groups them together).
    assert (m["city_name"], m["unit_name"]) == (load_city(CITY, made[2]).name, "")
    assert m["units"] == sorted(UNITS)
    assert m["status"] == "incomplete" and m["completeness"]["units_missing"] == [
        "xa-nam",
        "xa-tay",
    ]
    assert m["job"]["kind"] == "city" and m["parameters"]["city"] == CITY
    assert {i["unit"] for i in m["warehouse"]["ingests"]} == set(UNITS)
    assert set(m["outputs"]) == {"ipynb", "html", "pdf", "docx", "checks_html", "checks_pdf"}
    assert m["parameters"]["docx"] is True  # the charts were drawn as PNG for the DOCX


def test_the_notebook_computed_the_city_figures(made):
    folder, db, _, _ = made
    payload = figures_payload(nbformat.read(folder / "report.ipynb", as_version=4))
    con = duckdb.connect(str(db), read_only=True)
    try:
        prof = load_profile("an-truong")
        expected = compute_city(
            con, CITY, sorted(UNITS), month_period(2026, 6),
            profiles=dict.fromkeys(UNITS, prof), city_profile=prof, procedures=False,
            names={u: f"xã {n}" for u, n in NAMES.items()},
        )  # fmt: skip
    finally:
        con.close()
    want = json.loads(json.dumps(expected.to_json(), default=str))
    want.pop("units")
    got = payload["figures"]
    for key in ("cases_total", "rate_on_time", "completeness", "units_missing", "units_table"):
        assert got[key] == want[key], key
    units = {u["unit"]: u for u in payload["units"]}
    assert set(units) == set(UNITS)
    assert units["an-truong"]["cases_total"] == 2751
    assert units["xa-nam"]["cases_total"] is None and units["xa-nam"]["ranks"]["on_time"] is None
    # 2685/2686 in An Trường and in Tây (the same June), fewer in Đông: ranks 1, 1, 3.
    assert [units[u]["ranks"]["on_time"] for u in ("an-truong", "xa-tay", "xa-dong")] == [1, 1, 3]
    assert payload["late_units"] == ["xa-dong", "an-truong", "xa-tay"]
    assert payload["completeness"]["status"] == "incomplete"


class _Tables(HTMLParser):
    """Rows of each <table data-table=…>."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[list[str]]] = {}
        self.table: str | None = None
        self.in_body = False
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.table = a.get("data-table")
            self.rows.setdefault(self.table or "", [])
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body and self.table:
            self.rows[self.table].append([])
        elif tag in ("td", "th") and self.in_body and self.table:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.table, self.in_body = None, False
        elif tag in ("td", "th") and self.cell is not None and self.table:
            self.rows[self.table][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def test_html_has_the_form_by_unit_and_no_code(made):
    folder, _, _, _ = made
    html = (folder / "report.html").read_text(encoding="utf-8")
    parsed = _Tables()
    parsed.feed(html)
    rows = parsed.rows["units"]
    assert [r[1] for r in rows] == ["xã An Trường", "xã Đông", "xã Nam", "xã Tây", "Tổng cộng"]
    assert rows[0][2] == "2751" and rows[2][2] == "N/A" and rows[-1][2] == "N/A"
    assert [r[1] for r in parsed.rows["rankings"]][-1] == "Toàn thành phố"
    assert [r[1] for r in parsed.rows["late-units"]] == ["xã Đông", "xã An Trường", "xã Tây"]
    missing = re.search(r'data-section="missing-units">(.*?)</div>', html, re.S).group(1)
    assert re.findall(r'<p class="l1">- (xã [^:]+):', missing) == ["xã Nam", "xã Tây"]
    for needle in (
        "THÀNH PHỐ MẪU",
        "BÁO CÁO CHƯA ĐẦY ĐỦ",
        "Phụ lục I",
        "Phụ lục II",
        "Phụ lục III. Biểu đồ",
        "Nguyễn Văn Thử",
        "không được tính là 0",
    ):
        assert needle in html, needle
    assert html.count('data-chart="') == 5
    assert "Traceback" not in html and "load_city_report_data" not in html
    assert "Kiểm tra cân đối" not in html  # the checks are in the companion file
    checks = (folder / "kiem-tra.html").read_text(encoding="utf-8")
    assert "tính lại trên toàn bộ hồ sơ" in checks and 'data-table="units-coverage"' in checks
    # Each unit's row says what its exports hold, complete units too (the column was empty).
    table = checks.split('data-table="units-coverage"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td[^>]*>(.*?)</td>.*?<td[^>]*>([^<]*)</td></tr>", table)
    assert len(rows) == len(UNITS), rows
    assert all(held.startswith("danh sách hồ sơ") for _, held in rows), rows


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_text(made):
    folder, _, _, _ = made
    text = subprocess.run(
        ["pdftotext", "-layout", str(folder / "report.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    flat = re.sub(r"\s+", " ", text)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert (
        "Tình hình, kết quả giải quyết thủ tục hành chính của các đơn vị cấp xã tháng 6 năm 2026"
        in flat
    )
    assert "Biểu 06. Tình hình, kết quả giải quyết thủ tục hành chính theo đơn vị" in flat
    assert re.search(r"xã An Trường 2751 2668 0 83 2686 2685 0 1 65 65 0 0", flat)
    assert "2/4 đơn vị chưa đủ dữ liệu tháng 6 năm 2026 (xã Nam, xã Tây)" in flat
    pages = subprocess.run(
        ["pdfinfo", str(folder / "report.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert 5 <= int(re.search(r"Pages:\s+(\d+)", pages).group(1)) <= 12


# --- the DOCX ----------------------------------------------------------------------------------


def _docx_text(element) -> str:
    """Every text under ``element`` (paragraphs of the body and of table cells), one string."""
    paragraphs = ("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in element.iter(qn("w:p")))
    return " ".join(" ".join(paragraphs).split())


def _form_by_unit(document) -> list[list[str]]:
    """The body rows (units, then the total) of Biểu 06 by unit in a DOCX, as cell texts."""
    [table] = [
        t for t in document.tables if [c.text for c in t.rows[0].cells][:2] == ["STT", "Đơn vị"]
        and "Số hồ sơ nhận giải quyết" in t.rows[0].cells[2].text
    ]  # fmt: skip
    head = sum(
        1 for tr in table._tbl.tr_lst if tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None
    )  # fmt: skip
    assert head == 4  # three rows of titles and the column numbers, repeated on every page
    return [[c.text for c in row.cells] for row in table.rows[head:]]


def _assert_total_is_the_sum(rows: list[list[str]]) -> None:
    """Each count column of the total row is the sum of the units' cells, or N/A when a unit's
    cell is N/A (never a sum that counts a missing unit as 0)."""
    *units, total = rows
    assert total[1] == "Tổng cộng" and [r[0] for r in units] == [
        str(i) for i in range(1, len(units) + 1)
    ]
    for col in range(2, len(total)):
        cells = [r[col] for r in units]
        if "N/A" in cells:
            assert total[col] == "N/A", (col, cells, total[col])
        else:
            assert int(total[col]) == sum(int(c) for c in cells), (col, cells, total[col])


@pytest.fixture(scope="module")
def city_docx(made):
    folder, _, _, _ = made
    return docx.Document(str(folder / "report.docx"))


def test_docx_title_form_by_unit_signature_and_no_checks(made, city_docx):
    folder, _, _, _ = made
    text = _docx_text(city_docx.element.body)
    assert (
        "BÁO CÁO Tình hình, kết quả giải quyết thủ tục hành chính của các đơn vị cấp xã tháng 6 "
        "năm 2026 (Từ ngày 15/5/2026 đến 14/6/2026)"
    ) in text
    assert (
        "BÁO CÁO CHƯA ĐẦY ĐỦ: 2/4 đơn vị chưa đủ dữ liệu tháng 6 năm 2026 (xã Nam, xã Tây)" in text
    )
    props = city_docx.core_properties
    assert props.title.startswith(
        "Báo cáo tình hình, kết quả giải quyết thủ tục hành chính của các"
    )
    assert props.author == "Ủy ban nhân dân thành phố Mẫu"
    header = _docx_text(city_docx.tables[0]._tbl)
    assert header.startswith("ỦY BAN NHÂN DÂN THÀNH PHỐ MẪU Số:")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc" in header
    rows = _form_by_unit(city_docx)
    assert [r[1] for r in rows] == ["xã An Trường", "xã Đông", "xã Nam", "xã Tây", "Tổng cộng"]
    assert rows[0][2:] == [
        "2751",
        "2668",
        "0",
        "83",
        "2686",
        "2685",
        "0",
        "1",
        "65",
        "65",
        "0",
        "0",
    ]
    assert rows[2][2:] == ["N/A"] * 12  # xã Nam has no June: N/A, not 0
    _assert_total_is_the_sum(rows)
    assert rows[-1][2:] == ["N/A"] * 12  # every column misses xã Nam
    [signature] = [t for t in city_docx.tables if t.rows[0].cells[0].text.startswith("Nơi nhận:")]
    left, right = (c.text.split("\n") for c in signature.rows[0].cells)
    assert left == [
        "Nơi nhận:",
        "- Văn phòng Chính phủ (Cục Kiểm soát thủ tục hành chính);",
        "- Lưu: VT, KSTT.",
    ]
    assert [x for x in right if x] == [
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Thử",
    ]  # fmt: skip
    # The checks are in kiem-tra only.
    checks = (folder / "kiem-tra.html").read_text(encoding="utf-8")
    for needle in ("Chất lượng dữ liệu và cách tính", "Kiểm tra cân đối số liệu", "Bị loại"):
        assert needle in checks and needle not in text
    assert "Phụ lục I" in text and "Phụ lục II" in text and "Phụ lục III. Biểu đồ" in text
    assert "Toàn thành phố" in text and "không được tính là 0" in text


def test_docx_sections_and_charts(made, city_docx):
    """Body in portrait, Phụ lục I and II on landscape pages of one section, the charts back in
    portrait: five PNG charts with the HTML's alt texts."""
    import html as html_mod

    folder, _, _, _ = made
    body, landscape, charts = city_docx.sections
    assert [s.orientation for s in (body, landscape, charts)] == [
        WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT,
    ]  # fmt: skip
    html = (folder / "report.html").read_text(encoding="utf-8")
    alts = re.findall(r'<figure class="chart"[^>]*aria-label="([^"]*)"', html)
    shapes = city_docx.inline_shapes
    assert len(alts) == 5
    assert [s._inline.docPr.get("descr") for s in shapes] == [html_mod.unescape(a) for a in alts]


def _pdf_orientations(pdf) -> list[str]:
    sizes = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True,
                           text=True, check=True).stdout  # fmt: skip
    return ["L" if float(w) > float(h) else "P"
            for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", sizes)]  # fmt: skip


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_prints_the_docx_in_the_shape_of_the_pdf(made, tmp_path):
    """LibreOffice opens the DOCX as an official would: the same pages in the same orientations
    as the PDF, the header block side by side on page 1 (page 1 as a PNG in tests/artifacts)."""
    from report_fixture import ARTIFACTS

    folder, _, _, _ = made
    subprocess.run(
        [shutil.which("soffice"), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
         "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
         str(folder / "report.docx")],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    converted = tmp_path / "report.pdf"
    ours = _pdf_orientations(folder / "report.pdf")
    assert _pdf_orientations(converted) == ours == ["P"] * 4 + ["L"] * 2 + ["P"] * 2
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(converted), "-"],
                                   capture_output=True, text=True, check=True).stdout.split())  # fmt: skip
    assert "xã An Trường 2751 2668 0 83 2686 2685 0 1 65 65 0 0" in text
    assert "Nguyễn Văn Thử" in text and "Chất lượng dữ liệu" not in text
    boxes = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(converted), "-"],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    words = {
        w: (float(x), float(y))
        for x, y, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', boxes
        )
    }
    (left, top_left), (right, top_right) = words["ỦY"], words["CỘNG"]
    assert left < 150 < 250 < right and abs(top_left - top_right) < 4 and top_left < 90
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "60", "-png", "-singlefile",
                    str(converted), str(ARTIFACTS / "city-docx-page-1")], check=True)  # fmt: skip


def test_docx_total_by_unit_is_the_sum_of_the_units(made, tmp_path, monkeypatch):
    """Biểu 06 of a city whose three units all have June (no runner: the part's blocks written
    by the DOCX builder): each total cell is the sum of the units' cells, read from the DOCX."""
    from tthc.render import city_report, word

    _, db, _, _ = made
    units = ("an-truong", "xa-dong", "xa-tay")
    monkeypatch.setenv("TTHC_PARAMS", str(city_params(tmp_path, units=units)))
    data = city_report.load_city_report_data(CITY, "2026-06", db=db, docx=False)
    part = city_report.appendix_units_table(data)
    out = word.write_docx(part.blocks, tmp_path / "phu-luc.docx", title="x", author="x")
    rows = _form_by_unit(docx.Document(str(out)))
    assert [r[1] for r in rows] == ["xã An Trường", "xã Đông", "xã Tây", "Tổng cộng"]
    _assert_total_is_the_sum(rows)
    total = rows[-1]
    assert int(total[2]) == 2751 + int(rows[1][2]) + int(rows[2][2])
    assert sum(c != "N/A" for c in total[2:]) >= 10  # the sum is checked, not only N/A


def test_a_city_batch_is_its_units_then_the_city(made, tmp_path):
    _, db, params, _ = made
    jobs = build_city_jobs(CITY, ["2026-06"], out_dir=tmp_path, db=db)
    assert [(j.kind, j.unit) for j in jobs] == [
        *(("unit", u) for u in sorted(UNITS)),
        ("city", CITY),
    ]
    assert jobs[-1].folder == tmp_path.resolve() / CITY / "2026-06"
    assert jobs[-1].notebook_path.name == "city_report.ipynb"
    assert prepare_job(jobs[0]).city == CITY  # a unit's manifest names its city
    # A unit named like its city would write into the city's folder.
    (params / "units" / f"{CITY}.yaml").write_text(
        f'unit: {CITY}\nname: Trùng\ncity: {CITY}\ncode: "99999"\n', encoding="utf-8"
    )
    try:
        with pytest.raises(ParamsError, match="trùng tên với thành phố"):
            prepare_job(jobs[-1])
    finally:
        (params / "units" / f"{CITY}.yaml").unlink()
