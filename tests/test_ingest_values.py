"""Value parsing through the real ingest path: dates, statuses, channels, yes/no, NFC, matching."""

from __future__ import annotations

import csv
import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from ingest_helpers import rejects_dir

from tthc.ingest.aliases import load_aliases
from tthc.ingest.catalogue import name_key
from tthc.ingest.pipeline import IngestResult, ingest_file
from tthc.ingest.values import parse_timestamps
from tthc.schema import STATUS_CODES, Kind
from tthc.units import default_unit_params
from tthc.warehouse import connect

FIX = Path(__file__).parent / "fixtures" / "ingest"
D = dt.datetime


def write_csv(
    path: Path, header: list[str], rows: list[list[object]], title: str | None = None
) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        if title:
            w.writerow([title])
        w.writerow(header)
        w.writerows(rows)
    return path


def ingest(con, path: Path, unit: str = "xa-thu", kind: Kind | None = None) -> IngestResult:
    params = default_unit_params(unit)
    return ingest_file(con, path, params, load_aliases(params), kind, rejects_dir(con))


def cases(con, cols: str = "*") -> list[tuple]:
    return con.execute(f"SELECT {cols} FROM cases ORDER BY case_code").fetchall()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("02/01/2026 08:05:09", D(2026, 1, 2, 8, 5, 9)),
        ("02/01/2026 08:05", D(2026, 1, 2, 8, 5)),
        ("02/01/2026", D(2026, 1, 2)),
        ("2/1/2026", D(2026, 1, 2)),
        ("2/1/2026 8:05", D(2026, 1, 2, 8, 5)),
        ("02-01-2026 08:05", D(2026, 1, 2, 8, 5)),
        ("02.01.2026", D(2026, 1, 2)),
        ("2026-01-02", D(2026, 1, 2)),
        ("2026-01-02 08:05:09", D(2026, 1, 2, 8, 5, 9)),
        ("2026-01-02T08:05:09", D(2026, 1, 2, 8, 5, 9)),
        ("2026-01-02T08:05", D(2026, 1, 2, 8, 5)),
        ("2026-01-02 08:05:09.250000", D(2026, 1, 2, 8, 5, 9, 250000)),
        ("46024", D(2026, 1, 2)),
        ("46024.5", D(2026, 1, 2, 12, 0)),
        ("  02/01/2026  ", D(2026, 1, 2)),
        ("31/02/2026", None),
        ("13/13/2026", None),
        ("hôm qua", None),
        ("5", None),  # a small number is not an Excel date
        ("", None),
    ],
)
def test_date_forms(text: str, expected: dt.datetime | None) -> None:
    assert parse_timestamps([text]) == [expected]


def test_excel_datetime_cells_serials_and_xls(wh) -> None:
    # The provincial list's "Đơn vị tiếp nhận" names An Trường: it is only An Trường's own file.
    r = ingest(wh, FIX / "cases_provincial.xlsx", "an-truong")
    assert r.counts.inserted == 4
    assert cases(wh, "case_code, received_at, due_at, ended_at")[0] == (
        "PV-0001",
        D(2026, 5, 20, 8, 0),
        D(2026, 5, 21, 17, 0),
        D(2026, 5, 21, 9, 0),
    )
    # The same list as BIFF .xls, read through calamine too: the same state, so all unchanged.
    r2 = ingest(wh, FIX / "cases_provincial.xls", "an-truong")
    assert (r2.counts.inserted, r2.counts.updated, r2.counts.unchanged) == (0, 0, 4)
    r3 = ingest(wh, FIX / "cases_opencps.xlsx", "an-truong")
    assert r3.counts.rejected == 0
    row = wh.execute(
        "SELECT received_at, due_at, original_due_at, ended_at, returned_at FROM cases "
        "WHERE case_code = 'OC-002'"
    ).fetchone()
    # Serial numbers: 46179.375 = 06/06/2026 09:00; no extension, so due = original due.
    assert row == (D(2026, 6, 6, 9), D(2026, 6, 6, 17), D(2026, 6, 6, 17), D(2026, 6, 6, 12), None)


