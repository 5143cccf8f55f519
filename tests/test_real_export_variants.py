"""Further exports of each kind of fault the real cases show, built here: other encodings, other
look-alikes, other date habits, other error cells, other code damage, other sheet layouts and
containers. Each gives the six control cases (or a refusal that names the fault)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
import xlsxwriter
from real_exports import (
    HEADER,
    SIX_EARLY,
    TITLE,
    control_rows,
    decisions,
    figures,
    ingest_json,
    stats,
    stored_cases,
    write_csv,
    write_xlsx,
)

from tthc.ingest.legacy import to_tcvn3, to_vni

SIX = tuple(SIX_EARLY)
STATUS, RECEIVED, DUE, ENDED = 6, 7, 8, 9


@pytest.fixture
def db(catalogued_db: Path) -> Path:
    return catalogued_db


def six_early(db: Path, path: Path, capsys, *extra: str) -> dict:
    code, result, err = ingest_json(db, path, capsys, *extra)
    assert (code, err) == (0, ""), result
    assert (result["rows_read"], result["inserted"], result["rejected"]) == (6, 6, 0), result
    s = stats(db, capsys)
    assert figures(s, SIX) == SIX_EARLY
    assert [r["field"] for r in s["by_field"] if r["field"] != "Tổng cộng"] == ["Hộ tịch"]
    return result


def refused(db: Path, path: Path, capsys, *words: str) -> str:
    code, result, err = ingest_json(db, path, capsys)
    assert code == 2 and result["ok"] is False, result
    assert err.startswith("Lỗi: ") and err.count("\n") == 1 and "Traceback" not in err
    for w in words:
        assert w in result["error"], result["error"]
    assert stored_cases(db) == 0
    return result["error"]


def text_columns(rows, convert, cols=(3, 4, 5, STATUS)):
    return [[convert(v) if i in cols else v for i, v in enumerate(r)] for r in rows]


# --- legacy encodings -------------------------------------------------------------------------


def test_vni_values_in_xlsx(tmp_path: Path, db: Path, capsys) -> None:
    path = write_xlsx(tmp_path / "vni.xlsx", {"DS": text_columns(control_rows(), to_vni)})
    result = six_early(db, path, capsys)
    assert {d["encoding"] for d in decisions(result, "legacy_column")} == {"vni"}


def test_vni_csv_bytes(tmp_path: Path, db: Path, capsys) -> None:
    rows = text_columns(control_rows(), to_vni)
    path = tmp_path / "vni.csv"
    text = "\r\n".join(
        [*(to_vni(t) for t in TITLE), ",".join(to_vni(h) for h in HEADER)]
        + [",".join(str(v) for v in r) for r in rows]
    )
    path.write_bytes(text.encode("cp1252"))
    result = six_early(db, path, capsys)
    assert [d["encoding"] for d in decisions(result, "encoding")] == ["vni"]


def test_tcvn3_capitals_font_title_and_tcvn3_values(tmp_path: Path, db: Path, capsys) -> None:
    title = [
        "".join(c.upper() if c.isascii() else c for c in to_tcvn3(t.lower())) for t in TITLE[:2]
    ] + TITLE[2:]
    rows = text_columns(control_rows(), to_tcvn3)
    path = write_xlsx(tmp_path / "vntimeh.xlsx", {"DS": rows}, title=title)
    result = six_early(db, path, capsys)
    assert any(d["what"] == "legacy_column" for d in result["decisions"])


def test_unicode_yes_no_under_a_tcvn3_title_stay_unicode(tmp_path: Path, db: Path, capsys) -> None:
    """ "Có" and "Không" are also TCVN3 bytes for "Cú" and "Khụng": a title typed in .VnTime
    must not turn a yes/no column written in Unicode into unknown words. The label tables know
    the column as written: it stays Unicode, and the ledger says why. A column truly typed in
    TCVN3 ("Cã", "Kh«ng") is still converted."""
    flags = ["Có", "Không", "", "Có", "Không", ""]
    header = [*HEADER, "Có thành phần hồ sơ số hóa", "Tái sử dụng dữ liệu số hóa"]
    rows = [[*r, flags[i], to_tcvn3(flags[i])] for i, r in enumerate(control_rows())]
    path = write_csv(tmp_path / "tcvn-title.csv", rows, title=[to_tcvn3(t) for t in TITLE],
                     header=header)  # fmt: skip
    result = six_early(db, path, capsys)
    [kept] = decisions(result, "legacy_not_applied")
    assert kept["column"] == "Có thành phần hồ sơ số hóa" and kept["encoding"] == "tcvn3"
    assert "(Có, Không)" in kept["detail"]
    assert [d["column"] for d in decisions(result, "legacy_column")] == [
        "Tái sử dụng dữ liệu số hóa"
    ]
    con = duckdb.connect(str(db), read_only=True)
    got = con.sql("SELECT has_components, reused_data FROM cases ORDER BY case_code").fetchall()
    con.close()
    want = [True, False, False, True, False, False]
    assert got == list(zip(want, want, strict=True))
    assert "unknown_yes_no" not in result["notes"]


def test_utf8_read_as_windows_1252_is_repaired(tmp_path: Path, db: Path, capsys) -> None:
    def garble(text: str) -> str:
        # As Windows shows UTF-8 bytes in code page 1252: undefined bytes as C1 controls.
        out = []
        for b in text.encode("utf-8"):
            try:
                out.append(bytes([b]).decode("cp1252"))
            except UnicodeDecodeError:
                out.append(chr(b))
        return "".join(out)

    rows = [[garble(v) if i == STATUS else v for i, v in enumerate(r)] for r in control_rows()]
    assert rows[0][STATUS] != "Đã trả kết quả"
    path = write_xlsx(tmp_path / "mojibake.xlsx", {"DS": rows})
    result = six_early(db, path, capsys)
    assert [d["encoding"] for d in decisions(result, "legacy_column")] == ["utf8_as_cp1252"]


def test_undecidable_legacy_column_is_refused(tmp_path: Path, db: Path, capsys) -> None:
    rows = control_rows()
    rows[0][4] = "H\u00e9 t\u00de\u00b5\u00b5ch"  # TCVN3-looking, reads as Vietnamese in none
    path = write_xlsx(tmp_path / "rac.xlsx", {"DS": rows})
    refused(db, path, capsys, "TCVN3", "Unikey", "Lĩnh vực")


def test_gbk_csv_is_refused_not_stored_as_mojibake(tmp_path: Path, db: Path, capsys) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(
        "\r\n".join(["案件清单", "编号,日期,状态", "A1,2026-05-18,完成"]).encode("gbk")
    )
    refused(db, path, capsys, "bảng mã không nhận ra")


# --- look-alikes and invisible characters ------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [
        "\u0189ã trả kết quả",
        "Đã\u200b trả kết quả",
        "Đã trả\u00a0kết\u2060 quả",
        "\ufeffĐã trả kết quả",
    ],
)
def test_look_alike_and_invisible_characters_in_labels(
    status: str, tmp_path: Path, db: Path, capsys
) -> None:
    rows = [[status if i == STATUS else v for i, v in enumerate(r)] for r in control_rows()]
    six_early(db, write_xlsx(tmp_path / "s.xlsx", {"DS": rows}), capsys)


def test_cyrillic_letters_in_procedure_names_match_the_catalogue(
    tmp_path: Path, db: Path, capsys
) -> None:
    header = [h for h in HEADER if h != "Mã TTHC"]
    rows = [[v for i, v in enumerate(r) if i != 2] for r in control_rows()]
    for r in rows:
        r[2] = r[2].replace("a", "\u0430").replace("o", "\u043e")  # Cyrillic а, о
    result = six_early(db, write_xlsx(tmp_path / "cyr.xlsx", {"DS": rows}, header=header), capsys)
    assert result["notes"]["matched_by_name"] == 6


def test_header_with_line_separator_and_soft_hyphen(tmp_path: Path, db: Path, capsys) -> None:
    header = [h.replace(" ", "\u2028", 1) if h.startswith("Ngày") else h for h in HEADER]
    header[1] = "Mã\u00ad hồ sơ"
    six_early(db, write_xlsx(tmp_path / "h.xlsx", {"DS": control_rows()}, header=header), capsys)


def test_case_code_made_only_of_invisible_characters_is_rejected(
    tmp_path: Path, db: Path, capsys
) -> None:
    rows = control_rows()
    rows[0][1] = "\u200b\u2060\ufeff"
    code, result, _ = ingest_json(db, write_xlsx(tmp_path / "i.xlsx", {"DS": rows}), capsys)
    assert (code, result["inserted"], result["rejected"]) == (0, 5, 1)


# --- dates -------------------------------------------------------------------------------------


def _with_dates(fmt) -> list[list[object]]:
    return control_rows(fmt)


@pytest.mark.parametrize(
    "fmt",
    [
        lambda d: (
            f"{d.day}/{d.month}/{d.year} {d.hour % 12 or 12}:{d:%M} "
            + ("SA" if d.hour < 12 else "CH")
        ),
        lambda d: f"{d:%H:%M} {d:%d/%m/%Y}",
        lambda d: f"{d:%d/%m/%Y}, {d.hour}h{d:%M}",
        lambda d: f"{d:%d-%m-%Y %H:%M}",
        lambda d: f"{d:%d.%m.%y %H:%M}",
        lambda d: f"{d - dt.timedelta(hours=7):%Y-%m-%dT%H:%M:%S}Z",
        lambda d: f"{d:%Y-%m-%dT%H:%M:%S}+07:00",
    ],
    ids=["sa-ch-no-seconds", "time-first", "comma-8h30", "dashes", "two-digit-year", "utc", "zone"],
)
def test_date_habits(fmt, tmp_path: Path, db: Path, capsys) -> None:
    six_early(db, write_csv(tmp_path / "d.csv", _with_dates(fmt)), capsys)


def test_two_digit_years_are_recorded(tmp_path: Path, db: Path, capsys) -> None:
    path = write_csv(tmp_path / "yy.csv", _with_dates(lambda d: f"{d:%d/%m/%y %H:%M}"))
    result = six_early(db, path, capsys)
    (rule,) = decisions(result, "two_digit_year")
    assert rule["cells"] == 24 and "20yy" in rule["detail"]


def _serial(d: dt.datetime, epoch: dt.datetime) -> float:
    return round((d - epoch).total_seconds() / 86400, 10)


@pytest.mark.parametrize("date1904", [False, True])
def test_serial_numbers_use_the_workbooks_epoch(
    date1904: bool, tmp_path: Path, db: Path, capsys
) -> None:
    epoch = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    rows = control_rows()
    for r, base in zip(rows, control_rows(lambda d: d), strict=True):
        for c in (RECEIVED, DUE, ENDED, ENDED + 1):
            r[c] = _serial(base[c], epoch)
    path = write_xlsx(tmp_path / "s.xlsx", {"DS": rows}, options={"date_1904": date1904})
    result = six_early(db, path, capsys)
    (epoch_record,) = decisions(result, "serial_epoch")
    assert epoch_record["epoch"] == (1904 if date1904 else 1900)


def test_excel_date_cells_in_a_1904_workbook(tmp_path: Path, db: Path, capsys) -> None:
    path = tmp_path / "mac.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"date_1904": True})
    ws = wb.add_worksheet("DS")
    fmt = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for r, line in enumerate(TITLE):
        ws.write_string(r, 0, line)
    ws.write_row(5, 0, HEADER)
    for i, row in enumerate(control_rows(lambda d: d)):
        for c, v in enumerate(row):
            if isinstance(v, dt.datetime):
                ws.write_datetime(6 + i, c, v, fmt)
            else:
                ws.write(6 + i, c, v)
    wb.close()
    six_early(db, path, capsys)


def test_contradicting_date_order_in_one_column_is_refused(
    tmp_path: Path, db: Path, capsys
) -> None:
    rows = control_rows()
    rows[0][RECEIVED] = "13/06/2026 08:30"
    rows[1][RECEIVED] = "06/14/2026 08:30"
    refused(db, write_csv(tmp_path / "x.csv", rows), capsys, "cả hai kiểu", "Ngày nhận")


def test_columns_proving_opposite_orders_are_refused(tmp_path: Path, db: Path, capsys) -> None:
    rows = control_rows()
    for i, r in enumerate(rows):
        r[RECEIVED] = f"{18 + i}/05/2026 08:30"  # day first (18-23 cannot be months)
        r[ENDED] = f"05/{19 + i}/2026 10:00"  # month first
        r[DUE] = r[ENDED + 1] = ""
    refused(db, write_csv(tmp_path / "x.csv", rows), capsys, "Ngày nhận", "Ngày kết thúc")


def test_undecidable_order_follows_the_unit_setting_and_is_recorded(
    tmp_path: Path, db: Path, capsys
) -> None:
    # Received on the 1st-6th of the month, all parts <= 12: nothing proves the order.
    rows = control_rows()
    for i, r in enumerate(rows):
        r[RECEIVED] = f"0{i + 1}/06/2026 08:30"
        r[DUE] = f"0{i + 4}/06/2026 17:00"
        r[ENDED] = f"0{i + 2}/06/2026 10:00"
        r[ENDED + 1] = f"0{i + 2}/06/2026 15:00"
    code, result, _ = ingest_json(db, write_csv(tmp_path / "u.csv", rows), capsys)
    assert code == 0 and result["inserted"] == 6
    (order,) = decisions(result, "date_order")
    assert (order["order"], order["source"]) == ("dmy", "unit_setting")
    assert "exports.date_order" in order["detail"]


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({RECEIVED: "18/05/1900 08:30"}, "trước năm 2000"),
        ({DUE: "21/05/9999 17:00"}, "Ngày hẹn trả"),
        (
            {
                RECEIVED: "15/06/2026 07:30",
                DUE: "18/06/2026 17:00",
                ENDED: "15/06/2026 07:45",
                ENDED + 1: "",
            },
            "sau ngày cuối của danh sách (14/06/2026)",
        ),
        ({ENDED: "17/05/2026 10:00"}, "trước ngày tiếp nhận"),
        ({DUE: "10/05/2026 17:00"}, "trước ngày tiếp nhận"),
        ({ENDED: "20/06/2026 10:00"}, "sau thời điểm xuất tệp (15/06/2026 08:00)"),
        (
            {RECEIVED: "02/05/2026 08:30", ENDED: "05/05/2026 10:00", ENDED + 1: ""},
            "trước ngày đầu của danh sách (15/05/2026)",
        ),
    ],
    ids=[
        "year-1900",
        "year-9999",
        "after-window",
        "end-before-receipt",
        "due-before",
        "after-export",
        "ended-before-window",
    ],
)
def test_implausible_dates_reject_the_row(
    cells: dict[int, str], reason: str, tmp_path: Path, db: Path, capsys
) -> None:
    rows = control_rows()
    for cell, value in cells.items():
        rows[0][cell] = value
    code, result, _ = ingest_json(db, write_csv(tmp_path / "p.csv", rows), capsys)
    assert (code, result["inserted"], result["rejected"]) == (0, 5, 1)
    rejects = Path(result["rejects_csv"]).read_text(encoding="utf-8-sig")
    assert reason in rejects


def test_placeholders_in_the_end_date_of_open_cases(tmp_path: Path, db: Path, capsys) -> None:
    rows = control_rows()
    for r, placeholder in zip(rows[:3], ["-", "N/A", "chưa có"], strict=True):
        r[STATUS], r[ENDED], r[ENDED + 1] = "Đang xử lý", placeholder, ""
    code, result, _ = ingest_json(db, write_csv(tmp_path / "ph.csv", rows), capsys)
    assert (code, result["inserted"], result["rejected"]) == (0, 6, 0)
    assert decisions(result, "date_placeholders")[0]["cells"] == 3


# --- Excel error values ------------------------------------------------------------------------


def test_error_in_an_optional_column_makes_the_value_unknown(
    tmp_path: Path, db: Path, capsys
) -> None:
    header = [*HEADER, "Có thành phần hồ sơ số hóa"]
    rows = [[*r, "Có"] for r in control_rows()]
    rows[0][-1] = ("=1/0", "#DIV/0!")
    rows[1][ENDED + 1] = ("=NA()", "#N/A")  # Ngày trả kết quả: informational
    path = write_xlsx(tmp_path / "e.xlsx", {"DS": rows}, header=header)
    result = six_early(db, path, capsys)
    (errors,) = decisions(result, "excel_errors")
    assert (errors["rejected_rows"], errors["unknown_values"]) == (0, 2)


def test_error_text_in_a_csv_is_an_error_too(tmp_path: Path, db: Path, capsys) -> None:
    rows = control_rows()
    rows[2][DUE] = "#N/A"
    code, result, _ = ingest_json(db, write_csv(tmp_path / "e.csv", rows), capsys)
    assert (code, result["inserted"], result["rejected"]) == (0, 5, 1)
    assert decisions(result, "excel_errors")[0]["cells"][0]["cell"] == "I8"


def test_error_cells_of_an_xls(tmp_path: Path, db: Path, capsys) -> None:
    xlwt = pytest.importorskip("xlwt")
    path = tmp_path / "e.xls"
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("DS", cell_overwrite_ok=True)
    for r, line in enumerate(TITLE):
        ws.write(r, 0, line)
    for c, h in enumerate(HEADER):
        ws.write(5, c, h)
    for i, row in enumerate(control_rows()):
        for c, v in enumerate(row):
            ws.write(6 + i, c, v)
    ws.row(7).set_cell_error(DUE, "#REF!")
    wb.save(str(path))
    code, result, _ = ingest_json(db, path, capsys)
    assert (code, result["inserted"], result["rejected"]) == (0, 5, 1)
    assert decisions(result, "excel_errors")[0]["cells"][0]["error"] == "#REF!"


# --- identifiers -------------------------------------------------------------------------------


def _codes(rows, codes):
    for r, c in zip(rows, codes, strict=True):
        r[1] = c
    return rows


def test_leading_zeros_the_other_way_round(tmp_path: Path, db: Path, capsys) -> None:
    """First the Excel numbers, then the software's text codes: still one case each."""
    first = _codes(control_rows(), [str(120 + i) for i in range(6)])
    for r in first:
        r[STATUS], r[ENDED], r[ENDED + 1] = "Đang xử lý", "", ""
    title = [*TITLE[:3], "Ngày xuất: 25/05/2026 17:00"]
    ingest_json(db, write_xlsx(tmp_path / "a.xlsx", {"DS": first}, title=title), capsys)
    second = _codes(control_rows(), [f"{120 + i:06d}" for i in range(6)])
    code, result, _ = ingest_json(db, write_xlsx(tmp_path / "b.xlsx", {"DS": second}), capsys)
    assert (code, result["inserted"], result["updated"]) == (0, 0, 6)
    assert figures(stats(db, capsys), SIX) == SIX_EARLY


