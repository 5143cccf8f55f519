"""A report whose narrative gives the document's number and issue date shows both (one notebook
run on the fixture warehouse, with the params folder pointed at a copy that has them)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from report_fixture import UNIT, execute_report
from report_fixture import build as build_fixture_warehouse

from tthc.render import export

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def numbered_params(folder: Path) -> Path:
    """The repository's params with the sample narrative given number 125, issued 02/7/2026."""
    params = folder / "params"
    (params / "units").mkdir(parents=True)
    shutil.copy(ROOT / "params" / "units" / f"{UNIT}.yaml", params / "units")
    shutil.copytree(ROOT / "params" / "profiles", params / "profiles")
    shutil.copytree(ROOT / "params" / "cities", params / "cities")  # the unit names its city
    sample = (ROOT / "params" / "narrative" / UNIT / "2026-06.md").read_text(encoding="utf-8")
    numbered = sample.replace(
        "period: 2026-06\n", "period: 2026-06\nnumber: 125\ndate: 2026-07-02\n"
    )
    assert numbered != sample
    target = params / "narrative" / UNIT / "2026-06.md"
    target.parent.mkdir(parents=True)
    target.write_text(numbered, encoding="utf-8")
    return params


def test_rendered_report_shows_the_narratives_number_and_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TTHC_PARAMS", str(numbered_params(tmp_path)))  # the kernel inherits it
    db = build_fixture_warehouse(tmp_path / "fixture.duckdb")
    nb = nbformat.read(str(execute_report(db, tmp_path / "report.ipynb")), as_version=4)
    text = " ".join(re.sub(r"<[^>]+>", " ", export.render_html(nb)).split())
    assert "Số: 125/BC-UBND" in text
    assert "An Trường, ngày 02 tháng 7 năm 2026" in text
    assert (
        "(Kèm theo Báo cáo số 125/BC-UBND ngày 02 tháng 7 năm 2026 của Ủy ban nhân dân xã An Trường)"
        in text
    )
    assert not re.search(r"ngày\s+tháng\s+năm", text)  # no gap left for signing
    narrative = export.figures_payload(nb)["narrative"]
    assert (narrative["number"], narrative["date"]) == ("125", "2026-07-02")
