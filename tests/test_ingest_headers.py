"""Header rows, aliases and kind detection of one-stop exports."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st

from tthc.errors import InputFileError, ParamsError
from tthc.ingest.aliases import load_aliases, normalise_header, strip_diacritics
from tthc.ingest.detect import detect
from tthc.ingest.readers import open_export
from tthc.schema import Kind
from tthc.units import UnitParams

FIX = Path(__file__).parent / "fixtures" / "ingest"


@pytest.fixture(scope="module")
def aliases():
    return load_aliases(None)


def _detect(path: Path, aliases, kind: Kind | None = None):
    return detect(open_export(path), aliases, path, kind)


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    for r, row in enumerate(rows):
        ws.write_row(r, 0, row)
    wb.close()
    return path


def test_normalise_header_rules() -> None:
    assert normalise_header("  Đơn vị /  cá nhân   giải quyết ") == "đơn vị/cá nhân giải quyết"
    assert normalise_header("Ghi chú nộp.") == "ghi chú nộp"
    assert normalise_header("Mã hồ sơ:*") == "mã hồ sơ"
    assert normalise_header("Tư pháp - Hộ tịch") == "tư pháp-hộ tịch"
    nfd = unicodedata.normalize("NFD", "Ngày tiếp nhận")
    assert normalise_header(nfd) == "ngày tiếp nhận"
    assert strip_diacritics("đăng ký khai sinh") == "dang ky khai sinh"


def test_sample_generator_header_below_title_rows(aliases) -> None:
    det = _detect(FIX / "cases_sample.xlsx", aliases)
    cmap = det.cmap
    assert det.kind is Kind.CASES
    assert cmap.header_row == 6  # four title rows, a blank row, then the header
    assert cmap.title_lines[-1] == "Ngày xuất: 15/06/2026 08:00"
    expected = {
        "Mã hồ sơ": "case_code",
        "Mã TTHC": "procedure_code",
        "Tên thủ tục hành chính": "procedure_name",
        "Lĩnh vực": "field",
        "Kênh thực hiện": "channel",
        "Trạng thái": "status",
        "Ngày nhận": "received_at",
        "Ngày hẹn trả": "due_at",
        "Ngày kết thúc xử lý": "ended_at",
        "Ngày trả kết quả": "returned_at",
        "Có thành phần hồ sơ số hóa": "has_components",
        "Có file kết quả": "has_result_file",
        "Tái sử dụng dữ liệu số hóa": "reused_data",
    }
    assert cmap.column_map == expected
    assert cmap.personal_headers == [
        "Chủ hồ sơ",
        "Địa chỉ",
        "Số điện thoại",
        "Đơn vị/ cá nhân giải quyết",
    ]
    assert cmap.ignored == [{"header": "STT", "reason": "cột không dùng cho báo cáo"}]


def test_opencps_header_set(aliases) -> None:
    cmap = _detect(FIX / "cases_opencps.xlsx", aliases).cmap
    m = cmap.column_map
    assert m["Ngày hoàn thành"] == "ended_at"
    assert m["Ngày trả"] == "returned_at"
    assert m["Ngày hẹn trả"] == "due_at"
    assert m["Ngày gia hạn"] == "extended_due_at"
    assert m["Trực tuyến"] == "online_flag"
    assert m["Mã thủ tục"] == "procedure_code"
    assert m["Ngày tiếp nhận"] == "received_at"
    assert "Hạn xử lý" not in m  # loses to the more specific Ngày hẹn trả
    reasons = {i["header"]: i["reason"] for i in cmap.ignored}
    assert "trùng trường 'due_at' với cột 'Ngày hẹn trả'" in reasons["Hạn xử lý"]
    assert reasons["Ngày gửi"] == "cột không dùng cho báo cáo"
    for personal in (
        "Chủ hồ sơ",
        "Thư điện tử",
        "Người nộp hồ sơ",
        "Điện thoại liên lạc",
        "Nội dung",
    ):
        assert personal in cmap.personal_headers


def test_national_sync_names(aliases) -> None:
    cmap = _detect(FIX / "cases_national.csv", aliases).cmap
    assert cmap.column_map == {
        "MaHoSo": "case_code",
        "MaTTHC": "procedure_code",
        "TenLinhVuc": "field",
        "KenhThucHien": "channel",
        "TrangThaiHoSo": "status",
        "NgayTiepNhan": "received_at",
        "NgayHenTra": "due_at",
        "NgayKetThucXuLy": "ended_at",
        "NgayTra": "returned_at",
        "HoSoCoThanhPhanSoHoa": "has_components",
        "DuongDanTepTinKetQua": "result_file_path",
        "CoTaiSuDungTPHS": "reused_data",
        "DuocThanhToanTrucTuyen": "paid_online",
    }


def test_two_row_merged_header(aliases) -> None:
    cmap = _detect(FIX / "cases_multirow.xlsx", aliases).cmap
    assert cmap.header_rows == 2
    assert cmap.header_row == 4
    assert cmap.column_map["Ngày / Tiếp nhận"] == "received_at"
    assert cmap.column_map["Ngày / Hẹn trả"] == "due_at"
    assert cmap.column_map["Ngày / Kết thúc xử lý"] == "ended_at"
    assert cmap.column_map["Mã hồ sơ"] == "case_code"  # merged vertically over both rows
    assert cmap.personal_headers == ["Chủ hồ sơ"]


def test_two_row_header_without_merge_info_in_csv(tmp_path: Path, aliases) -> None:
    p = tmp_path / "two.csv"
    p.write_text(
        "DANH SÁCH HỒ SƠ\nMã hồ sơ,Ngày,,Trạng thái,Mã TTHC\n,Nhận,Hẹn trả,,\n"
        "A1,01/06/2026,03/06/2026,Đang xử lý,1.001193\n",
        encoding="utf-8",
    )
    cmap = _detect(p, aliases).cmap
    assert cmap.header_rows == 2
    assert cmap.fields == {
        "case_code": 0,
        "received_at": 1,
        "due_at": 2,
        "status": 3,
        "procedure_code": 4,
    }


def test_accentless_fallback_only_when_unambiguous(tmp_path: Path, aliases) -> None:
    p = _xlsx(
        tmp_path / "a.xlsx",
        [["Ma ho so", "Ngay nhan", "Trang thai", "Ma TTHC"], ["X1", "01/06/2026", "4", "1.001193"]],
    )
    cmap = _detect(p, aliases).cmap
    assert cmap.fields == {"case_code": 0, "received_at": 1, "status": 2, "procedure_code": 3}
    # An exact alias beats an accent-less one for the same field.
    p2 = _xlsx(
        tmp_path / "b.xlsx",
        [["Ma ho so", "Mã hồ sơ", "Ngày nhận", "Mã TTHC"], ["X", "Y", "01/06/2026", "1.001193"]],
    )
    cmap2 = _detect(p2, aliases).cmap
    assert cmap2.fields["case_code"] == 1
    assert cmap2.ignored[0]["header"] == "Ma ho so"


def test_most_specific_alias_wins_whatever_the_column_order(tmp_path: Path, aliases) -> None:
    p = _xlsx(
        tmp_path / "c.xlsx",
        [
            ["Số hồ sơ", "Hạn xử lý", "Mã hồ sơ", "Ngày hẹn trả", "Ngày nhận", "Mã TTHC"],
            ["S1", "05/06/2026", "M1", "04/06/2026", "01/06/2026", "1.001193"],
        ],
    )
    cmap = _detect(p, aliases).cmap
    assert cmap.fields["case_code"] == 2
    assert cmap.fields["due_at"] == 3
    ignored = {i["header"] for i in cmap.ignored}
    assert ignored == {"Số hồ sơ", "Hạn xử lý"}


def test_unit_aliases_extend_and_take_priority(tmp_path: Path) -> None:
    unit = UnitParams(
        unit="x",
        name="X",
        aliases={"case_code": ["Số biên nhận hồ sơ"], "pakn.source": ["Kênh gửi"]},
    )
    table = load_aliases(unit)
    assert table.kinds[Kind.CASES].fields["case_code"][0] == "Số biên nhận hồ sơ"
    assert table.kinds[Kind.PAKN].fields["source"][0] == "Kênh gửi"
    assert "Kênh gửi" not in table.kinds[Kind.CASES].fields["channel"]
    p = _xlsx(
        tmp_path / "u.xlsx",
        [
            ["Mã hồ sơ", "Số biên nhận hồ sơ", "Ngày nhận", "Mã TTHC"],
            ["M1", "B1", "01/06/2026", "1.001193"],
        ],
    )
    cmap = detect(open_export(p), table, p).cmap
    assert cmap.fields["case_code"] == 1  # the unit's own alias is the most specific
    with pytest.raises(ParamsError, match=r"aliases\.khong_co"):
        load_aliases(UnitParams(unit="x", name="X", aliases={"khong_co": ["A"]}))


def test_personal_prefix_and_unknown_columns(tmp_path: Path, aliases) -> None:
    p = _xlsx(
        tmp_path / "p.xlsx",
        [
            [
                "Mã hồ sơ",
                "Địa chỉ thường trú",
                "Số điện thoại chủ hồ sơ",
                "Cột lạ",
                "Ngày nhận",
                "Mã TTHC",
            ],
            ["M1", "Thôn A", "0912", "?", "01/06/2026", "1.001193"],
        ],
    )
    cmap = _detect(p, aliases).cmap
    assert cmap.personal_headers == ["Địa chỉ thường trú", "Số điện thoại chủ hồ sơ"]
    assert {"header": "Cột lạ", "reason": "không nhận ra tên cột"} in cmap.ignored


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("cases_sample.xlsx", Kind.CASES),
        ("catalogue.xlsx", Kind.CATALOGUE),
        ("pakn.xlsx", Kind.PAKN),
        ("pakn_nocode.csv", Kind.PAKN),
        ("cases_provincial.xlsx", Kind.CASES),
        ("cases_provincial.xls", Kind.CASES),
        ("cases_opencps.xlsx", Kind.CASES),
    ],
)
def test_kind_detection(name: str, kind: Kind, aliases) -> None:
    assert _detect(FIX / name, aliases).kind is kind


def test_wrong_kind_is_refused(aliases) -> None:
    with pytest.raises(InputFileError) as e:
        _detect(FIX / "pakn.xlsx", aliases, Kind.CASES)
    assert str(e.value) == (
        "Tệp pakn.xlsx có dạng danh sách phản ánh, kiến nghị (PAKN) (--kind pakn), "
        "không phải danh sách hồ sơ như --kind cases yêu cầu."
    )


def test_missing_required_column_names_aliases(aliases) -> None:
    with pytest.raises(InputFileError) as e:
        _detect(FIX / "bad_missing_code.xlsx", aliases, Kind.CASES)
    msg = str(e.value)
    assert msg.startswith(
        "Tệp bad_missing_code.xlsx (trang 'Sheet1') (danh sách hồ sơ) thiếu cột bắt buộc "
        "'Mã hồ sơ' (case_code): đã thử các tên Mã hồ sơ, MaHoSo, Mã số hồ sơ, Số hồ sơ,"
    )
    assert msg.endswith(
        "các cột có trong tệp: Lĩnh vực; Tên thủ tục hành chính; Trạng thái; Ngày nhận; "
        "Ngày hẹn trả; Ngày kết thúc xử lý."
    )


def test_no_header_lists_what_was_found(aliases) -> None:
    with pytest.raises(InputFileError) as e:
        _detect(FIX / "bad_noheader.xlsx", aliases)
    assert (
        "không tìm thấy dòng tiêu đề cột nhận ra được (các ô tìm thấy: Cột A; Cột B; Giá trị)"
        in str(e.value)
    )


def test_hidden_first_sheet_is_skipped_and_next_sheet_with_header_used(
    tmp_path: Path, aliases
) -> None:
    p = tmp_path / "multi.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    notes = wb.add_worksheet("Ghi chú")
    notes.write(0, 0, "Hướng dẫn sử dụng")
    data = wb.add_worksheet("Hồ sơ")
    data.write_row(0, 0, ["Mã hồ sơ", "Ngày nhận", "Mã TTHC"])
    data.write_row(1, 0, ["M1", "01/06/2026", "1.001193"])
    wb.close()
    det = _detect(p, aliases)
    assert det.sheet.name == "Hồ sơ"
    assert det.cmap.header_row == 1


def test_summary_sheet_before_the_case_list_does_not_hide_it(tmp_path: Path, aliases) -> None:
    p = tmp_path / "two-sheets.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    summary = wb.add_worksheet("Tổng hợp")
    summary.write_row(0, 0, ["Lĩnh vực", "Thủ tục", "Mức độ", "Tiếp nhận"])
    summary.write_row(1, 0, ["Hộ tịch", "Đăng ký khai sinh", "Toàn trình", 12])
    data = wb.add_worksheet("Chi tiết")
    data.write_row(0, 0, ["Mã hồ sơ", "Thủ tục", "Ngày nhận", "Trạng thái"])
    data.write_row(1, 0, ["M1", "Đăng ký khai sinh", "01/06/2026", "Đang xử lý"])
    wb.close()
    det = _detect(p, aliases)
    assert (det.sheet.name, det.kind) == ("Chi tiết", Kind.CASES)


def test_case_list_without_code_is_not_mistaken_for_pakn(aliases) -> None:
    with pytest.raises(InputFileError, match=r"thiếu cột bắt buộc 'Mã hồ sơ' \(case_code\)"):
        _detect(FIX / "bad_missing_code.xlsx", aliases)


def test_column_numbering_row_under_the_header_is_skipped(tmp_path: Path, aliases) -> None:
    p = _xlsx(
        tmp_path / "n.xlsx",
        [
            ["BIỂU DANH SÁCH HỒ SƠ"],
            ["STT", "Mã hồ sơ", "Mã TTHC", "Ngày nhận", "Trạng thái"],
            ["(1)", "(2)", "(3)", "(4)", "(5)"],
            [1, "M1", "1.001193", "01/06/2026", "Đang xử lý"],
        ],
    )
    cmap = _detect(p, aliases).cmap
    assert cmap.header_index == 2  # data start on row 4
    assert cmap.column_map["Mã hồ sơ"] == "case_code"


@given(st.text(alphabet="ĐđÂâĂăÊêÔôƠơƯưÁáÀàẢảÃãẠạ mã hồ sơ/-.: \t", max_size=30))
def test_header_normalisation_is_idempotent_and_form_blind(text: str) -> None:
    once = normalise_header(text)
    assert normalise_header(once) == once
    assert normalise_header(unicodedata.normalize("NFD", text)) == once
    assert once == once.strip() and "  " not in once
