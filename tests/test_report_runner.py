"""The runner on small fixture notebooks: params validated before any kernel, failing cells,
--force, atomic outputs, manifest contents, batches over units with workers, and a report made in
a batch on a reused kernel being identical to one made alone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import nbformat
import pytest

from tthc.cli import main
from tthc.errors import ParamsError
from tthc.render import export
from tthc.report import runner
from tthc.report.jobs import build_jobs, period_from_key, prepare_job
from tthc.report.manifest import read_manifest, sha256_file
from tthc.warehouse import connect

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
TRIVIAL = FIXTURES / "trivial.ipynb"
FAILING = FIXTURES / "failing.ipynb"
FIGURES_MIME = "application/vnd.tthc.figures+json"

pytestmark = pytest.mark.slow

# Cases per unit received inside June 2026 (15/5–14/6) and how many of them online.
CASES = {"xa-a": (7, 4), "xa-b": (3, 2)}


def make_warehouse(db: Path) -> None:
    con = connect(db)
    for unit, (n, online) in CASES.items():
        iid = con.execute(
            "INSERT INTO ingests (unit, kind, file_name, file_sha256, as_of, ingested_at, "
            "rows_read, inserted, updated, unchanged, rejected) VALUES (?, 'cases', ?, ?, "
            "TIMESTAMP '2026-06-15 07:00:00', TIMESTAMP '2026-06-16 08:00:00', ?, ?, 0, 0, 0) "
            "RETURNING ingest_id",
            [unit, f"{unit}.xlsx", f"sha-{unit}", n, n],
        ).fetchone()[0]
        for i in range(n):
            con.execute(
                "INSERT INTO cases (unit, case_code, outcome, channel, received_at, ingest_id, "
                "first_ingest_id) VALUES (?, ?, 'pending', ?, ?, ?, ?)",
                [unit, f"{unit}-{i}", "online" if i < online else "in_person",
                 datetime(2026, 5, 16) + timedelta(days=2 * i), iid, iid],
            )  # fmt: skip
    con.close()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    params = tmp_path / "params"
    (params / "units").mkdir(parents=True)
    shutil.copytree(ROOT / "params" / "profiles", params / "profiles")
    for unit in CASES:
        (params / "units" / f"{unit}.yaml").write_text(
            f"unit: {unit}\nname: {unit.upper()}\nprofile: default\n", encoding="utf-8"
        )
    narrative = params / "narrative" / "xa-a" / "2026-06.md"
    narrative.parent.mkdir(parents=True)
    narrative.write_text(
        "---\nunit: xa-a\nperiod: 2026-06\nnumber: 07\ndate: 2026-06-20\n---\n## mo-dau\n\n"
        "Báo cáo kết quả thực hiện nhiệm vụ "
        "tháng 5 năm 2026.\n",
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"
    make_warehouse(db)
    out = tmp_path / "out"
    monkeypatch.setenv("TTHC_PARAMS", str(params))
    monkeypatch.setenv("TTHC_OUTPUTS", str(out))
    monkeypatch.setenv("TTHC_DB", str(db))
    return {"params": params, "db": db, "out": out}


def report(*args: str, notebook: Path = TRIVIAL) -> int:
    return main(["report", "--no-progress", "--notebook", str(notebook), *args])


def summary_rows(out: str) -> dict[tuple[str, str], str]:
    """The batch summary table printed on stdout: (unit, period) -> result column."""
    table = [re.split(r"\s{2,}", line.strip()) for line in out.strip().splitlines()]
    assert table[0][:3] == ["Đơn vị", "Kỳ", "Kết quả"]
    return {(r[0], r[1]): r[2] for r in table[2:]}


def payload(nb_path: Path) -> dict:
    return export.figures_payload(nb_path)


def fresh_kernel() -> None:
    runner._shutdown_worker_kernel()


# --- validation before execution -------------------------------------------------------------


def test_bad_unit_params_fail_before_any_kernel(env, capsys) -> None:
    fresh_kernel()
    (env["params"] / "units" / "xa-b.yaml").write_text(
        "unit: xa-b\nname: B\nsigner:\n  nam: Lê Văn C\n", encoding="utf-8"
    )
    rc = report("--unit", "xa-a,xa-b", "--month", "2026-06")
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2
    assert err == [
        f"Lỗi: {env['params']}/units/xa-b.yaml: khóa 'signer.nam': khóa không được hỗ trợ."
    ]
    assert runner._KERNEL is None  # no kernel was started, not even for the valid unit
    assert not env["out"].exists()


def test_bad_narrative_fails_before_any_kernel(env) -> None:
    fresh_kernel()
    path = env["params"] / "narrative" / "xa-a" / "2026-06.md"
    path.write_text("---\nunit: xa-a\nperiod: 2026-06\n---\n## I.9\nx\n", encoding="utf-8")
    jobs = build_jobs(["xa-a"], ["2026-06"], notebook=TRIVIAL)
    with pytest.raises(ParamsError, match=r"2026-06\.md: dòng 5: mục 'I\.9' không có"):
        runner.run_jobs(jobs, progress=False)
    assert runner._KERNEL is None


# --- a failing cell ---------------------------------------------------------------------------


def test_failing_cell_keeps_the_notebook_and_names_cell_and_cause(env, capsys) -> None:
    rc = report("--unit", "xa-a", "--month", "2026-06", notebook=FAILING)
    err = capsys.readouterr().err
    folder = env["out"] / "xa-a" / "2026-06"
    assert rc == 1
    assert "Lỗi [xa-a 2026-06]: ô lệnh [3] lỗi — ZeroDivisionError: division by zero" in err
    assert (
        "    total = 10\n    share = total / 0  # the failure the runner must report\n    …" in err
    )
    assert f"Notebook lỗi được giữ tại {folder / 'report.failed.ipynb'}" in err
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "report.failed.ipynb"]
    failed = nbformat.read(folder / "report.failed.ipynb", as_version=4)
    errors = [o for c in failed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert [e.ename for e in errors] == ["ZeroDivisionError"]
    manifest = read_manifest(folder)
    assert manifest["status"] == "failed"
    assert manifest["error"]["ename"] == "ZeroDivisionError"
    assert manifest["error"]["failed_notebook"] == "report.failed.ipynb"
    assert manifest["outputs"] == {}
    # The kernel that saw the failure is not reused.
    assert runner._KERNEL.km is None


# --- outputs: --force, atomic writes, manifest ----------------------------------------------------


def test_existing_report_is_kept_without_force(env, capsys) -> None:
    folder = env["out"] / "xa-a" / "2026-06"
    assert report("--unit", "xa-a", "--month", "2026-06") == 0
    first = read_manifest(folder)
    html_before = (folder / "report.html").read_bytes()
    capsys.readouterr()
    # Running it again is not an error: the complete report is kept, and said so.
    assert report("--unit", "xa-a", "--month", "2026-06") == 0
    cap = capsys.readouterr()
    made = datetime.fromisoformat(first["created_at"])
    assert cap.err == (
        f"Đã có báo cáo xa-a 2026-06 (lập lúc {made:%H:%M %d/%m/%Y}): {folder}/ — không lập "
        "lại; thêm --force để lập lại.\n"
    )
    assert cap.out == f"{folder}\n"
    assert read_manifest(folder) == first and (folder / "report.html").read_bytes() == html_before
    assert report("--unit", "xa-a", "--month", "2026-06", "--force", "--formats", "ipynb") == 0
    second = read_manifest(folder)
    assert second["status"] == "ok" and second["created_at"] >= first["created_at"]
    # Outputs of the earlier run that this run did not make are gone, not left to mislead.
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "report.ipynb"]


def test_a_second_identical_batch_skips_what_is_complete_and_exits_0(env, capsys) -> None:
    batch = ("--unit", "all", "--months", "2026-05:2026-06", "--formats", "ipynb")
    assert report(*batch) == 0
    made = {
        (u, k): read_manifest(env["out"] / u / k)
        for u in ("xa-a", "xa-b")
        for k in ("2026-05", "2026-06")
    }
    # One report left unfinished (no manifest) and one failed: those two are made again.
    (env["out"] / "xa-b" / "2026-05" / "manifest.json").unlink()
    failed = read_manifest(env["out"] / "xa-a" / "2026-05") | {"status": "failed"}
    (env["out"] / "xa-a" / "2026-05" / "manifest.json").write_text(json.dumps(failed))
    capsys.readouterr()
    assert report(*batch) == 0
    cap = capsys.readouterr()
    assert summary_rows(cap.out) == {
        ("xa-a", "2026-05"): "xong",
        ("xa-a", "2026-06"): "đã có",
        ("xa-b", "2026-05"): "xong",
        ("xa-b", "2026-06"): "đã có",
    }
    assert "không lập được" not in cap.err
    for key in (("xa-a", "2026-06"), ("xa-b", "2026-06")):
        assert read_manifest(env["out"] / key[0] / key[1]) == made[key]  # untouched
    for key in (("xa-a", "2026-05"), ("xa-b", "2026-05")):
        redone = read_manifest(env["out"] / key[0] / key[1])
        assert redone["status"] == "ok" and redone["created_at"] >= made[key]["created_at"]


def test_a_complete_report_is_made_again_when_what_it_was_made_from_changed(env, capsys) -> None:
    """'đã có' only for a report made from this warehouse, the unit's ingests as they are now
    and its narrative as it is now: a unit's report made from its own warehouse was counted in
    a city batch run on the city's warehouse."""
    batch = ("--unit", "all", "--month", "2026-06", "--formats", "ipynb")
    assert report(*batch) == 0
    capsys.readouterr()

    def rows() -> dict:
        assert report(*batch) == 0
        return summary_rows(capsys.readouterr().out)

    assert rows() == {("xa-a", "2026-06"): "đã có", ("xa-b", "2026-06"): "đã có"}
    # Another warehouse (same content, another file): both made again.
    other = env["db"].with_name("city.duckdb")
    shutil.copyfile(env["db"], other)
    assert report(*batch, "--db", str(other)) == 0
    assert summary_rows(capsys.readouterr().out) == {
        ("xa-a", "2026-06"): "xong", ("xa-b", "2026-06"): "xong"}  # fmt: skip
    assert read_manifest(env["out"] / "xa-a" / "2026-06")["warehouse"]["path"] == str(other)
    # Back to the first warehouse, where xa-b gets a newer export meanwhile: xa-b's report only
    # is made again... after both return to this warehouse's reports.
    assert rows() == {("xa-a", "2026-06"): "xong", ("xa-b", "2026-06"): "xong"}
    con = connect(env["db"])
    con.execute(
        "INSERT INTO ingests (unit, kind, file_name, file_sha256, as_of, ingested_at, rows_read, "
        "inserted, updated, unchanged, rejected) VALUES ('xa-b', 'cases', 'xa-b-2.xlsx', 'sha-2', "
        "TIMESTAMP '2026-06-16 07:00:00', TIMESTAMP '2026-06-17 08:00:00', 0, 0, 0, 0, 0)"
    )
    con.close()
    assert rows() == {("xa-a", "2026-06"): "đã có", ("xa-b", "2026-06"): "xong"}
    # xa-a's narrative edited after its report was made (the report dated an hour back, the
    # edit now): made again, then kept.
    folder = env["out"] / "xa-a" / "2026-06"
    manifest = read_manifest(folder)
    earlier = datetime.fromisoformat(manifest["created_at"]) - timedelta(hours=1)
    manifest["created_at"] = earlier.isoformat(timespec="seconds")
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False))
    narrative = env["params"] / "narrative" / "xa-a" / "2026-06.md"
    os.utime(narrative, (earlier.timestamp() + 30, earlier.timestamp() + 30))
    assert rows() == {("xa-a", "2026-06"): "xong", ("xa-b", "2026-06"): "đã có"}
    assert rows() == {("xa-a", "2026-06"): "đã có", ("xa-b", "2026-06"): "đã có"}


