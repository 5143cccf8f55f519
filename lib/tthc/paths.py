"""Where things live: the params folder, the default warehouse, the outputs folder."""

from __future__ import annotations

import os
from pathlib import Path

# lib/tthc/paths.py -> repository root (editable install or source checkout).
PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent.parent


def params_dir() -> Path:
    """``$TTHC_PARAMS``, else ``params/`` of the repository."""
    env = os.environ.get("TTHC_PARAMS")
    return Path(env) if env else REPO_ROOT / "params"


def default_db() -> Path:
    """``$TTHC_DB``, else ``data/tthc.duckdb`` of the repository."""
    env = os.environ.get("TTHC_DB")
    return Path(env) if env else REPO_ROOT / "data" / "tthc.duckdb"


def outputs_dir() -> Path:
    """``$TTHC_OUTPUTS``, else ``outputs/`` of the repository."""
    env = os.environ.get("TTHC_OUTPUTS")
    return Path(env) if env else REPO_ROOT / "outputs"


def notebooks_dir() -> Path:
    return REPO_ROOT / "notebooks"


def fonts_dir() -> Path:
    return PACKAGE_DIR / "fonts"
