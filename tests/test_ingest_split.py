"""Province-level exports: rows split to units by the unit column (tthc.ingest.split)."""

from __future__ import annotations

import csv
import json
import shutil
import unicodedata
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_helpers import rejects_dir

from tthc.errors import InputFileError
from tthc.ingest.aliases import load_aliases
from tthc.ingest.pipeline import IngestResult, SplitResult, ingest_file
from tthc.ingest.split import UnitMatcher, match_column, names_a_place, unit_forms
from tthc.paths import REPO_ROOT
from tthc.text import clean_arrow
from tthc.units import UnitParams, default_unit_params, load_unit

UNITS = [
    UnitParams(unit="an-truong", name="An Trường", city="hai-phong", code="11914",
               names=["UBND xã An Trường"]),
    UnitParams(unit="an-lao", name="An Lão", city="hai-phong", code="00120"),
    UnitParams(unit="kien-thuy", name="Kiến Thụy", unit_type="phường", city="hai-phong",
               code="11915", names=["Một cửa Kiến Thụy", "KT-01"]),
    UnitParams(unit="an-hoa-a", name="An Hòa", city="hai-phong"),
    UnitParams(unit="an-hoa-b", name="An Hòa", unit_type="phường"),
]  # fmt: skip
HEADER = ["Đơn vị tiếp nhận", "Mã hồ sơ", "Mã TTHC", "Trạng thái", "Ngày nhận", "Ngày hẹn trả",
          "Ngày kết thúc xử lý"]  # fmt: skip
TITLE = ["DANH SÁCH HỒ SƠ", "Từ ngày 01/06/2026 đến ngày 14/06/2026", "Ngày xuất: 15/06/2026 08:00"]


@pytest.fixture
def params(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A params folder with the units above (an-hoa-b has no city) and Hải Phòng."""
    base = tmp_path / "params"
    shutil.copytree(REPO_ROOT / "params" / "aliases", base / "aliases")
    shutil.copytree(REPO_ROOT / "params" / "cities", base / "cities")
    (base / "units").mkdir()
    for u in UNITS:
        data = u.model_dump(exclude_defaults=True)
        (base / "units" / f"{u.unit}.yaml").write_text(json.dumps(data, ensure_ascii=False))
    monkeypatch.setenv("TTHC_PARAMS", str(base))
    return base


def matcher() -> UnitMatcher:
    return UnitMatcher.from_units(UNITS)


def unit_of(cell: str | None) -> str | None:
    return matcher().match(cell, "Đơn vị").unit


def test_names_forms_codes_and_aliases_match() -> None:
    assert unit_of("UBND xã An Trường") == "an-truong"
    assert unit_of("An Trường") == "an-truong"
    assert unit_of("Xã An Trường") == "an-truong"
    assert unit_of("Ủy ban nhân dân xã An Trường") == "an-truong"
    assert unit_of("Trung tâm Phục vụ hành chính công xã An Trường") == "an-truong"
    assert unit_of("11914") == "an-truong"
    assert unit_of("phường Kiến Thụy") == "kien-thuy"
    assert unit_of("Một cửa Kiến Thụy") == "kien-thuy"  # names: an alias
    assert unit_of("KT-01") == "kien-thuy"  # names: a system's own code
    assert unit_of("xã Kiến Thụy") is None  # the kind is part of the display name


def test_matching_is_on_normalised_keys() -> None:
    assert unit_of(unicodedata.normalize("NFD", "UBND XÃ AN TRƯỜNG")) == "an-truong"
    assert unit_of("  ubnd\u00a0xã   an\u200b trường ") == "an-truong"
    assert unit_of("UBND xã An Trường".replace("Đ", "Ð")) == "an-truong"
    assert unit_of("phường Kiến Thụy".replace("i", "\u0456")) == "kien-thuy"  # Cyrillic і


def test_codes_that_lost_leading_zeros() -> None:
    m = matcher().match("120", "Mã đơn vị")
    assert (m.unit, m.lost_zeros) == ("an-lao", True)
    assert matcher().match("00120", "Mã đơn vị").lost_zeros is False
    assert unit_of("11914.0") == "an-truong"  # an Excel number cell
    assert unit_of("0011914") == "an-truong"  # more zeros than the code: still one code
    assert unit_of("1914") is None  # digits missing, not zeros


def test_unknown_ambiguous_and_blank_give_reasons() -> None:
    m = matcher()
    unknown = m.match("UBND xã Không Có", "Đơn vị tiếp nhận")
    assert unknown.unit is None
    assert unknown.reason == (
        'Đơn vị không nhận ra: "UBND xã Không Có" (cột "Đơn vị tiếp nhận"): thêm tên hoặc mã '
        "này vào khóa names của đơn vị trong params/units/"
    )
    both = m.match("An Hòa", "Đơn vị tiếp nhận")  # xã An Hòa and phường An Hòa
    assert both.unit is None and "khớp nhiều đơn vị: an-hoa-a, an-hoa-b" in both.reason
    assert m.match("xã An Hòa", "Đơn vị").unit == "an-hoa-a"
    assert m.match("phường An Hòa", "Đơn vị").unit == "an-hoa-b"
    assert m.match("", "Đơn vị").reason == 'Thiếu đơn vị: ô cột "Đơn vị" trống'
    assert m.match(None, "Đơn vị").unit is None


def test_forms_of_a_unit() -> None:
    forms = unit_forms(UNITS[0])
    assert forms[:4] == ["An Trường", "xã An Trường", "UBND xã An Trường",
                         "Ủy ban nhân dân xã An Trường"]  # fmt: skip
    assert "11914" in forms and "UBND xã An Trường" in forms


CELLS = ["UBND xã An Trường", "an trường", "11914", "120", "Kiến Thụy", "phường Kiến Thụy",
         "KT-01", "An Hòa", "xã An Hòa", "Không Có", "", None]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(CELLS), max_size=60))
def test_the_split_partitions_the_rows(cells: list[str | None]) -> None:
    """Every row gets exactly one unit or one reason; per-unit counts + unknown = rows; and each
    row's unit is the one its cell alone names."""
    col = match_column(matcher(), clean_arrow(pa.array(cells, pa.string())), "Đơn vị")
    units, reasons = col.units.to_pylist(), col.reasons.to_pylist()
    assert len(units) == len(reasons) == len(cells)
    assert all((u is None) != (r is None) for u, r in zip(units, reasons, strict=True))
    per_unit = col.rows_per_unit()
    unknown = sum(n for _, _, n in col.unknown())
    assert sum(per_unit.values()) + unknown == len(cells)
    assert per_unit == {u: units.count(u) for u in set(units) if u is not None}
    assert units == [unit_of(c) for c in cells]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER,
              title: list[str] = TITLE) -> Path:  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        for line in title:
            w.writerow([line])
        w.writerow(header)
        w.writerows(rows)
    return path


