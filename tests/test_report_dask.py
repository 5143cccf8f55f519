"""Reports on a real Dask LocalCluster of 2 worker processes (``tthc report --executor dask``):
the same figures as the process pool, a worker process really killed mid-report (retried once,
then reported), the failure budget, and a job that reads nothing of the client's disk."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from pathlib import Path

import duckdb
import pytest
from report_fixture import build as build_fixture_warehouse
from test_report_runner import CASES, FAILING, FIXTURES, TRIVIAL, make_warehouse

from tthc.render.export import figures_payload
from tthc.report import fanout, runner
from tthc.report.index import scan
from tthc.report.jobs import build_city_jobs, build_jobs
from tthc.report.manifest import read_manifest

pytestmark = pytest.mark.slow

KILLING = FIXTURES / "killing.ipynb"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def markers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where killing.ipynb counts its runs; set before the workers start (they inherit it)."""
    folder = tmp_path_factory.mktemp("markers")
    os.environ["TTHC_TEST_MARKER"] = str(folder)
    yield folder
    os.environ.pop("TTHC_TEST_MARKER", None)


@pytest.fixture(scope="module")
def client(markers: Path):
    """One local cluster of 2 worker processes for the module (starting one takes seconds)."""
    with fanout.dask_client(2) as c:
        yield c


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    params = tmp_path / "params"
    (params / "units").mkdir(parents=True)
    shutil.copytree(ROOT / "params" / "profiles", params / "profiles")
    shutil.copytree(ROOT / "params" / "cities", params / "cities")
    for unit in CASES:
        (params / "units" / f"{unit}.yaml").write_text(
            f"unit: {unit}\nname: {unit.upper()}\nprofile: default\ncity: hai-phong\n", "utf-8"
        )
    db = tmp_path / "w.duckdb"
    make_warehouse(db)
    out = tmp_path / "out"
    monkeypatch.setenv("TTHC_PARAMS", str(params))
    monkeypatch.setenv("TTHC_OUTPUTS", str(out))
    monkeypatch.setenv("TTHC_DB", str(db))
    return {"params": params, "db": db, "out": out}


def run(jobs, client, **kw) -> list[runner.JobResult]:
    return runner.run_jobs(jobs, progress=False, backend="dask", dask_client=client, **kw)


def test_the_sample_report_on_dask_has_the_process_pools_figures(client, tmp_path: Path) -> None:
    """The real report notebook, two months of An Trường, on 2 Dask workers and on a process
    pool of 2: the same figures, warnings and document."""
    db = build_fixture_warehouse(tmp_path / "fixture.duckdb")
    months = ["2026-05", "2026-06"]
    kw = {"db": db, "formats": ["ipynb", "html"]}
    on_dask = run(build_jobs(["an-truong"], months, out_dir=tmp_path / "dask", **kw), client)
    in_pool = runner.run_jobs(
        build_jobs(["an-truong"], months, out_dir=tmp_path / "pool", **kw), workers=2,
        progress=False,
    )  # fmt: skip
    assert [r.status for r in on_dask] == [r.status for r in in_pool] == ["ok", "ok"]
    for month in months:
        dask_nb = tmp_path / "dask" / "an-truong" / month / "report.ipynb"
        pool_nb = tmp_path / "pool" / "an-truong" / month / "report.ipynb"
        a, b = figures_payload(dask_nb), figures_payload(pool_nb)
        assert a["figures"] == b["figures"] and a["warnings"] == b["warnings"]
        if month == "2026-06":
            assert a["figures"]["cases_total"] == 2751  # the sample report's (domain.md §10)
        html = "report.html"
        assert (dask_nb.parent / html).read_bytes() == (pool_nb.parent / html).read_bytes()
        m = read_manifest(dask_nb.parent)
        # What it stands for here (the client's warehouse), and where and from what it was made.
        assert m["parameters"]["db"] == str(db.resolve())
        assert m["fanout"]["executor"] == "dask" and m["fanout"]["attempt"] == 1
        assert m["fanout"]["address"].startswith("tcp://127.0.0.1:")
        assert m["fanout"]["slice"]["rows"]["procedures"] == 375
        assert m["key_figures"] == read_manifest(pool_nb.parent)["key_figures"]


