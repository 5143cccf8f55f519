"""Executing the report notebook with papermill on a kernel kept warm per worker.

A fresh kernel per report costs about a second (start, then importing pandas, matplotlib, seaborn
and tthc); a batch of a hundred communes pays it a hundred times. So each worker process keeps one
:class:`WarmKernel` and, before every report, resets it to the state a fresh kernel would have after
the same imports: user namespace cleared (``%reset -f``), figures closed, matplotlib rcParams,
inline figure formats, pandas options and the working directory restored, execution counter back
to 1. Every report, the first one included, runs after that reset, so a report made in a batch and
one made alone go through the same steps (``tests/test_report_runner.py`` proves they are equal).
The kernel is replaced by a fresh one after a failed report, after :attr:`WarmKernel.recycle_after`
reports, and when it dies; a kernel is never restarted in place (that hung in measurements).

Kernels talk over IPC sockets in a private folder rather than TCP ports: parallel kernels starting
at once on TCP occasionally collide on ports. A kernel that fails to start is retried once, and
every execution runs under an outer hard timeout that kills the kernel if papermill's own cell
timeout does not fire.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tthc.errors import ReportError
from tthc.logfile import open_log
from tthc.report import stop
from tthc.report.fastimport import KERNEL_CODE

KERNEL_NAME = "python3"
START_TIMEOUT = 60  # seconds for a kernel to answer kernel_info
EXECUTION_TIMEOUT = 300  # seconds per cell (papermill/nbclient)
HARD_TIMEOUT = 900  # seconds for a whole notebook, enforced by killing the kernel

# Run once in a new kernel: import what every report imports, then remember the state that
# RESET_CODE restores. The state lives in a module of its own so %reset cannot delete it. Every
# part of the snapshot is taken after the imports, so what modules set at import time is part of
# it, and a reset right after the warm-up changes nothing (the first report skips it).
WARMUP_CODE = """
def _tthc_warm_up():
    import os, sys, types, warnings
    st = types.ModuleType("_tthc_kernel_state")
    sys.modules["_tthc_kernel_state"] = st
    import matplotlib
    import matplotlib.pyplot
    for name in ("pandas", "numpy", "duckdb", "seaborn", "tthc.stats.figures",
                 "tthc.stats.series", "tthc.render.report", "tthc.render.charts",
                 "tthc.report.narrative"):
        try:
            __import__(name)
        except ImportError:
            pass
    st.cwd = os.getcwd()
    st.path = list(sys.path)
    st.rc = matplotlib.rcParams.copy()
    st.warnings = list(warnings.filters)
    st.figure_mimes = _tthc_figure_mimes()
    try:
        from matplotlib_inline.backend_inline import InlineBackend
        st.formats = tuple(InlineBackend.instance().figure_formats)
    except ImportError:
        st.formats = None
    st.pandas = _tthc_pandas_options() if "pandas" in sys.modules else None

def _tthc_figure_mimes():
    # Which display formats render a matplotlib Figure (set_matplotlib_formats changes them).
    from matplotlib.figure import Figure
    formatters = get_ipython().display_formatter.formatters
    return tuple(sorted(m for m, f in formatters.items() if Figure in f.type_printers))

def _tthc_pandas_options():
    # Every pandas option by name, through the public pd.options tree.
    import warnings
    import pandas as pd
    out = {}
    def walk(node, prefix):
        for key in dir(node):
            value = getattr(node, key)
            if type(value).__name__ == "DictWrapper":
                walk(value, prefix + key + ".")
            else:
                out[prefix + key] = value
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        walk(pd.options, "")
    return out