def test_opencps_extension_replaces_due_and_online_flag(wh) -> None:
    ingest(wh, FIX / "cases_opencps.xlsx")
    rows = cases(
        wh,
        "case_code, due_at, original_due_at, ended_at, returned_at, channel, channel_scheme, status_code, outcome",
    )
    assert rows == [
        ("OC-001", D(2026, 6, 4, 17), D(2026, 6, 2, 17), D(2026, 6, 3, 16), D(2026, 6, 4, 8), "online", "online_flag", 10, "resolved"),
        ("OC-002", D(2026, 6, 6, 17), D(2026, 6, 6, 17), D(2026, 6, 6, 12), None, "in_person", "online_flag", 10, "resolved"),
        ("OC-003", D(2026, 6, 15, 17), D(2026, 6, 15, 17), None, None, "online", "online_flag", 4, "pending"),
    ]  # fmt: skip


STATUS_LABELS = [
    ("Mới đăng ký", 1, "not_received"),
    ("Chờ tiếp nhận", 1, "not_received"),
    ("Được tiếp nhận", 2, "pending"),
    ("Không được tiếp nhận", 3, "not_received"),
    ("Từ chối tiếp nhận", 3, "not_received"),
    ("Đang xử lý", 4, "pending"),
    ("Đang giải quyết", 4, "pending"),
    ("Chờ bổ sung", 5, "pending"),
    ("Yêu cầu bổ sung giấy tờ", 5, "pending"),
    ("Yêu cầu thực hiện nghĩa vụ tài chính", 6, "pending"),
    ("Công dân yêu cầu rút hồ sơ", 7, "withdrawn"),
    ("Rút hồ sơ", 7, "withdrawn"),
    ("Dừng thực hiện TTHC", 7, "withdrawn"),
    ("Dừng xử lý", 8, "stopped"),
    ("Đã xử lý xong", 9, "resolved"),
    ("Hoàn thành", 9, "resolved"),
    ("Đã trả kết quả", 10, "resolved"),
    ("Trả lại", None, "returned"),
    ("Hủy", None, "returned"),
    ("  ĐÃ   TRẢ  KẾT QUẢ ", 10, "resolved"),
    (unicodedata.normalize("NFD", "Đã trả kết quả"), 10, "resolved"),
    ("10.0", 10, "resolved"),
] + [(str(code), code, outcome.value) for code, (_label, outcome) in STATUS_CODES.items()]


def test_status_codes_and_labels(tmp_path: Path, wh) -> None:
    header = ["Mã hồ sơ", "Mã TTHC", "Trạng thái", "Ngày nhận", "Ngày kết thúc xử lý"]
    rows = [
        [f"S{i:02d}", "1.001193", label, "01/06/2026 08:00", "02/06/2026 08:00" if outcome not in ("pending", "not_received") else ""]
        for i, (label, _code, outcome) in enumerate(STATUS_LABELS)
    ]  # fmt: skip
    r = ingest(wh, write_csv(tmp_path / "s.csv", header, rows))
    assert r.counts.rejected == 0
    got = cases(wh, "status_code, outcome, status_label")
    assert [(g[0], g[1]) for g in got] == [(c, o) for _l, c, o in STATUS_LABELS]
    # Codes are stored with the national label; labels as exported, NFC.
    assert got[-1][2] == "Đã trả kết quả"
    assert got[20][2] == "Đã trả kết quả"
    assert unicodedata.is_normalized("NFC", got[20][2])


