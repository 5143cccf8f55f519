"""Running report jobs: validate all, then execute, render and write each report folder.

:func:`run_jobs` validates every job in the calling process first (no kernel starts for a batch
with a bad params file), then runs the valid ones through any ``concurrent.futures``-style
executor: a local process pool by default, or e.g. ``distributed.Client(...).get_executor()``.
One job = one task taking and returning plain JSON-safe dicts, so it crosses any process or
machine boundary. Each worker process keeps one warm kernel (see :mod:`tthc.report.execute`).

A report is written into a hidden staging folder beside ``DIR/<unit>/<period key>/``:
``report.ipynb`` (signed trusted), ``report.html``, ``report.pdf``, the companion file of
internal checks ``kiem-tra.html`` and ``kiem-tra.pdf``, ``report.docx`` (those the job's formats
name), and ``manifest.json`` last; the folder is then moved into place whole
(:mod:`tthc.report.staging`). A failed report is moved into place too, with its partial notebook
as ``report.failed.ipynb`` and a manifest with ``status: failed``; a run stopped by Ctrl-C or
SIGTERM (:mod:`tthc.report.stop`) leaves the destination as it was.

A job whose folder already holds a complete report (manifest status ``ok``) is skipped, status
``skipped``, unless it was built with ``force``: running a batch again makes only what is
missing or incomplete.

A report made to the end whose figures the exports do not all determine is not ``ok`` either
(:data:`NOT_COMPLETE`): ``incomplete`` when some main figures are N/A for lack of coverage,
``partial`` when partial figures were allowed (``--allow-partial``) and printed, marked. Both
carry the "BÁO CÁO CHƯA ĐẦY ĐỦ" mark on their first page (HTML, PDF and DOCX); the manifest's
``completeness`` says why.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tthc import atomic
from tthc.errors import ReportError, TthcError
from tthc.report import staging, stop
from tthc.report.fastimport import skip_slow_optional_imports
from tthc.report.index import INDEX_NAME, IndexUpdater
from tthc.report.jobs import FAILED_NOTEBOOK, Job, PreparedJob, complete_report, prepare_job
from tthc.report.manifest import NOT_COMPLETE
from tthc.vntime import VN_TZ

OUTPUT_NAMES = {
    "ipynb": "report.ipynb",
    "html": "report.html",
    "pdf": "report.pdf",
    "docx": "report.docx",
}
# The companion file of internal checks, beside the document (tthc.render.export); no DOCX: the
# checks are reviewed, not edited and sent.
CHECKS_NAMES = {"html": "kiem-tra.html", "pdf": "kiem-tra.pdf"}
# Everything a run writes in a report folder; anything else there is someone's and is kept.
MADE_NAMES = frozenset(
    {*OUTPUT_NAMES.values(), *CHECKS_NAMES.values(), FAILED_NOTEBOOK, "manifest.json"}
)
DEFAULT_RENDERER = "tthc.render.export"
FIGURES_MIME = "application/vnd.tthc.figures+json"
WARNINGS_MIME = "application/vnd.tthc.warnings+json"


@dataclass
class JobResult:
    unit: str
    period: str
    status: str  # "ok" | "incomplete" | "partial" | "failed" | "cancelled"
    folder: str
    seconds: float = 0.0
    message: str = ""  # one line: why it failed
    detail: str = ""  # the failing cell's first lines
    warnings: list[str] = field(default_factory=list)
    failed_notebook: str | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def failed(self) -> bool:
        """Not made (a failing cell, a bad input, not run): stops a batch without
        --continue-on-error. Complete already (``skipped``) or made but not complete is not."""
        return self.status not in ("ok", "skipped", *NOT_COMPLETE)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# --- one job (runs in a worker) -------------------------------------------------------------

_KERNEL: Any = None  # this process's WarmKernel
_KERNEL_LOCK = threading.Lock()
_RENDERER_WARM = False  # this process has rendered once: no more warming needed


def _mark_renderer_warm() -> None:
    global _RENDERER_WARM
    _RENDERER_WARM = True


def _worker_kernel(cwd: Path) -> Any:
    global _KERNEL
    from tthc.report.execute import WarmKernel

    if _KERNEL is None:
        _KERNEL = WarmKernel(cwd=cwd)
        import atexit
        from multiprocessing import util

        # Pool workers leave through os._exit, which skips atexit; Finalize runs there.
        util.Finalize(None, _shutdown_worker_kernel, exitpriority=10)
        atexit.register(_shutdown_worker_kernel)
    return _KERNEL


def _prestart_worker(cwd: str | None) -> None:
    """Pool initializer: stop cleanly on the main process's SIGTERM, log to the technical log,
    and boot the worker's kernel while the worker imports papermill."""
    stop.install_in_worker()
    from tthc.logfile import send_logging_to_file

    send_logging_to_file()
    skip_slow_optional_imports()
    if cwd:
        _worker_kernel(Path(cwd)).prestart()