def row(unit: str, code: str, received: str = "02/06/2026 08:00", ended: str = "") -> list[str]:
    status = "Đã trả kết quả" if ended else "Đang xử lý"
    return [unit, code, "1.001193", status, received, "15/06/2026 17:00", ended]


PROVINCE = [
    row("UBND xã An Trường", "A-1", "01/06/2026 08:00", "03/06/2026 10:00"),
    row("xã  an trường", "A-2"),
    row("120", "L-1"),
    row("UBND xã Không Có", "Z-1"),
    row("", "Z-2"),
    row("UBND xã An Lão", "L-2", "13/06/2026 08:00"),
    row("An Hòa", "H-1"),
    row("xã An Hòa", "H-2"),
]


def split(con, path: Path, kind=None) -> SplitResult:
    result = ingest_file(con, path, None, load_aliases(None), kind, rejects_dir(con))
    assert isinstance(result, SplitResult)
    return result


def test_a_province_file_is_split_and_every_row_accounted_for(params, tmp_path, wh) -> None:
    r = split(wh, write_csv(tmp_path / "tinh.csv", PROVINCE))
    c = r.counts
    assert (c.rows_read, c.inserted, c.rejected, r.unknown_rows) == (8, 5, 3, 3)
    per_unit = {p.unit: p.counts.rows_read for p in r.parts}
    # kien-thuy is a unit of Hải Phòng with no row: an empty list over the file's range.
    assert per_unit == {"an-hoa-a": 1, "an-lao": 2, "an-truong": 2, "kien-thuy": 0}
    assert r.empty_units == ["kien-thuy"]
    assert sorted(r.unknown, key=lambda u: u["value"] or "") == [
        {"value": "", "reason": 'Thiếu đơn vị: ô cột "Đơn vị tiếp nhận" trống', "rows": 1},
        {"value": "An Hòa", "rows": 1,
         "reason": 'Đơn vị "An Hòa" (cột "Đơn vị tiếp nhận") khớp nhiều đơn vị: an-hoa-a, '
                   "an-hoa-b: thêm mã đơn vị hành chính (code) hoặc tên riêng (names) để phân biệt"},
        {"value": "UBND xã Không Có", "rows": 1,
         "reason": 'Đơn vị không nhận ra: "UBND xã Không Có" (cột "Đơn vị tiếp nhận"): thêm tên '
                   "hoặc mã này vào khóa names của đơn vị trong params/units/"},
    ]  # fmt: skip
    # Each case is under exactly one unit, the one its row names.
    assert wh.execute("SELECT case_code, unit FROM cases ORDER BY case_code").fetchall() == [
        ("A-1", "an-truong"), ("A-2", "an-truong"), ("H-2", "an-hoa-a"), ("L-1", "an-lao"),
        ("L-2", "an-lao"),
    ]  # fmt: skip
    # The ledger: one ingests row per unit, linked to the file's split; every row accounted for.
    ledger = wh.execute(
        "SELECT unit, rows_read, inserted, rejected, split_id, covers_from, covers_to, as_of "
        "FROM ingests ORDER BY unit"
    ).fetchall()
    assert [(u, n, i, j, s) for u, n, i, j, s, *_ in ledger] == [
        ("an-hoa-a", 1, 1, 0, r.split_id), ("an-lao", 2, 2, 0, r.split_id),
        ("an-truong", 2, 2, 0, r.split_id), ("kien-thuy", 0, 0, 0, r.split_id),
    ]  # fmt: skip
    assert {(str(f), str(t), str(a)) for *_, f, t, a in ledger} == {
        ("2026-06-01", "2026-06-14", "2026-06-15 08:00:00")
    }
    split_row = wh.execute(
        "SELECT rows_read, rejected_unknown_unit, unit_column, units FROM file_splits"
    ).fetchone()
    assert split_row[:3] == (8, 3, "Đơn vị tiếp nhận")
    assert {u: v["rows_read"] for u, v in json.loads(split_row[3]).items()} == per_unit
    assert split_row[0] == sum(per_unit.values()) + split_row[1]
    rejects = wh.execute(
        "SELECT unit, ingest_id, row_number FROM rejects ORDER BY row_number"
    ).fetchall()
    assert rejects == [("", r.split_id, 8), ("", r.split_id, 9), ("", r.split_id, 11)]
    decisions = [d["what"] for d in r.decisions]
    assert "unit_code_leading_zeros" in decisions
    zeros = next(d for d in r.decisions if d["what"] == "unit_code_leading_zeros")
    assert zeros["matched"] == [{"value": "120", "unit": "an-lao", "rows": 1}]
    text = Path(r.rejects_csv).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith('"Đơn vị","Dòng","Trang","Lý do"')
    assert "UBND xã Không Có" in text
    # JSON: totals, one entry per unit, the unknown cells.
    js = r.to_json()
    assert (js["split"], js["unit"], js["rows_read"], js["rejected_unknown_unit"]) == (
        True, None, 8, 3,
    )  # fmt: skip
    assert {u: v["rows_read"] for u, v in js["units"].items()} == per_unit
    assert js["units_without_rows"] == ["kien-thuy"]


