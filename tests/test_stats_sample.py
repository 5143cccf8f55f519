"""End to end on the bundled sample: `tthc sample` -> `tthc ingest` -> `tthc stats --json`
gives every figure of domain.md §10, 10.4% under An Trường's profile and 10.5% by default."""

from __future__ import annotations

import json

import pytest

from tthc.cli import main
from tthc.sample.targets import FIGURES

# domain.md §10, stated once for the whole project in tthc.sample.targets.
SECTION_10 = FIGURES


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    assert main(["sample", "--out", str(folder / "exports")]) == 0
    files = sorted(str(p) for p in (folder / "exports").iterdir())
    db = folder / "w.duckdb"
    assert main(["ingest", "--db", str(db), "--unit", "an-truong", *files]) == 0
    return db


def _stats(db, capsys, *extra):
    capsys.readouterr()
    assert (
        main(
            [
                "stats",
                "--db",
                str(db),
                "--unit",
                "an-truong",
                "--month",
                "2026-06",
                "--json",
                *extra,
            ]
        )
        == 0
    )
    return json.loads(capsys.readouterr().out)


def test_sample_reproduces_section_10(sample_db, capsys):
    out = _stats(sample_db, capsys)
    assert out["profile"] == "an-truong"
    assert {k: out[k] for k in SECTION_10} == SECTION_10
    assert out["checks_ok"] is True
    late = out["late_cases"]
    assert len(late) == 1 and late[0]["field"] == "Chứng thực"
    assert "chứng thực" in late[0]["procedure_name"].lower()


def test_sample_under_default_profile(sample_db, capsys):
    out = _stats(sample_db, capsys, "--profile", "default")
    assert out["rate_procedures_full"] == 10.5
    assert out["rate_on_time"] == 99.96
    assert out["cases_total"] == 2751
    assert out["checks_ok"] is True
