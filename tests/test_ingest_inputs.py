"""Paths, names and the file-size cap (issue 13, items 2 and "Crashes"): one line, nothing written."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tthc.errors import OutputError, ParamsError
from tthc.ingest.inputs import rejects_csv_name
from tthc.ingest.limits import MAX_FILE_ENV, MAX_FILE_MB, max_file_bytes, mb_text
from tthc.ingest.pipeline import FailedFile, IngestResult, ingest_paths
from tthc.units import SLUG_MAX, load_unit

FIX = Path(__file__).parent / "fixtures" / "ingest"
GOOD = FIX / "cases_sample_utf8.csv"


def only_failure(results: list) -> str:
    [r] = results
    assert isinstance(r, FailedFile), r
    return r.error


def test_a_name_whose_bytes_are_not_utf8_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    bad = Path(os.fsdecode(bytes(tmp_path) + b"/h\xf4-s\xe1.csv"))  # Latin-1 "hô-sá"
    shutil.copyfile(GOOD, bad)
    db = tmp_path / "data" / "w.duckdb"
    error = only_failure(ingest_paths(db, "xa-a", [bad]))
    assert error == (
        f"Tên tệp {tmp_path}/h\ufffd-s\ufffd.csv có byte không phải UTF-8 (tên đặt trên máy dùng "
        "bảng mã khác): hãy đổi tên tệp rồi nạp lại."
    )
    assert not db.parent.exists()  # no warehouse, no rejects folder


def test_in_a_folder_the_bad_name_fails_alone(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copyfile(GOOD, folder / "good.csv")
    shutil.copyfile(GOOD, Path(os.fsdecode(bytes(folder) + b"/\xff.csv")))
    results = ingest_paths(tmp_path / "w.duckdb", "xa-a", [folder])
    ok = [r for r in results if isinstance(r, IngestResult)]
    failed = [r for r in results if isinstance(r, FailedFile)]
    assert [r.counts.inserted for r in ok] == [10]
    assert len(failed) == 1 and "không phải UTF-8" in failed[0].error


def test_the_file_size_cap_refuses_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:  # sparse: no disk used, and the file is never read
        fh.truncate(MAX_FILE_MB * 10**6 + 1)
    db = tmp_path / "w.duckdb"
    error = only_failure(ingest_paths(db, "xa-a", [big]))
    assert error == (
        f"Tệp big.csv nặng 100.000.001 byte, vượt giới hạn {MAX_FILE_MB} MB cho một tệp xuất: tách tệp "
        f"theo khoảng thời gian, hoặc đặt ${MAX_FILE_ENV} để nâng giới hạn."
    )
    assert not db.exists()


def test_the_cap_can_be_set_for_one_run(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(MAX_FILE_ENV, "0,001")  # 1,000 bytes
    assert max_file_bytes() == 1000
    error = only_failure(ingest_paths(tmp_path / "w.duckdb", "xa-a", [GOOD]))
    assert f"nặng {mb_text(GOOD.stat().st_size)}, vượt giới hạn 0,001 MB" in error
    monkeypatch.setenv(MAX_FILE_ENV, "nhiều")
    with pytest.raises(ParamsError, match=r"TTHC_MAX_FILE_MB = 'nhiều' không hợp lệ"):
        max_file_bytes()


def test_a_pipe_or_device_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # reading it would block for ever
    assert "không phải tệp thường" in only_failure(
        ingest_paths(tmp_path / "w.duckdb", "xa-a", [fifo])
    )


def test_a_rejects_folder_in_the_way_refuses_before_anything_is_written(tmp_path: Path) -> None:
    (tmp_path / "rejects").write_text("a file where the rejects folder goes")
    db = tmp_path / "w.duckdb"
    with pytest.raises(
        OutputError,
        match=r"Không tạo được thư mục dòng bị loại .*rejects là tệp, không phải thư mục",
    ):
        ingest_paths(db, "xa-a", [GOOD])
    assert not db.exists()


def test_a_long_file_name_still_gets_its_rejects_csv(tmp_path: Path) -> None:
    name = "đ" * 120 + ".csv"  # 244 bytes: fits, but not with "<id>-" in front
    long = tmp_path / name
    long.write_text(
        "Mã hồ sơ,Mã TTHC,Trạng thái,Ngày nhận\nA,1.001193,không rõ,01/06/2026\n", encoding="utf-8"
    )
    [r] = ingest_paths(tmp_path / "w.duckdb", "xa-a", [long])
    assert isinstance(r, IngestResult) and r.counts.rejected == 1
    out = Path(r.rejects_csv)
    assert out.exists() and len(out.name.encode()) <= 255
    assert out.name == rejects_csv_name(r.ingest_id, long) == f"{r.ingest_id}-{'đ' * 100}.csv"


@pytest.mark.parametrize(
    ("slug", "words"),
    [
        ("a" * (SLUG_MAX + 1), f"dài {SLUG_MAX + 1} ký tự, quá {SLUG_MAX}"),
        ("../an-truong", "không hợp lệ"),
        ("an/truong", "không hợp lệ"),
        ("an-truong\n", "không hợp lệ"),
        ("An-Trường", "không hợp lệ"),
        ("", "không hợp lệ"),
    ],
)
def test_unit_slugs_that_cannot_name_a_file_are_refused(slug: str, words: str) -> None:
    with pytest.raises(ParamsError, match=words):
        load_unit(slug)


NO_HEADER = "abc,def\n1,2\n"


def test_a_refused_first_file_leaves_no_warehouse_nor_its_folders(tmp_path: Path) -> None:
    """The file is refused only once read (no header row found), after the warehouse was
    created: it is taken back with the folders made for it, as if never opened."""
    bad = tmp_path / "bad.csv"
    bad.write_text(NO_HEADER, encoding="utf-8")
    db = tmp_path / "data" / "2026" / "w.duckdb"
    error = only_failure(ingest_paths(db, "xa-a", [bad]))
    assert error.startswith("Tệp bad.csv: không tìm thấy dòng tiêu đề cột nhận ra được")
    assert not (tmp_path / "data").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


def test_a_refused_file_leaves_an_existing_warehouse_as_it_was(tmp_path: Path) -> None:
    from tthc.warehouse import connect

    db = tmp_path / "w.duckdb"
    connect(db).close()  # an empty warehouse made earlier: not this run's to take back
    bad = tmp_path / "bad.csv"
    bad.write_text(NO_HEADER, encoding="utf-8")
    only_failure(ingest_paths(db, "xa-a", [bad]))
    assert db.exists()
    connect(db, read_only=True).close()


def test_a_first_file_whose_every_row_is_rejected_keeps_its_warehouse(tmp_path: Path) -> None:
    """The ingest is recorded (its ledger line and rejected rows): the warehouse stores that."""
    every_row_bad = tmp_path / "bad-rows.csv"
    every_row_bad.write_text(
        "Mã hồ sơ,Mã TTHC,Trạng thái,Ngày nhận\nA,1.001193,không rõ,01/06/2026\n", encoding="utf-8"
    )
    db = tmp_path / "new" / "w.duckdb"
    [r] = ingest_paths(db, "xa-a", [every_row_bad])
    assert isinstance(r, IngestResult) and r.counts.rejected == 1
    assert db.exists()


def test_a_refused_file_beside_a_good_one_keeps_the_new_warehouse(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copyfile(GOOD, folder / "good.csv")
    (folder / "bad.csv").write_text(NO_HEADER, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    results = ingest_paths(db, "xa-a", [folder])
    assert sorted(type(r).__name__ for r in results) == ["FailedFile", "IngestResult"]
    assert db.exists()
