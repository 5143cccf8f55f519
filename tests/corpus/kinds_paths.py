"""Paths and names (issue 13, "Crashes"): file names whose bytes are not UTF-8, things that are
not files, unit slugs that cannot name a file, output folders that exist as files."""

from __future__ import annotations

import os
from pathlib import Path

from corpus.framework import CASE_ROWS, Run, Workspace, kind, partial, prints, read, refused
from tthc.ingest.pipeline import rejects_dir_for

NOT_UTF8 = r"có byte không phải UTF-8 .*hãy đổi tên tệp"
BAD_SLUG = r"Tên đơn vị .* không hợp lệ: dùng dạng 'an-truong'"


@kind("path-name-not-utf8", "paths", refused(r"Tên tệp .*h\ufffd-s\ufffd\.csv " + NOT_UTF8),
      "an export whose file name is Latin-1 bytes (made on a machine with another code page): "
      "refused, no warehouse or rejects folder created")  # fmt: skip
def _(w: Workspace) -> Run:
    bad = w.csv(b"h\xf4-s\xe1.csv")
    w.absent(w.path("data"))
    return w.ingest(bad)


@kind("path-name-not-utf8-in-folder", "paths", partial(ok=1, failed=1, pattern=NOT_UTF8),
      "a folder holding a good export and one whose name is not UTF-8: the good one goes in")  # fmt: skip
def _(w: Workspace) -> Run:
    w.csv("exports/good.csv")
    w.csv(b"exports/\xff\xfe.csv")
    return w.ingest(w.path("exports"))


@kind("path-missing-file", "paths", refused(r"Không tìm thấy tệp .*khong-co\.csv"),
      "a file name that does not exist")  # fmt: skip
def _(w: Workspace) -> Run:
    w.absent(w.path("data"))
    return w.ingest(w.path("khong-co.csv"))


@kind("path-empty-folder", "paths", refused(r"Không có tệp nào để nạp"),
      "a folder with no files (hidden files are not exports)")  # fmt: skip
def _(w: Workspace) -> Run:
    w.write("exports/.hidden.csv", "x")
    w.absent(w.path("data"))
    return w.ingest(w.path("exports"))


@kind("path-fifo", "paths", refused(r"không phải tệp thường"),
      "a named pipe called .csv (reading it would wait for ever)")  # fmt: skip
def _(w: Workspace) -> Run:
    os.mkfifo(w.path("pipe.csv"))
    w.absent(w.path("data"))
    return w.ingest(w.path("pipe.csv"))


@kind("path-device-symlink", "paths", refused(r"không phải tệp thường"),
      "a .csv that is a symbolic link to /dev/zero")  # fmt: skip
def _(w: Workspace) -> Run:
    w.path("zero.csv").symlink_to("/dev/zero")
    return w.ingest(w.path("zero.csv"))


@kind("path-symlink-loop", "paths", refused(r"Không tìm thấy tệp|Không đọc được tệp"),
      "a .csv that is a symbolic link to itself")  # fmt: skip
def _(w: Workspace) -> Run:
    w.path("loop.csv").symlink_to(w.path("loop.csv"))
    return w.ingest(w.path("loop.csv"))


@kind("path-not-readable", "paths", refused(r"Không đọc được tệp .*không có quyền đọc"),
      "an export the user may not read (mode 000)")  # fmt: skip
def _(w: Workspace) -> Run:
    path = w.csv()
    path.chmod(0o000)
    w.path("data").mkdir(mode=0o777)
    w.path("data").chmod(0o777)
    run = w.ingest(path)
    run.as_nobody = True
    return run


@kind("path-name-with-newline", "paths", read(rows=3),
      "a file name holding a newline: read, every message stays on one line")  # fmt: skip
def _(w: Workspace) -> Run:
    return w.ingest(w.csv("hồ sơ\ntháng 6.csv"))


