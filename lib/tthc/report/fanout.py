"""Fan-out on Dask (``tthc report --executor dask``): report jobs on a Dask distributed cluster.

A local cluster (``LocalCluster``, ``--workers N`` processes of one thread each) or an existing
scheduler (``--scheduler tcp://host:port``). Workers need no shared disk with the machine that
runs ``tthc report`` (the client):

- **A job carries its inputs.** The unit's rows of the warehouse tables a report reads
  (:data:`SLICE_TABLES`; never ``case_personal``, Nghị định 13/2023) as zstd Parquet bytes, the
  params files the kernel reads (the unit's, every profile, alias and city file, the unit's
  narrative folder) and the report notebook. The client exports the slices of many units in
  one partitioned ``COPY`` per table (:class:`SliceExporter`), a few units ahead of the workers.
- **The worker** builds a small DuckDB warehouse of the slice (cached per slice hash, so the
  months of one unit build it once), points ``TTHC_PARAMS`` and the notebook's ``db`` at its
  copies (or at the client's own files when it sees the very same bytes at the same path: a
  local cluster, a shared disk), and makes the report in a private folder with the same code as
  the process pool (:func:`tthc.report.runner._make_report`), on the worker's one kept kernel
  (:class:`~tthc.report.execute.WarmKernel`, IPC transport: no port races). Every kernel
  operation of a worker runs in one dedicated thread, the one whose asyncio loop the kernel
  client belongs to. It returns the files' bytes and the result.
- **The client** writes them with the staging code (:mod:`tthc.report.staging`, atomic files),
  checks each file's SHA-256 against the manifest, signs the notebook trusted for its own user,
  and records in the manifest which worker made it, on which attempt, from which slice.

A job whose worker process dies while running it (``KilledWorker``) is submitted once more; a
second death is reported as a failed report (a manifest with ``status: failed`` and
``error.stage: worker``). Dask charges a death to every task the worker held, queued ones too;
a worker announces each job it starts (a scheduler event), and a job that died queued, never
started, is sent again without counting as an attempt. On the local cluster the scheduler gives
up on a task at the first death (``allowed-failures: 0``: the retry is tthc's, counted) and each
worker has one ``tthc-kernel`` resource, one per job; an existing scheduler keeps its own
settings, its retries coming before tthc's one. The batch's failure budget (``--max-failures``,
:class:`tthc.report.runner.FailureBudget`) stops the batch: jobs not started are cancelled.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import logging
import os
import shutil
import tempfile
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tthc import atomic
from tthc.errors import ParamsError, ReportError
from tthc.paths import params_dir

# The tables a report reads, each filtered by unit. Not case_personal (personal data stays in
# the warehouse it was allowed into), not case_conflicts (ingest's own record).
SLICE_TABLES = ("ingests", "cases", "procedures", "pakn", "rejects")
# Params folders shipped whole (small, shared by every unit) and per unit.
SHARED_PARAMS = ("profiles", "aliases", "cities")
SLICES_KEPT = 8  # built slice warehouses a worker keeps (the months of a unit reuse one)
PUBLISH_THREADS = 4  # client threads writing reports into place
# A worker resource: one per worker, one per job, so that a worker holds one job at a time and
# a worker's death is charged to the job it was running only. Workers of an existing scheduler
# advertise it with `dask worker --resources tthc-kernel=1` (else jobs are sent unrestricted).
KERNEL_RESOURCE = "tthc-kernel"
STARTED_TOPIC = "tthc-job-started"  # worker event: a job began on a worker
REQUEUES = 3  # times a job a dead worker held but never started is sent again
KILLED_TWICE = (
    "tiến trình worker lập báo cáo này bị dừng đột ngột {n} lần (lần cuối trên {worker}); "
    "báo cáo không lập được."
)

log = logging.getLogger(__name__)


@dataclass
class FanoutStats:
    """What the client spent on a Dask batch (for benchmarks/bench_fanout.py): exporting slices,
    building tasks, writing the reports, and the bytes that went each way."""

    reports: int = 0
    retries: int = 0
    export_seconds: float = 0.0
    submit_seconds: float = 0.0
    publish_seconds: float = 0.0
    bytes_shipped: int = 0
    bytes_returned: int = 0
    worker_seconds: float = 0.0  # sum over reports of the worker's own time for each


LAST_STATS = FanoutStats()  # of the last batch run in this process


# --- what a job carries ----------------------------------------------------------------------


@dataclass(frozen=True)
class DataSlice:
    """One unit's rows as Parquet bytes per table; ``sha256`` names the content."""

    units: tuple[str, ...]
    tables: dict[str, bytes]
    rows: dict[str, int]
    sha256: str

    @property
    def nbytes(self) -> int:
        return sum(len(b) for b in self.tables.values())

    def to_json(self) -> dict[str, Any]:
        return {"units": list(self.units), "tables": self.tables, "rows": self.rows,
                "sha256": self.sha256}  # fmt: skip