def test_the_same_province_file_again_changes_nothing(params, tmp_path, wh) -> None:
    path = write_csv(tmp_path / "tinh.csv", PROVINCE)
    first = split(wh, path)
    again = split(wh, path)
    assert again.already_ingested and again.split_id == first.split_id
    assert (again.counts.rows_read, again.counts.inserted, again.counts.rejected) == (8, 0, 3)
    assert [p.unit for p in again.parts] == ["an-hoa-a", "an-lao", "an-truong", "kien-thuy"]
    assert wh.execute("SELECT count(*) FROM ingests").fetchone() == (4,)


def test_a_newer_province_file_updates_each_unit(params, tmp_path, wh) -> None:
    split(wh, write_csv(tmp_path / "t1.csv", PROVINCE))
    newer = [row("11914", "A-2", ended="10/06/2026 09:00"), row("An Lão", "L-9")]
    title = [TITLE[0], "Từ ngày 01/06/2026 đến ngày 15/06/2026", "Ngày xuất: 16/06/2026 08:00"]
    r = split(wh, write_csv(tmp_path / "t2.csv", newer, title=title))
    parts = {p.unit: (p.counts.inserted, p.counts.updated) for p in r.parts}
    assert parts == {"an-truong": (0, 1), "an-lao": (1, 0), "an-hoa-a": (0, 0), "kien-thuy": (0, 0)}
    assert wh.execute("SELECT outcome FROM cases WHERE case_code = 'A-2'").fetchone() == (
        "resolved",
    )