def _prewarm(renderer: str | Any | None) -> threading.Thread | None:
    """Warm the default renderer in a thread while the kernel executes the notebook.

    A process's first HTML and PDF cost ~1.5 s more than later ones (importing nbconvert and
    WeasyPrint, building the exporter, initialising fontconfig); the main process is idle
    during execution, so that cost comes off the critical path. The caller joins the thread
    before rendering, so the renderer is never used from two threads at once. A failure here
    is not hidden: the real rendering meets it again and reports it.
    """
    if not (renderer is None or isinstance(renderer, str)):
        return None
    name = renderer or DEFAULT_RENDERER

    def warm() -> None:
        with contextlib.suppress(Exception):
            module = importlib.import_module(name)
            if hasattr(module, "warm_up"):  # the renderer knows its own fonts and stylesheets
                module.warm_up()
                return
            import nbformat
            import weasyprint

            module.render_html(nbformat.v4.new_notebook())
            weasyprint.HTML(string="<p>Độc lập - Tự do - Hạnh phúc</p>").write_pdf()

    thread = threading.Thread(target=warm, name="tthc-prewarm", daemon=True)
    thread.start()
    return thread


def _shutdown_worker_kernel() -> None:
    global _KERNEL
    if _KERNEL is not None:
        _KERNEL.shutdown()
        _KERNEL = None


def _resolve_renderer(renderer: str | Any | None) -> Any:
    if renderer is None:
        renderer = DEFAULT_RENDERER
    return importlib.import_module(renderer) if isinstance(renderer, str) else renderer


def run_prepared(prepared: dict[str, Any], renderer: str | Any | None = None) -> dict[str, Any]:
    """Execute, render and write one validated job; a JobResult as a dict. Never raises for a
    report that fails (the result says so); raises :class:`~tthc.report.stop.Stopped` when
    the run is asked to stop, and only bugs otherwise."""
    with _KERNEL_LOCK, stop.in_job():  # one kernel per process: threads of one worker take turns
        return _run_prepared(_prepared_from_json(prepared), renderer).to_json()


def _prepared_from_json(data: dict[str, Any]) -> PreparedJob:
    return PreparedJob(**{**data, "job": Job.from_json(data["job"])})


def prepared_to_json(p: PreparedJob) -> dict[str, Any]:
    data = asdict(p)
    data["job"] = p.job.to_json()
    return data


def _run_prepared(pj: PreparedJob, renderer: str | Any | None) -> JobResult:
    """Make the report in a staging folder and move it into place only when it is written
    whole (a failed report too, with its failed notebook); a stop discards it."""
    t_start = time.perf_counter()
    stop.check()
    final = pj.job.folder
    stage = staging.staging_folder(final)
    try:
        result = _make_report(pj, renderer, stage, t_start)
        staging.publish(stage, final, MADE_NAMES)
    finally:
        staging.discard(stage)  # nothing left once published
    return result