class SliceExporter:
    """Exports units' slices from the warehouse, ``chunk`` units per partitioned ``COPY``.

    ``order`` is the units in the order jobs will ask for them: asking for one exports it with
    the next ``chunk - 1`` not exported yet, so one pass over each table serves many jobs. The
    warehouse is opened read-only, only while exporting. Slices are kept until taken
    :meth:`release` (a unit's jobs share one).
    """

    def __init__(self, db: Path, order: Iterable[str], chunk: int = 32) -> None:
        self.db = Path(db)
        self.order = list(dict.fromkeys(order))
        self.chunk = max(1, chunk)
        self._slices: dict[str, DataSlice] = {}
        self._done: set[str] = set()
        self.export_seconds = 0.0

    def get(self, unit: str) -> DataSlice:
        if unit not in self._slices:
            if unit in self._done:  # released early and asked again: export it alone
                self._export([unit])
            else:
                start = self.order.index(unit) if unit in self.order else None
                todo = [unit] if start is None else [
                    u for u in self.order[start:] if u not in self._done
                ][: self.chunk]  # fmt: skip
                self._export(todo)
        return self._slices[unit]

    def get_many(self, units: Sequence[str]) -> DataSlice:
        """One slice holding every unit of ``units`` (a city report reads all its units'
        rows): exported in one query per table, not kept."""
        t0 = time.perf_counter()
        tables, rows = self._query(list(dict.fromkeys(units)), split=False)[""]
        self.export_seconds += time.perf_counter() - t0
        return _slice(tuple(dict.fromkeys(units)), tables, rows)

    def release(self, unit: str) -> None:
        self._slices.pop(unit, None)

    def close(self) -> None:
        self._slices.clear()

    def _export(self, units: list[str]) -> None:
        """One query per table for all ``units``, cut into one slice per unit."""
        t0 = time.perf_counter()
        for unit, (tables, rows) in self._query(units, split=True).items():
            if unit:
                self._slices[unit] = _slice((unit,), tables, rows)
                self._done.add(unit)
        self.export_seconds += time.perf_counter() - t0

    def _query(
        self, units: list[str], *, split: bool
    ) -> dict[str, tuple[dict[str, bytes], dict[str, int]]]:
        """The rows of ``units``, one query per table sorted by unit, as zstd Parquet bytes
        per table: per unit when ``split`` (``""``: a unit without rows), else all under
        ``""``."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        from tthc import warehouse

        con = warehouse.connect(self.db, read_only=True)
        try:
            con.execute("SET enable_progress_bar = false")
            placeholders = ", ".join("?" for _ in units)
            by_table: dict[str, dict[str, pa.Table]] = {}
            for table in SLICE_TABLES:
                data = con.sql(
                    f"SELECT * FROM {table} WHERE unit IN ({placeholders}) ORDER BY unit",
                    params=units,
                ).to_arrow_table()
                if not split:
                    by_table[table] = {"": data}
                    continue
                parts: dict[str, pa.Table] = {"": data.slice(0, 0)}  # a unit without rows
                column = data.column("unit").to_pylist()
                first = 0
                for i in range(1, len(column) + 1):
                    if i == len(column) or column[i] != column[first]:
                        parts[column[first]] = data.slice(first, i - first)
                        first = i
                by_table[table] = parts
        finally:
            con.close()
        out = {}
        for unit in ["", *units] if split else [""]:
            tables, rows = {}, {}
            for table in SLICE_TABLES:
                part = by_table[table].get(unit, by_table[table][""])
                sink = pa.BufferOutputStream()
                pq.write_table(part, sink, compression="zstd", compression_level=6)
                tables[table] = sink.getvalue().to_pybytes()
                rows[table] = part.num_rows
            out[unit] = (tables, rows)
        return out


def _slice(units: tuple[str, ...], tables: dict[str, bytes], rows: dict[str, int]) -> DataSlice:
    digest = hashlib.sha256()
    for table in SLICE_TABLES:
        digest.update(table.encode() + b"\0" + hashlib.sha256(tables[table]).digest())
    return DataSlice(units=units, tables=tables, rows=rows, sha256=digest.hexdigest())


def params_bundle(
    unit: str | Sequence[str], base: Path | None = None, *, narrative: str | None = None
) -> dict[str, Any]:
    """The params files a report's kernel reads, as ``{"client_dir", "files": {rel: bytes}}``.

    The unit's file (every unit's, for a city's report: ``unit`` a list and ``narrative`` the
    city), the narrative folder of ``narrative`` (default: the unit), and every profile, alias
    and city file. A profile named by a path outside the params folder cannot be shipped:
    refused, with what to do.
    """
    from tthc.units import load_unit, unit_file

    units = [unit] if isinstance(unit, str) else list(unit)
    root = base or params_dir()
    files: dict[str, bytes] = {}
    for name in units:
        path = unit_file(name, base)
        if path.is_file():
            files[path.relative_to(root).as_posix()] = path.read_bytes()
        profile = load_unit(name, base).profile
        if "/" in profile or "\\" in profile or profile.endswith((".yaml", ".yml")):
            raise ParamsError(
                f"Đơn vị '{name}' dùng bộ quy ước báo cáo theo đường dẫn '{profile}': khi chạy "
                "trên cụm Dask, hãy đặt tệp vào params/profiles/ và ghi tên bộ quy ước "
                "(profile: <tên>)."
            )
    own = narrative if narrative is not None else units[0]
    for folder in (*SHARED_PARAMS, f"narrative/{own}"):
        top = root / folder
        if top.is_dir():
            for item in sorted(top.rglob("*")):
                if item.is_file() and not item.name.startswith("."):
                    files[item.relative_to(root).as_posix()] = item.read_bytes()
    return {"client_dir": str(root.resolve()), "files": files}


def job_params_bundle(pj: Any, base: Path | None = None) -> dict[str, Any]:
    """:func:`params_bundle` of a prepared job: a city's report reads every unit's params."""
    if pj.kind == "city":
        return params_bundle(pj.units, base, narrative=pj.job.unit)
    return params_bundle(pj.job.unit, base)


def build_task(
    prepared: dict[str, Any],
    data: DataSlice,
    params: dict[str, Any],
    notebook: dict[str, Any],
    renderer: str | None,
    attempt: int,
) -> dict[str, Any]:
    """Everything one job needs on a worker, as plain data (bytes, str, dicts)."""
    return {
        "prepared": prepared,
        "slice": data.to_json(),
        "params": params,
        "notebook": notebook,
        "renderer": renderer,
        "attempt": attempt,
    }


def notebook_payload(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    return {"client_path": str(path.resolve()), "name": path.name, "bytes": data,
            "sha256": hashlib.sha256(data).hexdigest()}  # fmt: skip


# --- on the worker ---------------------------------------------------------------------------

_WORKDIR: Path | None = None
_KERNEL_THREAD: ThreadPoolExecutor | None = None
_SETUP_LOCK = threading.Lock()


def _workdir() -> Path:
    """This worker process's private folder (slices, params copies, staging), removed at exit."""
    global _WORKDIR
    if _WORKDIR is None:
        _WORKDIR = Path(tempfile.mkdtemp(prefix="tthc-dask-worker-"))
        atexit.register(shutil.rmtree, _WORKDIR, True)
    return _WORKDIR


