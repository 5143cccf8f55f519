"""Paths given in the environment reach report kernels, which run in another folder."""

from __future__ import annotations

import os

from tthc.cli import _absolute_env_paths


def test_relative_env_paths_become_absolute(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TTHC_PARAMS", "city/params")
    monkeypatch.setenv("TTHC_DB", str(tmp_path / "w.duckdb"))
    monkeypatch.delenv("TTHC_OUTPUTS", raising=False)
    _absolute_env_paths()
    assert os.environ["TTHC_PARAMS"] == str(tmp_path / "city" / "params")
    assert os.environ["TTHC_DB"] == str(tmp_path / "w.duckdb")
    assert "TTHC_OUTPUTS" not in os.environ
