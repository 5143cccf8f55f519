"""Broken and hostile files at the readers: each read with every line accounted for, or refused
with one Vietnamese line; never a traceback, never a row lost without a count."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from real_exports import (
    HEADER,
    TITLE,
    control_rows,
    ingest_json,
    write_xlsx,
)


@pytest.fixture
def db(catalogued_db: Path) -> Path:
    return catalogued_db


def csv_lines(rows, title=TITLE, header=HEADER, sep=",") -> list[str]:
    return [*title, sep.join(header), *(sep.join(str(v) for v in r) for r in rows)]


def accounted(result: dict) -> None:
    assert result["ok"] is True, result
    c = result
    assert c["rows_read"] == c["inserted"] + c["updated"] + c["unchanged"] + c["rejected"]


def refused(db: Path, path: Path, capsys, *words: str) -> str:
    code, result, err = ingest_json(db, path, capsys)
    assert code == 2 and result["ok"] is False, result
    assert err.startswith("Lỗi: ") and err.count("\n") == 1 and "Traceback" not in err
    for w in words:
        assert w in result["error"], result["error"]
    return result["error"]


def test_unclosed_quote_loses_one_line_not_the_rest_of_the_file(
    tmp_path: Path, db: Path, capsys
) -> None:
    lines = csv_lines(control_rows())
    lines[5] = lines[5].replace("Đăng ký khai sinh", '"Đăng ký khai sinh', 1)  # never closed
    path = tmp_path / "q.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    code, result, _ = ingest_json(db, path, capsys)
    accounted(result)
    assert (code, result["rows_read"], result["inserted"], result["rejected"]) == (0, 6, 5, 1)
    reasons = Path(result["rejects_csv"]).read_text(encoding="utf-8-sig")
    assert 'dấu ngoặc kép ("") không đóng' in reasons


@pytest.mark.parametrize("separator", ["\u2028", "\u0085", "\u2029"])
def test_unicode_line_separators_in_titles_are_not_line_breaks(
    separator: str, tmp_path: Path, db: Path, capsys
) -> None:
    title = [TITLE[0] + separator + "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", *TITLE[1:]]
    path = tmp_path / "ls.csv"
    path.write_text("\r\n".join(csv_lines(control_rows(), title=title)), encoding="utf-8")
    code, result, _ = ingest_json(db, path, capsys)
    accounted(result)
    assert (code, result["rows_read"], result["inserted"]) == (0, 6, 6)


def test_trailing_delimiter_on_every_row(tmp_path: Path, db: Path, capsys) -> None:
    lines = csv_lines(control_rows())
    lines = lines[: len(TITLE) + 1] + [line + "," for line in lines[len(TITLE) + 1 :]]
    path = tmp_path / "td.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    code, result, _ = ingest_json(db, path, capsys)
    assert (code, result["inserted"], result["rejected"]) == (0, 6, 0)


def test_a_row_with_fewer_fields_is_rejected_with_both_counts(
    tmp_path: Path, db: Path, capsys
) -> None:
    lines = csv_lines(control_rows())
    lines[-1] = ",".join(lines[-1].split(",")[:5])
    path = tmp_path / "short.csv"
    # With its line break: without one, a short last line is where a copy stopped (the file
    # is refused as cut short, tests/test_ingest_cut_short.py).
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, result, _ = ingest_json(db, path, capsys)
    assert (code, result["inserted"], result["rejected"]) == (0, 5, 1)
    assert "Dòng có 5 ô, dòng tiêu đề có 11 ô" in Path(result["rejects_csv"]).read_text(
        encoding="utf-8-sig"
    )


def test_a_one_megabyte_field_is_refused_naming_the_cap(tmp_path: Path, db: Path, capsys) -> None:
    rows = control_rows()
    rows[0][3] = "x" * 1_200_000
    path = tmp_path / "big.csv"
    path.write_text("\n".join(csv_lines(rows)), encoding="utf-8")
    refused(db, path, capsys, "1.000.000 ký tự")


def test_fifty_thousand_columns_in_the_head_are_refused(tmp_path: Path, db: Path, capsys) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(["x"] * 50_000) + "\n" + "\n".join(csv_lines(control_rows())))
    refused(db, path, capsys, "702 cột")


def test_fifty_thousand_fields_in_a_body_row_reject_that_row(
    tmp_path: Path, db: Path, capsys
) -> None:
    rows = []
    for k in range(8):  # 48 rows: the wide one lies below the head (first 40 lines)
        # Each copy 3 days later, so that receptions run through the title's range (the same
        # 48 cases in six days, then none for three weeks, read as a list cut short).
        later = lambda d, k=k: (d + dt.timedelta(days=3 * k)).strftime("%d/%m/%Y %H:%M:%S")  # noqa: E731
        for r in control_rows(later):
            rows.append([*r[:1], f"{r[1]}-{k}", *r[2:]])
    lines = [*csv_lines(rows), ",".join(["y"] * 50_000)]
    path = tmp_path / "wide-row.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    code, result, _ = ingest_json(db, path, capsys)
    accounted(result)
    assert (code, result["inserted"], result["rejected"]) == (0, 48, 1)


def _rewrite_part(src: Path, dst: Path, part: str, change) -> Path:
    """Copy an xlsx with ``change(bytes) -> bytes`` applied to one of its parts."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, change(data) if item.filename == part else data)
    return dst