def _kernel_thread() -> ThreadPoolExecutor:
    """The one thread of this worker that drives its kernel (the kernel client's event loop
    belongs to the thread that started it)."""
    global _KERNEL_THREAD
    with _SETUP_LOCK:
        if _KERNEL_THREAD is None:
            _KERNEL_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tthc-kernel")
        return _KERNEL_THREAD


def _same_files(root: Path, files: dict[str, bytes]) -> bool:
    try:
        return all((root / rel).read_bytes() == data for rel, data in files.items())
    except OSError:
        return False


def _materialise_params(bundle: dict[str, Any]) -> Path:
    """The client's params folder when this machine has the same files there, else a copy."""
    files: dict[str, bytes] = bundle["files"]
    client = Path(bundle["client_dir"])
    if client.is_dir() and _same_files(client, files):
        return client
    digest = hashlib.sha256()
    for rel in sorted(files):
        digest.update(rel.encode() + b"\0" + hashlib.sha256(files[rel]).digest())
    root = _workdir() / f"params-{digest.hexdigest()[:16]}"
    if not root.is_dir():
        tmp = Path(tempfile.mkdtemp(dir=_workdir(), prefix=".params-"))
        for rel, data in files.items():
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (tmp / "units").mkdir(exist_ok=True)
        os.replace(tmp, root)
    return root