@kind("path-name-with-terminal-escape", "paths", refused(r"Không tìm thấy tệp .*\\x1b\[31m"),
      "a missing file whose name holds a terminal escape: shown escaped, not sent to the terminal")  # fmt: skip
def _(w: Workspace) -> Run:
    return w.ingest(w.path("\x1b[31mdo.csv"))


@kind("path-long-name-rejects-csv", "paths", read(rows=1, rejected=1, reasons=("Trạng thái không nhận ra",)),
      "a 244-byte file name with a rejected row: the rejects CSV name is shortened to fit")  # fmt: skip
def _(w: Workspace) -> Run:
    path = w.csv("đ" * 120 + ".csv", rows=[["HS-1", "1.001193", "X", "không rõ", "02/06/2026"]])
    w.check(lambda: _short_rejects(rejects_dir_for(w.db)))
    return w.ingest(path)


def _short_rejects(folder: Path) -> None:
    [out] = list(folder.iterdir())
    assert out.name == "1-" + "đ" * 100 + ".csv", out.name


@kind("path-hidden-file-given", "paths", read(rows=3),
      "a hidden file named explicitly on the command line is read")  # fmt: skip
def _(w: Workspace) -> Run:
    return w.ingest(w.csv(".ho-so.csv"))


@kind("path-uppercase-extension", "paths", read(rows=3),
      "an export named .CSV")  # fmt: skip
def _(w: Workspace) -> Run:
    return w.ingest(w.csv("HO-SO.CSV"))


@kind("path-unsupported-extension", "paths", refused(r"định dạng '\.txt' không được hỗ trợ"),
      "an export saved as .txt")  # fmt: skip
def _(w: Workspace) -> Run:
    w.absent(w.path("data"))
    return w.ingest(w.csv("ho-so.txt"))


@kind("path-no-extension", "paths", refused(r"định dạng '\(không có đuôi\)' không được hỗ trợ"),
      "an export without an extension")  # fmt: skip
def _(w: Workspace) -> Run:
    return w.ingest(w.csv("ho-so"))


@kind("path-input-name-too-long", "paths", refused(r"tên quá dài"),
      "an input path whose file name is longer than 255 bytes")  # fmt: skip
def _(w: Workspace) -> Run:
    return w.ingest(w.path("x" * 300 + ".csv"))


@kind("path-slug-too-long", "paths", refused(r"Tên đơn vị 'a{40}…' dài 300 ký tự, quá 64"),
      "a unit slug of 300 characters (longer than a file name may be)")  # fmt: skip
def _(w: Workspace) -> Run:
    w.absent(w.path("data"))
    return w.ingest(w.csv(), unit="a" * 300)


@kind("path-slug-dotdot", "paths", refused(BAD_SLUG),
      "a unit slug that climbs out of params/units/ ('../an-truong')")  # fmt: skip
def _(w: Workspace) -> Run:
    return w.ingest(w.csv(), unit="../an-truong")


@kind("path-slug-slash", "paths", refused(BAD_SLUG),
      "a unit slug holding a path separator")  # fmt: skip
def _(w: Workspace) -> Run:
    return w.ingest(w.csv(), unit="an/truong")


@kind("path-slug-diacritics", "paths", refused(BAD_SLUG),
      "a unit slug written in Vietnamese ('An-Trường')")  # fmt: skip
def _(w: Workspace) -> Run:
    return w.ingest(w.csv(), unit="An-Trường")


@kind("path-slug-trailing-newline", "paths", refused(BAD_SLUG),
      "a unit slug ending in a newline (pasted from a file)")  # fmt: skip
def _(w: Workspace) -> Run:
    return w.ingest(w.csv(), unit="an-truong\n")


@kind("path-slug-empty", "paths", refused(BAD_SLUG),
      "an empty unit slug")  # fmt: skip
def _(w: Workspace) -> Run:
    return w.ingest(w.csv(), unit="")