import sys as _sys, types as _types
_sys.modules["_tthc_kernel_helpers"] = _types.SimpleNamespace(
    figure_mimes=_tthc_figure_mimes, pandas_options=_tthc_pandas_options
)
_tthc_warm_up()
del _sys, _types, _tthc_warm_up, _tthc_figure_mimes, _tthc_pandas_options
"""

RESET_CODE = """
get_ipython().run_line_magic("reset", "-f")
def _tthc_reset(env):
    import os, sys, warnings
    st = sys.modules["_tthc_kernel_state"]
    helpers = sys.modules["_tthc_kernel_helpers"]
    os.chdir(st.cwd)
    for key in [k for k in os.environ if k.startswith("TTHC_") and k not in env]:
        del os.environ[key]
    os.environ.update(env)
    sys.path[:] = st.path
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib, matplotlib.pyplot as plt
        plt.close("all")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            matplotlib.rcParams.clear()
            matplotlib.rcParams.update(st.rc)
    if st.formats and helpers.figure_mimes() != st.figure_mimes:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
        set_matplotlib_formats(*st.formats)
    if st.pandas is not None:
        import pandas as pd
        now = helpers.pandas_options()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for key, value in st.pandas.items():
                if now.get(key, value) != value:
                    pd.set_option(key, value)
    warnings.resetwarnings()  # also invalidates the modules' cached warning decisions
    warnings.filters[:] = st.warnings
    get_ipython().execution_count = 1
_tthc_reset(%s)
del _tthc_reset
"""


def tthc_env() -> dict[str, str]:
    """This process's ``TTHC_*`` settings (params, warehouse, outputs folders, log)."""
    return {k: v for k, v in os.environ.items() if k.startswith("TTHC_")}


def reset_code() -> str:
    """RESET_CODE with this process's ``TTHC_*`` settings: a kept kernel must see the
    environment of the report it runs, not the one it started in."""
    return RESET_CODE % json.dumps(tthc_env())


class KernelStartError(ReportError):
    """The python3 kernel did not start (twice)."""


@dataclass
class CellFailure:
    """A cell raised: where and why, for the terminal and the manifest."""

    cell_index: int | None
    exec_count: int | None
    source: str
    ename: str
    evalue: str

    @property
    def first_lines(self) -> str:
        lines = [ln for ln in self.source.splitlines() if ln.strip()]
        return "\n".join(lines[:2]) + ("\n…" if len(lines) > 2 else "")

    @property
    def cause(self) -> str:
        value = " ".join(str(self.evalue).split())
        return f"{self.ename}: {value}" if value else self.ename

    def to_json(self) -> dict[str, Any]:
        return {
            "cell_index": self.cell_index,
            "exec_count": self.exec_count,
            "source_first_lines": self.first_lines,
            "ename": self.ename,
            "evalue": str(self.evalue),
        }


class NotebookFailed(Exception):
    """Execution stopped; ``failure`` says where, the partial notebook is at the output path."""

    def __init__(self, failure: CellFailure) -> None:
        super().__init__(failure.cause)
        self.failure = failure