def _materialise_notebook(nb: dict[str, Any]) -> Path:
    client = Path(nb["client_path"])
    with contextlib.suppress(OSError):
        if client.is_file() and client.read_bytes() == nb["bytes"]:
            return client
    folder = _workdir() / f"notebook-{nb['sha256'][:16]}"
    path = folder / nb["name"]
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes(path, nb["bytes"])
    return path


def _materialise_slice(data: dict[str, Any]) -> tuple[Path, float]:
    """The slice's own small warehouse (built once per slice hash); seconds spent building."""
    from tthc import warehouse

    folder = _workdir() / "slices"
    folder.mkdir(exist_ok=True)
    path = folder / f"{data['sha256'][:32]}.duckdb"
    if path.is_file():
        os.utime(path)
        return path, 0.0
    t0 = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(dir=folder, prefix=".build-"))
    try:
        db = tmp / "slice.duckdb"
        con = warehouse.connect(db)
        try:
            for table in SLICE_TABLES:
                part = tmp / f"{table}.parquet"
                part.write_bytes(data["tables"][table])
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet('{part}')")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(db, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    built = sorted(folder.glob("*.duckdb"), key=lambda p: p.stat().st_mtime)
    for old in built[:-SLICES_KEPT]:
        with contextlib.suppress(OSError):
            old.unlink()
    return path, time.perf_counter() - t0


def run_shipped(task: dict[str, Any]) -> dict[str, Any]:
    """The Dask task: make one report from what the task carries; its files' bytes back.

    Returns ``{"result": JobResult as JSON, "files": {name: bytes}, "worker": {...}}``.
    """
    address = None
    with contextlib.suppress(Exception):
        from distributed import get_worker

        worker = get_worker()
        address = worker.address
        # Tells the client this job really started here: a worker that dies with jobs queued
        # behind the running one charges them too (KilledWorker), though they never ran.
        worker.log_event(STARTED_TOPIC, {"key": str(worker.get_current_task())})
    reply = _kernel_thread().submit(_run_shipped, task).result()
    reply["worker"]["address"] = address
    return reply


