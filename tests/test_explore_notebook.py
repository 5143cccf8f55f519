"""notebooks/explore.ipynb runs top to bottom on the sample and computes what the stats API says."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import nbformat
import papermill
import pytest
from report_fixture import sample_warehouse

from tthc.report.explore import EXPLORE_MIME
from tthc.stats.figures import compute_figures
from tthc.stats.periods import month_period
from tthc.stats.profile import profile_for_unit
from tthc.warehouse import connect

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    return sample_warehouse(tmp_path_factory.mktemp("explore"))


def run(db: Path, out: Path, **params) -> tuple[dict, nbformat.NotebookNode]:
    nb = papermill.execute_notebook(
        str(NOTEBOOK), str(out), parameters={"db": str(db), **params},
        kernel_name="python3", progress_bar=False, cwd=None,
    )  # fmt: skip
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    streams = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "stream"]
    assert streams == [], "the notebook displays, it does not print"
    [values] = [
        o.data[EXPLORE_MIME]
        for c in nb.cells for o in c.get("outputs", []) if EXPLORE_MIME in o.get("data", {})
    ]  # fmt: skip
    return values, nb


def test_explore_defaults_on_the_sample(sample_db: Path, tmp_path: Path) -> None:
    values, nb = run(sample_db, tmp_path / "e.ipynb")
    v = values["values"]
    assert (v["cases_total"], v["cases_new"], v["cases_carried_over"]) == (2751, 2668, 83)
    assert (v["cases_resolved"], v["cases_resolved_late"], v["cases_in_progress"]) == (2686, 1, 65)
    assert (v["rate_on_time"], v["rate_reuse"]) == (99.96, 99.87)

    # The same numbers straight from the stats API.
    con = connect(sample_db, read_only=True)
    f = compute_figures(con, "an-truong", month_period(2026, 6), profile_for_unit("an-truong"))
    con.close()
    field = f.by_field[f.by_field["field"] == "Chứng thực"].iloc[0]
    assert values["field"] == "Chứng thực"
    assert values["field_row"]["cases_total"] == int(field["cases_total"])
    assert values["field_row"]["cases_resolved_late"] == 1  # the sample's one late case
    procs = f.by_procedure[f.by_procedure["field"] == "Chứng thực"]
    assert values["procedures_in_field"] == len(procs)
    [proc] = procs[procs["procedure_code"] == "9.003002"].to_dict("records")
    assert values["procedure"] == "9.003002"
    assert values["procedure_cases"] == proc["cases_total"]

    # Guidance is Markdown, the parameters cell is the one papermill overrides.
    assert nb.cells[0].cell_type == "markdown" and "Khám phá" in nb.cells[0].source
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1


def test_explore_all_fields_no_procedure(sample_db: Path, tmp_path: Path) -> None:
    values, _ = run(sample_db, tmp_path / "e.ipynb", field=None, procedure=None, period="2026-05")
    assert values["period"] == "2026-05"
    assert values["field"] is None and values["field_row"] is None
    assert values["procedure_cases"] is None
    assert values["values"]["cases_total"] == 2374
    assert values["procedures_in_field"] > 0


# What the notebook must never show: the warehouse's codes, pandas' missing-value marks, the
# statistics' keys.
NOT_FOR_READERS = re.compile(
    r"\b(NaT|NaN|None|nan|full|partial|resolved|pending|online|in_person|postal|period|ytd|"
    r"case_code|received_at|due_at|ended_at|procedure_name|procedure_code|days_late|unit)\b"
    r"|`?cases_\w+|`?rate_\w+|`?pakn_\w+"
)


def _shown(nb: nbformat.NotebookNode) -> list[str]:
    """The text of every table and Markdown the notebook displays (charts aside)."""
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if "text/html" in data and "<svg" not in data["text/html"]:
                page = re.sub(r"<style.*?</style>", "", data["text/html"], flags=re.S)
                out.append(unescape(re.sub(r"<[^>]+>", " | ", page)))
            elif "text/markdown" in data:
                out.append(data["text/markdown"])
    return out


def _tables(nb: nbformat.NotebookNode) -> list[list[list[str]]]:
    """Every HTML table the notebook displays, as rows of cell texts (header row first)."""
    found = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            page = o.get("data", {}).get("text/html", "")
            if "<table" not in page:
                continue
            rows = []
            for tr in re.findall(r"<tr>(.*?)</tr>", page, re.S):
                cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
                rows.append([unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
            found.append(rows)
    return found


def test_explore_speaks_vietnamese_and_shows_no_nat(sample_db: Path, tmp_path: Path) -> None:
    # A procedure with open cases at the period's end: they have no end date.
    con = connect(sample_db, read_only=True)
    f = compute_figures(con, "an-truong", month_period(2026, 6), profile_for_unit("an-truong"))
    con.close()
    procs = f.by_procedure
    open_ = procs[(procs["cases_in_progress"] > 0) & (procs["cases_total"] < 60)]
    proc = open_.sort_values("procedure_code").iloc[0]
    _, nb = run(sample_db, tmp_path / "e.ipynb", field=str(proc["field"]),
                procedure=str(proc["procedure_code"]))  # fmt: skip
    shown = _shown(nb)
    text = "\n".join(shown)
    found = sorted(set(NOT_FOR_READERS.findall(text)))
    assert found == [], found
    for words in ("Chỉ tiêu", "Cách tính", "kỳ báo cáo, mẫu số: hồ sơ đã giải quyết",
                  "lũy kế từ đầu năm", "Tỷ lệ thanh toán trực tuyến: thiếu cột Phí, lệ phí",
                  "Lĩnh vực", "(1) Tổng số hồ sơ nhận giải quyết", "Mức độ", "Kênh",
                  "trực tuyến", "đang giải quyết", "Ngày kết thúc xử lý"):  # fmt: skip
        assert words in text, words
    assert re.search(r"DVCTT (toàn trình|một phần)", text)
    # An open case's row: its end date is an empty cell, its state in words.
    [cases] = [t for t in _tables(nb) if t[0][-1] == "Tình trạng cuối kỳ"]
    head, body = cases[0], cases[1:]
    assert head == ["Mã hồ sơ", "Lĩnh vực", "Kênh", "Tiếp nhận", "Hẹn trả", "Kết thúc",
                    "Tình trạng cuối kỳ"]  # fmt: skip
    still_open = [r for r in body if r[-1] == "đang giải quyết"]
    assert still_open and len(still_open) < len(body)
    for row in body:
        assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", row[3])  # Tiếp nhận
        assert (row[5] == "") == (row in still_open)  # Kết thúc: empty exactly when open