def _make_report(
    pj: PreparedJob, renderer: str | Any | None, stage: Path, t_start: float
) -> JobResult:
    import nbformat

    from tthc.report.execute import NotebookFailed, execute_notebook
    from tthc.report.manifest import build_manifest, key_figures, write_manifest
    from tthc.report.trust import trust_notebook

    job = pj.job
    timings: dict[str, float] = {"validate": pj.validate_seconds}
    outputs: dict[str, Path] = {}
    kernel = _worker_kernel(job.notebook_path.parent)
    warming = None
    documents = [f for f in job.formats if f in ("html", "pdf", "docx")]
    if documents and not _RENDERER_WARM:
        warming = _prewarm(renderer)
    nb_path = stage / OUTPUT_NAMES["ipynb"]
    error: dict[str, Any] | None = None
    completeness: dict[str, Any] | None = None
    bundle: dict[str, Any] | None = None
    result = JobResult(job.unit, job.period, "ok", str(job.folder), warnings=list(pj.warnings))
    try:
        t0 = time.perf_counter()
        try:
            with stop.kernel_busy(kernel):
                execute_notebook(job.notebook_path, nb_path, pj.parameters, kernel)
        finally:
            timings["execute"] = time.perf_counter() - t0
        stop.check()
        nb = nbformat.read(nb_path, as_version=4)
        result.warnings = _dedupe(result.warnings + notebook_warnings(nb))
        completeness = notebook_completeness(nb)
        bundle = notebook_bundle(nb)
        if "ipynb" in job.formats:
            staging.seal(nb_path)
            outputs["ipynb"] = nb_path
            if not trust_notebook(nb):
                result.warnings.append(
                    "Không ghi được chữ ký tin cậy của notebook: mở trong JupyterLab cần chọn "
                    "'Trust Notebook' để thấy biểu đồ."
                )
        else:
            nb_path.unlink()
        if warming is not None:
            warming.join()
        render = _resolve_renderer(renderer)
        if "html" in job.formats or "pdf" in job.formats:
            t0 = time.perf_counter()
            html = render.render_html(nb)
            timings["html"] = time.perf_counter() - t0
            checks_html = _checks_html(render, nb)
            if "html" in job.formats:
                atomic.write_text(stage / OUTPUT_NAMES["html"], html)
                outputs["html"] = stage / OUTPUT_NAMES["html"]
            stop.check()
            if "pdf" in job.formats:
                t0 = time.perf_counter()
                with atomic.atomic_path(stage / OUTPUT_NAMES["pdf"]) as tmp_pdf:
                    render.render_pdf(html, tmp_pdf)
                timings["pdf"] = time.perf_counter() - t0
                outputs["pdf"] = stage / OUTPUT_NAMES["pdf"]
            stop.check()
            if checks_html is not None:
                t0 = time.perf_counter()
                if "html" in job.formats:
                    atomic.write_text(stage / CHECKS_NAMES["html"], checks_html)
                    outputs["checks_html"] = stage / CHECKS_NAMES["html"]
                if "pdf" in job.formats:
                    with atomic.atomic_path(stage / CHECKS_NAMES["pdf"]) as tmp_pdf:
                        render.render_pdf(checks_html, tmp_pdf)
                    outputs["checks_pdf"] = stage / CHECKS_NAMES["pdf"]
                timings["checks"] = time.perf_counter() - t0
        if "docx" in job.formats:
            stop.check()
            t0 = time.perf_counter()
            with atomic.atomic_path(stage / OUTPUT_NAMES["docx"]) as tmp_docx:
                render.render_docx(nb, tmp_docx)
            timings["docx"] = time.perf_counter() - t0
            outputs["docx"] = stage / OUTPUT_NAMES["docx"]
        if documents:
            _mark_renderer_warm()
    except NotebookFailed as exc:
        stop.check()  # the stop killed the kernel: not the report's failure
        failure = exc.failure
        if nb_path.exists():
            staging.seal(nb_path)
            nb_path.replace(stage / FAILED_NOTEBOOK)
            result.failed_notebook = str(job.folder / FAILED_NOTEBOOK)
        where = f"ô lệnh [{failure.exec_count}]" if failure.exec_count else "notebook"
        result.status = "failed"
        result.message = f"{where} lỗi — {failure.cause}"
        result.detail = failure.first_lines
        error = {"stage": "execute", **failure.to_json(), "failed_notebook": FAILED_NOTEBOOK}
    except TthcError as exc:
        stop.check()
        result.status, result.message = "failed", str(exc)
        error = {"stage": _stage(timings), "message": str(exc)}
    except Exception as exc:  # a renderer or writer bug must still leave a failed manifest
        stop.check()
        result.status = "failed"
        result.message = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
        error = {"stage": _stage(timings), "message": result.message}

    if result.ok and completeness and completeness.get("status") in NOT_COMPLETE:
        result.status = completeness["status"]
        result.message = completeness_message(completeness)
    timings["total"] = pj.validate_seconds + time.perf_counter() - t_start
    result.timings = {k: round(v, 4) for k, v in timings.items()}
    result.seconds = round(timings["total"], 3)
    manifest = build_manifest(
        job=job.to_json(),
        parameters=pj.parameters,
        status=result.status,
        timings=timings,
        outputs=outputs,
        ingests=pj.ingests,
        warnings=result.warnings,
        narrative=pj.narrative,
        error=error,
        kernel={
            "name": kernel.kernel_name,
            # 1 = a fresh kernel; n > 1 = the n-th report on a kernel reset in between.
            "report_number_on_kernel": kernel.last_use,
            "reused": kernel.last_use > 1,
        },
    )
    manifest["completeness"] = completeness
    # Added in issue 11 (readers of older manifests: absent means a unit's report).
    manifest["kind"] = pj.kind
    manifest["unit_name"] = pj.unit_name
    manifest["city"] = pj.city or None
    manifest["city_name"] = pj.city_name or None
    if pj.kind == "city":
        manifest["units"] = list(pj.units)
    manifest["key_figures"] = key_figures(bundle)
    manifest["period_title"] = pj.period_title
    manifest["period_range"] = pj.period_range
    manifest["profile"] = pj.profile
    write_manifest(stage, manifest)
    return result