def test_ambiguous_lost_zeros_are_not_matched(tmp_path: Path, db: Path, capsys) -> None:
    first = _codes(control_rows(), ["0120", "00120", "000130", "000131", "000132", "000133"])
    title = [*TITLE[:3], "Ngày xuất: 25/05/2026 17:00"]
    ingest_json(db, write_xlsx(tmp_path / "a.xlsx", {"DS": first}, title=title), capsys)
    second = _codes(control_rows(), ["120", "121", "130", "131", "132", "133"])
    code, result, _ = ingest_json(db, write_xlsx(tmp_path / "b.xlsx", {"DS": second}), capsys)
    assert code == 0
    assert decisions(result, "leading_zeros")[0]["matched"] == 4
    assert decisions(result, "leading_zeros_ambiguous")[0]["codes"] == 1
    assert result["inserted"] == 2  # "120" (two candidates) and "121" stay their own codes


def test_numbers_longer_than_fifteen_digits_are_refused(tmp_path: Path, db: Path, capsys) -> None:
    rows = _codes(control_rows(), [f"260518{i:04d}0000000"[:15] + "0" for i in range(6)])
    refused(db, write_csv(tmp_path / "long.csv", rows), capsys, "15 chữ số")


def test_spaces_inside_codes_and_procedure_codes_in_national_forms(
    tmp_path: Path, db: Path, capsys
) -> None:
    rows = control_rows()
    forms = ["1.001193.000.00.00.H31", " 1.000894 ", "1.000656.000.00.00.h31"] * 2
    for r, f in zip(rows, forms, strict=True):
        r[1] = r[1].replace("-", " - ", 1)
        r[2] = f
    six_early(db, write_xlsx(tmp_path / "c.xlsx", {"DS": rows}), capsys)


