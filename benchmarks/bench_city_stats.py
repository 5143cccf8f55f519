"""Benchmark (issue 11 (a)): `tthc stats --city` for a city of 114 units.

Two warehouses, built once into --dir and reused:

- ``sample``: the sample city, `tthc sample --city hai-phong --units 114` ingested with
  `tthc ingest` (province-level exports split to their units: about 200,000 cases);
- ``heavy``: 114 copies of the An Trường sample (each 13,161 cases: 1.5 million), the ingested
  sample cloned under 114 unit slugs with SQL (tests/city_fixture.py's clone_unit), all under
  the an-truong profile.

Each is timed in this process, warehouse opened read-only as the CLI does: the whole command
`tthc stats --city … --month 2026-06 --json` (stdout to /dev/null) and the computation alone
(:func:`tthc.stats.city.compute_city`), median of --runs runs after one warm-up. The baseline,
measured in the same process: `tthc stats --unit … --json` of one unit (median), times 114 —
the cost of the city done one unit at a time — and, once, every unit's single-unit
computation in a row. Wall and CPU seconds are printed: the machine is shared, and the CPU
time of this process is what contention does not inflate.

    .venv/bin/python benchmarks/bench_city_stats.py [--runs 5] [--dir /tmp/tthc-bench-city]
        [--only sample|heavy]

Target: ≤ 2 s for 114 units.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

UNITS = 114
TARGET_S = 2.0
REPO = Path(__file__).resolve().parent.parent
TTHC = str(Path(sys.executable).with_name("tthc"))


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """(median wall, median CPU) seconds of ``fn`` over ``runs`` runs after a warm-up."""
    fn()
    walls, cpus = [], []
    for _ in range(runs):
        c, w = cpu(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(cpu() - c)
    return statistics.median(walls), statistics.median(cpus)


def build_sample(folder: Path) -> tuple[Path, Path]:
    """The sample city of 114 units, ingested: (warehouse, params)."""
    db, exports = folder / "sample.duckdb", folder / "sample"
    if not db.exists():
        t = time.perf_counter()
        subprocess.run(
            [TTHC, "sample", "--city", "hai-phong", "--units", str(UNITS), "--out", str(exports)],
            check=True, capture_output=True,
        )  # fmt: skip
        env = {**os.environ, "TTHC_PARAMS": str(exports / "params")}
        files = sorted(str(p) for p in exports.glob("*.csv"))
        subprocess.run(
            [TTHC, "ingest", "--db", str(db), *files], check=True, capture_output=True, env=env
        )
        print(f"# built sample city warehouse in {time.perf_counter() - t:.0f} s", flush=True)
    return db, exports / "params"


def build_heavy(folder: Path) -> tuple[Path, Path]:
    """114 copies of the An Trường sample, cloned with SQL: (warehouse, params)."""
    sys.path.insert(0, str(REPO / "tests"))
    from city_fixture import city_params, clone_unit

    from tthc import warehouse

    db = folder / "heavy.duckdb"
    units = ("an-truong", *(f"xa-{i:03d}" for i in range(1, UNITS)))
    params = city_params(folder / "heavy-params", units, city="hai-phong")
    if not db.exists():
        t = time.perf_counter()
        exports = folder / "an-truong"
        subprocess.run([TTHC, "sample", "--out", str(exports)], check=True, capture_output=True)
        files = sorted(str(p) for p in exports.iterdir())
        subprocess.run(
            [TTHC, "ingest", "--db", str(db), "--unit", "an-truong", *files],
            check=True, capture_output=True, env={**os.environ, "TTHC_PARAMS": str(params)},
        )  # fmt: skip
        con = warehouse.connect(db)
        for unit in units[1:]:
            clone_unit(con, "an-truong", unit)
        con.execute("CHECKPOINT")
        con.close()
        print(f"# built heavy warehouse in {time.perf_counter() - t:.0f} s", flush=True)
    return db, params


def measure(name: str, db: Path, params: Path, runs: int) -> None:
    os.environ["TTHC_PARAMS"] = str(params)
    from tthc import warehouse
    from tthc.cli import main
    from tthc.stats.city import compute_city, load_city_profiles
    from tthc.stats.figures import compute_figures
    from tthc.stats.periods import month_period

    period = month_period(2026, 6)
    loaded = load_city_profiles("hai-phong")
    units = loaded.units
    con = warehouse.connect(db, read_only=True)
    cases = con.execute("SELECT count(*) FROM cases").fetchall()[0][0]

    def cli(*argv: str) -> None:
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
            assert main(["stats", "--db", str(db), *argv, "--month", "2026-06", "--json"]) == 0

    def city() -> None:
        compute_city(
            con, "hai-phong", units, period, profiles=loaded.profiles,
            city_profile=loaded.profile, procedures=False, names=loaded.names,
        )  # fmt: skip

    unit = units[len(units) // 2]
    with contextlib.redirect_stderr(io.StringIO()):
        single_cli = timed(lambda: cli("--unit", unit), runs)
        city_cli = timed(lambda: cli("--city", "hai-phong"), runs)
    city_api = timed(city, runs)
    single_api = timed(lambda: compute_figures(con, unit, period, loaded.profiles[unit]), runs)
    c, w = cpu(), time.perf_counter()
    for u in units:
        compute_figures(con, u, period, loaded.profiles[u])
    each = (time.perf_counter() - w, cpu() - c)
    con.close()
    n = len(units)
    base = single_cli[0] * n
    print(
        f"{name:>6} {n:>5} {cases:>10,} | stats --city {city_cli[0]:6.2f} s (cpu {city_cli[1]:6.2f})"
        f" | compute_city {city_api[0]:6.2f} s (cpu {city_api[1]:6.2f})"
        f" | stats --unit {single_cli[0]:5.2f} s ×{n} = {base:7.1f} s, ratio {city_cli[0] / base:6.3f}"
        f" | {n} units one by one {each[0]:6.1f} s (cpu {each[1]:6.1f})"
        f" | single compute {single_api[0]:5.2f} s"
        f" | target {TARGET_S:.0f} s: {'met' if city_cli[0] <= TARGET_S else 'NOT met'}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", default="/tmp/tthc-bench-city")
    parser.add_argument("--only", choices=("sample", "heavy"))
    args, _ = parser.parse_known_args()
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    print(f"# load: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; runs: {args.runs}")
    if args.only in (None, "sample"):
        measure("sample", *build_sample(folder), args.runs)
    if args.only in (None, "heavy"):
        measure("heavy", *build_heavy(folder), args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
