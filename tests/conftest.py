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