class WarmKernel:
    """One kernel kept alive between reports in this process, reset before each one."""

    def __init__(
        self,
        kernel_name: str = KERNEL_NAME,
        *,
        start_timeout: float = START_TIMEOUT,
        cwd: Path | None = None,
        recycle_after: int = 25,
    ) -> None:
        self.kernel_name = kernel_name
        self.start_timeout = start_timeout
        self.cwd = cwd
        self.recycle_after = recycle_after
        self.km: Any = None
        self.kc: Any = None
        self.uses = 0
        self.starts = 0
        self.last_use = 0  # the number, on its kernel, of the last report acquired
        self._ready = False
        self._launch_env: dict[str, str] = {}  # the TTHC_* settings the kernel started with
        self._ipc_dir: str | None = None
        self._lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------

    def acquire(self) -> tuple[Any, Any]:
        """A started, freshly reset kernel (manager, client)."""
        if self.km is not None and (self.uses >= self.recycle_after or not self._alive()):
            self.shutdown()
        fresh = self.km is None or not self._ready
        if fresh:
            self._start_with_retry()
        # Right after the warm-up the kernel is in the state a reset restores, unless the
        # report's TTHC_* settings are not those it started with (a Dask worker sets them per job).
        if not fresh or self._launch_env != tthc_env():
            self._run(reset_code(), what="đặt lại kernel")
        self.uses += 1
        self.last_use = self.uses
        return self.km, self.kc

    def prestart(self) -> None:
        """Launch the kernel and queue its warm-up without waiting for either.

        The kernel process boots and imports pandas, matplotlib and tthc while this process does
        other work (importing papermill, reading params); :meth:`acquire` then waits for it. A
        failure here is not raised: :meth:`acquire` starts again, with its retry.
        """
        if self.km is not None:
            return
        try:
            self._launch()
        except Exception:
            self.shutdown()

    def _start_with_retry(self) -> None:
        last: BaseException | None = None
        for _attempt in range(2):
            stop.check()  # a stop during a start must not start another kernel
            try:
                if self.km is None:
                    self._launch()
                self._wait_ready()
                return
            except Exception as exc:  # any start failure: socket, timeout, dead process
                last = exc
                self.shutdown()
        raise KernelStartError(
            f"Không khởi động được kernel '{self.kernel_name}' (đã thử lại một lần): {last}. "
            "Chạy 'tthc doctor' để kiểm tra."
        )

    def _launch(self) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self._ipc_dir = tempfile.mkdtemp(prefix="tthc-kernel-")
        self._launch_env = tthc_env()
        km = AsyncKernelManager(
            kernel_name=self.kernel_name,
            transport="ipc",
            ip=os.path.join(self._ipc_dir, "k"),
        )
        self.km = km

        log = open_log()  # the kernel's own messages (English) go to the technical log

        async def start() -> None:
            kwargs: dict[str, Any] = {"cwd": str(self.cwd)} if self.cwd else {}
            out = log if log is not None else subprocess.DEVNULL
            # No IPython history database: parallel kernels would contend for one SQLite file,
            # and setting the execution counter back to 1 clashes with recorded line numbers.
            await km.start_kernel(
                extra_arguments=["--HistoryManager.enabled=False"], stdout=out, stderr=out,
                **kwargs,
            )  # fmt: skip

        try:
            run_sync(start)()
        finally:
            if log is not None:
                log.close()  # the kernel process keeps its own descriptor
        kc = km.client()
        kc.start_channels()
        kc.allow_stdin = False
        self.kc = kc
        # Queued on the shell channel: the kernel runs it first thing, before any kernel_info.
        kc.execute(KERNEL_CODE + WARMUP_CODE, silent=True, store_history=False)
        self._ready = False
        self.starts += 1
        self.uses = 0

    def _wait_ready(self) -> None:
        """Block until the launched kernel answers (so its warm-up, queued first, is done)."""
        from jupyter_core.utils import run_sync

        if self._ready:
            return
        kc = self.kc

        async def ready() -> None:
            await kc.wait_for_ready(timeout=self.start_timeout)

        run_sync(ready)()
        # The warm-up ran unchecked (queued at launch): its last step must have happened.
        self._run(
            "import sys as _s; assert hasattr(_s.modules['_tthc_kernel_state'], 'pandas'); del _s",
            what="khởi tạo kernel",
        )
        self._ready = True

    def _alive(self) -> bool:
        from jupyter_core.utils import run_sync

        async def alive() -> bool:
            return bool(await self.km.is_alive())

        try:
            return run_sync(alive)()
        except Exception:
            return False

    def _run(self, code: str, *, what: str) -> None:
        """Run housekeeping code silently (no execution count, no history)."""
        from jupyter_core.utils import run_sync

        async def run() -> dict:
            return await self.kc.execute_interactive(
                code, silent=True, store_history=False, timeout=self.start_timeout,
                output_hook=lambda msg: None,
            )  # fmt: skip

        reply = run_sync(run)()
        content = reply.get("content", {})
        if content.get("status") != "ok":
            raise ReportError(
                f"Lỗi khi {what}: {content.get('ename', '')}: {content.get('evalue', '')}"
            )

    def kill(self) -> None:
        """Kill the kernel process now (the watchdog's way to stop a hung execution)."""
        km = self.km
        if km is None:
            return
        with contextlib.suppress(Exception):
            proc = getattr(km, "provisioner", None)
            process = getattr(proc, "process", None)
            if process is not None:
                process.kill()

    def shutdown(self) -> None:
        from jupyter_core.utils import run_sync

        km, kc, self.km, self.kc = self.km, self.kc, None, None
        if kc is not None:
            with contextlib.suppress(Exception):
                kc.stop_channels()
        if km is not None:

            async def stop() -> None:
                try:
                    if await km.is_alive():
                        await km.shutdown_kernel(now=True)
                finally:
                    with contextlib.suppress(Exception):
                        await km.cleanup_resources()

            with contextlib.suppress(Exception):
                run_sync(stop)()
        if self._ipc_dir:
            shutil.rmtree(self._ipc_dir, ignore_errors=True)
            self._ipc_dir = None
        self.uses = 0
        self._ready = False