def _run_shipped(task: dict[str, Any]) -> dict[str, Any]:
    import platform

    from tthc.report import runner

    t_start = time.perf_counter()
    params = _materialise_params(task["params"])
    notebook = _materialise_notebook(task["notebook"])
    db, build_seconds = _materialise_slice(task["slice"])
    os.environ["TTHC_PARAMS"] = str(params)
    os.environ["TTHC_DB"] = str(db)
    pj = runner._prepared_from_json(task["prepared"])
    pj.job = replace(pj.job, notebook=str(notebook))
    pj.parameters = {**pj.parameters, "db": str(db)}
    stage = Path(tempfile.mkdtemp(dir=_workdir(), prefix="stage-"))
    try:
        with runner._KERNEL_LOCK:
            result = runner._make_report(pj, task["renderer"], stage, t_start)
        files = {
            p.name: p.read_bytes()
            for p in stage.iterdir()
            if p.is_file() and not p.name.startswith(".")
        }
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return {
        "result": result.to_json(),
        "files": files,
        "worker": {
            "host": platform.node(),
            "pid": os.getpid(),
            "slice_build_seconds": round(build_seconds, 4),
            "params_copied": params != Path(task["params"]["client_dir"]),
            "seconds": round(time.perf_counter() - t_start, 4),
        },
    }


def _prestart(cwd: Path) -> None:
    from tthc.report import runner

    with runner._KERNEL_LOCK:
        runner._worker_kernel(cwd).prestart()


def _shutdown() -> None:
    from tthc.report import runner

    runner._shutdown_worker_kernel()


def _worker_plugin() -> Any:
    from distributed.diagnostics.plugin import WorkerPlugin

    class TthcWorker(WorkerPlugin):
        """Per worker process: logging to the technical log, the slow optional imports
        skipped, the kernel booted in the kernel thread before the first job arrives, and shut
        down when the worker closes."""

        name = "tthc-worker"

        def setup(self, worker: Any) -> None:
            from tthc.logfile import send_logging_to_file
            from tthc.report.fastimport import skip_slow_optional_imports

            _quiet_distributed_logging()
            _stderr_to_log()
            send_logging_to_file()
            skip_slow_optional_imports()
            _kernel_thread().submit(_prestart, _workdir())

        def teardown(self, worker: Any) -> None:
            with contextlib.suppress(Exception):
                _kernel_thread().submit(_shutdown).result(timeout=30)

    return TthcWorker()


def _stderr_to_log() -> None:
    """A worker process's own stderr (a thread's traceback while it is being stopped, a C
    library's message) goes to the technical log, not the terminal of ``tthc report``, whose
    stderr the local cluster's processes inherit."""
    from tthc.logfile import open_log

    fh = open_log()
    if fh is None:
        return
    with contextlib.suppress(OSError):
        os.dup2(fh.fileno(), 2)
    fh.close()


def _quiet_distributed_logging() -> None:
    """Distributed's own stderr handlers off: its English lines go to the technical log."""
    for name in ("distributed", "tornado"):
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if isinstance(handler, logging.StreamHandler) and not isinstance(
                handler, logging.FileHandler
            ):
                logger.removeHandler(handler)
        logger.propagate = True


# --- on the client ---------------------------------------------------------------------------