def _checks_html(render: Any, nb: Any) -> str | None:
    """The companion document of the internal checks, when the renderer makes one."""
    make = getattr(render, "render_checks_html", None)
    return make(nb) if make is not None else None


def _stage(timings: dict[str, float]) -> str:
    return "render" if "execute" in timings else "execute"


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def notebook_bundle(nb: Any) -> dict[str, Any] | None:
    """The figures bundle the report notebook displayed (:data:`FIGURES_MIME`), or None."""
    for cell in reversed(nb.cells):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            bundle = out.get("data", {}).get(FIGURES_MIME)
            if isinstance(bundle, dict):
                return dict(bundle)
    return None


def notebook_completeness(nb: Any) -> dict[str, Any] | None:
    """The ``completeness`` the report notebook left in its figures bundle (status, note, N/A
    and partial keys), or None when it left none."""
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            bundle = out.get("data", {}).get(FIGURES_MIME)
            if isinstance(bundle, dict) and isinstance(bundle.get("completeness"), dict):
                return dict(bundle["completeness"])
    return None


def completeness_message(completeness: dict[str, Any]) -> str:
    """Why a report made to the end is not complete, in a few words ("51 số liệu N/A vì thiếu
    dữ liệu"); what the exports cover is in the warnings and the manifest."""
    na, partial = len(completeness.get("na") or []), len(completeness.get("partial") or [])
    what = []
    if na:
        what.append(f"{na} số liệu N/A vì thiếu dữ liệu")
    if partial:
        what.append(f"{partial} số liệu chỉ tính một phần kỳ")
    return ", ".join(what) or "báo cáo chưa đầy đủ"


def notebook_warnings(nb: Any) -> list[str]:
    """Warnings the notebook recorded: ``metadata.tthc.warnings``, and the ``warnings`` lists of
    outputs with the tthc warnings or figures JSON mime types."""
    found: list[str] = list(nb.metadata.get("tthc", {}).get("warnings", []) or [])
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = out.get("data", {})
            if WARNINGS_MIME in data and isinstance(data[WARNINGS_MIME], list):
                found.extend(str(w) for w in data[WARNINGS_MIME])
            bundle = data.get(FIGURES_MIME)
            if isinstance(bundle, dict):
                for key in ("warnings", "narrative_warnings", "data_warnings"):
                    if isinstance(bundle.get(key), list):
                        found.extend(str(w) for w in bundle[key])
    return _dedupe(found)


# --- many jobs ----------------------------------------------------------------------------------


