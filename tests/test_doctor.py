"""`tthc doctor`: one line per check, OK or LỖI with what to fix, non-zero exit on any LỖI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tthc.cli import main
from tthc.report import doctor
from tthc.warehouse import connect

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    con = connect(path)
    iid = con.execute(
        "INSERT INTO ingests (unit, kind, file_name, file_sha256, as_of, ingested_at, rows_read, "
        "inserted, updated, unchanged, rejected) VALUES ('an-truong', 'cases', 'a.xlsx', 'x', "
        "TIMESTAMP '2026-06-15 08:00:00', now(), 1, 1, 0, 0, 0) RETURNING ingest_id"
    ).fetchone()[0]
    con.execute(
        "INSERT INTO cases (unit, case_code, outcome, received_at, ingest_id, first_ingest_id) "
        "VALUES ('an-truong', 'HS1', 'pending', TIMESTAMP '2026-06-01 09:00:00', ?, ?)",
        [iid, iid],
    )
    con.close()
    return path


@pytest.mark.slow
def test_doctor_all_ok_on_a_ready_machine(db: Path, capsys) -> None:
    rc = main(["doctor", "--db", str(db)])
    lines = capsys.readouterr().out.strip().splitlines()
    assert rc == 0, lines
    assert lines[-1] == "Mọi thứ sẵn sàng."
    checks = lines[:-1]
    assert all(line.startswith("OK   ") for line in checks), checks
    names = [line[5:].split(":", 1)[0] for line in checks]
    assert names[:4] == ["Kernel python3", "Phông chữ", "WeasyPrint + Pango", "Kho dữ liệu"]
    assert "Tham số an-truong" in names
    assert names[-2:] == ["Notebook báo cáo", "DOCX (python-docx)"]
    assert "in thử PDF/A được" in checks[2] and "ghi thử DOCX được" in checks[-1]
    kernel = checks[0]
    assert str(Path(ROOT / ".venv" / "bin").resolve()) in kernel or ".venv/bin/python" in kernel
    assert "an-truong (1 hồ sơ, số liệu đến 15/06/2026)" in checks[3]
    assert "đủ chữ tiếng Việt" in checks[1]


def test_missing_warehouse_says_to_ingest(tmp_path: Path) -> None:
    checks = doctor.run_checks(tmp_path / "none.duckdb", kernel=False)
    [wh] = [c for c in checks if c.name == "Kho dữ liệu"]
    assert not wh.ok
    assert wh.line().startswith("LỖI  Kho dữ liệu: Không tìm thấy kho dữ liệu")
    assert "tthc ingest" in wh.detail


def test_empty_warehouse_is_an_error(tmp_path: Path) -> None:
    connect(tmp_path / "empty.duckdb").close()
    msg = doctor._guard("Kho dữ liệu", lambda: doctor.check_warehouse(tmp_path / "empty.duckdb"))
    assert not msg.ok and "chưa có dữ liệu nào" in msg.detail


def test_bad_params_are_named_one_line_each(tmp_path: Path, db: Path, capsys, monkeypatch) -> None:
    params = tmp_path / "params"
    shutil.copytree(ROOT / "params" / "profiles", params / "profiles")
    (params / "units").mkdir()
    (params / "units" / "xa-a.yaml").write_text("unit: xa-a\nname: A\nprofle: default\n")
    (params / "units" / "xa-b.yaml").write_text("unit: xa-b\nname: B\nprofile: khong-co\n")
    (params / "units" / "xa-c.yaml").write_text("unit: xa-c\nname: C\n")
    narr = params / "narrative" / "xa-c" / "2026-06.md"
    narr.parent.mkdir(parents=True)
    narr.write_text("---\nunit: xa-c\nperiod: 2026-07\n---\n", encoding="utf-8")
    (params / "narrative" / "xa-z").mkdir()
    checks = doctor.check_params(params)
    lines = [c.line() for c in checks]
    assert lines[0] == (
        f"LỖI  Tham số xa-a: {params}/units/xa-a.yaml: khóa 'profle': khóa không được hỗ trợ."
    )
    assert lines[1].startswith("LỖI  Tham số xa-b: Không tìm thấy bộ quy ước báo cáo (profile)")
    assert lines[2] == (
        f"LỖI  Tham số xa-c: {narr}: khóa 'period' là '2026-07' nhưng tệp này phải là của "
        "'2026-06'."
    )
    assert lines[3].startswith("LỖI  Nội dung báo cáo: thư mục params/narrative/xa-z")
    assert all("\n" not in line for line in lines)

    monkeypatch.setenv("TTHC_PARAMS", str(params))
    rc = main(["doctor", "--db", str(db)])
    out = capsys.readouterr().out.strip().splitlines()
    assert rc == 1 and out[-1] == "4 mục cần sửa."


def test_good_params_report_profile_and_narrative_count() -> None:
    [check] = [c for c in doctor.check_params() if c.name == "Tham số an-truong"]
    assert check.ok
    assert check.detail.startswith("xã An Trường, bộ quy ước báo cáo 'an-truong' (kỳ nd09), ")
    assert check.detail.endswith(" tệp nội dung (4 cảnh báo nội dung, xem khi chạy 'tthc report')")


def test_missing_font_file(tmp_path: Path, monkeypatch) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    src = ROOT / "lib" / "tthc" / "fonts"
    for name in doctor.FONT_FILES[:-1]:
        shutil.copy(src / name, fonts / name)
    monkeypatch.setattr("tthc.paths.fonts_dir", lambda: fonts)
    check = doctor._guard("Phông chữ", doctor.check_fonts)
    assert not check.ok
    assert check.detail.startswith("thiếu LiberationSerif-BoldItalic.ttf")


def test_pdf_engine_prints() -> None:
    check = doctor._guard("WeasyPrint + Pango", doctor.check_pdf_engine)
    assert check.ok and check.detail.startswith("WeasyPrint ")


def test_doctor_refuses_an_issue_date_before_the_period_ends(tmp_path: Path) -> None:
    params = tmp_path / "params"
    shutil.copytree(ROOT / "params" / "profiles", params / "profiles")
    (params / "units").mkdir()
    (params / "units" / "xa-c.yaml").write_text("unit: xa-c\nname: C\n")
    narr = params / "narrative" / "xa-c" / "2026-06.md"
    narr.parent.mkdir(parents=True)
    narr.write_text("---\nunit: xa-c\nperiod: 2026-06\ndate: 2026-06-13\n---\n", encoding="utf-8")
    [check] = doctor.check_params(params)
    assert check.line() == (
        f"LỖI  Tham số xa-c: {narr}: khóa 'date' là '2026-06-13' nhưng báo cáo không thể ban "
        "hành trước ngày cuối kỳ (14/6/2026)."
    )
