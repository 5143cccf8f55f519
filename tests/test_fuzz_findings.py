"""What the fuzzer found in the readers (``notes/fuzz-findings-13w.md``), one minimal input each.

Each was an abort, an uncaught exception or a lost row before the reader rewrite of issue 9
(extent measured before reading, CSV fields read by pyarrow with a cap, UTF-16 decoded whole,
CR line ends, unclosed quotes counted, two-digit years expanded by a stated rule); these tests keep
them fixed. Inputs go through the fuzz worker, so an abort is reported instead of killing pytest.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzzing.harness import Worker, check

HEADER = "Mã hồ sơ,Mã TTHC,Trạng thái,Ngày nhận"


@pytest.fixture(scope="module")
def worker():
    w = Worker()
    yield w
    w.close()


def ingest(worker: Worker, tmp_path: Path, name: str, data: bytes) -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    return worker.ingest(path, tmp_path / "w.duckdb")


def corner_cell_xlsx(*, with_table: bool) -> bytes:
    """An xlsx with a cell at XFD1048576, the sheet's last cell (with a small table or alone)."""
    import io

    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("Danh sách")
    if with_table:
        for c, text in enumerate(HEADER.split(",")):
            ws.write_string(0, c, text)
        for c, text in enumerate(["HS-1", "1.001193", "Đang xử lý", "02/06/2026"]):
            ws.write_string(1, c, text)
    ws.write_string(1048575, 16383, " ")
    wb.close()
    return buf.getvalue()


def test_f1_a_stray_cell_in_the_last_cell_does_not_abort(worker, tmp_path) -> None:
    answer = ingest(worker, tmp_path, "stray.xlsx", corner_cell_xlsx(with_table=True))
    check(answer)


def test_f2_a_cell_of_one_megabyte(worker, tmp_path) -> None:
    body = f"{HEADER}\nHS-1,1.001193,Đang xử lý,02/06/2026\nHS-2,{'x' * (1 << 20)},Đang xử lý,02/06/2026\n"
    answer = ingest(worker, tmp_path, "big-cell.csv", body.encode())
    check(answer)


def test_f3_utf16_with_an_odd_number_of_bytes(worker, tmp_path) -> None:
    data = "\ufeff" + HEADER + "\nHS-1,1.001193,Đang xử lý,02/06/2026\n"
    answer = ingest(worker, tmp_path, "u16.csv", data.encode("utf-16-le") + b"\x00")
    check(answer)


def test_f4_carriage_return_line_ends_with_a_short_row(worker, tmp_path) -> None:
    data = f"{HEADER}\rHS-1,1.001193,Đang xử lý,02/06/2026\rHS-2,1.001193\r"
    answer = ingest(worker, tmp_path, "cr.csv", data.encode())
    check(answer)


def test_f5_an_unclosed_quote_loses_no_row(worker, tmp_path) -> None:
    rows = ['HS-1,1.001193,"Đang xử lý,02/06/2026'] + [
        f"HS-{i},1.001193,Đang xử lý,02/06/2026" for i in (2, 3)
    ]
    answer = ingest(worker, tmp_path, "quote.csv", "\n".join([HEADER, *rows, ""]).encode())
    check(answer)
    assert answer["result"]["rows_read"] == 3, answer["result"]  # every data line is counted


def test_f6_a_sheet_whose_only_cell_is_the_last_cell(worker, tmp_path) -> None:
    answer = ingest(worker, tmp_path, "corner.xlsx", corner_cell_xlsx(with_table=False))
    check(answer)


def test_f7_a_two_digit_year_is_not_stored_as_year_zero() -> None:
    import datetime as dt

    from tthc.ingest.values import parse_timestamps

    out = parse_timestamps(["01/01/00", "02/06/26"])
    assert all(v is None or (isinstance(v, dt.datetime) and v.year >= 1900) for v in out), out
