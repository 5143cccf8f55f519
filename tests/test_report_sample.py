"""End to end on the An Trường sample: `tthc sample` -> `tthc ingest` -> `tthc report` (2026-06),
then `tthc render`, and the real report notebook made in a batch equal to one made alone."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat
import pytest
from report_fixture import sample_warehouse

from tthc.cli import main
from tthc.render.export import figures_payload
from tthc.report import runner
from tthc.report.jobs import build_jobs
from tthc.report.manifest import read_manifest, sha256_file
from tthc.sample.targets import FIGURES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    return sample_warehouse(tmp_path_factory.mktemp("sample"))


def test_tthc_report_on_the_sample(sample_db: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "outputs"
    rc = main(["report", "--db", str(sample_db), "--unit", "an-truong", "--month", "2026-06",
               "--out", str(out), "--no-progress"])  # fmt: skip
    cap = capsys.readouterr()
    folder = out / "an-truong" / "2026-06"
    assert rc == 0, cap.err
    assert cap.out.strip() == str(folder)
    assert sorted(p.name for p in folder.iterdir()) == [
        "kiem-tra.html", "kiem-tra.pdf", "manifest.json", "report.docx", "report.html",
        "report.ipynb", "report.pdf",
    ]  # fmt: skip
    # Warnings reach the terminal: the sample's stale month and years.
    assert cap.err.count("Cảnh báo [an-truong 2026-06]: Mục mo-dau:") == 2
    assert cap.err.count("Cảnh báo [an-truong 2026-06]: Mục I.2.2:") == 2

    m = read_manifest(folder)
    assert m["status"] == "ok" and m["period_range"] == "Từ ngày 15/5/2026 đến 14/6/2026"
    assert m["parameters"] == {
        "unit": "an-truong", "period": "2026-06", "db": str(sample_db), "profile": "an-truong",
        "allow_partial": None, "docx": True,
    }  # fmt: skip
    assert m["completeness"]["status"] == "complete"
    files = {i["file_name"]: i["file_sha256"] for i in m["warehouse"]["ingests"]}
    exports = sample_db.parent / "sample"  # where sample_warehouse writes the exports
    assert files == {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in exports.iterdir()}
    assert len([w for w in m["warnings"] if w.startswith("Mục ")]) == 4
    for fmt in ("ipynb", "html", "pdf", "docx", "checks_html", "checks_pdf"):
        entry = m["outputs"][fmt]
        assert entry["sha256"] == sha256_file(folder / entry["file"])
    # The companion file of internal checks is linked from the manifest.
    assert (m["outputs"]["checks_html"]["file"], m["outputs"]["checks_pdf"]["file"]) == (
        "kiem-tra.html", "kiem-tra.pdf",
    )  # fmt: skip

    # The values the notebook computed are the sample report's.
    figures = figures_payload(folder / "report.ipynb")["figures"]
    assert {k: figures[k] for k in FIGURES} == FIGURES
    html = (folder / "report.html").read_text(encoding="utf-8")
    for text in ("2751", "2668", "2686", "2685", "99.87%", "99.96%",
                 "Thực hiện Công văn số 137/UBND-TTPVHCC ngày 23/01/2026",
                 "Đề nghị các bộ và thành phố cần có sự thống nhất"):  # fmt: skip
        assert text in html, text
    assert (folder / "report.pdf").read_bytes().startswith(b"%PDF")

    # tthc render: HTML and PDF again from the executed notebook; the manifest follows.
    (folder / "report.html").unlink()
    assert main(["render", str(folder / "report.ipynb"), "--formats", "html"]) == 0
    again = (folder / "report.html").read_text(encoding="utf-8")
    assert "99.96%" in again
    m2 = read_manifest(folder)
    assert m2["outputs"]["html"]["sha256"] == sha256_file(folder / "report.html")
    assert m2["renders"][0]["formats"] == ["html", "checks_html"]
    assert m2["outputs"]["checks_html"]["sha256"] == sha256_file(folder / "kiem-tra.html")


def _outputs(path: Path) -> list:
    """Every non-image output of every code cell, with its execution count."""
    nb = nbformat.read(path, as_version=4)
    found = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            for o in cell.outputs:
                data = {k: v for k, v in o.get("data", {}).items() if not k.startswith("image/")}
                found.append((cell.execution_count, o.output_type, o.get("text"), json.dumps(data)))
    return found


def test_real_report_in_a_batch_equals_the_report_alone(sample_db: Path, tmp_path: Path) -> None:
    runner._shutdown_worker_kernel()
    [alone] = runner.run_jobs(
        build_jobs(["an-truong"], ["2026-06"], db=sample_db, out_dir=tmp_path / "alone",
                   formats=["ipynb"]),
        progress=False,
    )  # fmt: skip
    runner._shutdown_worker_kernel()
    batch = runner.run_jobs(
        build_jobs(["an-truong"], ["2026-05", "2026-06"], db=sample_db,
                   out_dir=tmp_path / "batch", formats=["ipynb"]),
        progress=False,
    )  # fmt: skip
    assert alone.ok and [r.status for r in batch] == ["ok", "ok"]
    assert runner._KERNEL.starts == 1 and runner._KERNEL.uses == 2
    a = tmp_path / "alone" / "an-truong" / "2026-06" / "report.ipynb"
    b = tmp_path / "batch" / "an-truong" / "2026-06" / "report.ipynb"
    assert figures_payload(a) == figures_payload(b)
    assert _outputs(a) == _outputs(b)
    may = figures_payload(tmp_path / "batch" / "an-truong" / "2026-05" / "report.ipynb")
    assert may["figures"]["cases_total"] == 2374  # the previous month really ran first
    runner._shutdown_worker_kernel()


def test_the_channel_chart_says_what_the_text_says(sample_db: Path) -> None:
    """Q2 2026: 7509 of 7511 new cases online; the text's 99.97% and the chart's share agree."""
    from tthc.render import report

    data = report.load_report_data("an-truong", "2026-Q2", db=sample_db)
    assert (data.figures.values["cases_new_online"], data.figures.values["cases_new"]) == (
        7509, 7511,
    )  # fmt: skip
    written = data.figures.fmt("rate_online")
    assert written == "99.97%"
    channels = report.charts(data)[1]
    assert f"Trực tuyến: 7509 hồ sơ ({written})" in channels.alt
    assert f">7509 ({written})<" in channels.svg
