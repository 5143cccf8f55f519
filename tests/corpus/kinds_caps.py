"""Resource caps outside the readers (issue 13, item 2): the file-size cap, refused before any
byte is read. (The readers' caps on cells, columns, cell length and XML expansion come with the
reader rewrite, in ``kinds_`` modules of their own.)"""

from __future__ import annotations

from corpus.framework import Run, Workspace, kind, read, refused
from tthc.ingest.limits import MAX_FILE_ENV, MAX_FILE_MB

OVER_CAP = rf"nặng .*, vượt giới hạn {MAX_FILE_MB} MB cho một tệp xuất: .*\${MAX_FILE_ENV}"


def sparse(w: Workspace, name: str, size: int) -> Run:
    """A file of ``size`` bytes that takes no disk (and is never read: the cap comes first)."""
    path = w.path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        fh.truncate(size)
    w.absent(w.path("data"))
    return w.ingest(path)


@kind("cap-csv-over-file-size", "caps", refused(r"Tệp lon\.csv nặng 100\.000\.001 byte, vượt giới hạn 100 MB"),
      "a CSV one byte over the file-size cap")  # fmt: skip
def _(w: Workspace) -> Run:
    return sparse(w, "lon.csv", MAX_FILE_MB * 10**6 + 1)


@kind("cap-xlsx-over-file-size", "caps", refused(r"Tệp lon\.xlsx nặng 250 MB, vượt giới hạn"),
      "an xlsx of 250 MB")  # fmt: skip
def _(w: Workspace) -> Run:
    return sparse(w, "lon.xlsx", 250 * 10**6)


@kind("cap-xls-over-file-size", "caps", refused(OVER_CAP),
      "a legacy .xls of 4 GB")  # fmt: skip
def _(w: Workspace) -> Run:
    return sparse(w, "lon.xls", 4 * 10**9)


@kind("cap-folder-one-file-over", "caps", refused(OVER_CAP),
      "a folder whose only export is over the cap: nothing written")  # fmt: skip
def _(w: Workspace) -> Run:
    run = sparse(w, "exports/lon.csv", 10**9)
    run.argv[-1] = str(w.path("exports"))
    return run


@kind("cap-lowered-for-one-run", "caps", refused(r"vượt giới hạn 0,0001 MB"),
      f"${MAX_FILE_ENV}=0.0001 (100 bytes): a small export is over the lowered cap")  # fmt: skip
def _(w: Workspace) -> Run:
    run = w.ingest(w.csv())
    run.env[MAX_FILE_ENV] = "0.0001"
    return run


@kind("cap-raised-for-one-run", "caps", read(rows=3),
      f"${MAX_FILE_ENV}=500: the cap can be raised; an export under it is read")  # fmt: skip
def _(w: Workspace) -> Run:
    run = w.ingest(w.csv())
    run.env[MAX_FILE_ENV] = "500"
    return run


@kind("cap-setting-not-a-number", "caps", refused(rf"\${MAX_FILE_ENV} = 'nhiều' không hợp lệ"),
      f"${MAX_FILE_ENV} set to a word")  # fmt: skip
def _(w: Workspace) -> Run:
    run = w.ingest(w.csv())
    run.env[MAX_FILE_ENV] = "nhiều"
    return run


@kind("cap-setting-negative", "caps", refused(rf"\${MAX_FILE_ENV} = '-5' không hợp lệ"),
      f"${MAX_FILE_ENV} set to a negative number")  # fmt: skip
def _(w: Workspace) -> Run:
    run = w.ingest(w.csv())
    run.env[MAX_FILE_ENV] = "-5"
    return run
