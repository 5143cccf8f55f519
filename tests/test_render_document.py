"""The fixed parts of the document: phrases, header block, narrative, signature, appendix head."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tthc.render import document as doc
from tthc.stats.periods import month_period, quarter_period, year_period
from tthc.units import UnitParams, load_unit

JUNE = month_period(2026, 6)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_of(html: str) -> str:
    p = _Text()
    p.feed(html)
    return " ".join(" ".join(p.parts).split())


def test_summary_phrase_is_generated_from_the_period() -> None:
    assert doc.summary_phrase(JUNE) == (
        "Tình hình, kết quả cải cách thủ tục hành chính tháng 6 năm 2026 "
        "và nhiệm vụ trọng tâm tháng 7 năm 2026"
    )
    # December rolls over to January of the next year.
    assert doc.summary_phrase(month_period(2026, 12)).endswith("tháng 1 năm 2027")
    assert "quý III năm 2026" in doc.summary_phrase(quarter_period(2026, 2))


def test_title_block_has_kind_summary_and_window() -> None:
    text = text_of(doc.title_block(JUNE))
    assert text.startswith("BÁO CÁO Tình hình, kết quả")
    assert "(Từ ngày 15/5/2026 đến 14/6/2026)" in text


def test_header_block_of_an_truong() -> None:
    unit = load_unit("an-truong")
    html = doc.header_block(unit, JUNE)
    text = text_of(html)
    for expected in (
        "ỦY BAN NHÂN DÂN",
        "XÃ AN TRƯỜNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "năm 2026",
    ):
        assert expected in text
    assert re.search(r"Số:\s+/BC-UBND", text)
    assert re.search(r"An Trường, ngày\s+tháng\s+năm 2026", text)
    assert 'class="short-rule"' in html and 'class="underlined"' in html


@pytest.mark.parametrize(
    ("day", "phrase"),
    [
        (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (date(2027, 2, 3), "ngày 03 tháng 02 năm 2027"),
        (date(2026, 6, 14), "ngày 14 tháng 6 năm 2026"),
        (date(2026, 12, 10), "ngày 10 tháng 12 năm 2026"),
        # Boundaries of the rule: day 9 padded, day 10 not; month 2 padded, month 3 not.
        (date(2026, 7, 9), "ngày 09 tháng 7 năm 2026"),
        (date(2026, 7, 10), "ngày 10 tháng 7 năm 2026"),
        (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (date(2026, 3, 1), "ngày 01 tháng 3 năm 2026"),
    ],
)
def test_issue_date_phrase_pads_days_below_10_and_months_1_and_2(day: date, phrase: str) -> None:
    assert doc.issue_date_phrase(day) == phrase


def test_header_block_with_number_and_date() -> None:
    unit = load_unit("an-truong")
    html = doc.header_block(unit, JUNE, number="125", issue_date=date(2026, 6, 16))
    text = text_of(html)
    assert "Số: 125/BC-UBND" in text
    assert "An Trường, ngày 16 tháng 6 năm 2026" in text
    assert "\u00a0" not in html  # no gap left for signing


def test_header_block_with_only_one_of_number_and_date() -> None:
    unit = load_unit("an-truong")
    numbered = text_of(doc.header_block(unit, JUNE, number="7"))
    assert "Số: 7/BC-UBND" in numbered
    assert re.search(r"An Trường, ngày\s+tháng\s+năm 2026", numbered)
    # A report of December 2026 issued in January 2027 shows the year of issue.
    dated = text_of(doc.header_block(unit, month_period(2026, 12), issue_date=date(2027, 1, 5)))
    assert re.search(r"Số:\s+/BC-UBND", dated)
    assert "An Trường, ngày 05 tháng 01 năm 2027" in dated
    assert "năm 2026" not in dated


def test_number_line_uses_the_units_symbol() -> None:
    unit = UnitParams.model_validate(
        {"unit": "xa-b", "name": "Bình Minh", "document": {"symbol": "BC-UBND-VP"}}
    )
    assert doc.number_line(unit, "125") == "Số: 125/BC-UBND-VP"
    assert doc.number_line(unit) == "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-UBND-VP"
    assert "XÃ BÌNH MINH" in doc.header_block(unit, JUNE, number="125")


def test_closing_sentence_names_both_periods_and_the_issuer() -> None:
    unit = load_unit("an-truong")
    assert doc.closing_sentence(unit, JUNE) == (
        "Trên đây là báo cáo tình hình, kết quả thực hiện công tác cải cách thủ tục hành chính "
        "tháng 6 năm 2026 và phương hướng, nhiệm vụ tháng 7 năm 2026 của Ủy ban nhân dân "
        "xã An Trường./."
    )


def test_signature_block_and_recipients() -> None:
    unit = load_unit("an-truong")
    html = doc.signature_block(unit)
    text = text_of(html)
    assert "Nơi nhận:" in text
    assert "- Văn phòng UBND thành phố;" in text
    assert text.index("- Lưu: VT, TTPVHCC.") > text.index("Trung tâm Dịch vụ sự nghiệp công xã;")
    assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text
    assert text.endswith("Vũ Trọng Dũng")


def test_appendix_heading_refers_to_the_report() -> None:
    text = text_of(doc.appendix_heading(load_unit("an-truong"), JUNE))
    assert text.startswith("Phụ lục")
    assert "SỐ LIỆU GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THÁNG 6 NĂM 2026" in text
    assert re.search(r"\(Kèm theo Báo cáo số\s+/BC-UBND của Ủy ban nhân dân xã An Trường\)", text)


def test_appendix_heading_with_number_and_date() -> None:
    unit = load_unit("an-truong")
    both = text_of(doc.appendix_heading(unit, JUNE, number="125", issue_date=date(2026, 6, 16)))
    assert both.endswith(
        "(Kèm theo Báo cáo số 125/BC-UBND ngày 16 tháng 6 năm 2026 của Ủy ban nhân dân xã An Trường)"
    )
    number_only = text_of(doc.appendix_heading(unit, JUNE, number="125"))
    assert number_only.endswith(
        "(Kèm theo Báo cáo số 125/BC-UBND của Ủy ban nhân dân xã An Trường)"
    )
    date_only = text_of(doc.appendix_heading(unit, JUNE, issue_date=date(2027, 1, 5)))
    assert re.search(
        r"\(Kèm theo Báo cáo số\s+/BC-UBND ngày 05 tháng 01 năm 2027 của Ủy ban nhân dân xã An Trường\)$",
        date_only,
    )
    assert text_of(doc.appendix_heading(unit, JUNE, "I")).startswith("Phụ lục I SỐ LIỆU")


def test_narrative_keeps_dashes_as_text_and_escapes_html() -> None:
    md = "Đoạn một\nvẫn đoạn một.\n\n- Gạch đầu dòng <b>x</b>\n+ Dấu cộng **đậm** và *nghiêng*\n"
    paras = doc.narrative_paragraphs(md)
    assert paras == [
        "Đoạn một vẫn đoạn một.",
        "- Gạch đầu dòng <b>x</b>",
        "+ Dấu cộng **đậm** và *nghiêng*",
    ]
    html = doc.narrative_html(md, section="I.1")
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<strong>đậm</strong>" in html and "<em>nghiêng</em>" in html
    assert "<ul" not in html and "<li" not in html
    marked = doc.narrative_html("- Số liệu tính được.\n\n[Chưa viết phần x.]",
                                placeholders=["[Chưa viết phần x.]"])  # fmt: skip
    assert '<p class="placeholder">[Chưa viết phần x.]</p>' in marked
    assert "<p>- Số liệu tính được.</p>" in marked


def test_text_is_normalised_to_nfc() -> None:
    decomposed = "Tru\u031bo\u031b\u0300ng"  # ư and ờ as base letters + combining marks (NFD)
    assert doc.e(decomposed) == "Trường"


words = st.text(
    alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệ *_<>&")), min_size=1
)


@given(st.lists(words, min_size=1, max_size=8))
def test_narrative_paragraphs_keep_every_word(lines: list[str]) -> None:
    md = "\n".join(lines)
    out = doc.narrative_paragraphs(md)
    assert " ".join(out).split() == md.split()


def test_unit_without_params_file_still_gets_a_complete_block() -> None:
    unit = load_unit("xa-chua-co-tep")  # no params file: defaults, placeholders for names
    text = text_of(doc.signature_block(unit))
    assert "Nơi nhận: - Lưu: VT." in text
    assert "TM. ỦY BAN NHÂN DÂN" in text
    assert "XÃ XA-CHUA-CO-TEP" in doc.header_block(unit, JUNE)


@pytest.mark.parametrize(
    ("period", "year"),
    [
        (month_period(2026, 6), 2026),
        (month_period(2026, 12), 2026),  # 15/11-14/12: signed in December
        (month_period(2026, 12, "calendar"), 2027),  # ends 31/12: signed in January
        (year_period(2026, "calendar"), 2027),
        (year_period(2026), 2026),
    ],
)
def test_blank_signing_date_carries_the_year_the_report_is_issued_in(period, year) -> None:
    unit = load_unit("an-truong")
    assert doc.issue_year(period) == year
    assert f"tháng\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0năm {year}" in doc.header_block(unit, period)