# --- sheets and containers ---------------------------------------------------------------------


def test_one_sheet_per_month_and_a_summary_sheet(tmp_path: Path, db: Path, capsys) -> None:
    rows = control_rows()
    path = tmp_path / "m.xlsx"
    write_xlsx(path, {"T5": rows[:4], "T6": rows[4:]})
    # A summary sheet with no case header sits first: read around it and name it.
    summary = tmp_path / "m2.xlsx"
    wb = xlsxwriter.Workbook(str(summary))
    ws = wb.add_worksheet("Tổng hợp")
    ws.write_row(0, 0, ["Tháng", "Số hồ sơ"])
    ws.write_row(1, 0, ["5", "4"])
    for name, part in (("T5", rows[:4]), ("T6", rows[4:])):
        s = wb.add_worksheet(name)
        for r, line in enumerate(TITLE):
            s.write_string(r, 0, line)
        s.write_row(5, 0, HEADER)
        for i, row in enumerate(part):
            s.write_row(6 + i, 0, row)
    wb.close()
    result = six_early(db, summary, capsys)
    assert [(s["sheet"], s["status"]) for s in result["sheets"]] == [
        ("T5", "read"),
        ("T6", "read"),
        ("Tổng hợp", "skipped"),
    ]


def test_sheet_with_other_columns_refuses_the_file(tmp_path: Path, db: Path, capsys) -> None:
    path = tmp_path / "x.xlsx"
    rows = control_rows()
    write_xlsx(path, {"A": rows[:3]})
    wb = xlsxwriter.Workbook(str(path))
    a = wb.add_worksheet("A")
    b = wb.add_worksheet("B")
    for ws, header, part in ((a, HEADER, rows[:3]), (b, HEADER[:-1], [r[:-1] for r in rows[3:]])):
        ws.write_row(0, 0, header)
        for i, row in enumerate(part):
            ws.write_row(1 + i, 0, row)
    wb.close()
    refused(db, path, capsys, "trang 'B'", "thiếu: Ngày trả kết quả")