def test_unknown_status_is_rejected_and_missing_status_inferred(tmp_path: Path, wh) -> None:
    header = ["Mã hồ sơ", "Mã TTHC", "Ngày nhận", "Ngày kết thúc xử lý"]
    rows = [["A", "1.001193", "01/06/2026", "02/06/2026"], ["B", "1.001193", "01/06/2026", ""]]
    r = ingest(wh, write_csv(tmp_path / "n.csv", header, rows))
    assert r.notes["status_inferred"] == 2
    assert cases(wh, "case_code, status_code, status_label, outcome") == [
        ("A", None, None, "resolved"),
        ("B", None, None, "pending"),
    ]


@pytest.mark.parametrize(
    ("value", "channel"),
    [
        ("1", "in_person"),
        ("2", "online"),
        ("3", "postal"),
        ("2.0", "online"),
        ("Trực tuyến", "online"),
        ("trực TUYẾN", "online"),
        ("Trực tiếp", "in_person"),
        ("Bưu chính công ích", "postal"),
        ("BCCI", "postal"),
        ("", None),
    ],
)
def test_channel_codes_and_labels(tmp_path: Path, wh, value: str, channel: str | None) -> None:
    header = ["Mã hồ sơ", "Mã TTHC", "Kênh thực hiện", "Ngày nhận"]
    ingest(wh, write_csv(tmp_path / "c.csv", header, [["A", "1.001193", value, "01/06/2026"]]))
    scheme = "code" if channel else None
    assert cases(wh, "channel, channel_scheme") == [(channel, scheme)]


def test_unknown_channel_rejected(tmp_path: Path, wh) -> None:
    header = ["Mã hồ sơ", "Mã TTHC", "Kênh thực hiện", "Ngày nhận"]
    r = ingest(
        wh, write_csv(tmp_path / "c.csv", header, [["A", "1.001193", "Bồ câu", "01/06/2026"]])
    )
    assert r.counts.rejected == 1
    assert wh.execute("SELECT reason FROM rejects").fetchall() == [
        ('Kênh thực hiện không nhận ra: "Bồ câu"',)
    ]


@pytest.mark.parametrize(
    ("value", "flag"),
    [
        ("Có", True),
        ("có", True),
        ("x", True),
        ("X", True),
        ("1", True),
        ("true", True),
        ("TRUE", True),
        ("Đã", True),
        ("Không", False),
        ("0", False),
        ("false", False),
        ("Chưa", False),
        ("", False),
        ("lung tung", None),
    ],
)
def test_yes_no_and_online_flag(tmp_path: Path, wh, value: str, flag: bool | None) -> None:
    header = ["Mã hồ sơ", "Mã TTHC", "Ngày nhận", "Tái sử dụng dữ liệu số hóa", "Trực tuyến"]
    ingest(
        wh, write_csv(tmp_path / "y.csv", header, [["A", "1.001193", "01/06/2026", value, value]])
    )
    channel = {True: "online", False: "in_person", None: None}[flag]
    scheme = "online_flag" if channel else None
    assert cases(wh, "reused_data, channel, channel_scheme, has_components") == [
        (flag, channel, scheme, None)  # no components column: unknown, not false
    ]


def test_result_file_path_means_yes(wh) -> None:
    ingest(wh, FIX / "cases_national.csv")
    assert cases(
        wh, "case_code, has_result_file, has_components, reused_data, paid_online, channel"
    ) == [
        ("G22.99-260601-0001", True, True, True, False, "online"),
        ("G22.99-260601-0002", False, False, False, False, "in_person"),
        ("G22.99-260601-0003", False, True, False, True, "postal"),
        ("G22.99-260601-0004", False, True, True, False, "online"),
    ]