def test_a_batch_on_two_workers_reuses_their_kernels_and_writes_the_index(env, client) -> None:
    jobs = build_jobs(["xa-a", "xa-b"], ["2026-04", "2026-05", "2026-06"], notebook=TRIVIAL)
    results = run(jobs, client)
    assert [r.status for r in results] == ["ok"] * 6
    made = {(r.unit, r.period): read_manifest(Path(r.folder)) for r in results}
    june = figures_payload(env["out"] / "xa-a" / "2026-06" / "report.ipynb")
    assert (june["cases_new"], june["cases_new_online"]) == CASES["xa-a"]
    assert june["state"] == {
        "leaked_global": False,
        "titlesize": "large",
        "max_rows": 60,
        "open_figures": 0,
    }  # fmt: skip  (a kept kernel leaks nothing between reports)
    workers = {m["fanout"]["address"] for m in made.values()}
    assert len(workers) == 2  # both workers took jobs
    assert any(m["kernel"]["reused"] for m in made.values())  # one kept kernel per worker
    # Both units' slices were shipped, once each, whatever worker took the job.
    slices = {u: {m["fanout"]["slice"]["sha256"] for (uu, _), m in made.items() if uu == u}
              for u in CASES}  # fmt: skip
    assert all(len(s) == 1 for s in slices.values()) and slices["xa-a"] != slices["xa-b"]
    entries = {e.folder: e for e in scan(env["out"])}
    assert len(entries) == 6 and {e.city for e in entries.values()} == {"Hải Phòng"}


def test_a_job_reads_nothing_of_the_clients_disk(env, tmp_path: Path) -> None:
    """A worker elsewhere: the task is made on the client, then the client's warehouse, params
    and notebook are moved away before a worker thread of this process runs it."""
    [job] = build_jobs(["xa-a"], ["2026-06"], notebook=TRIVIAL, out_dir=tmp_path / "out")
    [pj], _ = runner.validate_jobs([job])
    exporter = fanout.SliceExporter(env["db"], ["xa-a"])
    try:
        shipped = exporter.get("xa-a")
    finally:
        exporter.close()
    notebook = tmp_path / "nb" / "trivial.ipynb"
    notebook.parent.mkdir()
    shutil.copy(TRIVIAL, notebook)
    task = fanout.build_task(runner.prepared_to_json(pj), shipped,
                             fanout.params_bundle("xa-a"), fanout.notebook_payload(notebook),
                             None, 1)  # fmt: skip
    env["db"].rename(tmp_path / "away.duckdb")
    env["params"].rename(tmp_path / "params-away")
    notebook.unlink()
    runner._shutdown_worker_kernel()
    reply: dict = {}
    worker = threading.Thread(target=lambda: reply.update(fanout.run_shipped(task)))
    worker.start()
    worker.join(timeout=300)
    fanout._kernel_thread().submit(fanout._shutdown).result()  # in the thread that drives it
    assert reply["result"]["status"] == "ok", reply["result"]
    assert reply["worker"]["params_copied"] is True
    assert shipped.rows == {"ingests": 1, "cases": 7, "procedures": 0, "pakn": 0, "rejects": 0}
    assert sorted(reply["files"]) == [
        "manifest.json", "report.docx", "report.html", "report.ipynb", "report.pdf"
    ]  # fmt: skip
    nb = json.loads(reply["files"]["report.ipynb"])
    payload = next(o["data"]["application/vnd.tthc.figures+json"] for c in nb["cells"]
                   for o in c.get("outputs", []) if "application/vnd.tthc.figures+json"
                   in o.get("data", {}))  # fmt: skip
    assert (payload["cases_new"], payload["cases_new_online"]) == CASES["xa-a"]
    # The client writes it into place, hashes checked.
    res = fanout.publish_shipped(pj, reply, 1, shipped)
    assert res.ok and read_manifest(job.folder)["fanout"]["params_copied"] is True


