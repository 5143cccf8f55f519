"""Figures supplied from outside the exports: validation, comparison with the computed figure,
the lint of their dates, and how the document prints and lists them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tthc.errors import ParamsError
from tthc.render import quality, sections
from tthc.render.document import text_html
from tthc.report.narrative import load_narrative
from tthc.report.supplied import SuppliedFigure, compare, parse_supplied, supplied_warnings
from tthc.sample.targets import FIGURES
from tthc.stats.periods import month_period
from tthc.stats.profile import Profile, load_profile

JUNE = month_period(2026, 6)
PATH = Path("params/narrative/xa-a/2026-06.md")
DASHBOARD = "Cổng Dịch vụ công quốc gia"


def item(**kw: object) -> dict:
    return {"value": "99.87", "unit": "%", "source": DASHBOARD, "as_of": "2026-06-14", **kw}


def figure(key: str = "reuse", value: str = "99.87", as_of: date = date(2026, 6, 14)):
    unit = "điểm" if key in ("satisfaction", "service_index") else "%"
    return SuppliedFigure(key, Decimal(value), unit, DASHBOARD, as_of)


# --- validation ------------------------------------------------------------------------------------


def test_front_matter_values_arrive_as_written() -> None:
    # The narrative's YAML keeps numbers and dates as text: 99.80 keeps its two decimals.
    [fig] = parse_supplied({"reuse": item(value="99.80")}, PATH).values()
    assert (fig.value, fig.decimals, fig.as_of) == (Decimal("99.80"), 2, date(2026, 6, 14))
    assert fig.source_phrase() == "theo Cổng Dịch vụ công quốc gia, số liệu đến ngày 14/6/2026"
    assert parse_supplied(None, PATH) == {}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"reuse_rate": item()}, "khóa 'supplied.reuse_rate': chỉ tiêu không được hỗ trợ; dùng"),
        ({"reuse": "99.87"}, "khóa 'supplied.reuse': cần các khóa value, unit, source, as_of"),
        ({"reuse": item(value="cao")}, "khóa 'supplied.reuse.value': cần một số, ví dụ 99.87."),
        ({"reuse": item(value="-1")}, "khóa 'supplied.reuse.value': cần một số không âm"),
        ({"reuse": item(value="100.5")}, "khóa 'supplied.reuse.value' là 100.5: lớn hơn mức"),
        ({"reuse": item(unit="điểm")}, "khóa 'supplied.reuse.unit' là 'điểm' nhưng chỉ tiêu"),
        (
            {"satisfaction": item(unit="điểm", value="19")},
            "khóa 'supplied.satisfaction.value' là 19: lớn hơn mức tối đa 18 điểm.",
        ),
        ({"reuse": item(as_of="14/6/2026")}, "khóa 'supplied.reuse.as_of': cần ngày dạng năm-"),
        ({"reuse": item(as_of="2026-02-30")}, "khóa 'supplied.reuse.as_of': cần ngày dạng"),
        ({"reuse": item(source=" ")}, "khóa 'supplied.reuse.source': ghi nguồn số liệu"),
        (
            {"reuse": {"value": "1", "unit": "%", "source": "x"}},
            "khóa 'supplied.reuse.as_of': thiếu giá trị bắt buộc.",
        ),
        ({"reuse": item(ngay="1")}, "khóa 'supplied.reuse.ngay': khóa không được hỗ trợ"),
        (["reuse"], "khóa 'supplied': cần bảng"),
    ],
)
def test_bad_supplied_figures_name_file_and_key(data: object, expected: str) -> None:
    with pytest.raises(ParamsError) as err:
        parse_supplied(data, PATH)
    message = str(err.value)
    assert message.startswith(f"{PATH}: {expected}"), message
    assert "\n" not in message


def test_narrative_file_with_a_supplied_block(tmp_path: Path) -> None:
    path = tmp_path / "narrative" / "xa-a" / "2026-06.md"
    path.parent.mkdir(parents=True)
    path.write_text(
        "---\nunit: xa-a\nperiod: 2026-06\nsupplied:\n  online_payment:\n    value: 45.2\n"
        '    unit: "%"\n    source: Cổng Dịch vụ công quốc gia\n    as_of: 2026-06-20\n'
        "---\n## I.1\nx\n",
        encoding="utf-8",
    )
    n = load_narrative("xa-a", JUNE, base=tmp_path)
    assert n.supplied["online_payment"].value == Decimal("45.2")
    # Read six days after the period: a warning, not an error.
    assert any("ghi số liệu đến ngày 20/6/2026, ngoài kỳ báo cáo" in w for w in n.warnings)
    assert n.summary()["supplied"] == [
        {"key": "online_payment", "title": "Tỷ lệ thanh toán trực tuyến", "value": "45.2",
         "unit": "%", "source": DASHBOARD, "as_of": "2026-06-20"},
    ]  # fmt: skip
    path.write_text(path.read_text().replace("45.2", "abc"), encoding="utf-8")
    with pytest.raises(ParamsError, match=r"khóa 'supplied\.online_payment\.value': cần một số"):
        load_narrative("xa-a", JUNE, base=tmp_path)


@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)))
def test_a_date_outside_the_period_is_a_warning(as_of: date) -> None:
    warnings = supplied_warnings({"reuse": figure(as_of=as_of)}, JUNE)
    inside = JUNE.start <= as_of <= JUNE.end
    assert len(warnings) == (0 if inside else 1)


# --- comparison -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "computed", "status", "difference"),
    [
        ("99.87", 99.87, "match", Decimal("0.00")),
        ("99.9", 99.87, "match", Decimal("0.0")),  # compared at the supplied precision
        ("99.8", 99.87, "differ", Decimal("-0.1")),
        ("98.50", 99.87, "differ", Decimal("-1.37")),
        ("100", 99.5, "match", Decimal(0)),  # 99.5 rounds half up to 100
    ],
)
def test_compare_at_the_supplied_precision(
    value: str, computed: float, status: str, difference: Decimal
) -> None:
    c = compare(figure(value=value), {"rate_reuse": computed})
    assert (c.status, c.difference) == (status, difference)


def test_compare_without_a_computed_figure() -> None:
    c = compare(figure(), {"rate_reuse": None}, {"rate_reuse": "mẫu số bằng 0"})
    assert (c.status, c.reason, c.difference) == ("not_computed", "mẫu số bằng 0", None)
    assert compare(figure("satisfaction", "16.5"), {}).status == "no_counterpart"


# --- in the document -------------------------------------------------------------------------------


def lines(supplied: dict, values: dict | None = None, profile: Profile | None = None):
    f = SimpleNamespace(values={**FIGURES, **(values or {})}, na={"rate_online_payment": "x"})
    return sections.results_lines(
        f,
        profile or load_profile("an-truong"),
        unit_name="xã An Trường",
        centre="Trung tâm Phục vụ hành chính công",
        period_start=date(2026, 5, 15),
        period_end=date(2026, 6, 14),
        ytd_start=date(2026, 1, 1),
        supplied=supplied,
    )


def line_of(out: list[sections.Line], start: str) -> sections.Line:
    return next(ln for ln in out if ln.text.startswith(start))


def test_a_supplied_figure_equal_to_the_computed_one_is_printed_once_with_its_source() -> None:
    ln = line_of(lines({"reuse": figure()}), "Tỷ lệ tái sử dụng")
    assert ln.to_markdown() == "- Tỷ lệ tái sử dụng dữ liệu số hóa đạt 99.87%"
    assert ln.notes == (
        "Theo Cổng Dịch vụ công quốc gia, số liệu đến ngày 14/6/2026: 99.87%, khớp với số liệu "
        "tính từ tệp xuất của phần mềm một cửa.",
    )
    runs = ln.paragraph().runs
    assert [r.text for r in runs] == ["- Tỷ lệ tái sử dụng dữ liệu số hóa đạt 99.87%", ""]
    assert runs[1].note == ln.notes[0]


def test_a_different_supplied_figure_is_shown_beside_the_computed_one() -> None:
    official = Profile.model_validate({"name": "official-test"})
    ln = line_of(lines({"reuse": figure(value="98.5")}, profile=official), "Tỷ lệ tái sử dụng")
    assert ln.to_markdown() == (
        "- Tỷ lệ tái sử dụng dữ liệu số hóa đạt 99,87% (tính từ tệp xuất của phần mềm một cửa); "
        "theo Cổng Dịch vụ công quốc gia: 98,5%"
    )
    assert ln.notes == (
        "Theo Cổng Dịch vụ công quốc gia, số liệu đến ngày 14/6/2026 (số liệu do đơn vị cung "
        "cấp); chênh lệch so với số liệu tính từ tệp xuất: −1,4 điểm %.",
    )
    html = text_html(sections.computed([ln], section="I.3"))
    assert 'theo Cổng Dịch vụ công quốc gia: 98,5%<span class="fn">Theo Cổng' in html


def test_figures_the_exports_do_not_give_get_lines_of_their_own() -> None:
    out = lines(
        {
            "online_payment": figure("online_payment", "45.20"),
            "satisfaction": figure("satisfaction", "16.5"),
        },
        values={"rate_online_payment": None},
    )
    pay = line_of(out, "Tỷ lệ thanh toán trực tuyến")
    assert pay.to_markdown() == "- Tỷ lệ thanh toán trực tuyến đạt 45.2%"  # the sample's style
    assert pay.notes == (
        "Theo Cổng Dịch vụ công quốc gia, số liệu đến ngày 14/6/2026 (số liệu do đơn vị cung "
        "cấp, không tính từ tệp xuất; tệp xuất không tính được: x).",
    )
    score = line_of(out, "Điểm mức độ hài lòng")
    assert score.to_markdown().endswith("(Bộ chỉ số 766) đạt 16.5 điểm")
    assert [ln.text.split(" đạt")[0] for ln in out[-3:]] == [
        "Tỷ lệ tái sử dụng dữ liệu số hóa", "Tỷ lệ thanh toán trực tuyến",
        "Điểm mức độ hài lòng của người dân, doanh nghiệp (Bộ chỉ số 766)",
    ]  # fmt: skip
    # Without supplied figures the section is what it always was.
    plain = [ln.to_markdown() for ln in lines({})]
    assert plain[-1] == "- Tỷ lệ tái sử dụng dữ liệu số hóa đạt 99.87%"
    assert all(not ln.notes for ln in lines({}))


def test_the_checks_list_every_supplied_figure() -> None:
    supplied = {"reuse": figure(value="98.5"), "service_index": figure("service_index", "85.3")}
    html = quality.supplied_html(supplied, {"rate_reuse": 99.87}, {}, load_profile("an-truong"))
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", html)]
    assert rows[1:] == [
        ["Tỷ lệ tái sử dụng dữ liệu số hóa", "98.5%", DASHBOARD, "14/6/2026", "99.87%",
         "khác (−1.4)"],
        ["Điểm Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh "
         "nghiệp (Quyết định 766/QĐ-TTg)", "85.3 điểm", DASHBOARD, "14/6/2026", "",
         "tệp xuất không có chỉ tiêu này"],
    ]  # fmt: skip
    assert quality.supplied_html({}, {}, {}, load_profile("an-truong")).endswith("Không có.</p>")