ENGINE_NAME = "tthc-warm-kernel"


def _register_engine() -> None:
    """A papermill engine that drives the kernel *client* we hand it.

    papermill's nbclient engine accepts a kernel manager but not a client (``kc=`` is dropped by
    traitlets with a warning), so nbclient would open a new client per report and never close it.
    """
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    if ENGINE_NAME in papermill_engines._engines:
        return

    class WarmKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: int = 60,
            execution_timeout: float | None = None,
            **kwargs: Any,
        ) -> Any:
            kc = kwargs.pop("kc")
            kwargs = remove_args(["input_path"], **kwargs)
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(
                safe_kwargs,
                timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            client = PapermillNotebookClient(nb_man, **final_kwargs)
            client.kc = kc  # a started client: nbclient then neither creates nor closes one
            return client.execute()

    papermill_engines.register(ENGINE_NAME, WarmKernelEngine)


def execute_notebook(
    notebook: Path,
    output: Path,
    parameters: dict[str, Any],
    kernel: WarmKernel,
    *,
    execution_timeout: float = EXECUTION_TIMEOUT,
    hard_timeout: float = HARD_TIMEOUT,
) -> Any:
    """Execute ``notebook`` into ``output`` with papermill's Python API; return the notebook.

    A failing cell raises :class:`NotebookFailed` (papermill has written the partial notebook, with
    the error, to ``output``); the kernel is then discarded so the next report gets a fresh one.
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    _register_engine()
    km, kc = kernel.acquire()
    timed_out = threading.Event()

    def on_timeout() -> None:
        timed_out.set()
        kernel.kill()

    watchdog = threading.Timer(hard_timeout, on_timeout)
    watchdog.daemon = True
    watchdog.start()
    ok = False
    try:
        nb = papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters,
            engine_name=ENGINE_NAME,
            kernel_name=kernel.kernel_name,
            start_timeout=int(kernel.start_timeout),
            execution_timeout=execution_timeout,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            # The kernel's working directory was fixed when it started; papermill's cwd= would
            # chdir this whole process (unsafe with threads), so only the resources path is given.
            resources={"metadata": {"path": str(notebook.parent)}},
            km=km,
            kc=kc,
        )
        ok = True
        return nb
    except PapermillExecutionError as exc:
        raise NotebookFailed(
            CellFailure(exc.cell_index, exc.exec_count, exc.source or "", exc.ename, exc.evalue)
        ) from exc
    except (DeadKernelError, CellTimeoutError, RuntimeError, TimeoutError) as exc:
        if timed_out.is_set():
            ename, evalue = "Timeout", f"notebook chạy quá {hard_timeout:g} giây, kernel đã bị dừng"
        elif isinstance(exc, CellTimeoutError):
            ename, evalue = "CellTimeoutError", f"một ô lệnh chạy quá {execution_timeout:g} giây"
        else:
            ename, evalue = type(exc).__name__, str(exc).splitlines()[0] if str(exc) else ""
        raise NotebookFailed(CellFailure(None, None, "", ename, evalue)) from exc
    finally:
        watchdog.cancel()
        if not ok:
            kernel.shutdown()
