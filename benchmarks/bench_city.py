"""How long the sample city takes: `tthc sample --city hai-phong --units 114` (target: under
30 s, issue 11 item 3) and the ingest of its province-level exports without --unit (split to
114 units).

Each is timed as the whole command in a fresh process (what a user waits for), median over
--runs runs (default 3). The baseline, in the same process run, is the single-unit sample: `tthc
sample --out` and its ingest with --unit an-truong; the ratio says what 113 more communes cost.
Wall times include whatever else the shared machine was doing; CPU times (of the child
processes) do not.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tthc.sample.city import CASES_FILE

TARGET_S = 30.0
UNITS = 114


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall, cpu) seconds of one command in a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    w = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - w
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--units", type=int, default=UNITS)
    args, _ = parser.parse_known_args()
    tthc = str(Path(sys.executable).with_name("tthc"))
    med = statistics.median
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        single, city, single_in, city_in = [], [], [], []
        for i in range(args.runs):
            s, c = base / f"s{i}", base / f"c{i}"
            single.append(timed([tthc, "sample", "--out", str(s)]))
            city.append(
                timed(
                    [
                        tthc,
                        "sample",
                        "--city",
                        "hai-phong",
                        "--units",
                        str(args.units),
                        "--out",
                        str(c),
                    ]
                )
            )
            files = sorted(str(p) for p in s.iterdir())
            single_in.append(
                timed(
                    [
                        tthc,
                        "ingest",
                        "--db",
                        str(base / f"s{i}.duckdb"),
                        "--unit",
                        "an-truong",
                        *files,
                    ]
                )
            )
            env = {**os.environ, "TTHC_PARAMS": str(c / "params")}
            files = sorted(str(p) for p in c.iterdir() if p.is_file())
            city_in.append(timed([tthc, "ingest", "--db", str(base / f"c{i}.duckdb"), *files], env))
        # Data rows: every line but the 5 title lines, the blank line and the header.
        rows = len((c / CASES_FILE).read_text(encoding="utf-8-sig").splitlines()) - 7

    def line(label: str, runs: list[tuple[float, float]]) -> float:
        wall = med(w for w, _ in runs)
        print(f"{label:<44} wall median {wall:6.2f} s   cpu {med(c for _, c in runs):6.2f} s")
        return wall

    s_wall = line("tthc sample (An Trường, baseline)", single)
    c_wall = line(f"tthc sample --city hai-phong --units {args.units}", city)
    si_wall = line("tthc ingest --unit an-truong (baseline)", single_in)
    ci_wall = line(f"tthc ingest, no --unit ({args.units} units)", city_in)
    print(
        f"city sample: ratio to target {c_wall / TARGET_S:.2f} (< 1 meets {TARGET_S:.0f} s); "
        f"ratio to the one-unit sample {c_wall / s_wall:.2f}"
    )
    print(
        f"city ingest: {rows:,} case rows, {rows / ci_wall:,.0f} rows/s; "
        f"ratio to the one-unit ingest {ci_wall / si_wall:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
