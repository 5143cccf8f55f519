"""Hostile text from an export through the whole report (issue 13, item 5): shown as text in the
HTML, never as markup, script or event handler; formulas stay inert text."""

from __future__ import annotations

import csv
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from report_fixture import execute_report

from tthc.ingest.pipeline import ingest_paths
from tthc.render import export

SCRIPT = '<script>alert("xss")</script>'
IMG = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example","Bấm")'
HEADER = ["Mã hồ sơ", "Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực", "Trạng thái", "Ngày nhận",
          "Ngày hẹn trả", "Ngày kết thúc xử lý"]  # fmt: skip
ROWS = [
    # resolved late in the period: its code and procedure name reach the late-cases table
    [f"HS-1{SCRIPT}", "1.001193", f"Khai sinh {SCRIPT}", FORMULA, "Đã trả kết quả",
     "20/05/2026 08:00", "21/05/2026 17:00", "25/05/2026 09:00"],
    [f"HS-2{IMG}", "1.001194", f"Kết hôn {IMG}", f"Hộ tịch {IMG}", "Đang xử lý",
     "01/06/2026 08:00", "20/06/2026 17:00", ""],
    # rejected for its status: the reason, quoting the label, reaches the data-quality section
    ["HS-3", "1.001195", "Chứng thực", SCRIPT, SCRIPT, "02/06/2026 08:00", "03/06/2026 17:00", ""],
]  # fmt: skip


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag) -> None:
        self._in_script = False

    def handle_data(self, data) -> None:
        (self.scripts if self._in_script else self.text).append(data)


@pytest.mark.slow
def test_hostile_text_is_text_in_the_report(tmp_path: Path) -> None:
    export_csv = tmp_path / "hostile.csv"
    with export_csv.open("w", encoding="utf-8", newline="") as fh:
        # The title says the days the list covers and when it was exported (after the period),
        # so the month's figures and tables are printed (issue 10: absence is not zero).
        title = [["Từ ngày 15/05/2026 đến ngày 14/06/2026"], ["Ngày xuất: 15/06/2026 08:00"]]
        csv.writer(fh).writerows([*title, HEADER, *ROWS])
    db = tmp_path / "w.duckdb"
    [r] = ingest_paths(db, "xa-a", [export_csv])
    assert (r.counts.inserted, r.counts.rejected) == (2, 1)
    nb = nbformat.read(execute_report(db, tmp_path / "report.ipynb", unit="xa-a"), as_version=4)
    # The signed document and its companion checks file (where the rejected rows are listed).
    html = export.render_html(nb) + export.render_checks_html(nb)
    page = Collector()
    page.feed(html)
    text = " ".join(page.text)
    # The hostile strings are there, as text: in the field table, the late cases, the rejects.
    for shown in (SCRIPT, IMG, FORMULA, f"HS-1{SCRIPT}", f"Kết hôn {IMG}"):
        assert shown in text, shown
    # ... and nowhere as markup: no image, no event handler, no script of theirs.
    assert not [t for t, _ in page.tags if t == "img"]
    assert not [(t, a) for t, attrs in page.tags for a in attrs if a.lower().startswith("on")]
    assert not [s for s in page.scripts if "alert(" in s]
    assert "<script>alert" not in html and "<img src=x" not in html
