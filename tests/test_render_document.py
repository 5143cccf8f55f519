"""The fixed parts of the document: phrases, header block, narrative, signature, appendix head."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from tthc.render import document as doc
from tthc.stats.periods import month_period, quarter_period
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


def test_number_is_written_when_given() -> None:
    unit = UnitParams.model_validate(
        {"unit": "xa-b", "name": "Bình Minh", "document": {"number": "125", "symbol": "BC-UBND"}}
    )
    assert doc.number_line(unit) == "Số: 125/BC-UBND"
    assert "XÃ BÌNH MINH" in doc.header_block(unit, JUNE)


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
    assert 'class="narrative placeholder"' in doc.narrative_html("x", placeholder=True)


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
