"""How long `tthc sample` takes: the whole command in a fresh process (what a user waits for),
and in-process the generation and the xlsx writing separately. Target: under 3 s per run.

Prints medians over --runs runs (default 5), wall and CPU time; the CPU figure is what this
process cost, the wall figure also includes whatever else the shared machine was doing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 3.0


def timed(fn) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args, _ = parser.parse_known_args()

    tthc = Path(sys.executable).with_name("tthc")
    with tempfile.TemporaryDirectory() as tmp:
        cli_wall = []
        for i in range(args.runs):
            out = Path(tmp) / f"cli{i}"
            w = time.perf_counter()
            subprocess.run(
                [str(tthc), "sample", "--out", str(out)], check=True, capture_output=True
            )
            cli_wall.append(time.perf_counter() - w)

        from tthc.sample import generate, write_sample

        gen = [timed(generate) for _ in range(args.runs)]
        full = [timed(lambda i=i: write_sample(Path(tmp) / f"api{i}")) for i in range(args.runs)]

    med = statistics.median
    cli = med(cli_wall)
    print(f"tthc sample (new process)   wall median {cli:.2f} s   target < {TARGET_S:.1f} s")
    print(
        f"generate() in process       wall {med(w for w, _ in gen):.2f} s"
        f"   cpu {med(c for _, c in gen):.2f} s"
    )
    print(
        f"write_sample() in process   wall {med(w for w, _ in full):.2f} s"
        f"   cpu {med(c for _, c in full):.2f} s"
    )
    print(f"ratio to target: {cli / TARGET_S:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