def test_hidden_sheet_is_named_as_skipped(tmp_path: Path, db: Path, capsys) -> None:
    path = write_xlsx(
        tmp_path / "h.xlsx", {"DS": control_rows(), "Nháp": control_rows()[:2]}, hidden=["Nháp"]
    )
    result = six_early(db, path, capsys)
    assert {"sheet": "Nháp", "status": "skipped", "reason": "trang ẩn", "rows": None} in result[
        "sheets"
    ]


def test_csv_with_totals_and_signature_and_semicolons(tmp_path: Path, db: Path, capsys) -> None:
    rows = [*control_rows(), ["Tổng số: 6", "", "", "", "", "", "", "", "", "", ""]]
    rows += [[""] * 11, ["", "", "", "", "", "", "", "Hải Phòng, ngày 15 tháng 6 năm 2026"]]
    rows += [["", "Người lập biểu", "", "", "", "", "", "", "Giám đốc"], ["", "Lê Văn Tám"]]
    path = write_csv(tmp_path / "f.csv", rows, delimiter=";")
    result = six_early(db, path, capsys)
    assert [r["why"] for r in decisions(result, "non_data_rows")[0]["rows"]] == [
        "dòng tổng cộng / chữ ký",
        "dòng tổng cộng / chữ ký",
        "dòng tổng cộng / chữ ký",
        "họ tên người ký",
    ]