def test_nfd_and_every_csv_encoding_store_the_same_as_xlsx(tmp_path: Path) -> None:
    def state(path: Path) -> list[tuple]:
        con = connect(tmp_path / f"{path.stem}.duckdb")
        r = ingest(con, path)
        assert r.counts.inserted == 10 and r.counts.rejected == 0
        rows = con.execute(
            "SELECT * EXCLUDE (ingest_id, first_ingest_id) FROM cases ORDER BY case_code"
        ).fetchall()
        con.close()
        return rows

    reference = state(FIX / "cases_sample.xlsx")
    for name in (
        "cases_sample_utf8.csv",
        "cases_sample_utf8bom.csv",
        "cases_sample_utf16.csv",
        "cases_sample_cp1258.csv",
        "cases_sample_nfd.csv",
    ):
        assert state(FIX / name) == reference, name
    texts = [v for row in reference for v in row if isinstance(v, str)]
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)
    assert ("Tư pháp - Hộ tịch" in texts) and ("Đăng ký khai sinh" in texts)


def test_name_matching_and_field_from_catalogue(wh) -> None:
    ingest(wh, FIX / "catalogue.xlsx", "an-truong")
    r = ingest(wh, FIX / "cases_provincial.xlsx", "an-truong")
    assert r.notes == {
        "unmatched_procedures": 1,
        "matched_by_name": 3,
        "field_from_catalogue": 1,
    }
    assert cases(wh, "case_code, procedure_code, field") == [
        ("PV-0001", "1.001193", "Tư pháp - Hộ tịch"),
        ("PV-0002", "1.004227", "Tư pháp - Hộ tịch"),  # "ĐĂNG KÝ  KẾT HÔN", no Lĩnh vực
        ("PV-0003", "2.000908", "Chứng thực"),  # trailing "." ignored
        ("PV-0004", None, "Tư pháp - Hộ tịch"),  # not in the catalogue: kept, unmatched
    ]


def test_name_key() -> None:
    assert name_key("Chứng thực chữ ký trong các giấy tờ, văn bản.") == (
        "chứng thực chữ ký trong các giấy tờ văn bản"
    )
    assert name_key(unicodedata.normalize("NFD", "ĐĂNG KÝ  KẾT HÔN")) == "đăng ký kết hôn"


def test_ambiguous_catalogue_name_is_not_matched(tmp_path: Path, wh) -> None:
    cat = write_csv(
        tmp_path / "dm.csv",
        ["Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực", "Mức độ DVCTT"],
        [["1.1", "Cấp phép", "A", "Toàn trình"], ["2.2", "Cấp phép", "B", "Một phần"]],
    )
    ingest(wh, cat)
    r = ingest(
        wh,
        write_csv(
            tmp_path / "hs.csv",
            ["Mã hồ sơ", "Tên thủ tục hành chính", "Ngày nhận"],
            [["A", "Cấp phép", "01/06/2026"]],
        ),
    )
    assert r.notes["ambiguous_names"] == 1
    assert cases(wh, "procedure_code, field") == [(None, None)]


def test_catalogue_levels(wh) -> None:
    r = ingest(wh, FIX / "catalogue.xlsx")
    assert r.as_of == D(2026, 1, 5, 23, 59, 59)
    levels = dict(wh.execute("SELECT procedure_code, level FROM procedures").fetchall())
    assert levels == {
        "1.001193": "full",  # Toàn trình
        "2.000815": "partial",  # DVCTT một phần
        "2.000635": "full",  # DVCTT toàn trình
        "1.004227": "partial",  # Một phần
        "1.003583": "full",  # 4
        "2.000908": "partial",  # 3
        "1.001612": "full",  # TT
        "1.001653": "partial",  # MP
        "1.000894": "none",  # blank
    }


def test_pakn_without_code_gets_stable_hash_keys(tmp_path: Path) -> None:
    def keys(db: str) -> list[str]:
        con = connect(tmp_path / db)
        r = ingest(con, FIX / "pakn_nocode.csv")
        assert (r.counts.inserted, r.notes) == (3, {"due_durations_ignored": 1})
        out = [k for (k,) in con.execute("SELECT pakn_code FROM pakn ORDER BY 1").fetchall()]
        con.close()
        return out

    first, second = keys("a.duckdb"), keys("b.duckdb")
    assert first == second and len(set(first)) == 3  # two identical rows stay two complaints
    assert all(k.startswith("h-") for k in first)