def validate_jobs(
    jobs: list[Job], *, continue_on_error: bool = False, params_base: Path | None = None
) -> tuple[list[PreparedJob], list[JobResult]]:
    """Prepare every job before any kernel starts. Without ``continue_on_error`` the first bad
    job raises its one-line error; with it, bad jobs become failed results. A job whose folder
    holds a complete report is not prepared but skipped (unless ``force``)."""
    prepared: list[PreparedJob] = []
    failed: list[JobResult] = []
    for job in jobs:
        done = None if job.force else complete_report(job)
        if done is not None:
            failed.append(
                JobResult(job.unit, job.period, "skipped", str(job.folder),
                          message=_made_at(done.get("created_at")))
            )  # fmt: skip
            continue
        try:
            prepared.append(prepare_job(job, params_base))
        except TthcError as exc:
            if not continue_on_error:
                raise
            failed.append(
                JobResult(job.unit, job.period, "failed", str(job.folder), message=str(exc))
            )
    return prepared, failed


def _made_at(created_at: Any) -> str:
    """'lập lúc 08:05 16/06/2026' (Vietnam time) from a manifest's ``created_at``."""
    try:
        when = datetime.fromisoformat(str(created_at))
    except ValueError:
        return "đã có"
    if when.tzinfo is not None:
        when = when.astimezone(VN_TZ)
    return f"lập lúc {when:%H:%M %d/%m/%Y}"


class FailureBudget:
    """How many failed reports a batch tolerates (``--max-failures``); the next one stops it.

    ``allowed``: 0 stops at the first failure (the default), None never stops
    (``--continue-on-error``). A job cancelled because the batch stopped is not a failure.
    """

    def __init__(self, allowed: int | None) -> None:
        self.allowed = allowed
        self.failed = 0

    def charge(self, res: JobResult) -> bool:
        """Count ``res``; True when the batch must stop now."""
        if res.failed and res.status != "cancelled":
            self.failed += 1
        return self.spent

    @property
    def spent(self) -> bool:
        return self.allowed is not None and self.failed > self.allowed

    @property
    def cancelled_message(self) -> str:
        if not self.allowed:
            return "không chạy vì một báo cáo khác đã lỗi"
        return (
            f"không chạy vì đã có {self.failed} báo cáo lỗi, quá mức cho phép "
            f"(--max-failures {self.allowed})"
        )


def run_jobs(
    jobs: list[Job],
    workers: int = 1,
    executor: Executor | None = None,
    continue_on_error: bool = False,
    progress: bool = True,
    *,
    renderer: str | Any | None = None,
    params_base: Path | None = None,
    on_result: Callable[[JobResult], None] | None = None,
    backend: str = "process",
    scheduler: str | None = None,
    max_failures: int | None = None,
    dask_client: Any = None,
) -> list[JobResult]:
    """Run ``jobs``; results in the jobs' order.

    ``backend``: ``process`` (default) runs them on ``executor``, anything with ``submit``
    returning futures, by default a process pool of ``workers`` (spawned, one warm kernel
    each), or this process when ``workers`` is 1; ``dask`` on a Dask cluster
    (:mod:`tthc.report.fanout`): a local one of ``workers`` processes, the scheduler at
    ``scheduler``, or ``dask_client``. The failure budget (:class:`FailureBudget`):
    ``max_failures`` failed reports are tolerated, the next stops the batch; without it the
    first failure does, unless ``continue_on_error``. Jobs not started are cancelled and
    reported as such. SIGINT and SIGTERM stop the batch cleanly (:mod:`tthc.report.stop`):
    kernels shut down, the report being made discarded, then
    :class:`~tthc.report.stop.Stopped` is raised. Every outputs folder's ``index.html``
    (:mod:`tthc.report.index`) is rewritten after the run.
    """
    if backend not in ("process", "dask"):
        raise ReportError(f"Cách chạy '{backend}' không hỗ trợ: chọn process hoặc dask.")
    if max_failures is not None and max_failures < 0:
        raise ReportError("--max-failures phải là số không âm.")
    budget = FailureBudget(
        max_failures if max_failures is not None else (None if continue_on_error else 0)
    )
    with stop.handling_signals():
        return _run_jobs(
            jobs, workers, executor, budget, progress, renderer, params_base, on_result,
            backend, scheduler, dask_client,
        )  # fmt: skip


