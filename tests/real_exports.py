"""Shared by the real-export tests: a warehouse with the sample catalogue, the CLI run as a user
runs it (``tthc ingest --json`` per file, then ``tthc stats --json``), and small exports built in
the shape of ``fixtures/real-exports/00-control`` (the six cases every case there is built on).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

from tthc.cli import main
from tthc.sample.procedures import catalogue
from tthc.sample.write import write_catalogue

REAL = Path(__file__).parent / "fixtures" / "real-exports"
UNIT = "an-truong"

TITLE = [
    "ỦY BAN NHÂN DÂN XÃ AN TRƯỜNG",
    "DANH SÁCH HỒ SƠ TIẾP NHẬN",
    "Từ ngày 15/05/2026 đến ngày 14/06/2026",
    "Ngày xuất: 15/06/2026 08:00",
]
HEADER = [
    "STT",
    "Mã hồ sơ",
    "Mã TTHC",
    "Tên thủ tục hành chính",
    "Lĩnh vực",
    "Kênh thực hiện",
    "Trạng thái",
    "Ngày nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc xử lý",
    "Ngày trả kết quả",
]
PROCEDURES = [
    ("1.001193", "Đăng ký khai sinh"),
    ("1.000894", "Đăng ký kết hôn"),
    ("1.000656", "Đăng ký khai tử"),
]
SIX_EARLY = {
    "cases_total": 6,
    "cases_resolved_early": 6,
    "cases_in_progress": 0,
    "procedures_with_cases": 3,
}


def control_rows(fmt=None) -> list[list[object]]:
    """The six control cases: received 18-23/05/2026 online, resolved early the next day.

    ``fmt(datetime) -> str`` writes the dates (default ``dd/mm/yyyy HH:MM:SS``).
    """
    fmt = fmt or (lambda d: d.strftime("%d/%m/%Y %H:%M:%S"))
    rows = []
    for i in range(6):
        code, name = PROCEDURES[i % 3]
        received = dt.datetime(2026, 5, 18 + i, 8, 30)
        rows.append(
            [
                i + 1,
                f"H31.41-2605{18 + i}-{i + 1:04d}",
                code,
                name,
                "Hộ tịch",
                "Trực tuyến",
                "Đã trả kết quả",
                fmt(received),
                fmt(received + dt.timedelta(days=3, hours=8, minutes=30)),
                fmt(received + dt.timedelta(days=1, hours=1, minutes=30)),
                fmt(received + dt.timedelta(days=1, hours=6, minutes=30)),
            ]
        )
    return rows


def write_xlsx(
    path: Path,
    sheets: dict[str, Sequence[Sequence[object]]],
    title: Sequence[str] = TITLE,
    header: Sequence[str] = HEADER,
    options: dict | None = None,
    hidden: Sequence[str] = (),
) -> Path:
    """An xlsx with one sheet per entry: the title rows, a blank row, the header, the rows.

    A cell given as ``("=formula", "#REF!")`` is written as a formula whose cached value is
    that error; a ``float`` as a number; anything else as text.
    """
    wb = xlsxwriter.Workbook(str(path), options or {})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        r = 0
        for line in title:
            ws.write_string(r, 0, line)
            r += 1
        if title:
            r += 1
        ws.write_row(r, 0, list(header))
        for row in rows:
            r += 1
            for c, v in enumerate(row):
                if isinstance(v, tuple):
                    ws.write_formula(r, c, v[0], None, v[1])
                elif isinstance(v, int | float) and not isinstance(v, bool):
                    ws.write_number(r, c, v)
                elif v is None or v == "":
                    continue
                else:
                    ws.write_string(r, c, str(v))
        if name in hidden:
            ws.hide()
    wb.close()
    return path


def write_csv(
    path: Path,
    rows: Sequence[Sequence[object]],
    title: Sequence[str] = TITLE,
    header: Sequence[str] = HEADER,
    encoding: str = "utf-8-sig",
    delimiter: str = ",",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator="\r\n")
        for line in title:
            w.writerow([line])
        w.writerow(header)
        w.writerows(rows)
    return path


def catalogue_file(folder: Path) -> Path:
    path = folder / "danh-muc.xlsx"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        write_catalogue(path, catalogue())
    return path


def new_warehouse(folder: Path, catalogue: Path) -> Path:
    db = folder / "w.duckdb"
    assert main(["ingest", "--db", str(db), "--unit", UNIT, str(catalogue)]) == 0
    return db


def ingest_json(db: Path, path: Path, capsys, *extra: str) -> tuple[int, dict | list, str]:
    """Run ``tthc ingest --json`` on one file; (exit code, the JSON printed, stderr)."""
    capsys.readouterr()
    code = main(["ingest", "--db", str(db), "--unit", UNIT, "--json", *extra, str(path)])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


# The cases' files cover 15/05–14/06/2026 (their titles). Procedure coverage counts the year to
# date under the An Trường profile, so its days before 15/05 are not covered: without
# --allow-partial it is N/A (issue 10, "absence is not zero"). The cases' README expects it from
# the files' own days, so stats runs with --allow-partial and ``partial_keys`` checks that only
# the year-to-date procedure figures are partial, over exactly the files' days.
FILES_WINDOW = [["2026-05-15", "2026-06-14"]]


def stats(db: Path, capsys, month: str = "2026-06") -> dict:
    capsys.readouterr()
    argv = ["stats", "--db", str(db), "--unit", UNIT, "--month", month, "--json", "--allow-partial"]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def stored_cases(db: Path) -> int:
    """Cases in the warehouse (a refused file stores none; stats would say N/A, not 0)."""
    from tthc.warehouse import connect

    con = connect(db, read_only=True)
    try:
        return con.execute("SELECT count(*) FROM cases").fetchone()[0]
    finally:
        con.close()


def partial_keys(s: dict) -> set[str]:
    """The figures computed from part of their window; each must cover the files' days."""
    partial = s.get("partial") or {}
    for key, verdict in partial.items():
        assert verdict["covered"] == FILES_WINDOW, (key, verdict)
    return set(partial)


def figures(s: dict, keys: Sequence[str]) -> dict:
    """The figures ``keys``; of them only procedure coverage (year to date) may be partial."""
    assert partial_keys(s) & set(keys) <= {"procedures_with_cases"}, s.get("partial")
    return {k: s[k] for k in keys}


def decisions(result: dict, what: str) -> list[dict]:
    return [d for d in result.get("decisions", []) if d["what"] == what]
