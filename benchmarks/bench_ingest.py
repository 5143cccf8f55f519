"""Ingest throughput: a 200,000-row case export (xlsx and csv) through the CLI's code path.

    .venv/bin/python benchmarks/bench_ingest.py [--rows 200000] [--runs 5] [--keep DIR]

Generates the export in the sample generator's format (title rows, the 18-column header, text
dates, labels, personal columns) in a temp dir, then for each format runs, in a fresh child
process: a baseline read of the same file (python-calamine ``to_python`` for xlsx,
``pandas.read_csv`` for csv), then the end-to-end ingest (:func:`tthc.ingest.pipeline.ingest_paths`,
exactly what ``tthc ingest`` calls) ``--runs`` times into fresh warehouses. Prints median seconds,
rows/s, the ratio to the baseline and the child's peak RSS. Targets: issue 2, ≥ 50,000 rows/s for
xlsx, ≥ 200,000 rows/s for csv, peak memory < 1 GB; issue 9, the shared-string xlsx at most 1.5×
the bare python-calamine read (aim 1.2×), csv still ≥ 200,000 rows/s.

This VM's speed drifts by ±30% within minutes: compare two versions of the code with children
run in turns (round after round), not one run after the other.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tthc.sample.write import CASE_HEADERS

HEADER = list(CASE_HEADERS)
TITLE = [
    "ỦY BAN NHÂN DÂN XÃ AN TRƯỜNG",
    "DANH SÁCH HỒ SƠ TIẾP NHẬN",
    "Từ ngày 01/01/2026 đến ngày 14/06/2026",
    "Ngày xuất: 15/06/2026 08:00",
]
PROCEDURES = [
    ("1.001193", "Đăng ký khai sinh", "Tư pháp - Hộ tịch"),
    ("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực"),
    ("2.000635", "Cấp bản sao trích lục hộ tịch", "Tư pháp - Hộ tịch"),
    ("1.004227", "Đăng ký kết hôn", "Tư pháp - Hộ tịch"),
    ("1.003583", "Đăng ký khai tử", "Tư pháp - Hộ tịch"),
]
CHANNELS = ["Trực tuyến", "Trực tuyến", "Trực tuyến", "Trực tiếp", "Bưu chính công ích"]
STATUSES = ["Đã trả kết quả", "Đã trả kết quả", "Đã xử lý xong", "Đang xử lý", "Chờ bổ sung"]


def rows(n: int):
    """Deterministic case rows in the sample generator's format."""
    import datetime as dt

    start = dt.datetime(2026, 1, 2, 8, 0)
    f = "%d/%m/%Y %H:%M:%S"
    for i in range(n):
        code, name, field = PROCEDURES[i % len(PROCEDURES)]
        received = start + dt.timedelta(minutes=(i * 7) % (160 * 24 * 60))
        due = received + dt.timedelta(days=3)
        status = STATUSES[i % len(STATUSES)]
        done = status in ("Đã trả kết quả", "Đã xử lý xong")
        ended = (received + dt.timedelta(hours=20)).strftime(f) if done else ""
        returned = (received + dt.timedelta(hours=26)).strftime(f) if status == STATUSES[0] else ""
        yield [
            i + 1, f"000.00.21.H26-{i:08d}", code, name, field, CHANNELS[i % len(CHANNELS)], status,
            f"Nguyễn Văn {i % 997}", f"Thôn {i % 13}, xã An Trường", f"09{i % 100000000:08d}",
            received.strftime(f), due.strftime(f), ended, returned,
            "Có", "Có" if done else "Không", "Có" if i % 50 else "Không", "Bộ phận một cửa",
        ]  # fmt: skip