def test_failed_folder_can_be_rerun_without_force(env) -> None:
    assert report("--unit", "xa-a", "--month", "2026-06", notebook=FAILING) == 1
    assert report("--unit", "xa-a", "--month", "2026-06") == 0
    folder = env["out"] / "xa-a" / "2026-06"
    assert read_manifest(folder)["status"] == "ok"
    assert not (folder / "report.failed.ipynb").exists()


class PdfFails:
    """Real HTML, then the PDF writer dies half way (after writing some bytes)."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def render_html(self, nb):
        return export.render_html(nb)

    def render_pdf(self, html: str, out_path: Path) -> None:
        Path(out_path).write_bytes(b"%PDF-1.7 half a file")
        raise self.exc


def _run_with(renderer, env) -> runner.JobResult:
    jobs = build_jobs(["xa-a"], ["2026-06"], notebook=TRIVIAL, force=True)
    return runner.run_jobs(jobs, progress=False, renderer=renderer)[0]


def test_render_failure_after_html_leaves_no_ok_manifest_and_no_half_file(env) -> None:
    folder = env["out"] / "xa-a" / "2026-06"
    res = _run_with(PdfFails(RuntimeError("đĩa đầy")), env)
    assert res.status == "failed" and res.message == "RuntimeError: đĩa đầy"
    manifest = read_manifest(folder)
    assert manifest["status"] == "failed" and manifest["error"]["message"] == res.message
    assert set(manifest["outputs"]) == {"ipynb", "html"}
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["manifest.json", "report.html", "report.ipynb"]  # no pdf, no temp file
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert html.rstrip().endswith("</html>")
    assert manifest["outputs"]["html"]["sha256"] == sha256_file(folder / "report.html")


def test_interrupted_run_leaves_the_earlier_report_and_no_half_folder(env) -> None:
    folder = env["out"] / "xa-a" / "2026-06"
    assert report("--unit", "xa-a", "--month", "2026-06") == 0  # a complete earlier report
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(KeyboardInterrupt):
        _run_with(PdfFails(KeyboardInterrupt()), env)
    # The new report was made in a staging folder beside it, which is gone: nothing half-made.
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(p.name for p in folder.parent.iterdir()) == ["2026-06"]
    runner._shutdown_worker_kernel()


def test_files_someone_put_in_a_report_folder_survive_a_new_run(env) -> None:
    folder = env["out"] / "xa-a" / "2026-06"
    assert report("--unit", "xa-a", "--month", "2026-06", "--formats", "ipynb,html") == 0
    (folder / "ban-ky.pdf").write_bytes(b"%PDF signed scan")
    assert report("--unit", "xa-a", "--month", "2026-06", "--force", "--formats", "ipynb") == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "ban-ky.pdf", "manifest.json", "report.ipynb",
    ]  # fmt: skip
    assert (folder / "ban-ky.pdf").read_bytes() == b"%PDF signed scan"


def test_manifest_contents(env) -> None:
    assert report("--unit", "xa-a", "--month", "2026-06") == 0
    folder = env["out"] / "xa-a" / "2026-06"
    m = read_manifest(folder)
    assert m["status"] == "ok" and m["error"] is None
    assert m["parameters"] == {
        "unit": "xa-a", "period": "2026-06", "db": str(env["db"]), "profile": "default",
        "allow_partial": None, "docx": True,
    }  # fmt: skip
    assert m["period_range"] == "Từ ngày 15/5/2026 đến 14/6/2026"
    [ingest] = m["warehouse"]["ingests"]
    assert ingest["file_name"] == "xa-a.xlsx" and ingest["file_sha256"] == "sha-xa-a"
    # Every timestamp carries its offset: the warehouse's are Vietnam time, and so is created_at.
    assert ingest["as_of"] == "2026-06-15T07:00:00+07:00" and ingest["rows_read"] == 7
    assert ingest["ingested_at"] == "2026-06-16T08:00:00+07:00"
    assert datetime.fromisoformat(m["created_at"]).utcoffset() == timedelta(hours=7)
    assert len(m["git"]["commit"]) == 40
    assert set(m["versions"]) >= {
        "tthc",
        "papermill",
        "nbconvert",
        "weasyprint",
        "duckdb",
        "pandas",
    }
    assert all(m["versions"][k] for k in ("papermill", "nbconvert", "weasyprint", "duckdb"))
    assert set(m["timings"]) == {"validate", "execute", "html", "pdf", "docx", "total"}
    assert m["timings"]["total"] >= m["timings"]["execute"] > 0
    for fmt in ("ipynb", "html", "pdf", "docx"):
        assert m["outputs"][fmt]["file"] == f"report.{fmt}"
        assert m["outputs"][fmt]["sha256"] == sha256_file(folder / f"report.{fmt}")
    assert (folder / "report.pdf").read_bytes().startswith(b"%PDF")
    assert (folder / "report.docx").read_bytes().startswith(b"PK")  # a zip: OOXML
    # Narrative lint from params and a warning the notebook recorded, each once.
    lint = [w for w in m["warnings"] if w.startswith("Mục mo-dau:")]
    assert len(lint) == 1 and "'tháng 5 năm 2026'" in lint[0]
    assert m["narrative"]["is_placeholder"] is False
    # The document's number and issue date are recorded with what was made from them.
    assert (m["narrative"]["number"], m["narrative"]["date"]) == ("07", "2026-06-20")
    # What the notebook computed from the warehouse.
    values = payload(folder / "report.ipynb")
    assert (values["cases_new"], values["cases_new_online"]) == CASES["xa-a"]


# --- batches ---------------------------------------------------------------------------------


def test_unit_all_two_workers_continue_on_error_summary(env, capsys) -> None:
    bad = env["params"] / "narrative" / "xa-b" / "2026-06.md"
    bad.parent.mkdir(parents=True)
    bad.write_text("---\nunit: xa-b\nperiod: 2026-05\n---\n", encoding="utf-8")
    rc = report(
        "--unit", "all", "--months", "2026-05:2026-06", "--workers", "2", "--continue-on-error"
    )  # fmt: skip
    cap = capsys.readouterr()
    assert rc == 1
    assert summary_rows(cap.out) == {
        ("xa-a", "2026-05"): "xong",
        ("xa-a", "2026-06"): "xong",
        ("xa-b", "2026-05"): "xong",
        ("xa-b", "2026-06"): "LỖI",
    }
    assert "khóa 'period' là '2026-05'" in cap.out
    assert "1/4 báo cáo không lập được." in cap.err
    for unit, key in (("xa-a", "2026-05"), ("xa-a", "2026-06"), ("xa-b", "2026-05")):
        assert read_manifest(env["out"] / unit / key)["status"] == "ok"
    assert not (env["out"] / "xa-b" / "2026-06").exists()
    june = payload(env["out"] / "xa-a" / "2026-06" / "report.ipynb")
    assert (june["cases_new"], june["cases_new_online"]) == CASES["xa-a"]
    assert payload(env["out"] / "xa-b" / "2026-05" / "report.ipynb")["cases_new"] == 0


def test_the_failure_budget_stops_a_batch_after_n_failures(env, capsys) -> None:
    rc = report("--unit", "all", "--months", "2026-04:2026-06", "--max-failures", "1",
                "--formats", "ipynb", notebook=FAILING)  # fmt: skip
    cap = capsys.readouterr()
    assert rc == 1
    rows = summary_rows(cap.out)
    assert rows == {
        ("xa-a", "2026-04"): "LỖI", ("xa-a", "2026-05"): "LỖI",
        ("xa-a", "2026-06"): "không chạy", ("xa-b", "2026-04"): "không chạy",
        ("xa-b", "2026-05"): "không chạy", ("xa-b", "2026-06"): "không chạy",
    }  # fmt: skip
    assert "không chạy vì đã có 2 báo cáo lỗi, quá mức cho phép (--max-failures 1)" in cap.out
    assert not (env["out"] / "xa-b").exists()


def test_index_lists_this_run_and_earlier_runs_with_their_status(env, capsys) -> None:
    from tthc.report.index import scan

    assert report("--unit", "xa-a", "--month", "2026-05", "--formats", "ipynb,html") == 0
    page = env["out"] / "index.html"
    assert 'data-folder="xa-a/2026-05"' in page.read_text(encoding="utf-8")
    # A second run, with a failure: the first run's report stays listed, the failure is listed.
    assert report("--unit", "xa-b", "--month", "2026-06", notebook=FAILING) == 1
    entries = {e.folder: e for e in scan(env["out"])}
    assert {k: (e.status, e.unit_name) for k, e in entries.items()} == {
        "xa-a/2026-05": ("ok", "xã XA-A"), "xa-b/2026-06": ("failed", "xã XA-B"),
    }  # fmt: skip
    text = page.read_text(encoding="utf-8")
    assert 'data-folder="xa-a/2026-05"' in text and 'data-folder="xa-b/2026-06"' in text
    assert '<a href="xa-a/2026-05/report.html"' in text
    assert '<a href="xa-b/2026-06/report.failed.ipynb"' in text
    assert "ô lệnh [3] lỗi — ZeroDivisionError: division by zero" in text
    assert entries["xa-a/2026-05"].city == "Chưa gán thành phố"  # the units have no city
    capsys.readouterr()


def _comparable(nb_path: Path) -> list:
    """Every output of every cell except images and timing metadata."""
    nb = nbformat.read(nb_path, as_version=4)
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for o in cell.outputs:
            data = {k: v for k, v in o.get("data", {}).items() if not k.startswith("image/")}
            out.append((cell.execution_count, o.output_type, o.get("text"), json.dumps(data)))
    return out


def test_batch_report_on_reused_kernel_equals_single_report(env) -> None:
    fresh_kernel()
    single_out = env["out"] / "single"
    batch_out = env["out"] / "batch"
    [alone] = runner.run_jobs(
        build_jobs(["xa-a"], ["2026-06"], notebook=TRIVIAL, out_dir=single_out), progress=False
    )
    assert alone.ok
    fresh_kernel()
    # xa-a 2026-06 comes third on one kernel, after reports that left state behind.
    batch = build_jobs(
        ["xa-b", "xa-a"], ["2026-05", "2026-06"], notebook=TRIVIAL, out_dir=batch_out
    )
    results = runner.run_jobs(batch, progress=False)
    assert [r.status for r in results] == ["ok"] * 4
    assert runner._KERNEL.starts == 1 and runner._KERNEL.uses == 4  # one kernel did them all
    single_nb = single_out / "xa-a" / "2026-06" / "report.ipynb"
    batch_nb = batch_out / "xa-a" / "2026-06" / "report.ipynb"
    assert payload(batch_nb) == payload(single_nb)
    assert payload(batch_nb)["state"] == {
        "leaked_global": False, "titlesize": "large", "max_rows": 60, "open_figures": 0,
    }  # fmt: skip
    assert _comparable(batch_nb) == _comparable(single_nb)
    assert read_manifest(batch_out / "xa-a" / "2026-06")["kernel"]["reused"] is True


def test_custom_period_and_period_keys(env) -> None:
    p = period_from_key("2026-05-15_2026-06-14")
    assert (p.kind, p.key) == ("custom", "2026-05-15_2026-06-14")
    assert period_from_key("2026-Q2").title_phrase == "quý II năm 2026"
    assert period_from_key("2026-06", "calendar").range_phrase == "Từ ngày 1/6/2026 đến 30/6/2026"


# --- timeouts ---------------------------------------------------------------------------------


def test_cell_timeout_and_hard_timeout_stop_a_hung_notebook(tmp_path: Path) -> None:
    from tthc.report.execute import NotebookFailed, WarmKernel, execute_notebook

    sleeping = FIXTURES / "sleeping.ipynb"
    kernel = WarmKernel(cwd=tmp_path)
    try:
        with pytest.raises(NotebookFailed) as cell:
            execute_notebook(sleeping, tmp_path / "a.ipynb", {"seconds": 30}, kernel,
                             execution_timeout=2, hard_timeout=120)  # fmt: skip
        assert cell.value.failure.ename == "CellTimeoutError"
        assert kernel.km is None  # the kernel that timed out is discarded
        with pytest.raises(NotebookFailed) as hard:
            execute_notebook(sleeping, tmp_path / "b.ipynb", {"seconds": 30}, kernel,
                             execution_timeout=120, hard_timeout=4)  # fmt: skip
        assert hard.value.failure.ename == "Timeout"
        assert "quá 4 giây" in hard.value.failure.evalue
        # A fresh kernel takes the next report.
        nb = execute_notebook(sleeping, tmp_path / "c.ipynb", {"seconds": 0}, kernel)
        assert nb.cells[-1].outputs == []
    finally:
        kernel.shutdown()


def test_from_to_and_quarter_periods_name_their_folders(env) -> None:
    assert report("--unit", "xa-a", "--from", "2026-05-20", "--to", "2026-06-01",
                  "--formats", "ipynb") == 0  # fmt: skip
    folder = env["out"] / "xa-a" / "2026-05-20_2026-06-01"
    m = read_manifest(folder)
    assert m["period_range"] == "Từ ngày 20/5/2026 đến 1/6/2026"
    assert m["parameters"]["period"] == "2026-05-20..2026-06-01"  # the report notebook's form
    assert report("--unit", "xa-a", "--quarter", "2026-Q2", "--formats", "ipynb") == 0
    assert read_manifest(env["out"] / "xa-a" / "2026-Q2")["period_title"] == "quý II năm 2026"


def test_build_jobs_dedupes_and_orders(env) -> None:
    jobs = build_jobs(["xa-b", "xa-a", "xa-b"], ["2026-06", "2026-05", "2026-06"])
    assert [(j.unit, j.period) for j in jobs] == [
        ("xa-b", "2026-06"), ("xa-b", "2026-05"), ("xa-a", "2026-06"), ("xa-a", "2026-05"),
    ]  # fmt: skip
    assert jobs[0].folder == env["out"] / "xa-b" / "2026-06"
    # Without --formats: the notebook and what the unit's params choose (all three by default).
    assert jobs[0].db == str(env["db"]) and jobs[0].formats == ("ipynb", "html", "pdf", "docx")
    with pytest.raises(ParamsError, match="Định dạng 'odt' không hỗ trợ"):
        build_jobs(["xa-a"], ["2026-06"], formats=["odt"])


def test_a_unit_chooses_its_formats(env) -> None:
    (env["params"] / "units" / "xa-b.yaml").write_text(
        "unit: xa-b\nname: B\nprofile: default\nformats: [pdf, docx]\n", encoding="utf-8"
    )
    jobs = build_jobs(["xa-a", "xa-b"], ["2026-06"])
    assert [j.formats for j in jobs] == [("ipynb", "html", "pdf", "docx"), ("ipynb", "pdf", "docx")]
    # --formats applies to every unit; without docx the notebook draws no PNG charts.
    html_only = build_jobs(["xa-a", "xa-b"], ["2026-06"], formats=["html"])
    assert {j.formats for j in html_only} == {("html",)}
    assert prepare_job(html_only[0]).parameters["docx"] is False
    assert prepare_job(jobs[1]).parameters["docx"] is True
    assert report("--unit", "xa-b", "--month", "2026-06") == 0
    folder = env["out"] / "xa-b" / "2026-06"
    assert sorted(p.name for p in folder.iterdir()) == [
        "manifest.json", "report.docx", "report.ipynb", "report.pdf",
    ]  # fmt: skip
    assert set(read_manifest(folder)["outputs"]) == {"ipynb", "pdf", "docx"}
    (env["params"] / "units" / "xa-b.yaml").write_text(
        "unit: xa-b\nname: B\nformats: [odt]\n", encoding="utf-8"
    )
    with pytest.raises(ParamsError, match=r"khóa 'formats\.0': giá trị không thuộc danh sách"):
        build_jobs(["xa-b"], ["2026-06"])


def test_kernel_is_recycled_after_n_reports(env, tmp_path: Path) -> None:
    from tthc.report.execute import WarmKernel, execute_notebook

    kernel = WarmKernel(cwd=tmp_path, recycle_after=2)
    params = {"unit": "xa-b", "period": "2026-06", "db": str(env["db"])}
    try:
        seen = []
        for i in range(3):
            nb = execute_notebook(TRIVIAL, tmp_path / f"{i}.ipynb", params, kernel)
            seen.append((kernel.starts, kernel.last_use))
            assert export.figures_payload(nb)["state"]["leaked_global"] is False
        assert seen == [(1, 1), (1, 2), (2, 1)]
    finally:
        kernel.shutdown()


# --- stopping: Ctrl-C (SIGINT to the terminal's process group) and kill (SIGTERM) ----------------

WAITING = FIXTURES / "waiting.ipynb"


def _stop_midway(env, tmp_path: Path, how: str, *extra: str) -> tuple[int, str, str, int]:
    """Run `tthc report` in a real process, stop it once its notebook is executing; return the
    exit code, stdout, stderr and the pid of the kernel that was executing."""
    import os
    import signal
    import subprocess
    import sys
    import time

    marker = tmp_path / f"executing-{how}"
    environ = {
        **os.environ,
        "TTHC_PARAMS": str(env["params"]),
        "TTHC_OUTPUTS": str(env["out"]),
        "TTHC_DB": str(env["db"]),
        "TTHC_TEST_MARKER": str(marker),
    }
    args = [sys.executable, "-m", "tthc", "report", "--unit", "xa-a", "--month", "2026-06",
            "--no-progress", "--notebook", str(WAITING), *extra]  # fmt: skip
    # Its own process group, as a command started from a terminal: Ctrl-C reaches the group.
    proc = subprocess.Popen(args, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 180
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert marker.exists(), proc.communicate()
    time.sleep(0.3)  # inside the cell's sleep
    if how == "SIGINT":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err, int(marker.read_text())


def _gone(pid: int) -> bool:
    import os
    import time

    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


STOP_LINE = (
    "Đã dừng theo yêu cầu ({how}): kernel đã tắt, báo cáo đang lập dở không được lưu; "
    "báo cáo đã lập xong trước đó vẫn giữ nguyên."
)


def test_ctrl_c_mid_execution_stops_cleanly_and_leaves_no_half_report(env, tmp_path) -> None:
    rc, out, err, kernel_pid = _stop_midway(env, tmp_path, "SIGINT")
    assert rc == 130
    lines = [ln for ln in err.splitlines() if not ln.startswith("Cảnh báo [")]
    assert lines == [STOP_LINE.format(how="Ctrl-C")]
    assert "Traceback" not in err and "Error" not in err and out == ""
    assert _gone(kernel_pid)  # the kernel was shut down, not orphaned
    unit_folder = env["out"] / "xa-a"
    assert not unit_folder.exists() or list(unit_folder.iterdir()) == []


def test_sigterm_during_a_forced_rerun_keeps_the_earlier_report(env, tmp_path) -> None:
    folder = env["out"] / "xa-a" / "2026-06"
    assert report("--unit", "xa-a", "--month", "2026-06") == 0
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    rc, out, err, kernel_pid = _stop_midway(env, tmp_path, "SIGTERM", "--force")
    assert rc == 143
    lines = [ln for ln in err.splitlines() if not ln.startswith("Cảnh báo [")]
    assert lines == [STOP_LINE.format(how="tín hiệu dừng SIGTERM")]
    assert "Traceback" not in err and out == ""
    assert _gone(kernel_pid)
    # The complete report made before is untouched; the new one left nothing beside it.
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(p.name for p in folder.parent.iterdir()) == ["2026-06"]


def test_the_executed_notebook_is_saved_trusted_for_the_user_who_made_it(
    env, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nbformat.sign import NotebookNotary

    from tthc.report.trust import is_trusted

    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter-of-the-user"))
    assert report("--unit", "xa-a", "--month", "2026-06", "--formats", "ipynb") == 0
    nb = nbformat.read(env["out"] / "xa-a" / "2026-06" / "report.ipynb", as_version=4)
    assert is_trusted(nb)  # what JupyterLab's notary will decide for this user
    notary = NotebookNotary()
    assert notary.db_file == str(tmp_path / "jupyter-of-the-user" / "nbsignatures.db")
    # Another user (another Jupyter data folder) has no signature for it: untrusted there.
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "someone-else"))
    assert not is_trusted(nb)
