"""The document model and the DOCX builder on small documents: JSON round trips, inline runs,
table spans as Word writes them, footnotes, figures, and notebooks that cannot give a DOCX."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import nbformat
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from hypothesis import given
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_notebook, new_output
from PIL import Image

from tthc.errors import ReportError
from tthc.render import document as doc
from tthc.render import word
from tthc.render.model import (
    DOCUMENT_MIME,
    Cell,
    Figure,
    Group,
    Heading,
    IncompleteMark,
    Paragraph,
    Row,
    Run,
    Table,
    Text,
    from_json,
    part_bundle,
    plain_text,
    to_json,
)
from tthc.stats.periods import month_period
from tthc.units import load_unit

texts = st.text(alphabet="aăâđêôơư *-_Ạ\n", max_size=30)
runs = st.builds(Run, texts, st.booleans(), st.booleans(), st.none() | texts)
paragraphs = st.builds(
    Paragraph, st.tuples(runs, runs), st.sampled_from(["", "l1", "closing", "placeholder"])
)
cells = st.builds(
    Cell,
    texts,
    st.booleans(),
    st.sampled_from(["", "num", "text"]),
    st.integers(1, 3),
    sort=st.sampled_from(["", "2026-06-02T09:30:00"]),
)


@given(
    st.lists(
        st.one_of(
            paragraphs,
            st.builds(Heading, texts, texts, st.integers(1, 4)),
            st.builds(Text, st.just("narrative"), texts, st.tuples(paragraphs)),
            st.builds(IncompleteMark, texts, texts, st.booleans()),
            st.builds(
                Table,
                texts,
                texts,
                texts,
                st.tuples(st.builds(Row, st.tuples(cells, cells))),
                st.tuples(st.builds(Row, st.tuples(cells))),
            ),
            st.builds(Figure, texts, texts, texts, st.just(""), st.binary(max_size=20)),
        ),
        max_size=4,
    )
)
def test_blocks_survive_the_notebook_json(blocks: list) -> None:
    """What the notebook keeps is what the DOCX builder reads back (an SVG is not kept)."""
    data = part_bundle("front", (Group("g", "x", tuple(blocks), landscape=True),))
    assert from_json(data["blocks"]) == (Group("g", "x", tuple(blocks), landscape=True),)


def test_a_figure_keeps_its_png_but_not_its_svg() -> None:
    fig = Figure("monthly", "Mỗi tháng…", "Mô tả", svg="<svg/>", png=b"\x89PNG")
    data = to_json(fig)
    assert "svg" not in data and data["png"] == "iVBORw=="
    assert from_json(data) == Figure("monthly", "Mỗi tháng…", "Mô tả", png=b"\x89PNG")


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Văn bản **đậm** và *nghiêng*.", [("Văn bản ", 0, 0), ("đậm", 1, 0), (" và ", 0, 0),
                                           ("nghiêng", 0, 1), (".", 0, 0)]),
        ("**a *b* c**", [("a ", 1, 0), ("b", 1, 1), (" c", 1, 0)]),
        ("*a **b** c*", [("a ", 0, 1), ("b", 1, 1), (" c", 0, 1)]),
        ("2 * 3 * 4 và a*b*c", [("2 * 3 * 4 và a*b*c", 0, 0)]),
        ("<b> & 'x'", [("<b> & 'x'", 0, 0)]),
    ],
)  # fmt: skip
def test_inline_markdown_as_runs(markdown: str, expected: list) -> None:
    got = [(r.text, int(r.bold), int(r.italic)) for r in doc.runs(markdown)]
    assert got == expected
    html = doc.inline(markdown)
    assert "&lt;b&gt; &amp; &#x27;x&#x27;" in html or "<b>" not in markdown


def test_plain_text_walks_every_block() -> None:
    blocks = (
        Heading("I.", "KẾT QUẢ"),
        Paragraph((Run("đạt 99.87%"), Run(note="Theo Cổng"))),
        Table("t", "data", "Biểu 1", (Row((Cell("STT", header=True),)),), (Row((Cell("1"),)),)),
    )
    assert plain_text(blocks).split("\n") == ["I.", "KẾT QUẢ", "đạt 99.87%", "Theo Cổng",
                                               "Biểu 1", "STT", "1"]  # fmt: skip


# --- the DOCX builder ------------------------------------------------------------------------------


def build(blocks: tuple, tmp_path: Path) -> docx.document.Document:
    out = word.write_docx(blocks, tmp_path / "x.docx", title="Báo cáo thử", author="UBND xã A")
    return docx.Document(str(out))


def test_spans_are_written_as_word_does(tmp_path: Path) -> None:
    """A 3×3 header: a cell spanning two rows, one spanning two columns; body rows plain."""
    head = (
        Row((Cell("A", header=True, rowspan=2), Cell("B", header=True, colspan=2))),
        Row((Cell("B1", header=True), Cell("B2", header=True))),
    )
    body = (Row((Cell("x", style="text"), Cell("1", style="num"), Cell("2", style="num"))),)
    d = build((Table("t", "data", "Biểu", head, body, widths=(2, 1, 1)),), tmp_path)
    [table] = d.tables
    trs = table._tbl.tr_lst
    assert [[tc.grid_span for tc in tr.tc_lst] for tr in trs] == [[1, 2], [1, 1, 1], [1, 1, 1]]
    assert [tc.vMerge for tc in trs[0].tc_lst] == ["restart", None]
    assert trs[1].tc_lst[0].vMerge == "continue"
    # python-docx sees the grid: the merged cells read as one.
    assert [c.text for c in table.rows[0].cells] == ["A", "B", "B"]
    assert [c.text for c in table.rows[1].cells] == ["A", "B1", "B2"]
    assert [c.text for c in table.rows[2].cells] == ["x", "1", "2"]
    assert [p.alignment for p in (c.paragraphs[0] for c in table.rows[2].cells)] == [0, 2, 2]
    header = [tr.trPr.find(qn("w:tblHeader")) is not None for tr in trs]
    assert header == [True, True, False]
    assert d.paragraphs[0].text == "Biểu" and d.paragraphs[0].style.name == "Caption"
    widths = [round(c.width.mm) for c in table.columns]
    assert widths == [82, 41, 41]  # 2:1:1 of the 165 mm text width


def test_an_empty_table_is_its_sentence(tmp_path: Path) -> None:
    d = build((Table("late", "data", "", (Row((Cell("STT", header=True),)),), (),
                     empty="Không có hồ sơ quá hạn."),), tmp_path)  # fmt: skip
    assert not d.tables and d.paragraphs[0].text == "Không có hồ sơ quá hạn."


def test_footnotes_are_numbered_in_order(tmp_path: Path) -> None:
    blocks = (
        Paragraph((Run("a"), Run(note="Nguồn một."), Run(" b"))),
        Text("computed", "I.3", (Paragraph((Run("c"), Run(note="Nguồn & hai."))),)),
    )
    d = build(blocks, tmp_path)
    refs = [p._p.xpath(".//w:footnoteReference/@w:id") for p in d.paragraphs]
    assert refs == [["1"], ["2"]]
    assert [p.text for p in d.paragraphs] == ["a b", "c"]
    part = d.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
    )
    w = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    notes = parse_xml(part.blob).xpath("//w:footnote[not(@w:type)]", namespaces=w)
    texts = ["".join(t.text for t in n.iter(qn("w:t"))).strip() for n in notes]
    assert [n.get(qn("w:id")) for n in notes] == ["1", "2"]
    assert texts == ["Nguồn một.", "Nguồn & hai."]
    assert d.settings.element.find(qn("w:footnotePr")) is not None


def test_core_properties_and_no_empty_page_thumbnail(tmp_path: Path) -> None:
    d = build((Heading("I.", "A"),), tmp_path)
    props = d.core_properties
    assert (props.title, props.author, props.language) == ("Báo cáo thử", "UBND xã A", "vi-VN")
    names = [p.partname for p in d.part.package.iter_parts()]
    assert "/docProps/thumbnail.jpeg" not in names
    assert d.paragraphs[0].style.name == "Heading 1" and d.paragraphs[0].text == "I. A"


def test_a_figure_needs_its_png(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.new("L", (600, 300), 255).save(buf, format="PNG", dpi=(300, 300))
    d = build((Figure("x", "T", "Một biểu đồ", png=buf.getvalue(), width_in=2.0),), tmp_path)
    [shape] = d.inline_shapes
    assert shape._inline.docPr.get("descr") == "Một biểu đồ"
    assert round(shape.width.inches, 2) == 2.0
    with pytest.raises(ReportError, match="Biểu đồ 'y' trong notebook không có ảnh PNG cho DOCX"):
        build((Figure("y", "T", "alt"),), tmp_path)


def _nb(*bundles: dict) -> nbformat.NotebookNode:
    cells = [
        new_code_cell(outputs=[new_output("display_data", data={DOCUMENT_MIME: b})])
        for b in bundles
    ]
    return new_notebook(cells=cells)


def test_document_blocks_come_in_notebook_order() -> None:
    nb = _nb(part_bundle("a", (Heading("I.", "A"),)), part_bundle("b", (Heading("II.", "B"),)))
    assert word.document_blocks(nb) == (Heading("I.", "A"), Heading("II.", "B"))


def test_a_notebook_without_document_blocks_is_refused() -> None:
    with pytest.raises(ReportError, match="Notebook không mang nội dung văn bản để xuất DOCX"):
        word.document_blocks(new_notebook(cells=[new_code_cell()]))
    newer = {**part_bundle("a", ()), "version": 99}
    with pytest.raises(ReportError, match="phiên bản 99, chương trình đọc phiên bản 1"):
        word.document_blocks(_nb(newer))


def test_a_notebook_with_an_error_gives_no_docx(tmp_path: Path) -> None:
    from tthc.render import export

    nb = _nb(part_bundle("a", (Heading("I.", "A"),)))
    nb.cells.append(new_code_cell(outputs=[new_output("error", ename="ValueError", evalue="x",
                                                      traceback=[])]))  # fmt: skip
    with pytest.raises(ReportError, match="Sổ tay có ô bị lỗi"):
        export.render_docx(nb, tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()


def test_a_part_displays_as_html_and_as_blocks() -> None:
    from tthc.render.part import Part

    part = Part("appendix", [Group("late", "appendix-part", (Heading("", "Biểu 2", 4),))])
    bundle = part._repr_mimebundle_()
    assert bundle["text/html"] == (
        '<section class="appendix-part" data-part="late"><h3 class="app">Biểu 2</h3></section>'
    )
    assert from_json(bundle[DOCUMENT_MIME]["blocks"]) == part.blocks
    assert repr(part) == "Part('appendix', 1 khối)"  # the same text/plain in every run
    landscape = Part("x", [Group("appendix", "appendix", (), landscape=True)])
    assert landscape.html().startswith('<section class="appendix landscape" data-part="appendix">')


def test_properties_are_in_the_schema_order_word_requires(tmp_path: Path) -> None:
    """Word refuses a file whose property elements are out of the schema's sequence (LibreOffice
    does not mind, so the conversion test cannot see it): every pPr, rPr, tblPr, trPr and tcPr
    of a document with every kind of block lists its children in that order."""
    head = (Row((Cell("A", header=True, rowspan=2), Cell("B", header=True, colspan=2))),
            Row((Cell("B1", header=True), Cell("B2", header=True))))  # fmt: skip
    buf = io.BytesIO()
    Image.new("L", (60, 30), 255).save(buf, format="PNG")
    blocks = (
        doc.header(load_unit("an-truong"), month_period(2026, 6)),
        doc.title(month_period(2026, 6)),
        doc.incomplete("danh sách hồ sơ có số liệu đến 14/06/2026", partial=False),
        Heading("I.", "A"),
        Paragraph((Run("a", bold=True), Run("b", italic=True), Run(note="n"))),
        Paragraph((Run("[Chưa viết phần x.]"),), style="placeholder"),
        doc.signature(load_unit("an-truong")),
        Group(
            "appendix",
            "appendix",
            (Table("t", "data", "Biểu", head, (Row((Cell("1"),) * 3),)),),
            landscape=True,
        ),
        Group("charts", "appendix-part", (Figure("x", "T", "alt", png=buf.getvalue()),)),
    )
    d = build(blocks, tmp_path)
    checked = 0
    for root in (d.element, d.styles.element, d.sections[0].header._element):
        for tag, order in word._ORDER.items():
            for props in root.iter(qn(tag)):
                tags = [f"w:{c.tag.rsplit('}', 1)[1]}" for c in props]
                known = [order.index(t) for t in tags if t in order]
                assert known == sorted(known), (tag, tags)
                checked += 1
    assert checked > 100


def test_the_incomplete_mark_is_boxed_under_the_title(tmp_path: Path) -> None:
    """A report the exports do not cover says so on its first page in the DOCX too: a paragraph
    with a border on its four sides (no text box), the label bold, right after the title."""
    june = month_period(2026, 6)
    mark = doc.incomplete("danh sách hồ sơ có số liệu từ 01/01/2026 đến 14/06/2026", partial=True)
    assert doc.incomplete_html(mark) == (
        '<div class="incomplete-mark" data-block="incomplete" data-kind="partial" role="note">'
        "<strong>BÁO CÁO CHƯA ĐẦY ĐỦ:</strong> danh sách hồ sơ có số liệu từ 01/01/2026 đến "
        "14/06/2026</div>"
    )
    d = build((doc.title(june), mark, Heading("I.", "A")), tmp_path)
    texts = [p.text for p in d.paragraphs]
    i = texts.index("BÁO CÁO CHƯA ĐẦY ĐỦ: danh sách hồ sơ có số liệu từ 01/01/2026 đến 14/06/2026")
    assert texts[i - 2] == "(Từ ngày 15/5/2026 đến 14/6/2026)" and texts[i + 1] == "I. A"
    p = d.paragraphs[i]
    assert [(r.text, bool(r.bold)) for r in p.runs] == [
        ("BÁO CÁO CHƯA ĐẦY ĐỦ:", True),
        (" danh sách hồ sơ có số liệu từ 01/01/2026 đến 14/06/2026", False),
    ]
    border = p._p.pPr.find(qn("w:pBdr"))
    sides = {c.tag.rsplit("}", 1)[1]: c.get(qn("w:val")) for c in border}
    assert sides == {"top": "single", "left": "single", "bottom": "single", "right": "single"}


def test_only_the_placeholder_paragraph_is_muted(tmp_path: Path) -> None:
    """An unwritten section's paragraph is italic and grey in the DOCX, as in the HTML; the
    computed sentence before it in the same section reads as text."""
    text = doc.narrative(
        "- Số liệu tính được.\n\n[Chưa viết phần x.]", placeholders=["[Chưa viết phần x.]"]
    )
    assert [p.style for p in text.paragraphs] == ["", "placeholder"]
    assert doc.text_html(text) == (
        '<div class="narrative" data-section="">\n<p>- Số liệu tính được.</p>\n'
        '<p class="placeholder">[Chưa viết phần x.]</p>\n</div>'
    )
    d = build((text,), tmp_path)
    computed, placeholder = d.paragraphs
    assert [r.italic for r in computed.runs] == [None]
    assert [r.italic for r in placeholder.runs] == [True]
    assert str(placeholder.runs[0].font.color.rgb) == "444444"


def test_a_date_cell_sorts_by_its_iso_key_in_html_only(tmp_path: Path) -> None:
    from tthc.render.tables import sort_key, table_model_html

    assert sort_key("2026-06-02 09:30", "datetime") == "2026-06-02T09:30:00"
    assert sort_key(None, "datetime") == "" and sort_key("x", "text") == ""
    cell = Cell("02/06/2026 09:30", style="center", sort=sort_key("2026-06-02 09:30", "datetime"))
    t = Table("late", "data sortable", "", (Row((Cell("Ngày", header=True),)),), (Row((cell,)),))
    assert '<td class="center" data-sort="2026-06-02T09:30:00">02/06/2026 09:30</td>' in (
        table_model_html(t)
    )
    assert "2026-06-02T09:30:00" not in plain_text((t,))
    [table] = build((t,), tmp_path).tables
    assert table.rows[1].cells[0].text == "02/06/2026 09:30"