@kind("path-slug-not-utf8", "paths", refused(BAD_SLUG),
      "a unit slug whose bytes are not UTF-8")  # fmt: skip
def _(w: Workspace) -> Run:
    return w.ingest(w.csv(), unit=os.fsdecode(b"an-tr\xfa\xf4ng"))


@kind("path-stats-slug-too-long", "paths", refused(r"dài 300 ký tự, quá 64"),
      "'tthc stats' with a unit slug of 300 characters")  # fmt: skip
def _(w: Workspace) -> Run:
    w.warehouse()
    return w.stats(unit="b" * 300)


@kind("path-rejects-folder-is-a-file", "paths",
      refused(r"Không tạo được thư mục dòng bị loại .*rejects là tệp, không phải thư mục"),
      "a file named 'rejects' where the rejects folder goes: refused before the warehouse exists")  # fmt: skip
def _(w: Workspace) -> Run:
    w.write("data/rejects", "not a folder")
    w.absent(w.db)
    return w.ingest(w.csv(rows=[["HS-1", "1.001193", "X", "không rõ", "02/06/2026"]]))


def _report(w: Workspace, out: Path) -> Run:
    w.warehouse()
    return Run(
        ["report", "--db", str(w.db), "--unit", "xa-a", "--month", "2026-06", "--out", str(out),
         "--no-progress"]
    )  # fmt: skip


@kind("path-report-out-is-a-file", "paths", refused(r"Không tạo được thư mục báo cáo .*là tệp"),
      "'tthc report --out' naming a file: refused before any kernel starts")  # fmt: skip
def _(w: Workspace) -> Run:
    out = w.write("bao-cao", "a file")
    w.untouched(out)
    return _report(w, out)


@kind("path-report-unit-folder-is-a-file", "paths",
      refused(r"Không tạo được thư mục báo cáo .*xa-a là tệp"),
      "outputs/<unit> exists as a file")  # fmt: skip
def _(w: Workspace) -> Run:
    w.write("outputs/xa-a", "a file")
    return _report(w, w.path("outputs"))


@kind("path-report-out-not-utf8", "paths", refused(r"Tên thư mục báo cáo .* có byte không phải UTF-8"),
      "'tthc report --out' whose bytes are not UTF-8")  # fmt: skip
def _(w: Workspace) -> Run:
    return _report(w, w.path(b"b\xe1o-c\xe1o"))


@kind("path-sample-out-is-a-file", "paths", refused(r"đã tồn tại và không phải là thư mục"),
      "'tthc sample --out' naming a file")  # fmt: skip
def _(w: Workspace) -> Run:
    out = w.write("mau", "a file")
    w.untouched(out)
    return Run(["sample", "--out", str(out)])


@kind("path-many-files-one-bad", "paths", partial(ok=2, failed=1, pattern=r"không được hỗ trợ"),
      "three files, one of them a .txt: the two others go in, exit 2")  # fmt: skip
def _(w: Workspace) -> Run:
    a = w.csv("a.csv")
    b = w.csv("b.csv", rows=[[f"B-{r[0]}", *r[1:]] for r in CASE_ROWS])
    return w.ingest(a, w.csv("c.txt"), b)


@kind("path-same-file-twice", "paths", read(rows=6, files=2),
      "the same export named twice: the second time is 'already ingested', nothing counted twice")  # fmt: skip
def _(w: Workspace) -> Run:
    path = w.csv()
    return w.ingest(path, path)


@kind("path-doctor-db-folder-is-a-file", "paths",
      prints(r"LỖI  Kho dữ liệu: .*là tệp|LỖI  Kho dữ liệu: Không tìm thấy kho dữ liệu", exit=1),
      "'tthc doctor --db' inside a 'folder' that is a file: a LỖI line, not a traceback")  # fmt: skip
def _(w: Workspace) -> Run:
    w.write("data", "not a folder")
    return Run(["doctor", "--db", str(w.path("data") / "w.duckdb")])