def test_pakn_columns(wh) -> None:
    r = ingest(wh, FIX / "pakn.xlsx")
    assert r.dropped_personal == ["Tiêu đề", "Người phản ánh", "Số điện thoại"]
    assert wh.execute(
        "SELECT pakn_code, source, status_label, received_at, due_at, handled_at FROM pakn ORDER BY 1"
    ).fetchall() == [
        ("PAKN-2026-0001", "Cổng Dịch vụ công quốc gia", "Đã xử lý", D(2026, 5, 20, 9), D(2026, 6, 10, 17), D(2026, 5, 25, 10)),
        ("PAKN-2026-0002", "Đường dây nóng 1022", "Đã xử lý", D(2026, 6, 2, 14), D(2026, 6, 23, 17), D(2026, 6, 5, 16)),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            [
                "ỦY BAN NHÂN DÂN XÃ AN TRƯỜNG",
                "Từ ngày 01/01/2026 đến ngày 14/06/2026",
                "Ngày xuất: 15/06/2026 08:00",
            ],
            D(2026, 6, 15, 8, 0),
        ),
        (["Từ ngày 01/01/2026 đến ngày 14/06/2026"], D(2026, 6, 14, 23, 59, 59)),
        (["Số liệu tính đến ngày 14/6/2026"], D(2026, 6, 14, 23, 59, 59)),
        (["Tính đến ngày 15 tháng 6 năm 2026"], D(2026, 6, 15, 23, 59, 59)),
        (["Ngày in: 14/06/2026 17:30"], D(2026, 6, 14, 17, 30)),
        (["Ngày xuất: 05/01/2026"], D(2026, 1, 5, 23, 59, 59)),
        (["Hải Phòng, ngày 15 tháng 6 năm 2026"], None),  # a signing date is not an export date
        (["DANH SÁCH HỒ SƠ"], None),
    ],
)
def test_title_as_of(lines: list[str], expected: dt.datetime | None) -> None:
    from tthc.ingest.asof import title_as_of

    assert title_as_of(lines) == expected


@pytest.mark.parametrize(
    ("lines", "first", "last"),
    [
        (
            ["DANH SÁCH HỒ SƠ", "Từ ngày 01/01/2026 đến ngày 14/06/2026"],
            dt.date(2026, 1, 1),
            dt.date(2026, 6, 14),
        ),
        (["Từ 15/05/2026 đến 14/06/2026"], dt.date(2026, 5, 15), dt.date(2026, 6, 14)),
        (["Từ 15/05/2026 - 14/06/2026"], dt.date(2026, 5, 15), dt.date(2026, 6, 14)),
        (
            ["từ ngày 1 tháng 1 năm 2026 đến ngày 3 tháng 2 năm 2026"],
            dt.date(2026, 1, 1),
            dt.date(2026, 2, 3),
        ),
        (
            ["TỪ NGÀY: 05/01/2026 ĐẾN HẾT NGÀY: 14/06/2026"],
            dt.date(2026, 1, 5),
            dt.date(2026, 6, 14),
        ),
        (["Tính đến ngày 14/06/2026"], None, None),  # a cut-off, not a range
        (["Từ ngày 31/02/2026 đến ngày 14/06/2026"], None, dt.date(2026, 6, 14)),  # no such day
        (["Từ ngày 01/01/2026 đến ngày 31/06/2026"], dt.date(2026, 1, 1), None),
        (["DANH SÁCH HỒ SƠ"], None, None),
    ],
)
def test_title_range(lines: list[str], first: dt.date | None, last: dt.date | None) -> None:
    from tthc.ingest.asof import title_covers_from, title_covers_to

    assert title_covers_from(lines) == first
    assert title_covers_to(lines) == last