def test_html_with_two_row_header_colspan_and_windows_1258(
    tmp_path: Path, db: Path, capsys
) -> None:
    cells = "".join
    head = (
        "<tr><th rowspan=2>STT</th><th rowspan=2>Mã hồ sơ</th><th rowspan=2>Mã TTHC</th>"
        "<th rowspan=2>Tên thủ tục hành chính</th><th rowspan=2>Lĩnh vực</th>"
        "<th rowspan=2>Kênh thực hiện</th><th rowspan=2>Trạng thái</th>"
        "<th colspan=4>Ngày</th></tr>"
        "<tr><th>nhận</th><th>hẹn trả</th><th>kết thúc xử lý</th><th>trả kết quả</th></tr>"
    )
    body = cells("<tr>" + cells(f"<td>{v}</td>" for v in r) + "</tr>" for r in control_rows())
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
        f"</head><body><h3>{TITLE[1]}</h3><p>{TITLE[2]}</p><p>{TITLE[3]}</p>"
        f"<table border=1>{head}{body}</table></body></html>"
    )
    path = tmp_path / "web.xls"
    path.write_bytes(_cp1258(html))
    result = six_early(db, path, capsys)
    assert result["container"] == "html" and result["as_of"] == "2026-06-15 08:00:00"


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: letters with their shape (ă â ê ô ơ ư)
    precomposed where the code page has them, tone marks as combining characters."""
    import unicodedata

    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += base.encode("cp1258") + tones.encode("cp1258")
    return out


def test_spreadsheetml_with_hidden_sheet_error_and_datetime(
    tmp_path: Path, db: Path, capsys
) -> None:
    def row(values) -> str:
        out = []
        for v in values:
            if isinstance(v, dt.datetime):
                out.append(
                    f'<Cell><Data ss:Type="DateTime">{v:%Y-%m-%dT%H:%M:%S}.000</Data></Cell>'
                )
            elif isinstance(v, int):
                out.append(f'<Cell><Data ss:Type="Number">{v}</Data></Cell>')
            else:
                out.append(f'<Cell><Data ss:Type="String">{v}</Data></Cell>')
        return "<Row>" + "".join(out) + "</Row>"

    rows = control_rows(lambda d: d)
    table = "".join(row([t]) for t in TITLE) + "<Row/>" + row(HEADER)
    table += "".join(row(r) for r in rows)
    xml = (
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">'
        f'<Worksheet ss:Name="DS"><Table>{table}</Table></Worksheet>'
        '<Worksheet ss:Name="An"><Table><Row><Cell><Data ss:Type="Error">#REF!</Data></Cell>'
        "</Row></Table><x:WorksheetOptions><x:Visible>SheetHidden</x:Visible>"
        "</x:WorksheetOptions></Worksheet></Workbook>"
    )
    path = tmp_path / "x2003.xls"
    path.write_text(xml, encoding="utf-8")
    result = six_early(db, path, capsys)
    assert result["container"] == "spreadsheetml"
    assert {"sheet": "An", "status": "skipped", "reason": "trang ẩn", "rows": None} in result[
        "sheets"
    ]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"%PDF-1.7\n%...", "PDF"),
        (b"\x89PNG\r\n\x1a\n0000", "PNG"),
        (b"<html><body><p>Xin chao</p></body></html>", "không có bảng"),
    ],
    ids=["pdf", "png", "html-without-table"],
)
def test_files_that_are_not_exports_say_what_they_are(
    content: bytes, words: str, tmp_path: Path, db: Path, capsys
) -> None:
    path = tmp_path / "ho-so.xls"
    path.write_bytes(content)
    refused(db, path, capsys, words)


def test_a_reader_holding_the_warehouse_is_named_and_waited_for(
    tmp_path: Path, db: Path, capsys
) -> None:
    import subprocess
    import sys

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
            "print('open', flush=True); sys.stdin.readline()",
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        path = write_xlsx(tmp_path / "ok.xlsx", {"DS": control_rows()})
        # Without waiting: refused at once, naming the reader and its PID.
        code, result, err = ingest_json(db, path, capsys, "--wait", "0")
        assert code == 2 and result["ok"] is False
        # DuckDB names the program by its resolved binary; the PID is the holder's.
        assert "đang được mở để đọc bởi chương trình " in result["error"]
        assert f"(PID {holder.pid})" in result["error"]
        # With a wait longer than the reader's query: it goes in once the reader is gone (the
        # reader closes 3 s after this ingest starts, whatever the machine's load).
        import threading

        def close_reader() -> None:
            holder.stdin.write("\n")
            holder.stdin.flush()

        timer = threading.Timer(3.0, close_reader)
        timer.start()
        code, result, err = ingest_json(db, path, capsys, "--wait", "60")
        timer.join()
        assert code == 0 and result["inserted"] == 6
        assert "chờ tối đa 60 giây" in err
    finally:
        if holder.poll() is None:
            holder.stdin.close()
        holder.wait(timeout=30)
