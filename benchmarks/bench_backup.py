"""What the rolling backup costs an ingest: time and disk, on the sample and on a large warehouse.

    .venv/bin/python benchmarks/bench_backup.py [--rows 200000] [--runs 5]

Builds two warehouses in a temp dir: the An Trường sample (catalogue, 13,161 cases, PAKN) and
one with ``--rows`` generated cases (``bench_ingest``'s export) on top of it. For each, measures
(medians over ``--runs``):

- ``verify``: reading every block (:func:`tthc.warehouse.verify`), which keeps a damaged file
  from replacing a good backup;
- ``copy``: :func:`tthc.backup.make_backup` (shared lock, kernel copy, fsync, rename);
- baseline: ``shutil.copyfile`` of the same file without fsync, in the same process;
- the writable open with and without the backup (``connect(db, backup=True)`` vs
  ``connect(db)``), and an ingest of the sample's small PAKN list for scale.

Prints seconds, the backup's size (= the warehouse's), and ratios to the baseline and the ingest.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def median_s(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def measure(db: Path, pakn: Path, runs: int) -> dict[str, float]:
    from tthc.backup import make_backup
    from tthc.ingest.pipeline import ingest_paths
    from tthc.warehouse import connect, verify

    def verify_once() -> None:
        con = connect(db, read_only=True)
        verify(con, db)
        con.close()

    def ingest_pakn() -> None:
        work = db.with_name("ingest-copy.duckdb")
        shutil.copyfile(db, work)
        t = time.perf_counter()
        ingest_paths(work, "an-truong", [pakn])
        timings.append(time.perf_counter() - t)
        for p in (work, work.with_name(work.name + ".bak")):
            p.unlink(missing_ok=True)

    timings: list[float] = []
    for _ in range(runs):
        ingest_pakn()
    out = {
        "size_mb": db.stat().st_size / 2**20,
        "baseline_copyfile_s": median_s(
            lambda: shutil.copyfile(db, db.with_name("plain-copy")), runs
        ),
        "verify_s": median_s(verify_once, runs),
        "make_backup_s": median_s(lambda: make_backup(db), runs),
        "open_s": median_s(lambda: connect(db).close(), runs),
        "open_with_backup_s": median_s(lambda: connect(db, backup=True).close(), runs),
        "ingest_pakn_with_backup_s": statistics.median(timings),
    }
    out["backup_overhead_s"] = out["open_with_backup_s"] - out["open_s"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    import bench_ingest

    from tthc.ingest.pipeline import ingest_paths
    from tthc.sample import write_sample

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sample = folder / "sample"
        write_sample(sample)
        pakn = next(sample.glob("*pakn*"))
        others = sorted(p for p in sample.iterdir() if p != pakn)
        db = folder / "sample.duckdb"
        ingest_paths(db, "an-truong", others)
        big = folder / "big.duckdb"
        shutil.copyfile(db, big)
        bench_ingest.generate(folder / "big-export", args.rows)
        ingest_paths(big, "an-truong", [folder / "big-export" / "cases.csv"])
        for name, path in (("sample (13,161 cases)", db), (f"+{args.rows:,} cases", big)):
            r = measure(path, pakn, args.runs)
            print(
                f"{name}: warehouse and backup {r['size_mb']:.1f} MB each; verify "
                f"{r['verify_s']:.3f} s, make_backup {r['make_backup_s']:.3f} s (shutil.copyfile "
                f"{r['baseline_copyfile_s']:.3f} s, ratio "
                f"{r['make_backup_s'] / r['baseline_copyfile_s']:.2f}x); writable open "
                f"{r['open_s']:.3f} s -> {r['open_with_backup_s']:.3f} s with the backup "
                f"(+{r['backup_overhead_s']:.3f} s, "
                f"{r['backup_overhead_s'] / r['ingest_pakn_with_backup_s']:.0%} of a "
                f"{r['ingest_pakn_with_backup_s']:.3f} s ingest of the 9-row PAKN list)",
                flush=True,
            )


if __name__ == "__main__":
    main()