def publish_shipped(pj: Any, reply: dict[str, Any], attempt: int, shipped: DataSlice) -> Any:
    """Write a worker's report into place (staging, atomic files, hashes checked); the
    JobResult."""
    import json

    import nbformat

    from tthc.report import staging
    from tthc.report.manifest import MANIFEST_NAME
    from tthc.report.runner import MADE_NAMES, OUTPUT_NAMES, JobResult
    from tthc.report.trust import trust_notebook

    result = JobResult(**reply["result"])
    files: dict[str, bytes] = reply["files"]
    manifest = json.loads(files[MANIFEST_NAME].decode("utf-8"))
    for entry in (manifest.get("outputs") or {}).values():
        got = hashlib.sha256(files.get(entry["file"], b"")).hexdigest()
        if got != entry["sha256"]:
            raise ReportError(
                f"Tệp {entry['file']} của báo cáo {pj.job.label} nhận từ worker bị hỏng "
                f"(SHA-256 {got[:12]}… khác {entry['sha256'][:12]}…): không ghi báo cáo."
            )
    final = pj.job.folder
    stage = staging.staging_folder(final)
    try:
        for name, data in files.items():
            if name != MANIFEST_NAME:
                atomic.write_bytes(stage / name, data)
        notebook = OUTPUT_NAMES["ipynb"]
        if notebook in files and not trust_notebook(nbformat.reads(files[notebook], as_version=4)):
            result.warnings.append(
                "Không ghi được chữ ký tin cậy của notebook: mở trong JupyterLab cần chọn "
                "'Trust Notebook' để thấy biểu đồ."
            )
        # What the report stands for on this machine, and where it was made.
        manifest["job"] = pj.job.to_json()
        manifest["parameters"] = {**manifest.get("parameters", {}), "db": pj.parameters["db"]}
        manifest["fanout"] = {
            "executor": "dask",
            "attempt": attempt,
            **reply["worker"],
            "slice": {"sha256": shipped.sha256, "bytes": shipped.nbytes, "rows": shipped.rows},
        }
        atomic.write_json(stage / MANIFEST_NAME, manifest)
        staging.publish(stage, final, MADE_NAMES)
    finally:
        staging.discard(stage)
    return result


def publish_lost(pj: Any, message: str, attempts: int, worker: str | None) -> Any:
    """A report whose worker died on every attempt: a failed manifest in its folder, so the
    folder (and the outputs index) says so; the JobResult."""
    from tthc.report import staging
    from tthc.report.manifest import build_manifest, write_manifest
    from tthc.report.runner import MADE_NAMES, JobResult

    final = pj.job.folder
    stage = staging.staging_folder(final)
    try:
        manifest = build_manifest(
            job=pj.job.to_json(), parameters=pj.parameters, status="failed",
            timings={"validate": pj.validate_seconds}, outputs={}, ingests=pj.ingests,
            warnings=list(pj.warnings), narrative=pj.narrative,
            error={"stage": "worker", "message": message},
        )  # fmt: skip
        manifest.update(kind=pj.kind, unit_name=pj.unit_name, city=pj.city or None,
                        city_name=pj.city_name or None,
                        **({"units": list(pj.units)} if pj.kind == "city" else {}),
                        key_figures={}, period_title=pj.period_title,
                        period_range=pj.period_range, profile=pj.profile,
                        fanout={"executor": "dask", "attempt": attempts, "address": worker})  # fmt: skip
        write_manifest(stage, manifest)
        staging.publish(stage, final, MADE_NAMES)
    finally:
        staging.discard(stage)
    return JobResult(pj.job.unit, pj.job.period, "failed", str(final), message=message,
                     warnings=list(pj.warnings))  # fmt: skip


def _started(client: Any, key: Any) -> bool:
    """Whether a worker said it started the task ``key`` (its STARTED_TOPIC event). The event
    travels before the report does anything that could kill the worker; when the scheduler
    cannot be asked, the job counts as started (a death is then charged, as Dask charges it)."""
    try:
        events = client.get_events(STARTED_TOPIC)
    except Exception:
        return True
    return any(isinstance(msg, dict) and msg.get("key") == str(key) for _, msg in events)


@contextlib.contextmanager
def dask_client(workers: int, scheduler: str | None = None):
    """A ``distributed.Client`` on a new local cluster of ``workers`` processes (one thread
    each), or on the scheduler at ``scheduler``; closed (cluster too) on exit."""
    import dask

    settings = {
        "distributed.scheduler.allowed-failures": 0,
        "distributed.scheduler.worker-saturation": 1.0,
        # Tasks are long (seconds) and carry their data: no stealing of queued work.
        "distributed.scheduler.work-stealing": False,
    }
    # Worker processes inherit the environment: their distributed logging prints errors only.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    with dask.config.set(settings):
        from distributed import Client, LocalCluster

        cluster = None
        try:
            if scheduler:
                try:
                    client = Client(scheduler, timeout="30s")
                except OSError as exc:
                    raise ReportError(
                        f"Không kết nối được tới bộ lập lịch Dask {scheduler}: {exc}."
                    ) from exc
            else:
                cluster = LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=logging.ERROR,
                    resources={KERNEL_RESOURCE: 1},
                )  # fmt: skip
                client = Client(cluster)
            try:
                client.register_plugin(_worker_plugin())
                if scheduler:
                    try:
                        client.wait_for_workers(1, timeout=60)
                    except TimeoutError as exc:
                        raise ReportError(
                            f"Cụm Dask {scheduler} không có worker nào sau 60 giây."
                        ) from exc
                yield client
            finally:
                with contextlib.suppress(Exception):
                    client.close(timeout=30)
        finally:
            if cluster is not None:
                with contextlib.suppress(Exception):
                    cluster.close(timeout=60)


