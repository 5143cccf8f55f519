"""`make fuzz`: the fuzz tests of tests/test_fuzz.py for a fixed time, with fresh seeds.

    .venv/bin/python scripts/fuzz.py [--minutes 30] [--examples 300]

Runs ``pytest tests/test_fuzz.py`` in rounds with ``TTHC_FUZZ=long`` (hundreds of examples per
test, not derandomized, hypothesis' example database in ``.hypothesis/fuzz``) and a new
``--hypothesis-seed`` each round, until the time is up (the last round is interrupted at the
deadline, which is not a failure). Prints each round's seed and result, which known findings
(``tests/fuzzing/harness.py``) were met, and keeps the output of every failing round in
``.hypothesis/fuzz/round-<n>.log``. Exit 1 if any round failed: record the failure in
``notes/fuzz-findings-13w.md`` and turn it into a test.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--examples", type=int, default=300, help="examples per test and round")
    args = ap.parse_args()
    logs = ROOT / ".hypothesis" / "fuzz"
    logs.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + args.minutes * 60
    env = {**os.environ, "TTHC_FUZZ": "long", "TTHC_FUZZ_EXAMPLES": str(args.examples)}
    failed: list[int] = []
    findings: set[str] = set()
    rounds = 0
    started = time.monotonic()
    while time.monotonic() < deadline:
        rounds += 1
        seed = random.SystemRandom().randrange(2**32)
        cmd = [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_fuzz.py",
            f"--hypothesis-seed={seed}", "--hypothesis-show-statistics", "-x",
        ]  # fmt: skip
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        try:
            out, _ = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
            stopped = False
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)  # hypothesis stops, pytest reports what it ran
            out, _ = proc.communicate()
            stopped = True
        findings |= set(re.findall(r"known finding (F\d+)", out))
        summary = (out.strip().splitlines() or ["(no output)"])[-1]
        if proc.returncode not in (0, 2) or (proc.returncode == 2 and not stopped):
            failed.append(rounds)
            (logs / f"round-{rounds}.log").write_text(out)
            state = f"FAILED (log: .hypothesis/fuzz/round-{rounds}.log)"
        else:
            state = "stopped at the deadline" if stopped else "ok"
        print(f"round {rounds}, seed {seed}: {state}; {summary}", flush=True)
    minutes = (time.monotonic() - started) / 60
    print(
        f"fuzzed {minutes:.1f} min in {rounds} rounds; failing rounds: {failed or 'none'}; "
        f"known findings met: {', '.join(sorted(findings)) or 'none'}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