def test_a_city_report_on_dask_reads_all_its_units_rows(env, client, tmp_path: Path) -> None:
    """The city's job ships one slice of every member unit's rows and every unit's params: the
    real city notebook on a worker counts what the process pool counts."""
    con = duckdb.connect(str(env["db"]))  # the case lists cover the whole June period
    con.execute("UPDATE ingests SET covers_from = DATE '2026-05-15', covers_to = DATE '2026-06-14'")
    con.close()
    kw = {"formats": ["ipynb", "html"], "units": False}
    on_dask = run(build_city_jobs("hai-phong", ["2026-06"], out_dir=tmp_path / "d", **kw), client)
    in_pool = runner.run_jobs(
        build_city_jobs("hai-phong", ["2026-06"], out_dir=tmp_path / "p", **kw), progress=False
    )
    assert [r.status for r in on_dask] == [r.status for r in in_pool]
    assert on_dask[0].status in ("ok", "incomplete"), on_dask[0].message
    dask_folder = tmp_path / "d" / "hai-phong" / "2026-06"
    a = figures_payload(dask_folder / "report.ipynb")
    b = figures_payload(tmp_path / "p" / "hai-phong" / "2026-06" / "report.ipynb")
    assert a["figures"] == b["figures"]
    # Both units' cases (CASES: received 16/5–28/5, in the nd09 June period 15/5–14/6).
    assert a["figures"]["cases_new"] == sum(n for n, _ in CASES.values()) == 10
    assert a["figures"]["cases_new_online"] == sum(o for _, o in CASES.values()) == 6
    assert [u["cases_new"] for u in a["units"]] == [7, 3]
    m = read_manifest(dask_folder)
    assert m["kind"] == "city" and m["units"] == ["xa-a", "xa-b"]
    assert m["fanout"]["slice"]["rows"]["cases"] == sum(n for n, _ in CASES.values())


def _gone(pid: int, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def test_a_killed_worker_is_retried_once_then_reported(env, client, markers: Path) -> None:
    """killing.ipynb SIGKILLs its worker process: xa-a on its first run only (the retry
    succeeds), xa-b on every run (retried once, then reported failed)."""
    # The fixture notebook carries no document blocks: it makes the notebook only (a DOCX of
    # it would fail the retried report for a reason that is not the worker's death).
    jobs = build_jobs(["xa-a", "xa-b"], ["2026-06"], notebook=KILLING, formats=["ipynb"])
    results = run(jobs, client, continue_on_error=True)
    by_unit = {r.unit: r for r in results}
    assert by_unit["xa-a"].status == "ok", by_unit["xa-a"].message
    assert read_manifest(Path(by_unit["xa-a"].folder))["fanout"]["attempt"] == 2
    assert figures_payload(Path(by_unit["xa-a"].folder) / "report.ipynb")["runs"] == 2
    failed = by_unit["xa-b"]
    assert failed.status == "failed"
    assert failed.message.startswith(
        "tiến trình worker lập báo cáo này bị dừng đột ngột 2 lần (lần cuối trên tcp://"
    )
    assert (markers / "xa-b-2026-06").read_text() == "2"  # retried once, not more
    m = read_manifest(Path(failed.folder))
    assert m["status"] == "failed" and m["error"]["stage"] == "worker"
    assert m["fanout"]["attempt"] == 2
    # The kernels of the killed workers did not outlive them.
    for name in ("xa-a-2026-06-1.pid", "xa-b-2026-06-1.pid", "xa-b-2026-06-2.pid"):
        assert _gone(int((markers / name).read_text())), name
    # The cluster healed: both workers are back for the next batch.
    client.wait_for_workers(2, timeout=120)
    again = run(build_jobs(["xa-a"], ["2026-05"], notebook=TRIVIAL), client)
    assert again[0].ok


def test_the_failure_budget_stops_a_dask_batch(env, client) -> None:
    jobs = build_jobs(["xa-a", "xa-b"], ["2026-04", "2026-05", "2026-06"], notebook=FAILING)
    results = run(jobs, client, max_failures=1)
    statuses = [r.status for r in results]
    assert statuses.count("failed") == 2 and statuses.count("cancelled") == 4
    cancelled = next(r for r in results if r.status == "cancelled")
    assert cancelled.message == (
        "không chạy vì đã có 2 báo cáo lỗi, quá mức cho phép (--max-failures 1)"
    )
    # Nothing was left half-made by the cancelled jobs.
    for r in results:
        if r.status == "cancelled":
            assert not Path(r.folder).exists() or read_manifest(Path(r.folder)) is None
