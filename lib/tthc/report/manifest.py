"""``manifest.json``: what made a report, so it can be trusted and made again.

Written last, atomically: a report folder without a manifest, or whose manifest's ``status`` is
not ``ok``, is visibly incomplete. Every timestamp in it is ISO 8601 with its offset, in Vietnam
time (+07:00, :mod:`tthc.vntime`), the time of the warehouse's own timestamps.
"""

from __future__ import annotations

import functools
import hashlib
import json
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from tthc import atomic
from tthc.paths import REPO_ROOT
from tthc.vntime import iso_vn, now_vn

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
# Statuses of a report made to the end whose figures the exports do not all determine:
# ``incomplete`` (some are N/A for lack of coverage) and ``partial`` (partial figures allowed).
NOT_COMPLETE = ("incomplete", "partial")
PACKAGES = ("tthc", "papermill", "nbconvert", "nbclient", "weasyprint", "duckdb", "pandas")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@functools.cache
def package_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


@functools.cache
def git_commit(root: Path = REPO_ROOT) -> dict[str, Any] | None:
    """HEAD of the repository the code runs from, and whether the tree had local changes.

    ``dirty`` is None when git could not tell. The nbstripout clean filter is bypassed: with it,
    ``git status`` starts a Python process per notebook and can take seconds on a busy machine.
    """

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), "-c", "filter.nbstripout.clean=cat", *args],
            capture_output=True, text=True, timeout=30, check=True,
        ).stdout.strip()  # fmt: skip

    try:
        head = git("rev-parse", "HEAD")
    except (OSError, subprocess.SubprocessError):
        return None
    if not head:
        return None
    try:
        dirty: bool | None = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        dirty = None
    return {"commit": head, "dirty": dirty}


def read_manifest(folder: Path) -> dict[str, Any] | None:
    path = Path(folder) / MANIFEST_NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {"status": "unreadable"}


def write_manifest(folder: Path, data: dict[str, Any]) -> Path:
    path = Path(folder) / MANIFEST_NAME
    atomic.write_json(path, data)
    return path


def build_manifest(
    *,
    job: dict[str, Any],
    parameters: dict[str, Any],
    status: str,
    timings: dict[str, float],
    outputs: dict[str, Path],
    ingests: list[dict[str, Any]],
    warnings: list[str],
    narrative: dict[str, Any],
    error: dict[str, Any] | None = None,
    kernel: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "manifest_version": MANIFEST_VERSION,
        "status": status,
        "created_at": iso_vn(now_vn()),
        "unit": job["unit"],
        "period": job["period"],
        "job": job,
        "parameters": parameters,
        "narrative": narrative,
        "warehouse": {"path": job["db"], "ingests": ingests},
        "outputs": {
            name: {"file": p.name, "sha256": sha256_file(p), "bytes": p.stat().st_size}
            for name, p in outputs.items()
        },
        "git": git_commit(),
        "versions": package_versions(),
        "host": platform.node(),
        "kernel": kernel or {},
        "timings": {k: round(v, 4) for k, v in timings.items()},
        "warnings": warnings,
        "error": error,
    }


# The figures an outputs index shows of each report (tthc.report.index), from the figures bundle
# the report notebook leaves (tthc.render.report.payload): flat keys of docs/stats-json.md.
KEY_FIGURES = (
    "cases_total",
    "cases_resolved",
    "cases_resolved_late",
    "cases_in_progress",
    "cases_in_progress_overdue",
    "rate_on_time",
    "rate_online",
)


def key_figures(bundle: dict[str, Any] | None) -> dict[str, Any]:
    """``{"values": {key: number or None}, "na": {key: reason}, "partial": [key, …],
    "period_start": ISO date}`` of :data:`KEY_FIGURES` from a report notebook's figures bundle;
    {} when the bundle has no figures (another notebook, a failed report). A key the figures do
    not have is left out (not shown as 0); None means N/A, with its reason in ``na``."""
    figures = (bundle or {}).get("figures")
    if not isinstance(figures, dict):
        return {}
    na = figures.get("na") if isinstance(figures.get("na"), dict) else {}
    partial = figures.get("partial") if isinstance(figures.get("partial"), dict) else {}
    values = {k: figures[k] for k in KEY_FIGURES if k in figures}
    return {
        "values": values,
        "na": {k: str(na[k]) for k in values if values[k] is None and k in na},
        "partial": [k for k in values if k in partial],
        "period_start": figures.get("period_start"),
    }
