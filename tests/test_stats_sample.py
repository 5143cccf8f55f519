"""End to end on the bundled sample: `tthc sample` -> `tthc ingest` -> `tthc stats --json`
gives every figure of domain.md §10, 10.4% under An Trường's profile and 10.5% by default."""

from __future__ import annotations

import json

import pytest

from tthc.cli import main

SECTION_10 = {
    "procedures_with_cases": 51,
    "procedures_catalogue": 375,
    "rate_procedures_with_cases": 13.6,
    "procedures_partial_with_cases": 28,
    "procedures_partial_catalogue": 155,
    "rate_procedures_partial": 18.1,
    "procedures_full_with_cases": 23,
    "procedures_full_catalogue": 220,
    "rate_procedures_full": 10.4,
    "rate_dvctt_online": 100.0,
    "cases_total": 2751,
    "cases_new": 2668,
    "cases_new_online": 2668,
    "cases_new_in_person_postal": 0,
    "cases_carried_over": 83,
    "cases_resolved": 2686,
    "cases_resolved_early": 2685,
    "cases_resolved_on_time": 0,
    "cases_resolved_late": 1,
    "cases_in_progress": 65,
    "cases_in_progress_within": 65,
    "cases_in_progress_overdue": 0,
    "rate_with_components": 100.0,
    "rate_with_result_file": 100.0,
    "rate_with_both": 100.0,
    "rate_reuse": 99.87,
    "pakn_received": 2,
    "pakn_on_time": 2,
    "pakn_late": 0,
    "pakn_in_progress": 0,
    "rate_on_time": 99.96,
}


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
