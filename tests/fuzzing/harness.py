"""Driving the worker, the invariants every input must keep, and the findings already known."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from corpus.framework import VIETNAMESE

WORKER = Path(__file__).with_name("worker.py")


class Worker:
    """A long-lived child running :mod:`fuzzing.worker`; restarted after it dies."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TTHC_")}
        proc = subprocess.Popen(
            [sys.executable, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert json.loads(proc.stdout.readline()) == {"ready": True}
        return proc

    def ingest(self, path: Path, db: Path) -> dict:
        """The worker's answer, or ``{"outcome": "signal", …}`` when the input killed it."""
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        try:
            self.proc.stdin.write(json.dumps({"path": str(path), "db": str(db)}) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except BrokenPipeError:
            line = ""
        if line:
            return json.loads(line)
        self.proc.stdin.close()
        rc = self.proc.wait()
        stderr = self.proc.stderr.read()
        self.proc = None
        if rc >= 0:  # the worker itself ended: whatever did it is in its stderr
            return {"outcome": "exception", "error": f"worker exit {rc}", "traceback": stderr}
        return {"outcome": "signal", "signal": -rc, "stderr": stderr}

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


@dataclass(frozen=True)
class Finding:
    """A bug the fuzzer found in code another stream is rewriting (see the notes file): the
    bounded fuzz run counts it instead of failing, and ``tests/test_fuzz_findings.py`` holds it
    as a strict xfail until it is fixed."""

    id: str
    where: str
    pattern: str  # searched in the traceback or the stderr of the signal

    def matches(self, answer: dict) -> bool:
        text = answer.get("traceback", "") + answer.get("stderr", "")
        return bool(re.search(self.pattern, text, re.S))


KNOWN: tuple[Finding, ...] = ()  # F1–F7 fixed (tests/test_fuzz_findings.py keeps them so)


def known(answer: dict) -> Finding | None:
    if answer["outcome"] not in ("exception", "signal"):
        return None
    return next((f for f in KNOWN if f.matches(answer)), None)


def check(answer: dict) -> None:
    """The invariants: a clean refusal or a result with every row accounted for."""
    outcome = answer["outcome"]
    if outcome == "signal":
        head = answer["stderr"][:1500]  # a Rust abort says why first, then a long backtrace
        raise AssertionError(f"killed by signal {signal.Signals(answer['signal']).name}: {head}")
    if outcome == "exception":
        raise AssertionError(f"uncaught exception:\n{answer['traceback']}")
    if outcome == "refused":
        error = answer["error"]
        assert "\n" not in error and VIETNAMESE.search(error), error
        return
    r = answer["result"]
    total = r["inserted"] + r["updated"] + r["unchanged"] + r["rejected"]
    assert r["rows_read"] == total, f"rows unaccounted for: {r}"
    assert min(r[k] for k in ("rows_read", "inserted", "updated", "unchanged", "rejected")) >= 0


def check_cli(proc: subprocess.CompletedProcess) -> None:
    """The same invariants for one ``tthc ingest --json`` run."""
    assert proc.returncode >= 0, f"killed by signal {-proc.returncode}: {proc.stderr[-1500:]}"
    assert "Traceback" not in proc.stderr and "panicked" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode in (0, 2), (proc.returncode, proc.stderr)
    for line in proc.stderr.splitlines():
        assert line.startswith("Lỗi: ") and VIETNAMESE.search(line), line
    if proc.returncode == 0:
        r = json.loads(proc.stdout)
        assert r["rows_read"] == r["inserted"] + r["updated"] + r["unchanged"] + r["rejected"], r
