"""`tthc report` on the An Trường sample (case lists 01/01/2026-14/06/2026, exported 15/06/2026
08:00) for months the exports do not cover: N/A main figures with their reasons in the body, a
boxed mark on the first page, status ``incomplete`` and exit 3; ``--allow-partial`` prints the
covered days' figures, each marked; no period makes 2026-06 and says so first."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import docx
import pytest
from report_fixture import sample_warehouse

from tthc.cli import main
from tthc.cli.report import EXIT_INCOMPLETE
from tthc.render.export import figures_payload
from tthc.report.manifest import read_manifest, sha256_file

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    return sample_warehouse(tmp_path_factory.mktemp("sample"))


def report(db: Path, out: Path, *args: str) -> int:
    return main(["report", "--db", str(db), "--unit", "an-truong", "--out", str(out),
                 "--no-progress", *args])  # fmt: skip


def body_text(html: str) -> str:
    """The document's visible text before the appendix, tags removed, spaces collapsed."""
    body = html.split('data-part="appendix"', 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def test_an_uncovered_month_is_na_with_reasons_and_not_ok(sample_db, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    rc = report(sample_db, out, "--month", "2026-09", "--formats", "html,pdf,docx")
    err = capsys.readouterr().err
    assert rc == EXIT_INCOMPLETE
    folder = out / "an-truong" / "2026-09"
    m = read_manifest(folder)
    assert m["status"] == "incomplete"
    assert {"cases_total", "cases_in_progress", "rate_procedures_with_cases"} <= set(
        m["completeness"]["na"]
    )
    line = next(x for x in err.splitlines() if x.startswith("Báo cáo CHƯA ĐẦY ĐỦ"))
    assert line.startswith(f"Báo cáo CHƯA ĐẦY ĐỦ [an-truong 2026-09]: {folder}/ — 5")
    assert line.endswith(
        f"thêm --allow-partial để in số liệu một phần kỳ (mã thoát {EXIT_INCOMPLETE})."
    )
    html = (folder / "report.html").read_text(encoding="utf-8")
    text = body_text(html)
    assert "BÁO CÁO CHƯA ĐẦY ĐỦ: danh sách hồ sơ có số liệu từ 01/01/2026 đến 14/06/2026" in text
    # The figures the issue saw invented are N/A with their reasons, in the body.
    assert (
        "Tổng số hồ sơ: N/A (thiếu dữ liệu hồ sơ từ 15/08/2026 đến 14/09/2026), trong đó:" in text
    )
    assert (
        "Số lượng hồ sơ đang giải quyết: N/A (thiếu dữ liệu hồ sơ từ 15/06/2026 đến 14/09/2026) "
        "(Trong đó, trong hạn: N/A, quá hạn: N/A)." in text
    )
    assert "đã phát sinh N/A (thiếu dữ liệu hồ sơ từ 15/06/2026 đến 14/09/2026)/375" in text
    assert "65" not in re.findall(r"\d+", text.split("Kết quả thực hiện công tác", 1)[1])
    # The mark is on the first page of the PDF, under the title.
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(folder / "report.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    flat = " ".join(first.split())
    assert "BÁO CÁO CHƯA ĐẦY ĐỦ:" in flat
    assert flat.index("BÁO CÁO CHƯA ĐẦY ĐỦ") > flat.index("Tình hình, kết quả cải cách")
    # The DOCX too: the boxed mark right under the title's summary lines, the N/A with reasons.
    paragraphs = [p.text for p in docx.Document(str(folder / "report.docx")).paragraphs]
    [boxed] = re.findall(r'<div class="incomplete-mark"[^>]*>(.*?)</div>', html)
    mark = paragraphs.index(" ".join(re.sub(r"<[^>]+>", "", boxed).split()))
    assert paragraphs[mark].startswith(
        "BÁO CÁO CHƯA ĐẦY ĐỦ: danh sách hồ sơ có số liệu từ 01/01/2026 đến 14/06/2026"
    )
    assert paragraphs[mark - 2] == "(Từ ngày 15/8/2026 đến 14/9/2026)"
    assert (
        "+ Tổng số hồ sơ: N/A (thiếu dữ liệu hồ sơ từ 15/08/2026 đến 14/09/2026), trong đó:"
        in paragraphs
    )


def test_a_month_before_the_data_is_na_too(sample_db, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    assert (
        report(sample_db, out, "--month", "2025-06", "--formats", "ipynb,html") == EXIT_INCOMPLETE
    )
    folder = out / "an-truong" / "2025-06"
    figures = figures_payload(folder / "report.ipynb")["figures"]
    assert figures["procedures_with_cases"] is None and figures["procedures_catalogue"] is None
    assert figures["na"]["procedures_catalogue"] == (
        "không có danh mục TTHC nạp đến ngày cuối kỳ 14/06/2025 (bản sớm nhất ngày 05/01/2026)"
    )
    assert figures["na"]["cases_total"] == "thiếu dữ liệu hồ sơ từ 15/05/2025 đến 14/06/2025"
    text = body_text((folder / "report.html").read_text(encoding="utf-8"))
    assert "0/375" not in text and "N/A" in text
    assert read_manifest(folder)["status"] == "incomplete"
    # tthc render keeps the manifest of a report that is not complete in step too.
    (folder / "report.html").unlink()
    assert main(["render", str(folder / "report.ipynb"), "--formats", "html"]) == 0
    m = read_manifest(folder)
    # The companion file of internal checks is rendered again with the HTML.
    assert m["status"] == "incomplete" and m["renders"][0]["formats"] == ["html", "checks_html"]
    assert m["outputs"]["html"]["sha256"] == sha256_file(folder / "report.html")
    assert m["outputs"]["checks_html"]["sha256"] == sha256_file(folder / "kiem-tra.html")


def test_a_partly_covered_month_with_allow_partial(sample_db, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    strict = report(sample_db, out, "--month", "2026-01", "--formats", "ipynb,html")
    assert strict == EXIT_INCOMPLETE
    folder = out / "an-truong" / "2026-01"
    figures = figures_payload(folder / "report.ipynb")["figures"]
    assert figures["cases_total"] is None
    assert figures["na"]["cases_total"] == "thiếu dữ liệu hồ sơ từ 15/12/2025 đến 31/12/2025"
    assert figures["cases_in_progress"] == 26  # open at 14/01: every such case is listed
    # Again, partial figures allowed: the folder of an incomplete report is redone without --force.
    capsys.readouterr()
    rc = report(sample_db, out, "--month", "2026-01", "--formats", "ipynb,html,docx",
                "--allow-partial")  # fmt: skip
    assert rc == 0
    err = capsys.readouterr().err
    assert "Đã lập báo cáo một phần an-truong 2026-01" in err
    m = read_manifest(folder)
    assert m["status"] == "partial" and m["parameters"]["allow_partial"] is True
    figures = figures_payload(folder / "report.ipynb")["figures"]
    assert figures["partial"]["cases_total"]["covered"] == [["2026-01-01", "2026-01-14"]]
    total = figures["cases_total"]
    text = body_text((folder / "report.html").read_text(encoding="utf-8"))
    assert "BÁO CÁO CHƯA ĐẦY ĐỦ:" in text
    assert (
        f"Tổng số hồ sơ: {total}¹ hồ sơ (¹ chỉ tính số liệu từ 01/01/2026 đến 14/01/2026), "
        "trong đó:" in text
    )
    assert "Số lượng hồ sơ đang giải quyết: 26 hồ sơ" in text  # determined: no mark
    # The DOCX says the same: the mark and its days in the line, the boxed mark, the notes.
    paragraphs = [p.text for p in docx.Document(str(folder / "report.docx")).paragraphs]
    assert (
        f"+ Tổng số hồ sơ: {total}¹ hồ sơ (¹ chỉ tính số liệu từ 01/01/2026 đến 14/01/2026), "
        "trong đó:" in paragraphs
    )
    assert any(p.startswith("BÁO CÁO CHƯA ĐẦY ĐỦ: ") for p in paragraphs)
    assert "Số liệu chỉ tính một phần kỳ không được so sánh (N/A)." in paragraphs
    assert "Số liệu chỉ tính số liệu từ 01/01/2026 đến 14/01/2026, chưa đủ cả kỳ." in paragraphs


def test_no_period_makes_the_last_covered_closed_month(sample_db, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    assert report(sample_db, out, "--formats", "html") == 0
    cap = capsys.readouterr()
    assert cap.err.splitlines()[0] == (
        "Kỳ báo cáo của an-truong: tháng 6 năm 2026 (từ ngày 15/5/2026 đến 14/6/2026), kỳ gần nhất "
        "đã khóa số liệu mà dữ liệu đã nạp bao phủ trọn vẹn (không chọn --month)."
    )
    assert cap.out.strip() == str(out / "an-truong" / "2026-06")
    assert read_manifest(out / "an-truong" / "2026-06")["status"] == "ok"