def test_the_ledger_records_the_first_day_each_export_lists(tmp_path: Path, wh) -> None:
    header = ["Mã hồ sơ", "Mã TTHC", "Ngày nhận", "Ngày kết thúc xử lý", "Ngày hẹn trả"]
    rows = [["A", "1.001193", "01/06/2026 08:00", "03/06/2026 10:00", "30/06/2026"]]
    titled = write_csv(
        tmp_path / "t.csv", header, rows, title="Từ ngày 15/05/2026 đến ngày 14/06/2026"
    )
    ingest(wh, titled)
    ingest(wh, write_csv(tmp_path / "u.csv", header, [["B", *rows[0][1:]]]))
    ranges = "SELECT file_name, covers_from, covers_to, as_of_source FROM ingests ORDER BY 1"
    expected = [
        ("t.csv", dt.date(2026, 5, 15), dt.date(2026, 6, 14), "title_range"),
        ("u.csv", None, None, "data"),
    ]
    assert wh.execute(ranges).fetchall() == expected
    # A warehouse from before ranges were kept (schemas 1 and 2) learns the range when the same
    # file is given again; nothing else changes.
    wh.execute("UPDATE ingests SET covers_from = NULL, covers_to = NULL")
    again = ingest(wh, titled)
    assert again.already_ingested and again.counts.inserted == 0
    assert wh.execute(ranges).fetchall() == expected


def test_as_of_falls_back_to_latest_timestamp_then_ingest_time(tmp_path: Path, wh) -> None:
    header = ["Mã hồ sơ", "Mã TTHC", "Ngày nhận", "Ngày kết thúc xử lý", "Ngày hẹn trả"]
    rows = [["A", "1.001193", "01/06/2026 08:00", "03/06/2026 10:00", "30/06/2026"]]
    r = ingest(wh, write_csv(tmp_path / "d.csv", header, rows))
    # The due date is in the future and does not count; the latest event does.
    assert (r.as_of, r.as_of_source) == (D(2026, 6, 3, 10), "data")
    cat = write_csv(
        tmp_path / "dm.csv",
        ["Mã TTHC", "Tên thủ tục hành chính", "Mức độ DVCTT"],
        [["1.001193", "Đăng ký khai sinh", "Toàn trình"]],
    )
    r2 = ingest(wh, cat)
    assert r2.as_of_source == "ingest_time"
    assert abs((r2.as_of - dt.datetime.utcnow() - dt.timedelta(hours=7)).total_seconds()) < 120


def test_numeric_excel_cells_keep_their_codes(tmp_path: Path, wh) -> None:
    import xlsxwriter

    p = tmp_path / "n.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    ws = wb.add_worksheet("S")
    ws.write_row(0, 0, ["Mã hồ sơ", "Mã TTHC", "Trạng thái", "Ngày nhận", "Ngày kết thúc xử lý"])
    ws.write_row(1, 0, [260601000123, 1.00119, 10, 46174.5, 46175.25])
    ws.write_row(2, 0, ["H-2", "2.000815", "4", "01/06/2026", None])
    wb.close()
    r = ingest(wh, p)
    assert r.counts.rejected == 0
    assert cases(wh, "case_code, procedure_code, status_code, received_at, ended_at") == [
        ("260601000123", "1.001190", 10, D(2026, 6, 1, 12), D(2026, 6, 2, 6)),
        ("H-2", "2.000815", 4, D(2026, 6, 1), None),
    ]


def test_end_date_of_an_unfinished_case_is_dropped_and_noted(tmp_path: Path, wh) -> None:
    header = [
        "Mã hồ sơ",
        "Mã TTHC",
        "Trạng thái",
        "Ngày nhận",
        "Ngày kết thúc xử lý",
        "Có file kết quả",
    ]
    rows = [
        ["A", "1.001193", "Đang xử lý", "01/06/2026", "02/06/2026", "Có"],
        ["B", "1.001193", "Dừng xử lý", "01/06/2026", "02/06/2026", "hình như có"],
    ]
    r = ingest(wh, write_csv(tmp_path / "e.csv", header, rows))
    assert r.notes == {"end_dates_of_unfinished_dropped": 1, "unknown_yes_no": 1}
    assert cases(wh, "case_code, outcome, ended_at, has_result_file") == [
        ("A", "pending", None, True),
        ("B", "stopped", D(2026, 6, 2), None),
    ]


