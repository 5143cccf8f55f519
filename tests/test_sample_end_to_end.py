"""`tthc sample` -> `tthc ingest --unit an-truong DIR/*` -> `tthc stats --json` for June 2026
under An Trường's profile gives every figure of domain.md §10 (tthc.sample.targets)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tthc.cli import main
from tthc.paths import params_dir
from tthc.sample import targets as T
from tthc.sample.write import CASES_FILE, CATALOGUE_FILE, PAKN_FILE
from tthc.warehouse import connect


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("e2e")
    sample = base / "sample"
    db = base / "tthc.duckdb"
    assert main(["sample", "--out", str(sample)]) == 0
    files = sorted(str(p) for p in sample.iterdir())
    assert main(["ingest", "--db", str(db), "--unit", T.UNIT, *files]) == 0
    return db


def stats_json(db: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, object]:
    capsys.readouterr()
    rc = main(["stats", "--db", str(db), "--unit", T.UNIT, "--month", "2026-06", "--json", *extra])
    assert rc == 0
    return json.loads(capsys.readouterr().out)


def test_every_row_is_stored_and_no_personal_data(warehouse: Path) -> None:
    con = connect(warehouse, read_only=True)
    try:
        ledger = {
            r[0]: r[1:]
            for r in con.execute(
                "SELECT file_name, rows_read, inserted, rejected, dropped_personal FROM ingests"
            ).fetchall()
        }
        personal = con.execute("SELECT count(*) FROM case_personal").fetchone()[0]
        cases = con.execute("SELECT count(*) FROM cases WHERE unit = ?", [T.UNIT]).fetchone()[0]
    finally:
        con.close()
    assert set(ledger) == {CATALOGUE_FILE, CASES_FILE, PAKN_FILE}
    for rows_read, inserted, rejected, _ in ledger.values():
        assert rows_read == inserted and rejected == 0
    assert ledger[CATALOGUE_FILE][0] == T.FIGURES["procedures_catalogue"]
    assert cases == ledger[CASES_FILE][0]
    dropped = set(json.loads(ledger[CASES_FILE][3]))
    assert {"Chủ hồ sơ", "Địa chỉ", "Số điện thoại"} <= dropped
    assert personal == 0


def test_june_figures_equal_the_targets(
    warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    figures = stats_json(warehouse, capsys)
    assert figures["profile"] == "an-truong"
    assert figures["period_start"] == T.PERIOD_START.isoformat()
    assert figures["period_end"] == T.PERIOD_END.isoformat()
    assert figures["ytd_start"] == T.YTD_START.isoformat()
    assert {k: figures[k] for k in T.FIGURES} == T.FIGURES
    failed = [c for c in figures["checks"] if not c["ok"]]
    assert failed == []


def test_the_late_case_is_listed_in_its_field(
    warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    figures = stats_json(warehouse, capsys)
    fields = {row["field"]: row for row in figures["by_field"]}
    assert fields[T.LATE_CASE_FIELD]["cases_resolved_late"] == 1
    late = figures["late_cases"]
    assert len(late) == 1
    assert late[0]["field"] == T.LATE_CASE_FIELD
    assert late[0]["procedure_name"] == T.LATE_CASE_PROCEDURE


def test_exact_rounding_gives_10_5_where_the_sample_printed_10_4(
    warehouse: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The default profile with one decimal for coverage, as the sample prints it: exact decimal
    # half-up turns 23/220 = 10.4545… into 10.5, the sample's legacy rule into 10.4.
    profile = yaml.safe_load((params_dir() / "profiles" / "default.yaml").read_text("utf-8"))
    profile["rates"]["procedures_full"]["decimals"] = 1
    path = tmp_path / "default-one-decimal.yaml"
    path.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    figures = stats_json(warehouse, capsys, "--profile", str(path))
    assert figures["procedures_full_with_cases"] == 23
    assert figures["rate_procedures_full"] == 10.5
    assert stats_json(warehouse, capsys)["rate_procedures_full"] == 10.4
