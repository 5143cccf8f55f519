"""`tthc ingest` on the command line: summaries, --json, folders, and one-line errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tthc.cli import main

FIX = Path(__file__).parent / "fixtures" / "ingest"
REQUIRED_KEYS = {
    "rows_read",
    "inserted",
    "updated",
    "unchanged",
    "rejected",
    "kind",
    "unit",
    "file_sha256",
    "conflicts",
    "ingest_id",
    "as_of",
    "dropped_personal",
    "ignored_columns",
    "rejects_csv",
    "column_map",
}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["ingest", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_single_file_json_object(tmp_path: Path, capsys) -> None:
    db = tmp_path / "w.duckdb"
    code, out, err = run(
        capsys, "--db", str(db), "--unit", "an-truong", "--json", str(FIX / "cases_sample.xlsx")
    )
    assert (code, err) == (0, "")
    obj = json.loads(out)
    assert set(obj) >= REQUIRED_KEYS
    assert obj["kind"] == "cases" and obj["kind_detected"] is True
    assert (
        obj["rows_read"],
        obj["inserted"],
        obj["updated"],
        obj["unchanged"],
        obj["rejected"],
    ) == (10, 10, 0, 0, 0)
    assert obj["unit"] == "an-truong"
    assert obj["as_of"] == "2026-06-15 08:00:00"
    assert obj["dropped_personal"] == [
        "Chủ hồ sơ",
        "Địa chỉ",
        "Số điện thoại",
        "Đơn vị/ cá nhân giải quyết",
    ]
    assert obj["column_map"]["Ngày nhận"] == "received_at"
    assert len(obj["file_sha256"]) == 64
    code, out, _ = run(
        capsys, "--db", str(db), "--unit", "an-truong", "--json", str(FIX / "cases_sample.xlsx")
    )
    again = json.loads(out)
    assert (again["inserted"], again["updated"], again["already_ingested"]) == (0, 0, True)


def test_human_summary(tmp_path: Path, capsys) -> None:
    code, out, err = run(
        capsys,
        "--db",
        str(tmp_path / "w.duckdb"),
        "--unit",
        "an-truong",
        str(FIX / "cases_bad_rows.xlsx"),
    )
    assert code == 0 and err == ""
    assert "Loại: danh sách hồ sơ (tự nhận dạng theo tiêu đề cột)" in out
    assert "Đọc 11 dòng: thêm mới 2, cập nhật 0, không đổi 1, bị loại 8" in out
    assert "số liệu tính đến 15/06/2026 08:00 (theo dòng tiêu đề của tệp)" in out
    assert f"Dòng bị loại: {tmp_path / 'rejects' / 'w' / '1-cases_bad_rows.csv'}" in out
    assert "Cột dữ liệu cá nhân không lưu: Chủ hồ sơ" in out


def test_folder_is_ingested_catalogue_first_with_failures_reported(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    for name in ("pakn.xlsx", "cases_provincial.xlsx", "catalogue.xlsx", "bad_corrupt.xlsx"):
        shutil.copy(FIX / name, folder / name)
    db = tmp_path / "w.duckdb"
    files = sorted(str(p) for p in folder.iterdir())  # what the shell makes of DIR/*
    code, out, err = run(capsys, "--db", str(db), "--unit", "an-truong", "--json", *files)
    assert code == 2
    arr = json.loads(out)
    assert [Path(o["file"]).name for o in arr] == [
        "catalogue.xlsx",
        "cases_provincial.xlsx",
        "pakn.xlsx",
        "bad_corrupt.xlsx",
    ]
    assert [o.get("kind") for o in arr] == ["catalogue", "cases", "pakn", None]
    assert arr[1]["notes"]["matched_by_name"] == 3  # the catalogue was there first
    assert arr[3] == {
        "file": str(folder / "bad_corrupt.xlsx"),
        "ok": False,
        "error": "Không đọc được tệp bad_corrupt.xlsx: tệp nén hỏng hoặc tải về chưa hết (BadZipFile); hãy tải hoặc xuất lại.",
    }
    assert err.splitlines() == [
        "Lỗi: Không đọc được tệp bad_corrupt.xlsx: tệp nén hỏng hoặc tải về chưa hết "
        "(BadZipFile); hãy tải hoặc xuất lại.",
        "Lỗi: 1/4 tệp không nạp được (3 tệp đã nạp).",
    ]
    # A directory argument means its files.
    code, out, _ = run(
        capsys, "--db", str(tmp_path / "w2.duckdb"), "--unit", "an-truong", "--json", str(folder)
    )
    assert code == 2 and [o.get("kind") for o in json.loads(out)][:3] == [
        "catalogue",
        "cases",
        "pakn",
    ]


@pytest.mark.parametrize(
    ("name", "extra", "message"),
    [
        ("bad_empty.csv", [], "Lỗi: Tệp bad_empty.csv rỗng (0 byte)."),
        (
            "bad_corrupt.xlsx",
            [],
            "Lỗi: Không đọc được tệp bad_corrupt.xlsx: tệp nén hỏng hoặc tải về chưa hết "
            "(BadZipFile); hãy tải hoặc xuất lại.",
        ),
        (
            "bad_encrypted.xlsx",
            [],
            "Lỗi: Tệp bad_encrypted.xlsx được đặt mật khẩu (mã hóa): hãy mở bằng Excel, bỏ mật khẩu "
            "rồi lưu lại.",
        ),
        (
            "notes.txt",
            [],
            "Lỗi: Tệp notes.txt: định dạng '.txt' không được hỗ trợ (chỉ nhận .xlsx, .xlsm, .xls, .ods, .csv).",
        ),
        (
            "bad_noheader.xlsx",
            [],
            "Lỗi: Tệp bad_noheader.xlsx: không tìm thấy dòng tiêu đề cột nhận ra được (các ô tìm thấy: "
            "Cột A; Cột B; Giá trị): hãy thêm tên cột vào params/aliases hoặc mục aliases của đơn vị.",
        ),
        (
            "bad_header_only.xlsx",
            [],
            "Lỗi: Tệp bad_header_only.xlsx: không có dòng dữ liệu nào dưới dòng tiêu đề (dòng 1) "
            "và tiêu đề không ghi khoảng thời gian hay ngày xuất.",
        ),
        (
            "pakn.xlsx",
            ["--kind", "catalogue"],
            "Lỗi: Tệp pakn.xlsx có dạng danh sách phản ánh, kiến nghị (PAKN) (--kind pakn), không phải "
            "danh mục thủ tục hành chính như --kind catalogue yêu cầu.",
        ),
        ("missing.xlsx", [], "Lỗi: Không tìm thấy tệp {fix}/missing.xlsx."),
    ],
)
def test_bad_inputs_one_line_and_exit_2(
    tmp_path: Path, capsys, name: str, extra: list[str], message: str
) -> None:
    db = tmp_path / "w.duckdb"
    code, out, err = run(capsys, "--db", str(db), "--unit", "an-truong", *extra, str(FIX / name))
    assert code == 2
    assert out == ""
    assert err == message.format(fix=FIX) + "\n"
    con = __import__("tthc.warehouse", fromlist=["connect"]).connect(db)
    assert con.execute("SELECT count(*) FROM ingests").fetchone() == (0,)
    con.close()


def test_undecodable_csv(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "rac.csv"
    bad.write_bytes(b"\x81\x8d\x90\xff binary, not text\n" * 3)
    code, out, err = run(
        capsys, "--db", str(tmp_path / "w.duckdb"), "--unit", "an-truong", str(bad)
    )
    assert (code, out) == (2, "")
    assert err == (
        "Lỗi: Không đọc được tệp rac.csv: bảng mã không nhận ra (không phải UTF-8, UTF-16, "
        "Windows-1258, TCVN3 hay VNI; chữ giải mã ra không phải tiếng Việt): hãy mở bằng Excel và "
        "lưu lại dạng 'CSV UTF-8'.\n"
    )


def test_missing_column_message(tmp_path: Path, capsys) -> None:
    code, _out, err = run(
        capsys,
        "--db",
        str(tmp_path / "w.duckdb"),
        "--unit",
        "an-truong",
        "--kind",
        "cases",
        str(FIX / "bad_missing_code.xlsx"),
    )
    assert code == 2
    assert err.count("\n") == 1
    assert "thiếu cột bắt buộc 'Mã hồ sơ' (case_code): đã thử các tên Mã hồ sơ, MaHoSo" in err


def test_real_process_prints_no_traceback(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "tthc"
    proc = subprocess.run(
        [
            str(exe),
            "ingest",
            "--db",
            str(tmp_path / "w.duckdb"),
            "--unit",
            "an-truong",
            str(FIX / "bad_corrupt.xlsx"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert (
        proc.stderr
        == "Lỗi: Không đọc được tệp bad_corrupt.xlsx: tệp nén hỏng hoặc tải về chưa hết "
        "(BadZipFile); hãy tải hoặc xuất lại.\n"
    )
    assert "Traceback" not in proc.stderr


def test_output_pipe_closed_early_is_no_traceback(tmp_path: Path) -> None:
    """'tthc ingest --json | true': the reader is gone before the JSON is written. The file is
    ingested; the command stops quietly with the status a shell gives for SIGPIPE."""
    exe = Path(sys.executable).parent / "tthc"
    db = tmp_path / "w.duckdb"
    reader = subprocess.Popen(["true"], stdin=subprocess.PIPE)
    reader.wait()  # gone before tthc writes a byte
    proc = subprocess.run(
        [str(exe), "ingest", "--json", "--db", str(db), "--unit", "an-truong",
         str(FIX / "cases_national.csv")],
        stdout=reader.stdin,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )  # fmt: skip
    reader.stdin.close()
    assert (proc.returncode, proc.stderr) == (141, "")
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*), min(file_name) FROM ingests").fetchone() == (
        1,
        "cases_national.csv",
    )
    con.close()


def test_unknown_unit_slug_is_a_params_error(tmp_path: Path, capsys) -> None:
    code, _out, err = run(
        capsys, "--db", str(tmp_path / "w.duckdb"), "--unit", "An Truong", str(FIX / "pakn.xlsx")
    )
    assert code == 2
    assert err == "Lỗi: Tên đơn vị 'An Truong' không hợp lệ: dùng dạng 'an-truong'.\n"


def test_json_is_printed_for_refused_files_and_problems_before_any_file(
    tmp_path: Path, capsys
) -> None:
    db = str(tmp_path / "w.duckdb")
    code, out, err = run(
        capsys, "--db", db, "--unit", "an-truong", "--json", str(FIX / "bad_empty.csv")
    )
    assert code == 2 and err.startswith("Lỗi: ") and err.count("\n") == 1
    obj = json.loads(out)
    assert obj["ok"] is False and obj["file"].endswith("bad_empty.csv") and obj["error"]
    # A problem before any file is read is a JSON document too.
    code, out, err = run(capsys, "--db", db, "--unit", "Sai Tên", "--json", str(FIX / "pakn.xlsx"))
    assert code == 2
    assert json.loads(out) == {"ok": False, "error": err.removeprefix("Lỗi: ").rstrip("\n")}


def test_a_file_whose_every_row_is_rejected_exits_non_zero(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "hong.csv"
    bad.write_text(
        "Mã hồ sơ,Mã TTHC,Ngày nhận,Ngày hẹn trả\nA,1.001193,hôm qua,\nB,1.001193,31/02/2026,\n",
        encoding="utf-8",
    )
    code, out, err = run(
        capsys, "--db", str(tmp_path / "w.duckdb"), "--unit", "an-truong", str(bad)
    )
    assert code == 2
    assert "Đọc 2 dòng: thêm mới 0, cập nhật 0, không đổi 0, bị loại 2" in out
    assert err.startswith("Lỗi: Tệp hong.csv: cả 2 dòng đều bị loại, không nạp được hồ sơ nào")
    # The same file again changes nothing, and still says that none of it went in.
    code, out, err = run(
        capsys, "--db", str(tmp_path / "w.duckdb"), "--unit", "an-truong", str(bad)
    )
    assert code == 2 and "đã được nạp trước đó" in out and "cả 2 dòng đều bị loại" in err
    # --json says it too: the file's entry is not ok, with the same error.
    code, out, err = run(
        capsys, "--db", str(tmp_path / "w.duckdb"), "--unit", "an-truong", "--json", str(bad)
    )
    obj = json.loads(out)
    assert code == 2 and obj["ok"] is False and obj["already_ingested"] is True
    assert obj["error"] == err.removeprefix("Lỗi: ").rstrip("\n")
    assert obj["error"].startswith("Tệp hong.csv: cả 2 dòng đều bị loại")


def test_an_empty_list_that_says_its_range_records_it(tmp_path: Path, capsys) -> None:
    """No PAKN in a month is a fact: the empty list's days are covered (issue 10's coverage)."""
    db = tmp_path / "w.duckdb"
    empty = tmp_path / "pakn-trong.csv"
    empty.write_text(
        "DANH SÁCH PHẢN ÁNH, KIẾN NGHỊ\nTừ ngày 15/05/2026 đến ngày 14/06/2026\n"
        "Ngày xuất: 15/06/2026 08:00\nMã PAKN,Ngày tiếp nhận,Hạn xử lý,Ngày xử lý,Nguồn\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--db", str(db), "--unit", "an-truong", "--json", str(empty))
    obj = json.loads(out)
    assert (code, err, obj["rows_read"], obj["kind"]) == (0, "", 0, "pakn")
    assert [d["what"] for d in obj["decisions"]] == ["empty_list"]
    # Without a range or an export time it tells nothing and is refused.
    bare = tmp_path / "trong.csv"
    bare.write_text("Mã PAKN,Ngày tiếp nhận,Hạn xử lý,Ngày xử lý,Nguồn\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", str(db), "--unit", "an-truong", str(bare))
    assert code == 2 and "không ghi khoảng thời gian" in err
