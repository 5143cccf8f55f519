"""The city's consolidated report (``tthc report --city``, notebooks/city_report.ipynb).

One run of the city job through the real runner (papermill, nbconvert, WeasyPrint) on the
four-unit test city of tests/city_fixture.py, then: the values the notebook computed against
:func:`tthc.stats.city.compute_city`, the manifest (kind, city, units; status incomplete: one
unit has no June), the HTML's structure (Biểu 06 rows = units + total, the units missing data,
no code), the PDF's text (pdftotext), and the batch the CLI builds.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import duckdb
import nbformat
import pytest
from city_fixture import CITY, NAMES, UNITS, build_city_warehouse, city_params

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
        "report.html",
        "report.ipynb",
        "report.pdf",
    ]
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no staging left
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert (m["kind"], m["city"], m["unit"], m["period"]) == ("city", CITY, CITY, "2026-06")
    assert m["units"] == sorted(UNITS)
    assert m["status"] == "incomplete" and m["completeness"]["units_missing"] == [
        "xa-nam",
        "xa-tay",
    ]
    assert m["job"]["kind"] == "city" and m["parameters"]["city"] == CITY
    assert {i["unit"] for i in m["warehouse"]["ingests"]} == set(UNITS)
    assert set(m["outputs"]) == {"ipynb", "html", "pdf", "checks_html", "checks_pdf"}


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
    """Rows of each <table data-table=…>, and the data-unit items of the missing-units list."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[list[str]]] = {}
        self.table: str | None = None
        self.in_body = False
        self.cell: list[str] | None = None
        self.units: list[str] = []

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
        if "data-unit" in a:
            self.units.append(a["data-unit"])

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
    assert parsed.units == ["xa-nam", "xa-tay"]
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
