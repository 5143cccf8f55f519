"""Stopping a report run cleanly on Ctrl-C (SIGINT) or kill (SIGTERM).

A stop must leave no traceback on the terminal, no kernel running and no report folder that
looks finished. How:

- While a kernel is starting or executing, the handler does not raise: an exception thrown into
  the kernel client's event loop (nbclient on asyncio) leaves a task behind that later prints
  "Task exception was never retrieved … DeadKernelError" in English. It kills the kernel instead;
  the execution then ends at once on the dead kernel, and the runner, seeing the request, raises
  :class:`Stopped` at its next step (:func:`check`).
- Anywhere else the handler raises :class:`Stopped` at once; the runner's ``finally`` removes the
  report's staging folder (``tthc.report.runner``), so nothing half-made is left.
- Pool workers ignore SIGINT (Ctrl-C reaches every process of the terminal's foreground group)
  and are sent SIGTERM by the main process, which they handle the same way; an idle worker
  leaves quietly (``SystemExit``), shutting its kernel down on the way out.

The CLI prints ``Stopped.message``, one Vietnamese line, and exits with 128 + the signal number.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import threading
from collections.abc import Iterator
from typing import Any

_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_HOW = {"SIGINT": "Ctrl-C", "SIGTERM": "tín hiệu dừng SIGTERM"}


class Stopped(KeyboardInterrupt):
    """The run was asked to stop by a signal (``signame``: 'SIGINT' or 'SIGTERM')."""

    def __init__(self, signame: str = "SIGINT") -> None:
        super().__init__(signame)
        self.signame = signame

    @property
    def exit_code(self) -> int:
        return 128 + int(signal.Signals[self.signame])

    @property
    def message(self) -> str:
        how = _HOW.get(self.signame, self.signame)
        return (
            f"Đã dừng theo yêu cầu ({how}): kernel đã tắt, báo cáo đang lập dở không được lưu; "
            "báo cáo đã lập xong trước đó vẫn giữ nguyên."
        )


class _State:
    requested: str | None = None  # the signal's name once a stop is asked for
    kernel: Any = None  # the kernel starting or executing now in this process
    in_job = False  # a worker is making a report (else it is idle)
    worker = False


_state = _State()


def requested() -> bool:
    """A stop has been asked for in this process."""
    return _state.requested is not None


def check() -> None:
    """Raise :class:`Stopped` when a stop has been asked for."""
    if _state.requested is not None:
        raise Stopped(_state.requested)


def _handle(signum: int, frame: Any) -> None:
    name = signal.Signals(signum).name
    if _state.requested is None:
        _state.requested = name
    if not _state.worker:
        for child in multiprocessing.active_children():  # pool workers stop the same way
            with contextlib.suppress(Exception):
                child.terminate()
    if _state.kernel is not None:
        _state.kernel.kill()  # execution ends on the dead kernel; the runner then stops
        return
    if _state.worker and not _state.in_job:
        raise SystemExit(0)  # an idle worker: leave quietly (finalizers shut its kernel down)
    raise Stopped(_state.requested)


@contextlib.contextmanager
def handling_signals() -> Iterator[None]:
    """SIGINT and SIGTERM stop the run cleanly while inside (main thread only; else nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in _SIGNALS}
    _state.requested = None
    for s in _SIGNALS:
        signal.signal(s, _handle)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        _state.requested = None
        _state.kernel = None


def install_in_worker() -> None:
    """For a pool worker process: ignore SIGINT, stop cleanly on SIGTERM from the main process."""
    _state.worker = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _handle)


@contextlib.contextmanager
def kernel_busy(kernel: Any) -> Iterator[None]:
    """While inside, a stop kills ``kernel`` (anything with ``kill()``) instead of raising."""
    check()  # asked before the kernel was registered
    _state.kernel = kernel
    try:
        yield
    finally:
        _state.kernel = None


@contextlib.contextmanager
def in_job() -> Iterator[None]:
    """Marks a report being made (a worker asked to stop then unwinds it, cleaning up)."""
    _state.in_job = True
    try:
        yield
    finally:
        _state.in_job = False


@contextlib.contextmanager
def children_ignore_sigint() -> Iterator[None]:
    """Processes started while inside inherit SIGINT ignored (spawned workers would otherwise
    meet Ctrl-C before their initializer runs and print a traceback)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        check()  # a Ctrl-C in this window was ignored here; SIGTERM still counts