def run_on_dask(
    prepared: list[Any],
    renderer: str | None,
    *,
    workers: int,
    scheduler: str | None,
    record: Callable[[Any], None],
    over_budget: Callable[[Any], bool],
    params_base: Path | None = None,
    client: Any = None,
) -> None:
    """Run ``prepared`` jobs on Dask; each result goes to ``record`` as it arrives. Stops
    submitting (and cancels what runs) when ``over_budget(result)`` says the batch's failure
    budget is spent. ``client``: an existing ``distributed.Client`` (else one is made)."""
    if renderer is not None and not isinstance(renderer, str):
        raise ReportError("Trên cụm Dask, renderer phải là tên module (chuỗi).")
    if not prepared:
        return
    if client is None:
        with dask_client(workers, scheduler) as own:
            _run(prepared, renderer, own, record, over_budget, params_base)
    else:
        _run(prepared, renderer, client, record, over_budget, params_base)


def _run(
    prepared: list[Any],
    renderer: str | None,
    client: Any,
    record: Callable[[Any], None],
    over_budget: Callable[[Any], bool],
    params_base: Path | None,
) -> None:
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    from tthc.report.runner import JobResult, prepared_to_json

    dbs = {pj.job.db for pj in prepared}
    exporters = {db: SliceExporter(Path(db), [pj.job.unit for pj in prepared
                                              if pj.job.db == db and pj.kind != "city"])
                 for db in dbs}  # fmt: skip
    remaining_by_unit: dict[tuple[str, str], int] = {}
    for pj in prepared:
        key = (pj.job.db, pj.job.unit)
        remaining_by_unit[key] = remaining_by_unit.get(key, 0) + 1
    bundles: OrderedDict[str, dict[str, Any]] = OrderedDict()
    notebooks: dict[str, dict[str, Any]] = {}
    global LAST_STATS
    stats = LAST_STATS = FanoutStats()
    workers_info = client.scheduler_info().get("workers", {}).values()
    restriction = (
        {KERNEL_RESOURCE: 1}
        if workers_info and all(KERNEL_RESOURCE in (w.get("resources") or {}) for w in workers_info)
        else None
    )
    nthreads = sum(client.nthreads().values()) or 1
    window = max(2, 2 * nthreads)
    queue = deque(prepared)
    running: dict[Any, tuple[Any, int, DataSlice]] = {}
    finished = as_completed()
    # Writing a report (files, fsync, the notary's signature) is I/O: a few threads do it
    # while the loop hands out the next jobs. Results are recorded from this thread only.
    publisher = ThreadPoolExecutor(max_workers=PUBLISH_THREADS, thread_name_prefix="tthc-publish")
    publishing: deque[tuple[Any, Any]] = deque()  # (thread future, prepared job), in order
    requeued: dict[str, int] = {}

    def submit(pj: Any, attempt: int) -> None:
        t0 = time.perf_counter()
        exporter = exporters[pj.job.db]
        before = exporter.export_seconds
        # A city's report reads all its units' rows: one slice of them, made for the job.
        shipped = exporter.get_many(pj.units) if pj.kind == "city" else exporter.get(pj.job.unit)
        stats.export_seconds += exporter.export_seconds - before
        if pj.job.unit not in bundles:
            bundles[pj.job.unit] = job_params_bundle(pj, params_base)
            while len(bundles) > 64:
                bundles.popitem(last=False)
        nb_path = str(pj.job.notebook_path)
        if nb_path not in notebooks:
            notebooks[nb_path] = notebook_payload(pj.job.notebook_path)
        task = build_task(prepared_to_json(pj), shipped, bundles[pj.job.unit],
                          notebooks[nb_path], renderer, attempt)  # fmt: skip
        key = f"tthc-{pj.job.unit}-{pj.job.period}-{attempt}-{os.urandom(4).hex()}"
        future = client.submit(run_shipped, task, key=key, pure=False, retries=0,
                               resources=restriction)  # fmt: skip
        running[future] = (pj, attempt, shipped)
        finished.add(future)
        stats.bytes_shipped += shipped.nbytes + sum(
            len(b) for b in bundles[pj.job.unit]["files"].values()
        )
        stats.submit_seconds += time.perf_counter() - t0

    def done_with(pj: Any) -> None:
        key = (pj.job.db, pj.job.unit)
        remaining_by_unit[key] -= 1
        if remaining_by_unit[key] == 0:
            exporters[pj.job.db].release(pj.job.unit)

    def fill() -> None:
        while queue and len(running) < window:
            submit(queue.popleft(), 1)

    def publish(pj: Any, reply: dict[str, Any], attempt: int, shipped: DataSlice) -> Any:
        t0 = time.perf_counter()
        res = publish_shipped(pj, reply, attempt, shipped)
        return res, time.perf_counter() - t0

    def collect(wait: bool) -> None:
        """Record the reports written so far, in the order they were handed out (all of them
        when ``wait``). Their failures were charged to the budget when they arrived."""
        while publishing and (wait or publishing[0][0].done()):
            fut, pj = publishing.popleft()
            res, seconds = fut.result()
            stats.publish_seconds += seconds
            stats.reports += 1
            done_with(pj)
            record(res)

    try:
        fill()
        for future in finished:
            collect(wait=False)
            pj, attempt, shipped = running.pop(future)
            if future.status == "error":
                exc = future.exception()
                if isinstance(exc, KilledWorker):
                    worker = getattr(getattr(exc, "last_worker", None), "address", None)
                    log.warning("%s: worker died (attempt %d): %s", pj.job.label, attempt, exc)
                    if (
                        not _started(client, future.key)
                        and requeued.get(pj.job.label, 0) < REQUEUES
                    ):
                        # Queued behind the job that killed its worker: not an attempt.
                        requeued[pj.job.label] = requeued.get(pj.job.label, 0) + 1
                        future.release()
                        submit(pj, attempt)
                        continue
                    if attempt == 1:
                        future.release()
                        stats.retries += 1
                        submit(pj, 2)
                        continue
                    res = publish_lost(pj, KILLED_TWICE.format(n=attempt, worker=worker),
                                       attempt, worker)  # fmt: skip
                else:
                    message = (
                        f"lỗi trên worker — {type(exc).__name__}: {' '.join(str(exc).split())}"
                    )
                    res = publish_lost(pj, message, attempt, None)
            elif future.status == "cancelled":
                future.release()
                continue
            else:
                reply = future.result()
                future.release()
                stats.bytes_returned += sum(len(b) for b in reply["files"].values())
                stats.worker_seconds += reply["worker"]["seconds"]
                # The result says how the report went: the budget is charged now, the report
                # written by a publishing thread and recorded once written.
                publishing.append((publisher.submit(publish, pj, reply, attempt, shipped), pj))
                if over_budget(JobResult(**reply["result"])):
                    break
                fill()
                continue
            future.release()
            done_with(pj)
            record(res)
            if over_budget(res):
                break
            fill()
        collect(wait=True)  # what was handed to the writers is written, and recorded
    finally:
        queue.clear()
        if running:
            client.cancel(list(running))
            running.clear()
        publisher.shutdown(wait=True, cancel_futures=True)
        for exporter in exporters.values():
            exporter.close()
