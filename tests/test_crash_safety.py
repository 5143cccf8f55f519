"""Crash safety (issue 13, item 7): an ingest killed with SIGKILL at any point leaves the
warehouse exactly as before that ingest or exactly as after it, and the warehouse still opens.

A real ``tthc ingest`` process ingests the sample's 13,161-row case list into a warehouse that
already holds the catalogue and the PAKN list, and is killed (SIGKILL, no chance to clean up):

- at random times spread over the length of an uninterrupted run (seeded: ``TTHC_CRASH_SEED``
  picks other times; the seed is in the test id so that a failure can be replayed);
- at the moments that matter most: while the backup is being copied (``<db>.bak.tmp`` exists),
  and while DuckDB commits (its ``<db>.wal`` exists).

After each kill every table is compared, row by row, with the two states measured from an
uninterrupted run (only ``ingests.ingested_at``, the clock, is left out). Then the warehouse is
opened read-only (as ``tthc stats`` does) and the same ingest is run again to the end, which
must reach the "after" state: a crash never leaves anything that blocks the next ingest.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from warehouse_helpers import table_contents

from tthc.sample import CASES_FILE, write_sample
from tthc.warehouse import backup_path, wal_path

UNIT = "an-truong"
SEED = int(os.environ.get("TTHC_CRASH_SEED", "13"))
RANDOM_KILLS = 6


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every table, through tthc's own read-only open (so the warehouse must open)."""
    return table_contents(db, through_tthc=True)


def ingest_cmd(db: Path, export: Path) -> list[str]:
    return [sys.executable, "-m", "tthc", "ingest", "--db", str(db), "--unit", UNIT, str(export)]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> dict:
    """The sample exports, the warehouse before the case list, and the two states to compare."""
    from tthc.ingest.pipeline import ingest_paths

    root = tmp_path_factory.mktemp("crash")
    exports = root / "sample"
    write_sample(exports)
    cases = exports / CASES_FILE
    before = root / "before" / "w.duckdb"
    others = sorted(p for p in exports.iterdir() if p != cases)
    assert all(r.counts.rejected == 0 for r in ingest_paths(before, UNIT, others))
    reference = root / "reference" / "w.duckdb"
    reference.parent.mkdir()
    shutil.copyfile(before, reference)
    t0 = time.monotonic()
    subprocess.run(ingest_cmd(reference, cases), check=True, capture_output=True)
    duration = time.monotonic() - t0
    states = {"before": snapshot(before), "after": snapshot(reference)}
    assert len(states["after"]["cases"]) == 13161 + len(states["before"]["cases"])
    return {"root": root, "cases": cases, "before_db": before, "duration": duration, **states}


def trial_db(world: dict, name: str) -> Path:
    db = world["root"] / name / "w.duckdb"
    db.parent.mkdir()
    shutil.copyfile(world["before_db"], db)
    return db


def kill_when(db: Path, export: Path, ready: Callable[[float], bool], limit: float) -> bool:
    """Start the ingest, SIGKILL it as soon as ``ready(elapsed)`` holds; True if it was killed."""
    proc = subprocess.Popen(
        ingest_cmd(db, export), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    t0 = time.monotonic()
    try:
        while proc.poll() is None and time.monotonic() - t0 < limit:
            if ready(time.monotonic() - t0):
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.0005)
    finally:
        if proc.poll() is None and time.monotonic() - t0 >= limit:
            proc.kill()
        _, err = proc.communicate()
    if proc.returncode == -signal.SIGKILL:
        return True
    assert proc.returncode == 0 and b"Traceback" not in err, err.decode()
    return False


def check_recovered(world: dict, db: Path) -> str:
    """The warehouse is one of the two states; the same ingest then completes it."""
    state = snapshot(db)
    which = next((k for k in ("before", "after") if state == world[k]), None)
    assert which is not None, {t: len(r) for t, r in state.items()}
    if backup_path(db).exists():  # a backup that did complete is the state before the ingest
        assert snapshot(backup_path(db)) == world["before"]
    done = subprocess.run(ingest_cmd(db, world["cases"]), capture_output=True, text=True)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert snapshot(db) == world["after"]
    return which


def random_times(duration: float) -> list[float]:
    rng = random.Random(SEED)
    # One kill in each slice of the run, so that start-up, reading, staging and commit all get one.
    return [duration * (i + rng.random()) / RANDOM_KILLS for i in range(RANDOM_KILLS)]


@pytest.mark.slow
@pytest.mark.parametrize("slot", range(RANDOM_KILLS), ids=lambda i: f"seed{SEED}-slot{i}")
def test_sigkill_at_a_random_time(world: dict, slot: int) -> None:
    at = random_times(world["duration"])[slot]
    db = trial_db(world, f"random-{slot}")
    killed = kill_when(db, world["cases"], lambda t: t >= at, limit=120)
    which = check_recovered(world, db)
    assert killed or which == "after"


def moment(name: str, db: Path) -> Callable[[float], bool]:
    """When to kill: as soon as the file system shows the ingest at that step."""
    size = db.stat().st_size
    return {
        # the backup copy is being written: the previous backup must survive whole
        "backup-copy": lambda _t: db.with_name(db.name + ".bak.tmp").exists(),
        # DuckDB is writing the transaction to its log: a torn log is not a commit
        "commit": lambda _t: wal_path(db).exists(),
        # the log is complete and being copied into the file: replaying it completes the ingest
        "checkpoint": lambda _t: wal_path(db).exists() and db.stat().st_size > size,
    }[name]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "expected"),
    [("backup-copy", "before"), ("commit", None), ("checkpoint", "after")],
    ids=["while-copying-the-backup", "while-writing-the-log", "while-checkpointing"],
)
def test_sigkill_at_the_critical_moments(world: dict, name: str, expected: str | None) -> None:
    for attempt in range(3):  # a busy machine can hide a 10 ms step from the poller: try again
        db = trial_db(world, f"{name}-{attempt}")
        shutil.copyfile(db, backup_path(db))  # an older backup that a cut copy must not spoil
        if kill_when(db, world["cases"], moment(name, db), limit=120):
            break
    else:
        pytest.fail(f"three ingests ended before the moment '{name}' was seen")
    which = check_recovered(world, db)
    assert expected in (None, which)