def test_without_a_unit_column_the_file_is_refused(params, tmp_path, wh) -> None:
    path = write_csv(tmp_path / "xa.csv", [r[1:] for r in PROVINCE], header=HEADER[1:])
    with pytest.raises(InputFileError) as err:
        split(wh, path)
    msg = str(err.value)
    assert "xa.csv không có cột đơn vị" in msg and "--unit" in msg and "\n" not in msg
    assert wh.execute("SELECT count(*) FROM ingests").fetchone() == (0,)


def test_with_unit_a_file_naming_another_unit_is_refused(params, tmp_path, wh) -> None:
    path = write_csv(tmp_path / "tinh.csv", PROVINCE)
    unit = load_unit("an-truong")
    with pytest.raises(InputFileError) as err:
        ingest_file(wh, path, unit, load_aliases(unit), None, rejects_dir(wh))
    assert str(err.value) == (
        'Tệp tinh.csv có dòng của đơn vị khác ngoài an-truong (cột "Đơn vị tiếp nhận": '
        "an-hoa-a 1 dòng, an-lao 2 dòng): bỏ --unit để nạp tệp cấp tỉnh và chia dòng theo đơn vị."
    )
    assert wh.execute("SELECT count(*) FROM cases").fetchone() == (0,)


def test_with_unit_its_own_file_with_a_unit_column_is_taken(params, tmp_path, wh) -> None:
    rows = [row("UBND xã An Trường", "A-1"), row("UBND xã", "A-2"), row("", "A-3")]
    path = write_csv(tmp_path / "xa.csv", rows)
    unit = load_unit("an-truong")
    r = ingest_file(wh, path, unit, load_aliases(unit), None, rejects_dir(wh))
    assert isinstance(r, IngestResult) and r.counts.inserted == 3
    own = next(d for d in r.decisions if d["what"] == "unit_column")
    assert (own["own_rows"], own["unknown_name_rows"]) == (1, 1)
    assert own["detail"] == (
        'cột đơn vị "Đơn vị tiếp nhận": 1 dòng ghi đơn vị này, 1 dòng ghi tên chung không chỉ '
        'đơn vị nào ("UBND xã"): tính là của an-truong vì đã chỉ rõ --unit'
    )


def test_with_unit_a_file_naming_an_unknown_commune_is_refused(params, tmp_path, wh) -> None:
    """A province file ingested with --unit where the other communes have no params: their
    rows name a particular body that is not an-truong, so nothing is counted as its."""
    rows = [row("UBND xã An Trường", "A-1"), row("UBND xã Đông Bảo", "B-1"),
            row("UBND xã Đông Bảo", "B-2"), row("Phường Hòa Dương", "C-1"), row("", "A-2")]  # fmt: skip
    path = write_csv(tmp_path / "tinh.csv", rows)
    unit = load_unit("an-truong")
    with pytest.raises(InputFileError) as err:
        ingest_file(wh, path, unit, load_aliases(unit), None, rejects_dir(wh))
    assert str(err.value) == (
        'Tệp tinh.csv có dòng ghi đơn vị không phải an-truong (cột "Đơn vị tiếp nhận": '
        '"UBND xã Đông Bảo" 2 dòng, "Phường Hòa Dương" 1 dòng): nếu là tệp cấp tỉnh, khai báo '
        "các đơn vị (params/units/, TTHC_PARAMS) và bỏ --unit; nếu là tên khác của đơn vị này, "
        "thêm vào khóa names của an-truong."
    )
    assert wh.execute("SELECT count(*) FROM cases").fetchone() == (0,)


@pytest.mark.parametrize(
    ("cell", "named"),
    [("UBND xã", False), ("Ủy ban nhân dân phường", False), ("Bộ phận một cửa - UBND xã", False),
     ("Trung tâm Phục vụ hành chính công xã", False), ("  xã.  ", False), (None, False),
     ("UBND xã Đông Bảo", True), ("Phường Hòa Dương", True), ("Công an xã", True),
     ("11914", True)],
)  # fmt: skip
def test_a_generic_unit_cell_names_no_place(cell, named) -> None:
    assert names_a_place(cell) is named


