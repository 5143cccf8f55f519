"""Benchmark of `tthc report` (not a test; prints medians and ratios).

(a) One unit-month end to end (execute + HTML + PDF + manifest) as a whole `tthc report`
    process, median of 5 runs. Target: ≤ 6 s. Also the rendering part (HTML + PDF) each report's
    manifest records; target (issue #5): ≤ 1 s.
(b) A batch of 20 unit-months (4 units × 5 months of the An Trường sample) made by one
    `tthc report --unit all --months … --workers 2` process, against the naive chain per report:
    `papermill` CLI, then `jupyter nbconvert --to html` CLI (the project template, code hidden),
    then the `weasyprint` CLI, two reports at a time. Target: ≥ 2.5× the naive throughput.

Setup (not timed): the sample exports are written and ingested once under four unit slugs into a
temporary warehouse, with a temporary params folder (copies of the An Trường unit file). Usage:
``.venv/bin/python benchmarks/bench_report.py [--runs 5] [--keep DIR]``.
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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTEBOOK = ROOT / "notebooks" / "monthly_report.ipynb"
UNITS = ("an-truong", "bench-b", "bench-c", "bench-d")
MONTHS = ("2026-02", "2026-03", "2026-04", "2026-05", "2026-06")


def sh(args: list[str], env: dict[str, str], **kw) -> None:
    subprocess.run(
        args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw
    )


def setup(work: Path) -> tuple[dict[str, str], Path]:
    params = work / "params"
    shutil.copytree(ROOT / "params", params, ignore=shutil.ignore_patterns("*.pyc"))
    source = (params / "units" / "an-truong.yaml").read_text(encoding="utf-8")
    for unit in UNITS[1:]:
        text = source.replace("unit: an-truong", f"unit: {unit}")
        (params / "units" / f"{unit}.yaml").write_text(text, encoding="utf-8")
    env = {**os.environ, "TTHC_PARAMS": str(params)}
    db = work / "bench.duckdb"
    exports = work / "exports"
    sh([str(BIN / "tthc"), "sample", "--out", str(exports)], env)
    for unit in UNITS:
        sh(
            [
                str(BIN / "tthc"),
                "ingest",
                "--db",
                str(db),
                "--unit",
                unit,
                *map(str, exports.iterdir()),
            ],
            env,
        )
    return env, db


def cpu_children() -> float:
    """CPU seconds used by finished child processes (and the kernels they waited for)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def render_seconds(out: Path) -> list[float]:
    """HTML + PDF seconds of every report under ``out``, as its manifest recorded them."""
    found = []
    for manifest in sorted(out.glob("*/*/manifest.json")):
        timings = json.loads(manifest.read_text(encoding="utf-8"))["timings"]
        found.append(timings["html"] + timings["pdf"])
    return found


def single(
    env: dict[str, str], db: Path, out: Path, runs: int
) -> tuple[list[float], list[float], list[float]]:
    times, cpu, render = [], [], []
    for _ in range(runs):
        c0 = cpu_children()
        t0 = time.perf_counter()
        sh([str(BIN / "tthc"), "report", "--db", str(db), "--unit", "an-truong", "--month", "2026-06",
            "--out", str(out), "--force", "--no-progress"], env)  # fmt: skip
        times.append(time.perf_counter() - t0)
        cpu.append(cpu_children() - c0)
        render += render_seconds(out)
    return times, cpu, render


def batch(env: dict[str, str], db: Path, out: Path) -> float:
    t0 = time.perf_counter()
    sh([str(BIN / "tthc"), "report", "--db", str(db), "--unit", "all",
        "--months", f"{MONTHS[0]}:{MONTHS[-1]}", "--workers", "2", "--out", str(out), "--force",
        "--no-progress"], env)  # fmt: skip
    return time.perf_counter() - t0


def naive_one(env: dict[str, str], db: Path, out: Path, unit: str, month: str) -> None:
    folder = out / unit / month
    folder.mkdir(parents=True, exist_ok=True)
    nb = folder / "report.ipynb"
    sh([str(BIN / "papermill"), str(NOTEBOOK), str(nb), "-k", "python3", "--no-progress-bar",
        "-p", "unit", unit, "-p", "period", month, "-p", "db", str(db)], env, cwd=ROOT / "notebooks")  # fmt: skip
    sh([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--template", "tthc",
        f"--TemplateExporter.extra_template_basedirs={ROOT / 'lib' / 'tthc' / 'templates'}",
        "--TagRemovePreprocessor.enabled=True",
        "--TagRemovePreprocessor.remove_cell_tags=remove-cell",
        "--TagRemovePreprocessor.remove_cell_tags=injected-parameters",
        "--TagRemovePreprocessor.remove_input_tags=remove-input",
        "--no-input", str(nb)], env)  # fmt: skip
    sh([str(BIN / "weasyprint"), str(folder / "report.html"), str(folder / "report.pdf")], env)


def naive(env: dict[str, str], db: Path, out: Path) -> float:
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(naive_one, env, db, out, u, m) for u in UNITS for m in MONTHS]
        for f in futures:
            f.result()
    return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", help="keep the work folder here instead of a temporary one")
    parser.add_argument("--only", choices=["single"], help="run only part (a)")
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="tthc-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        env, db = setup(work)
        n = len(UNITS) * len(MONTHS)
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", flush=True)
        t, cpu, render = single(env, db, work / "single", args.runs)
        med = statistics.median(t)
        print(f"(a) one report, whole `tthc report` process: median {med:.2f} s of {args.runs} "
              f"(min {min(t):.2f}, max {max(t):.2f}); target ≤ 6 s -> {'OK' if med <= 6 else 'MISSED'}")  # fmt: skip
        print(f"    CPU time of the process tree (kernel included): median {statistics.median(cpu):.2f} s "
              "(independent of other load; the wall time above is not)", flush=True)  # fmt: skip
        r = statistics.median(render)
        print(f"    rendering (HTML + PDF, from the manifests): median {r:.2f} s "
              f"(min {min(render):.2f}, max {max(render):.2f}); target ≤ 1 s -> "
              f"{'OK' if r <= 1 else 'MISSED'}", flush=True)  # fmt: skip
        if args.only == "single":
            return 0
        ours = batch(env, db, work / "batch")
        print(
            f"(b) batch of {n}, `tthc report --workers 2`: {ours:.1f} s = {n / ours:.2f} reports/s",
            flush=True,
        )
        rb = render_seconds(work / "batch")
        print(f"    rendering per report in the batch (two workers and their kernels share the 2 "
              f"CPUs): median {statistics.median(rb):.2f} s (min {min(rb):.2f}, max {max(rb):.2f})",
              flush=True)  # fmt: skip
        base = naive(env, db, work / "naive")
        print(f"    naive chain (papermill + nbconvert + weasyprint CLIs, 2 at a time): {base:.1f} s "
              f"= {n / base:.2f} reports/s")  # fmt: skip
        ratio = base / ours
        print(
            f"    throughput ratio {ratio:.2f}x; target ≥ 2.5x -> {'OK' if ratio >= 2.5 else 'MISSED'}"
        )
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