def _run_jobs(
    jobs: list[Job],
    workers: int,
    executor: Executor | None,
    budget: FailureBudget,
    progress: bool,
    renderer: str | Any | None,
    params_base: Path | None,
    on_result: Callable[[JobResult], None] | None,
    backend: str,
    scheduler: str | None,
    dask_client: Any,
) -> list[JobResult]:
    skip_slow_optional_imports()
    prepared, results = validate_jobs(
        jobs, continue_on_error=budget.allowed != 0, params_base=params_base
    )
    bar = _progress_bar(len(jobs), progress)
    bar.update(len(results))
    for res in results:
        budget.charge(res)
        if on_result:
            on_result(res)
    if budget.spent:
        prepared = []  # the bad params alone spend the budget: nothing runs
    by_key: dict[tuple[str, str], JobResult] = {(r.unit, r.period): r for r in results}
    # Every outputs folder of the batch gets its index.html rewritten as reports are made.
    indexes = {out: IndexUpdater(Path(out), params_base=params_base)
               for out in dict.fromkeys(j.out_dir for j in jobs)}  # fmt: skip
    out_of = {(j.unit, j.period): j.out_dir for j in jobs}

    def record(res: JobResult) -> None:
        by_key[(res.unit, res.period)] = res
        _index_update(indexes[out_of[(res.unit, res.period)]], res.folder)
        bar.update(1)
        bar.set_postfix_str(f"{res.unit} {res.period} {'✓' if res.ok else '✗'}")
        if on_result:
            on_result(res)

    # More workers than reports would only boot kernels that never run anything.
    workers = max(1, min(workers, len(prepared)))
    try:
        if backend == "dask":
            from tthc.report import fanout

            fanout.run_on_dask(
                prepared, renderer, workers=workers, scheduler=scheduler, record=record,
                over_budget=budget.charge, params_base=params_base, client=dask_client,
            )  # fmt: skip
        elif executor is None and workers <= 1:
            if prepared:  # boots while papermill and the renderer are imported
                _worker_kernel(prepared[0].job.notebook_path.parent).prestart()
            for pj in prepared:
                stop.check()
                res = JobResult(**run_prepared(prepared_to_json(pj), renderer))
                record(res)
                if budget.charge(res):
                    break
        elif prepared:
            own = executor is None
            if own:
                cwd = str(prepared[0].job.notebook_path.parent)
                executor = ProcessPoolExecutor(
                    max_workers=workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_prestart_worker,
                    initargs=(cwd,),
                )
            try:
                with stop.children_ignore_sigint():  # the pool spawns its workers on submit
                    futures: dict[Future, PreparedJob] = {
                        executor.submit(run_prepared, prepared_to_json(pj), renderer): pj
                        for pj in prepared
                    }
                for fut in as_completed(futures):
                    try:
                        data = fut.result()
                    except BaseException:
                        stop.check()  # a worker told to stop: the stop, not its exception
                        raise
                    res = JobResult(**data)
                    record(res)
                    if budget.charge(res):
                        for other in futures:
                            other.cancel()
                        break
            finally:
                if own:
                    executor.shutdown(wait=True, cancel_futures=True)
    finally:
        bar.close()
        for updater in indexes.values():
            _index_close(updater)
    ordered = []
    for job in jobs:
        res = by_key.get((job.unit, job.period))
        if res is None:
            res = JobResult(job.unit, job.period, "cancelled", str(job.folder),
                            message=budget.cancelled_message)  # fmt: skip
        ordered.append(res)
    return ordered


def _index_update(updater: IndexUpdater, folder: str) -> None:
    try:
        updater.update(Path(folder))
    except OSError as exc:
        _index_warning(updater, exc)


def _index_close(updater: IndexUpdater) -> None:
    """The index rewritten at the end of a run; a failure to write it is said, and the reports
    made stay made."""
    try:
        updater.close()
    except OSError as exc:
        _index_warning(updater, exc)


def _index_warning(updater: IndexUpdater, exc: OSError) -> None:
    import logging

    logging.getLogger(__name__).warning("index.html: %s", exc)
    print(
        f"Cảnh báo: không ghi được mục lục {updater.out / INDEX_NAME}: "
        f"{exc.strerror or exc}; các báo cáo đã lập vẫn giữ nguyên.",
        file=sys.stderr,
        flush=True,
    )


class _NoBar:
    def update(self, n: int) -> None: ...
    def set_postfix_str(self, s: str) -> None: ...
    def close(self) -> None: ...


def _progress_bar(total: int, progress: bool) -> Any:
    if not progress or total <= 1:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="báo cáo", file=sys.stderr, dynamic_ncols=True, disable=None)