def test_catalogue_and_pakn_split_and_cases_use_their_units_catalogue(params, tmp_path, wh):
    cat = write_csv(
        tmp_path / "dm.csv",
        [["11914", "1.001193", "Đăng ký khai sinh", "Hộ tịch", "Toàn trình"],
         ["11914", "1.000894", "Đăng ký kết hôn", "Hộ tịch", "Một phần"],
         ["00120", "1.001193", "Đăng ký khai sinh (An Lão)", "Hộ tịch", "Một phần"]],
        header=["Mã đơn vị", "Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực", "Mức độ DVCTT"],
        title=["DANH MỤC THỦ TỤC HÀNH CHÍNH", "Ngày xuất: 05/01/2026"],
    )  # fmt: skip
    rc = split(wh, cat)
    assert {p.unit: p.counts.inserted for p in rc.parts} == {"an-lao": 1, "an-truong": 2}
    assert rc.empty_units == []  # a catalogue is never empty
    by_name = [["UBND xã An Trường", "N-1", "Đăng ký kết hôn", "Đang xử lý", "02/06/2026 08:00"],
               ["An Lão", "N-2", "Đăng ký kết hôn", "Đang xử lý", "02/06/2026 08:00"]]  # fmt: skip
    split(wh, write_csv(tmp_path / "hs.csv", by_name,
                        header=["Đơn vị tiếp nhận", "Mã hồ sơ", "Tên thủ tục", "Trạng thái",
                                "Ngày nhận"]))  # fmt: skip
    # Each case is matched by name to its own unit's catalogue: An Lão has no "kết hôn".
    assert wh.execute("SELECT case_code, unit, procedure_code FROM cases ORDER BY 1").fetchall() == [
        ("N-1", "an-truong", "1.000894"), ("N-2", "an-lao", None),
    ]  # fmt: skip
    pakn = write_csv(
        tmp_path / "pakn.csv",
        [["Kiến Thụy", "PA-1", "03/06/2026 09:00", "Cổng Dịch vụ công quốc gia"],
         ["Nơi khác", "PA-2", "03/06/2026 09:00", "1022"]],
        header=["Đơn vị xử lý", "Mã PAKN", "Ngày tiếp nhận", "Nguồn"],
        title=["DANH SÁCH PHẢN ÁNH, KIẾN NGHỊ", "Ngày xuất: 15/06/2026 08:00"],
    )  # fmt: skip
    rp = split(wh, pakn)
    assert {p.unit: p.counts.rows_read for p in rp.parts} == {
        "kien-thuy": 1, "an-hoa-a": 0, "an-lao": 0, "an-truong": 0,
    }  # fmt: skip
    assert rp.unknown_rows == 1
    assert wh.execute("SELECT unit, pakn_code FROM pakn").fetchall() == [("kien-thuy", "PA-1")]


def test_a_complaint_without_code_keeps_its_key_beside_another_units_twin(params, tmp_path, wh):
    """Found by review: the occurrence number of identical complaints (no code column) counted
    across units in a province file, so Kiến Thụy's complaint became "#2" there and "#1" in its
    own export, and was stored twice."""
    header = ["Đơn vị xử lý", "Ngày tiếp nhận", "Nguồn", "Trạng thái"]
    title = ["DANH SÁCH PHẢN ÁNH, KIẾN NGHỊ", "Ngày xuất: 15/06/2026 08:00"]
    same = ["03/06/2026 09:00", "1022", "Đang xử lý"]
    split(wh, write_csv(tmp_path / "tinh.csv", [["An Trường", *same], ["Kiến Thụy", *same]],
                        header=header, title=title))  # fmt: skip
    own = write_csv(tmp_path / "kt.csv", [same], header=header[1:], title=title)
    unit = load_unit("kien-thuy")
    r = ingest_file(wh, own, unit, load_aliases(unit), None, rejects_dir(wh))
    assert (r.counts.inserted, r.counts.unchanged) == (0, 1)
    assert wh.execute("SELECT unit, count(*) FROM pakn GROUP BY 1 ORDER BY 1").fetchall() == [
        ("an-truong", 1), ("kien-thuy", 1),
    ]  # fmt: skip


