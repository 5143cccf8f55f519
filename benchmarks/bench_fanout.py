"""Benchmark of report fan-out (not a test; prints medians and ratios). Issue 11, (b) and (c).

(b) Reports per second on 2 workers, process pool and Dask LocalCluster, as worker-seconds per
    report (workers × wall / reports), on N reports of the 114-unit synthetic city
    (``tthc sample --city hai-phong --units 114``, month 2026-06, the first N units by slug).
    Target: ≤ 1.5 worker-seconds per report. Baseline in the same process: the same runner,
    sequential (one kernel, no pool), on the first reports. Also the CPU seconds per report of
    the whole process tree (kernels and workers included: independent of what else runs on the
    machine, which the wall time is not), and where a report's time goes (from each report's
    manifest and the notebook's per-cell durations: data, charts, the rest of the notebook,
    HTML, PDF, DOCX, the checks file), and what the Dask client spent per report (exporting slices,
    building tasks, writing the reports) with the bytes shipped each way.
(c) From (b): the projected wall time of a national month, 3,321 units on a 16-worker cluster.
    Model: T = S + max(N·w / W, N·c); w = Dask worker-seconds per report (measured on 2
    workers: scheduler overhead and data shipping included, since the workers' wall time
    covers them), W = 16 workers, c = the client's own seconds per report (slice export, task
    building, publishing: the one client serves every worker), S = cluster start. Target ≤ 5 min.

Usage: ``.venv/bin/python benchmarks/bench_fanout.py [--reports 24] [--baseline 4] [--keep DIR]``.
Setup (not timed): the sample city written and ingested once into a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MONTH = "2026-06"
NATIONAL_UNITS = 3321
CLUSTER_WORKERS = 16


def setup(work: Path) -> tuple[Path, Path]:
    """The sample city's exports, params and warehouse under ``work`` (made once, kept)."""
    city = work / "city"
    db = work / "city.duckdb"
    env = {**os.environ, "TTHC_PARAMS": str(city / "params")}
    if not db.exists():
        run = dict(env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([str(BIN / "tthc"), "sample", "--city", "hai-phong", "--units", "114",
                        "--out", str(city)], **run)  # fmt: skip
        exports = sorted(str(p) for p in city.glob("*.csv"))
        subprocess.run([str(BIN / "tthc"), "ingest", "--db", str(db), *exports], **run)
    return city / "params", db


def cpu_tree() -> float:
    """CPU seconds of this process and of every descendant reaped so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def stages(out: Path) -> dict[str, list[float]]:
    """Seconds per stage of every report under ``out``: the manifest's timings, the notebook's
    cells split into loading the data (the cell that calls load_report_data), the charts and
    the rest."""
    found: dict[str, list[float]] = {}
    for manifest in sorted(out.glob("*/*/manifest.json")):
        m = json.loads(manifest.read_text(encoding="utf-8"))
        if m.get("status") not in ("ok", "incomplete", "partial"):
            continue
        t = m["timings"]
        nb = json.loads((manifest.parent / "report.ipynb").read_text(encoding="utf-8"))
        cells = {"data": 0.0, "charts": 0.0, "other cells": 0.0}
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            src = "".join(cell["source"])
            secs = (cell["metadata"].get("papermill") or {}).get("duration") or 0.0
            # The charts cell: appendix_charts (the block model), charts_html before it.
            key = ("data" if "load_report_data" in src
                   else "charts" if "appendix_charts" in src or "charts_html" in src
                   else "other cells")  # fmt: skip
            cells[key] += secs
        cells["kernel, papermill"] = t["execute"] - sum(cells.values())
        row = {**cells, "html": t.get("html", 0.0), "pdf": t.get("pdf", 0.0),
               "docx": t.get("docx", 0.0), "checks (html+pdf)": t.get("checks", 0.0)}  # fmt: skip
        row["runner rest"] = (
            t["total"]
            - t["execute"]
            - row["html"]
            - row["pdf"]
            - row["docx"]
            - row["checks (html+pdf)"]
        )
        row["total"] = t["total"]
        for k, v in row.items():
            found.setdefault(k, []).append(v)
    return found


def batch(jobs, backend: str, workers: int, client=None) -> tuple[float, float, list]:
    from tthc.report import runner

    c0, t0 = cpu_tree(), time.perf_counter()
    results = runner.run_jobs(jobs, workers=workers, backend=backend, progress=False,
                              continue_on_error=True, dask_client=client)  # fmt: skip
    wall = time.perf_counter() - t0
    if backend == "process" and workers <= 1:
        runner._shutdown_worker_kernel()  # its CPU is counted once the kernel is reaped
    return wall, cpu_tree() - c0, results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=24, help="N reports per 2-worker run")
    parser.add_argument("--baseline", type=int, default=4, help="reports of the sequential run")
    parser.add_argument("--keep", help="work folder to keep (the city is made once in it)")
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="tthc-bench-fanout-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        params, db = setup(work)
        os.environ["TTHC_PARAMS"] = str(params)
        from tthc.report import fanout
        from tthc.report.jobs import build_jobs
        from tthc.units import list_units

        units = list_units()[: args.reports]
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; "
              f"{len(units)} reports of the 114-unit sample city, {MONTH}", flush=True)  # fmt: skip

        def jobs(name: str, n: int | None = None):
            return build_jobs(units[:n], [MONTH], db=db, out_dir=work / name, force=True)

        # Baseline: the same runner, sequential, in this process.
        wall, cpu, res = batch(jobs("sequential", args.baseline), "process", 1)
        base = wall / len(res)
        print(f"baseline, sequential in-process, {len(res)} reports: {base:.2f} s per report, "
              f"CPU {cpu / len(res):.2f} s per report", flush=True)  # fmt: skip

        rows = {}
        wall, cpu, res = batch(jobs("pool"), "process", 2)
        rows["process pool"] = (wall, cpu, res, work / "pool")
        c0, t0 = cpu_tree(), time.perf_counter()
        with fanout.dask_client(2) as client:
            start = time.perf_counter() - t0
            wall, _, res = batch(jobs("dask"), "dask", 2, client)
            stats = fanout.LAST_STATS
        # Workers and their kernels are reaped when the cluster closes: their CPU, and the
        # cluster's start and stop, are in this figure.
        rows["dask"] = (wall, cpu_tree() - c0, res, work / "dask")
        print(f"(b) {len(units)} reports on 2 workers (target ≤ 1.5 worker-seconds per report):")
        for name, (wall, cpu, res, _) in rows.items():
            ok = sum(r.status in ("ok", "incomplete", "partial") for r in res)
            ws = 2 * wall / len(res)
            cpu_txt = f", CPU {cpu / len(res):.2f} s per report" if cpu is not None else ""
            print(f"    {name:13s} {wall:7.1f} s wall, {len(res) / wall:.2f} reports/s, "
                  f"{ws:.2f} worker-s per report ({base / ws:.2f}x the sequential baseline)"
                  f"{cpu_txt}; {ok}/{len(res)} made -> {'OK' if ws <= 1.5 else 'MISSED'}",
                  flush=True)  # fmt: skip
        print(f"    Dask cluster start (2 workers, kernels booting): {start:.1f} s "
              f"(not in the wall time above)")  # fmt: skip
        print("    where a report's time goes (median seconds inside the worker; wall time, so "
              "inflated by other load):")  # fmt: skip
        table = {name: stages(out) for name, (_, _, _, out) in rows.items()}
        print(f"      {'':20s} " + " ".join(f"{name:>13s}" for name in table))
        for key in table["dask"]:
            cells = " ".join(
                f"{statistics.median(t.get(key, [0.0])):13.2f}" for t in table.values()
            )
            print(f"      {key:20s} {cells}")
        n = max(stats.reports, 1)
        client_per = (stats.submit_seconds + stats.publish_seconds) / n
        print(f"    Dask client per report: slice export {stats.export_seconds / n:.3f} s, task "
              f"building {(stats.submit_seconds - stats.export_seconds) / n:.3f} s, writing the "
              f"report {stats.publish_seconds / n:.3f} s; shipped {stats.bytes_shipped / n / 1e3:.0f}"
              f" kB and returned {stats.bytes_returned / n / 1e3:.0f} kB per report", flush=True)  # fmt: skip
        busy = stats.worker_seconds / n
        ws_dask = 2 * rows["dask"][0] / len(rows["dask"][2])
        print(f"    Dask worker busy per report {busy:.2f} s of {ws_dask:.2f} worker-s: "
              f"{ws_dask - busy:.2f} s per report of scheduling, shipping and idle", flush=True)  # fmt: skip

        # (c) the national month on 16 workers.
        compute = NATIONAL_UNITS * ws_dask / CLUSTER_WORKERS
        client_bound = NATIONAL_UNITS * client_per
        total = start + max(compute, client_bound)
        print(f"(c) national month, {NATIONAL_UNITS} units on {CLUSTER_WORKERS} workers: "
              f"S + max(N·w/W, N·c) = {start:.0f} + max({NATIONAL_UNITS}×{ws_dask:.2f}/"
              f"{CLUSTER_WORKERS}, {NATIONAL_UNITS}×{client_per:.3f}) = {total / 60:.1f} min "
              f"({'compute' if compute >= client_bound else 'client'}-bound); target ≤ 5 min -> "
              f"{'OK' if total <= 300 else 'MISSED'}")  # fmt: skip
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
