"""Run every benchmark script in this folder, one process each, and echo what they print.

Benchmarks are never part of the test suite: they print medians and ratios against a baseline
measured in the same process, for the targets the issues name.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        rc = subprocess.call([sys.executable, str(script), *sys.argv[1:]])
        failed += rc != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