def test_an_empty_list_is_recorded_only_when_the_file_says_what_it_covers(params, tmp_path, wh):
    r = split(wh, write_csv(tmp_path / "t.csv", PROVINCE[:1], title=["DANH SÁCH HỒ SƠ"]))
    assert [p.unit for p in r.parts] == ["an-truong"] and r.empty_units == []


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(CELLS[:-1]), min_size=1, max_size=25))
def test_every_case_lands_in_exactly_one_unit(params, tmp_path_factory, cells) -> None:
    """Property: after a split ingest, cases + rejected = rows, and each case code is stored
    once, under the unit its row's cell names."""
    from tthc.warehouse import connect

    folder = tmp_path_factory.mktemp("split")
    rows = [row(c or "", f"C-{i}") for i, c in enumerate(cells)]
    con = connect(folder / "w.duckdb")
    try:
        r = split(con, write_csv(folder / "t.csv", rows))
        stored = dict(con.execute("SELECT case_code, unit FROM cases").fetchall())
        expected = {f"C-{i}": unit_of(c) for i, c in enumerate(cells) if unit_of(c)}
        assert stored == expected
        assert r.counts.rows_read == len(cells) == len(stored) + r.counts.rejected
        n = con.execute("SELECT count(*) FROM rejects WHERE unit = ''").fetchone()[0]
        assert n == r.unknown_rows == len(cells) - len(expected)
    finally:
        con.close()


def test_default_unit_params_has_no_city() -> None:
    assert default_unit_params("x").city is None and default_unit_params("x").names == []


def test_cli_without_unit(params, tmp_path, capsys) -> None:
    from tthc.cli import main

    db = str(tmp_path / "w.duckdb")
    own = write_csv(tmp_path / "xa.csv", [r[1:] for r in PROVINCE], header=HEADER[1:])
    assert main(["ingest", "--db", db, str(own)]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("Lỗi: Tệp xa.csv không có cột đơn vị") and err.count("\n") == 1
    assert main(["ingest", "--db", db, "--json", str(write_csv(tmp_path / "t.csv", PROVINCE))]) == 0
    js = json.loads(capsys.readouterr().out)
    assert js["split"] is True and js["rows_read"] == 8 and js["rejected_unknown_unit"] == 3
    assert js["units"]["an-truong"]["rows_read"] == 2
    main(["ingest", "--db", db, str(tmp_path / "t.csv")])
    out = capsys.readouterr().out
    assert 'tệp cấp tỉnh chia theo cột đơn vị "Đơn vị tiếp nhận": 4 đơn vị' in out
    assert "Tệp đã được nạp trước đó" in out
    # Rows of units the params do not know: which params folder was read is said (a terminal
    # without the city's TTHC_PARAMS is the usual cause, not a missing name).
    main(["ingest", "--db", str(tmp_path / "w2.duckdb"), str(tmp_path / "t.csv")])
    out = capsys.readouterr().out
    assert "  Không rõ đơn vị: " in out
    assert (
        f"  Tham số đơn vị đọc từ {params} ({len(UNITS)} đơn vị): nếu các đơn vị trên có tệp "
        "tham số ở thư mục khác, hãy đặt TTHC_PARAMS tới thư mục đó rồi nạp lại.\n"
    ) in out


def test_a_file_titled_for_another_unit_with_params_is_refused(params, tmp_path) -> None:
    """`--unit an-lao` given An Trường's own list (its title says so): refused, nothing stored;
    a unit without params (a first ingest) is not asked."""
    from tthc.ingest.pipeline import FailedFile, IngestResult, ingest_paths

    path = write_csv(
        tmp_path / "ho-so.csv",
        [r[1:] for r in PROVINCE if r[0] == "UBND xã An Trường"],
        header=HEADER[1:],
        title=["ỦY BAN NHÂN DÂN", "XÃ AN TRƯỜNG", "DANH SÁCH HỒ SƠ"],
    )
    db = tmp_path / "w.duckdb"
    [r] = ingest_paths(db, "an-lao", [path])
    assert isinstance(r, FailedFile)
    assert r.error == (
        'Tệp ho-so.csv có tiêu đề "XÃ AN TRƯỜNG" là của đơn vị an-truong, không '
        "phải an-lao: hãy nạp với --unit an-truong (hoặc bỏ --unit nếu là tệp cấp tỉnh có cột "
        "đơn vị)."
    )
    assert not db.exists()
    [ok] = ingest_paths(db, "an-truong", [path])
    assert isinstance(ok, IngestResult)
    [new] = ingest_paths(db, "xa-moi", [path])  # no params file: not asked
    assert isinstance(new, IngestResult)