def test_arrow_sheet_numbers_rows_and_cells_as_the_sheet_does() -> None:
    import pyarrow as pa

    from tthc.ingest.excel import arrow_sheet

    # The reader's table starts at C5 of the sheet: rows and addresses are the sheet's own.
    cols = [pa.array(["Tiêu đề", "Mã", "A", "B"]), pa.array([None, "Ngày", "x", None])]
    sheet = arrow_sheet("S", cols, 4, 2, [], False, "xlsx")
    assert sheet.head == [["Tiêu đề", ""], ["Mã", "Ngày"], ["A", "x"], ["B", ""]]
    assert sheet.n_rows == 4
    body = sheet.load_body(1, [0, 1, 5])
    assert body.row_numbers.tolist() == [7, 8]
    assert {c: a.to_pylist() for c, a in body.columns.items()} == {
        0: ["A", "B"],
        1: ["x", ""],
        5: ["", ""],
    }
    assert body.tail == [(7, ["A", "x"]), (8, ["B", ""])]
    assert sheet.cell_address(7, 1) == "D7"
    with pytest.raises(RuntimeError):
        sheet.load_body(1, [0])  # the body is handed over once (memory)


def test_label_lookup_reads_each_distinct_key_once_as_the_alias_tables_say() -> None:
    import pyarrow as pa

    from tthc.ingest.values import label_key, lookup_labels

    aliases = load_aliases(default_unit_params("xa-thu"))

    def look(field: str, texts: list[str]) -> dict[str, list]:
        keys = label_key(pa.array(texts, type=pa.string()))
        return {k: v.to_pylist() for k, v in lookup_labels(field, keys, aliases).items()}

    # An alias gives its code and outcome and no national label (the cell's text is kept); a
    # national code as written gives the national label too; unknown and blank give NULL.
    assert look("status", ["Đang giải quyết", "10", "10.0", "Lạ", ""]) == {
        "v_status_code": [4, 10, 10, None, None],
        "v_status_outcome": ["pending", "resolved", "resolved", None, None],
        "v_status_label": [None, STATUS_CODES[10][0], STATUS_CODES[10][0], None, None],
    }
    assert look("channel", ["2", "Bưu chính", "TRỰC TIẾP", "?"]) == {
        "v_channel": ["online", "postal", "in_person", None]
    }
    assert look("has_components", ["Có", "không", "x", "-", "?", ""]) == {
        "v_has_components": [True, False, True, False, None, None]
    }
    assert look("online_flag", ["1", "0"]) == {"v_online_flag": [True, False]}
    assert look("level", ["Toàn trình", "MP", "Mức 4", "?"]) == {
        "v_level": ["full", "partial", "full", None]
    }
    assert look("status", []) == {
        "v_status_code": [],
        "v_status_outcome": [],
        "v_status_label": [],
    }
    with pytest.raises(KeyError):
        look("field", ["Hộ tịch"])


def test_a_label_cell_has_a_key_unless_blank() -> None:
    import pyarrow as pa

    from tthc.ingest.values import has_key, label_key

    keys = label_key(pa.array(["Có", "", None, "0", "-", "Lạ"], type=pa.string()))
    # What a key means is looked up apart (lookup_labels); "0", "-" and an unknown word are
    # keys all the same, so an unknown label is told from a blank cell.
    assert has_key(keys).to_pylist() == [True, None, None, True, True, True]
    assert has_key(keys).type == pa.bool_()
