"""The bad-input corpus through the real command line (issue 13, item 1): no traceback, no
signal, no row unaccounted for; each kind's documented outcome. See ``tests/corpus``.

Every selected kind is built first (in this process), then all their ``tthc`` commands run in
parallel subprocesses (one per core), then each kind's test checks its own result: a run costs
about a second of interpreter start-up, so running them side by side is what keeps the corpus
short as it grows.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import tempfile
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import corpus
import pytest
from corpus.framework import (
    AREAS,
    KINDS,
    Kind,
    Unsupported,
    Workspace,
    check_never,
    execute,
    fresh_root,
    remove,
)

for module in pkgutil.iter_modules(corpus.__path__):
    if module.name.startswith("kinds_"):
        importlib.import_module(f"corpus.{module.name}")


# The first kind's test pays for running every selected kind (the module fixture): about 4 s a
# kind on two loaded cores, 15 minutes for the whole corpus. The suite's 600 s timeout would cut
# that short; each run has its own limit (execute: 180 s), so this is only a guard against the
# runner itself hanging, allowing 10 s a kind.
pytestmark = pytest.mark.timeout(max(600, 10 * len(KINDS)))


def params() -> list:
    out = []
    for k in KINDS:
        marks = []
        if k.finding:
            marks.append(pytest.mark.xfail(strict=True, reason=f"fuzz-findings-13w.md {k.finding}"))
        out.append(pytest.param(k, id=k.name, marks=marks))
    return out


@pytest.fixture(scope="module")
def results(request):
    """name -> (workspace, finished process or the error of building/running it)."""
    selected = {
        item.callspec.params["kind"].name
        for item in request.session.items
        if getattr(item, "callspec", None) and "kind" in item.callspec.params
    }
    base = Path(tempfile.gettempdir())
    done: dict[str, tuple[Workspace, object]] = {}
    runs = {}
    for k in KINDS:
        if k.name not in selected:
            continue
        w = Workspace(fresh_root(base))
        try:
            runs[k.name] = (w, k.build(w))
        except Exception:
            done[k.name] = (w, traceback.format_exc())
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        futures = {name: (w, pool.submit(execute, run, w)) for name, (w, run) in runs.items()}
        for name, (w, future) in futures.items():
            try:
                done[name] = (w, future.result())
            except Unsupported as exc:
                done[name] = (w, exc)
            except Exception:
                done[name] = (w, traceback.format_exc())
    yield done
    for w, _ in done.values():
        remove(w.root)


@pytest.mark.parametrize("kind", params())
def test_kind(kind: Kind, results) -> None:
    w, proc = results[kind.name]
    if isinstance(proc, Unsupported):
        pytest.skip(f"cannot simulate here: {proc}")
    assert not isinstance(proc, str), f"building or running the kind failed:\n{proc}"
    check_never(proc)
    kind.outcome.check(proc, w)
    for check in w.checks:
        check()


def test_kinds_are_named_once_and_documented() -> None:
    names = [k.name for k in KINDS]
    assert len(names) == len(set(names)), "a kind name is used twice"
    assert all(k.doc and k.area in AREAS for k in KINDS)
    # Issue 13: at least 150 distinct kinds, and every area has some.
    assert len(KINDS) >= 150
    assert {k.area for k in KINDS} == set(AREAS)