def _with_stray_cell(src: Path, dst: Path, ref: str, dimension: str | None) -> Path:
    """Copy an xlsx adding one value cell at ``ref`` (and a declared dimension)."""
    row = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    stray = f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>'.encode()

    def change(data: bytes) -> bytes:
        data = data.replace(b"</sheetData>", stray + b"</sheetData>")
        if dimension:
            data = re.sub(
                rb'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>'.encode(), data
            )
        return data

    return _rewrite_part(src, dst, "xl/worksheets/sheet1.xml", change)


def test_a_stray_cell_in_the_last_column_is_refused_before_reading(
    tmp_path: Path, db: Path, capsys
) -> None:
    src = write_xlsx(tmp_path / "ok.xlsx", {"DS": control_rows()})
    path = _with_stray_cell(src, tmp_path / "xfd.xlsx", "XFD1048576", "A1:XFD1048576")
    refused(db, path, capsys, "ngoài cột ZZ")


@pytest.mark.parametrize("ref", ["XFD1048576", "ZZ1048576", "XFD5"])
def test_a_stray_cell_under_a_small_dimension_is_refused_before_reading(
    ref: str, tmp_path: Path, db: Path, capsys
) -> None:
    """The dimension element says A1:K12; one cell lies far out anyway (the fuzzer's finding F1:
    the reader aborted allocating the grid)."""
    src = write_xlsx(tmp_path / "ok.xlsx", {"DS": control_rows()})
    path = _with_stray_cell(src, tmp_path / "stray.xlsx", ref, None)
    refused(db, path, capsys, "ngoài cột ZZ" if ref.startswith("XFD") else "giới hạn")


@pytest.mark.parametrize(
    ("cell", "wide", "last_col"),
    [
        (b'<c r="AB12" t="s"><v>1</v></c>', False, 27),
        (b'<c t="s" s="2" r="XFD5"><v>1</v></c>', True, 25),  # r after other attributes
        (b'<c\n r="ZZ9"><v>1</v></c>', False, 701),  # a line break before r
        (b'<x:c\tr="AAA3"><x:v>1</x:v></x:c>', True, 25),  # a namespace prefix, a tab
        (b'<c r="A1" t="inlineStr"><is><t>x r="ABC1 y</t></is></c>', False, 25),  # cell text
        (b'<pageMargins header="ZZZ" footer="0.3"/>', False, 25),  # another attribute
        (b'<row r="12" spans="1:30"><c r="A12"><v>1</v></c></row>', False, 25),
    ],
)
def test_columns_past_z_are_found_in_any_cell_tag_and_only_there(
    cell: bytes, wide: bool, last_col: int
) -> None:
    from tthc.ingest.excel import SheetFacts, _columns_past_z

    facts = SheetFacts()
    _columns_past_z(b'<sheetData><row r="1">' + cell + b"</row></sheetData>", facts)
    assert (facts.wide, facts.last_col) == (wide, last_col)


def test_a_lying_huge_dimension_with_a_small_sheet_is_read(
    tmp_path: Path, db: Path, capsys
) -> None:
    src = write_xlsx(tmp_path / "ok.xlsx", {"DS": control_rows()})
    path = _rewrite_part(
        src,
        tmp_path / "dim.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda d: d.replace(b'<dimension ref="A1:K12"/>', b'<dimension ref="A1:XFD1048576"/>'),
    )
    code, result, _ = ingest_json(db, path, capsys)
    assert (code, result["inserted"]) == (0, 6)


def test_entity_expansion_in_excel_2003_xml_is_refused(tmp_path: Path, db: Path, capsys) -> None:
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE Workbook [<!ENTITY l0 "ha">{laughs}]>'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="A"><Table>'
        '<Row><Cell><Data ss:Type="String">&l9;</Data></Cell></Row></Table></Worksheet></Workbook>'
    )
    path = tmp_path / "lol.xls"
    path.write_text(xml, encoding="utf-8")
    refused(db, path, capsys)


def test_entity_expansion_in_an_xlsx_workbook_part_is_refused(
    tmp_path: Path, db: Path, capsys
) -> None:
    src = write_xlsx(tmp_path / "ok.xlsx", {"DS": control_rows()})
    path = _rewrite_part(
        src,
        tmp_path / "lol.xlsx",
        "xl/workbook.xml",
        lambda d: d.replace(
            b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>', 1
        ),
    )
    refused(db, path, capsys, "cấu trúc Excel hỏng")


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04" + b"\x00" * 100, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600],
    ids=["zip-header-only", "ole-header-only"],
)
def test_truncated_containers_are_refused(content: bytes, tmp_path: Path, db: Path, capsys) -> None:
    path = tmp_path / "cut.xls"
    path.write_bytes(content)
    refused(db, path, capsys)
