"""Fixtures shared by several test files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tthc.warehouse import connect


@pytest.fixture
def wh(tmp_path: Path):
    """A fresh, writable warehouse file in the test's temporary folder."""
    con = connect(tmp_path / "w.duckdb")
    yield con
    con.close()


@pytest.fixture(autouse=True, scope="session")
def _private_user_files(tmp_path_factory: pytest.TempPathFactory):
    """The technical log and the notebook signature database of the test run live in a
    temporary folder, not in the home of whoever runs the tests."""
    import os

    base = tmp_path_factory.mktemp("user")
    saved = {k: os.environ.get(k) for k in ("TTHC_LOG", "JUPYTER_DATA_DIR")}
    os.environ["TTHC_LOG"] = str(base / "tthc.log")
    os.environ["JUPYTER_DATA_DIR"] = str(base / "jupyter")
    yield base
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def sample_catalogue(tmp_path_factory) -> Path:
    """The sample's procedure catalogue export (375 procedures), written once per session."""
    from real_exports import catalogue_file

    return catalogue_file(tmp_path_factory.mktemp("catalogue"))


@pytest.fixture
def catalogued_db(tmp_path: Path, sample_catalogue: Path) -> Path:
    """A fresh warehouse holding only the sample catalogue, as the real-export cases start."""
    from real_exports import new_warehouse

    return new_warehouse(tmp_path, sample_catalogue)