def generate(folder: Path, n: int) -> None:
    import xlsxwriter

    folder.mkdir(parents=True, exist_ok=True)
    # Two xlsx encodings of the same rows: a shared-string table, as Excel itself and the usual
    # export libraries (EPPlus, NPOI, Apache POI XSSF) write, and inline strings, as streaming
    # writers do (xlsxwriter's constant_memory): the latter is 13x larger and slower to parse.
    for name, options in (("cases.xlsx", {}), ("cases-inline.xlsx", {"constant_memory": True})):
        wb = xlsxwriter.Workbook(str(folder / name), options)
        ws = wb.add_worksheet("Danh sách hồ sơ")
        for r, line in enumerate(TITLE):
            ws.write_string(r, 0, line)
        hr = len(TITLE) + 1
        ws.write_row(hr, 0, HEADER)
        for r, row in enumerate(rows(n), start=hr + 1):
            ws.write_row(r, 0, row)
        wb.close()
    with (folder / "cases.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        for line in TITLE:
            w.writerow([line])
        w.writerow([])
        w.writerow(HEADER)
        w.writerows(rows(n))


def measure(path: Path, runs: int, workdir: Path) -> dict:
    """Runs in a child process: baseline read, then ``runs`` end-to-end ingests."""
    from tthc.ingest.pipeline import IngestResult, ingest_paths

    baselines = []
    for _ in range(min(runs, 3)):
        t = time.perf_counter()
        if path.suffix == ".xlsx":
            import python_calamine

            wb = python_calamine.CalamineWorkbook.from_path(str(path))
            baseline_rows = len(wb.get_sheet_by_index(0).to_python()) - len(TITLE) - 2
            del wb
            baseline_name = "python-calamine to_python"
        else:
            import pandas as pd

            baseline_rows = len(pd.read_csv(path, skiprows=len(TITLE) + 1))
            baseline_name = "pandas.read_csv"
        baselines.append(time.perf_counter() - t)
    baseline = statistics.median(baselines)
    times = []
    rows_read = 0
    for i in range(runs):
        db = workdir / f"run{i}" / "tthc.duckdb"
        t = time.perf_counter()
        (result,) = ingest_paths(db, "an-truong", [path])
        times.append(time.perf_counter() - t)
        assert isinstance(result, IngestResult), result
        rows_read = result.counts.rows_read
        assert result.counts.inserted == rows_read, result.to_json()
    median = statistics.median(times)
    return {
        "file": path.name,
        "rows": rows_read,
        "baseline": baseline_name,
        "baseline_rows": baseline_rows,
        "baseline_s": round(baseline, 3),
        "baseline_runs_s": [round(x, 3) for x in baselines],
        "times_s": [round(x, 3) for x in times],
        "median_s": round(median, 3),
        "rows_per_s": round(rows_read / median),
        "ratio_to_baseline": round(median / baseline, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


class ChildFailed(Exception):
    """A measuring child exited non-zero; the message has its exit code and stderr's tail."""


def _child(file: Path, runs: int, work: Path, lib: Path | None = None) -> dict:
    """:func:`measure` of ``file`` in a fresh process (importing tthc from ``lib`` if given)."""
    env = dict(os.environ, PYTHONPATH=str(lib)) if lib else None
    out = subprocess.run(
        [sys.executable, __file__, "--runs", str(runs), "--child", str(file), str(work)],
        capture_output=True,
        text=True,
        env=env,
    )
    if out.returncode != 0:
        raise ChildFailed(
            f"{file.name}: child failed (exit {out.returncode}):\n{out.stderr[-3000:]}"
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare(folder: Path, args: argparse.Namespace, tmp: Path) -> None:
    """This checkout against ``args.against``: one child each per round, in turns, so that both
    see the same moments of a machine whose speed drifts; medians over every ingest. The order
    alternates by round (this, other; other, this; …): the same code against itself ran 1.07
    and 1.10 times slower when its child always came first in the round (xlsx, 8 ingests
    each)."""
    libs = {"this": Path(__file__).resolve().parents[1] / "lib", "other": args.against / "lib"}
    names = [
        n for n in ("cases.xlsx", "cases-inline.xlsx", "cases.csv") if n.endswith(args.only or "")
    ]
    for name in names:
        times: dict[str, list[float]] = {k: [] for k in libs}
        for r in range(args.rounds):
            order = list(libs.items()) if r % 2 == 0 else list(libs.items())[::-1]
            for who, lib in order:
                res = _child(folder / name, args.runs, tmp / f"{who}-{r}-{name}", lib)
                times[who] += res["times_s"]
        med = {k: statistics.median(v) for k, v in times.items()}
        rows = res["rows"]
        print(
            f"{name}: this {med['this']:.3f} s ({rows / med['this']:,.0f} rows/s), "
            f"{args.against} {med['other']:.3f} s ({rows / med['other']:,.0f} rows/s); "
            f"this/other = {med['this'] / med['other']:.2f} "
            f"({len(times['this'])} ingests each, {args.rounds} rounds in turns)"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="reuse/keep generated files in this folder")
    ap.add_argument("--only", choices=["xlsx", "csv"], help="measure one format only")
    ap.add_argument(
        "--against",
        type=Path,
        metavar="CHECKOUT",
        help="another checkout of tthc: its lib/ and this one measured in turns, --rounds times",
    )
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--child", nargs=2, metavar=("FILE", "WORKDIR"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(Path(args.child[0]), args.runs, Path(args.child[1]))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp) / "exports"
        if not (folder / "cases-inline.xlsx").exists():
            t = time.perf_counter()
            generate(folder, args.rows)
            print(f"generated {args.rows} rows in {time.perf_counter() - t:.1f} s: {folder}")
        if args.against:
            try:
                compare(folder, args, Path(tmp))
            except ChildFailed as exc:
                raise SystemExit(str(exc)) from exc
            return
        targets = {".xlsx": 50_000, ".csv": 200_000}
        print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores shared)")
        names = ["cases.xlsx", "cases-inline.xlsx", "cases.csv"]
        if args.only:
            names = [n for n in names if n.endswith(args.only)]
        for name in names:
            try:
                r = _child(folder / name, args.runs, Path(tmp) / f"work-{name}")
            except ChildFailed as exc:
                print(exc)
                continue
            target = targets[Path(name).suffix]
            print(
                f"{name}: {r['rows']} rows, median {r['median_s']} s over {args.runs} runs "
                f"{r['times_s']} -> {r['rows_per_s']:,} rows/s (target {target:,}: "
                f"{'met' if r['rows_per_s'] >= target else 'NOT met'}); baseline {r['baseline']} "
                f"median {r['baseline_s']} s {r['baseline_runs_s']}, ingest/baseline = {r['ratio_to_baseline']}x; "
                f"peak RSS {r['peak_rss_mb']} MB (target < 1024: "
                f"{'met' if r['peak_rss_mb'] < 1024 else 'NOT met'})"
            )
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
