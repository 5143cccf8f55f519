"""Benchmark: the full figure set of one unit-period over a large warehouse.

Builds warehouses of N cases (default 1,000,000 and 10,000,000) spread over many units with
SQL ``range()``, then times :func:`tthc.stats.figures.compute_figures` (comparisons included:
three periods, catalogue, PAKN, late cases, checks) for one unit and one month, opened read-only
as the CLI and the notebooks do. Prints the median of 5 runs and its ratio to a baseline
``SELECT count(*) FROM cases WHERE unit = ?`` in the same process.

    .venv/bin/python benchmarks/bench_stats.py [--sizes 1000000 10000000] [--units 100]
        [--dir /tmp/tthc-bench] [--keep]

Targets (issue 3): ≤ 1 s at 1,000,000 cases, ≤ 10 s at 10,000,000, on a 2-core machine.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tthc import warehouse
from tthc.stats.figures import compute_figures
from tthc.stats.periods import month_period
from tthc.stats.profile import load_profile

PERIOD = month_period(2026, 6)


def build(path: Path, n: int, units: int) -> None:
    """N cases over ``units`` units, received over 2025-01 … 2026-07, with catalogue and PAKN."""
    con = warehouse.connect(path)
    con.execute(
        # Case and PAKN lists "Từ ngày 01/01/2025 đến ngày 14/07/2026" taken on 15/07/2026, so
        # every figure of June 2026 is determined; the catalogue is a snapshot of 02/01/2026.
        """INSERT INTO ingests (unit, kind, file_name, file_sha256, as_of, covers_from, covers_to,
               as_of_source, ingested_at, rows_read, inserted, updated, unchanged, rejected)
           SELECT 'xa-' || u, k, 'bench.xlsx', 'x',
                  CASE WHEN k = 'catalogue' THEN TIMESTAMP '2026-01-02'
                       ELSE TIMESTAMP '2026-07-15 08:00' END,
                  CASE WHEN k <> 'catalogue' THEN DATE '2025-01-01' END,
                  CASE WHEN k <> 'catalogue' THEN DATE '2026-07-14' END,
                  'title', now(), 0, 0, 0, 0, 0
           FROM range(?) r(u), (VALUES ('cases'), ('catalogue'), ('pakn')) t(k)""",
        [units],
    )
    con.execute(
        """INSERT INTO procedures
           SELECT i.unit, i.ingest_id, '1.' || lpad(p::VARCHAR, 6, '0'), 'Thủ tục ' || p,
                  'thu tuc ' || p, 'Lĩnh vực ' || (p % 12),
                  CASE WHEN p % 7 = 0 THEN 'none' WHEN p % 3 = 0 THEN 'partial' ELSE 'full' END
           FROM ingests i, range(375) r(p) WHERE i.kind = 'catalogue'"""
    )
    # Receipts spread over 560 days from 2025-01-01; about 1 in 10 still open, 1 in 25 withdrawn.
    con.execute(
        f"""
        INSERT INTO cases
        WITH g AS (
            SELECT i, hash(i) AS h,
                   TIMESTAMP '2025-01-01 07:00' + to_seconds((hash(i * 7) % (560 * 86400))::BIGINT) AS rec
            FROM range({n}) r(i)
        )
        SELECT 'xa-' || (i % {units}), 'HS' || i, '1.' || lpad((h % 375)::VARCHAR, 6, '0'),
               'Thủ tục ' || (h % 375), 'Lĩnh vực ' || ((h % 375) % 12),
               CASE h % 10 WHEN 0 THEN 'in_person' WHEN 1 THEN 'postal' ELSE 'online' END, 'code',
               CASE WHEN h % 10 = 3 THEN 4 WHEN h % 25 = 4 THEN 7 ELSE 10 END, NULL,
               CASE WHEN h % 10 = 3 THEN 'pending' WHEN h % 25 = 4 THEN 'withdrawn' ELSE 'resolved' END,
               rec,
               rec + to_hours((72 + h % 240)::BIGINT),
               rec + to_hours((72 + h % 240)::BIGINT),
               CASE WHEN h % 10 = 3 THEN NULL ELSE rec + to_hours((h % 300)::BIGINT) END,
               NULL,
               h % 50 <> 0, h % 40 <> 0, h % 80 <> 0, h % 3 = 0, h % 6 = 0,
               1, NULL, 1
        FROM g
        """
    )
    con.execute(
        f"""INSERT INTO pakn
            SELECT 'xa-' || (i % {units}), 'PA' || i, '1022', NULL,
                   TIMESTAMP '2025-01-01' + to_hours((hash(i) % (560 * 24))::BIGINT) AS rec,
                   TIMESTAMP '2025-01-01' + to_hours((hash(i) % (560 * 24) + 360)::BIGINT),
                   TIMESTAMP '2025-01-01' + to_hours((hash(i) % (560 * 24) + hash(i) % 500)::BIGINT),
                   1, NULL, 1
            FROM range({max(n // 1000, 10)}) r(i)"""
    )
    con.execute("CHECKPOINT")
    con.close()


def median_of(fn: Callable[[], object], runs: int = 5) -> float:
    fn()  # warm the file cache and DuckDB's catalog
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure(path: Path, n: int, units: int, built: float, profiles: dict) -> None:
    """Print one line per profile: median figure time and its ratio to the count(*) baseline."""
    con = warehouse.connect(path, read_only=True)
    unit = "xa-7"
    rows = con.execute("SELECT count(*) FROM cases WHERE unit = ?", [unit]).fetchall()[0][0]
    base = median_of(
        lambda: con.execute("SELECT count(*) FROM cases WHERE unit = ?", [unit]).fetchall()
    )
    for name, profile in profiles.items():
        t = median_of(lambda p=profile: compute_figures(con, unit, PERIOD, p))
        print(
            f"{n:>11,} {units:>5} {rows:>9,} {built:>8.1f} {base:>10.4f} "
            f"{name:>10} {t:>9.3f} {t / base:>7.1f}",
            flush=True,
        )
    con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--units", type=int, default=100)
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the generated warehouses")
    args = ap.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="tthc-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    profiles = {"default": load_profile("default"), "an-truong": load_profile("an-truong")}
    print(
        f"{'cases':>11} {'units':>5} {'unit rows':>9} {'build s':>8} {'count(*) s':>10} "
        f"{'profile':>10} {'figures s':>9} {'ratio':>7}"
    )
    try:
        for n in args.sizes:
            path = folder / f"bench-{n}-{args.units}.duckdb"
            t0 = time.perf_counter()
            if not path.exists():
                build(path, n, args.units)
            built = time.perf_counter() - t0
            measure(path, n, args.units, built, profiles)
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
