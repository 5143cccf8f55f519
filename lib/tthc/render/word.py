"""The signed document as DOCX, in the Nghị định 30/2020 layout (domain.md §8), with python-docx.

Built from the document blocks the executed report notebook carries beside its HTML
(:mod:`tthc.render.model`, mime ``DOCUMENT_MIME``), never from the HTML or the PDF, so ``tthc
render`` writes it again without recomputing anything. What an official gets to edit in Word:

- A4 portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm (as the PDF); Times New Roman
  14 pt, justified, first-line indent 1.27 cm, 6 pt after, line spacing 1.15, in real styles
  (Normal, Heading 1–4, Caption, Table Grid, Footnote Text …) so that editing keeps the layout;
- the header block and the signature block as borderless two-column tables, the rules under the
  issuing body and under the summary line as paragraph borders, the motto underlined: no text
  boxes, no shapes, no absolute positions;
- page numbers centred in the top margin from page 2, as a PAGE field that Word updates;
- the national table (Biểu 06) in a landscape section of its own, with its header rows repeated
  on every page and rows that never split (the city's rates and ranks by unit on the next
  landscape page); the late-case list, the comparison and the charts back on portrait pages;
- charts as greyscale PNG at 300 dpi with their alt text; figures supplied from outside the
  exports with a real footnote naming the source and date.

python-docx has no footnote API (python-openxml/python-docx#1): the footnotes part is added here
with the XML Word itself writes.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from tthc.errors import ReportError
from tthc.render.model import (
    DOCUMENT_MIME,
    MODEL_VERSION,
    AppendixHead,
    Cell,
    Figure,
    Group,
    Header,
    Heading,
    IncompleteMark,
    Paragraph,
    Run,
    Signature,
    Table,
    Text,
    Title,
    from_json,
)

FONT = "Times New Roman"
LANG = "vi-VN"
BODY_PT = 14
INDENT_CM = 1.27
LINE_SPACING = 1.15
# mm: (top, right, bottom, left), as the PDF's @page rules (templates/tthc/report.css).
PORTRAIT_MARGINS = (20, 15, 20, 30)
LANDSCAPE_MARGINS = (25, 20, 15, 20)
A4_MM = (210, 297)


def document_blocks(nb: Any) -> tuple[Any, ...]:
    """The blocks of the signed document, in order, from an executed report notebook."""
    blocks: list[Any] = []
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            part = output.get("data", {}).get(DOCUMENT_MIME)
            if not isinstance(part, dict):
                continue
            if part.get("version") != MODEL_VERSION:
                raise ReportError(
                    f"Nội dung văn bản trong notebook có phiên bản {part.get('version')}, "
                    f"chương trình đọc phiên bản {MODEL_VERSION}: chạy lại 'tthc report'."
                )
            blocks.extend(from_json(part["blocks"]))
    if not blocks:
        raise ReportError(
            "Notebook không mang nội dung văn bản để xuất DOCX (lập bằng phiên bản cũ): "
            "chạy lại 'tthc report'."
        )
    return tuple(blocks)


def write_docx(blocks: tuple[Any, ...], out: str | Path, *, title: str, author: str) -> Path:
    """Write ``blocks`` as a DOCX at ``out`` with the document's title, author and language."""
    builder = _Builder(title=title, author=author)
    for block in blocks:
        builder.add(block)
    builder.doc.save(str(out))
    return Path(out)


class _Builder:
    def __init__(self, *, title: str, author: str) -> None:
        from docx import Document

        self.doc = Document()
        self.footnotes: Any = None
        self.next_note = 1
        self.landscape = False
        props = self.doc.core_properties
        props.title = title
        props.author = author
        props.last_modified_by = author
        props.language = LANG
        props.comments = ""
        props.keywords = ""
        _drop_thumbnail(self.doc)
        _set_styles(self.doc)
        section = self.doc.sections[0]
        _page(section, landscape=False)
        section.different_first_page_header_footer = True  # no number on page 1
        _page_number(section.header)

    # -- dispatch ---------------------------------------------------------------------------

    def add(self, block: Any) -> None:
        if isinstance(block, Figure):
            self.figure(block)
            return
        handler = {
            Header: self.header,
            Title: self.title,
            IncompleteMark: self.incomplete,
            Heading: self.heading,
            Text: self.text,
            Paragraph: self.paragraph,
            Signature: self.signature,
            AppendixHead: self.appendix_head,
            Table: self.table,
            Group: self.group,
        }[type(block)]
        handler(block)

    # -- sections ---------------------------------------------------------------------------

    def new_section(self, *, landscape: bool) -> None:
        from docx.enum.section import WD_SECTION

        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        _page(section, landscape=landscape)
        section.different_first_page_header_footer = False  # numbered from its first page
        self.landscape = landscape

    def group(self, g: Group) -> None:
        # An appendix starts a page (CSS .appendix), a landscape group gets its own section,
        # and the first group after it goes back to portrait on a new page. Two appendices on
        # landscape pages (the city's Phụ lục I and II) share a section, a page each.
        if g.landscape != self.landscape:
            self.new_section(landscape=g.landscape)
        elif "appendix" in g.style.split():
            self.page_break()
        for block in g.blocks:
            self.add(block)

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    @property
    def text_width_mm(self) -> float:
        _top, right, _bottom, left = LANDSCAPE_MARGINS if self.landscape else PORTRAIT_MARGINS
        return (A4_MM[1] if self.landscape else A4_MM[0]) - left - right

    # -- blocks -----------------------------------------------------------------------------

    def header(self, h: Header) -> None:
        from docx.shared import Mm, Pt

        width = self.text_width_mm
        left_w, right_w = width * 0.38, width * 0.62
        table = _layout_table(self.doc, (left_w, right_w))
        left, right = table.rows[0].cells
        first = True
        for line in h.issuer:
            p = _cell_paragraph(left, first)
            first = False
            _centre(p)
            _run(p, line.upper(), size=13, bold=True)
        _rule(left.add_paragraph(), indent_mm=left_w / 3)
        p = left.add_paragraph()
        _centre(p, before=8)
        _run(p, h.number, size=13)
        p = _cell_paragraph(right, True)
        _centre(p)
        _run(p, h.nation, size=12.5, bold=True)
        p = right.add_paragraph()
        _centre(p)
        _run(p, h.motto, size=14, bold=True, underline=True)
        p = right.add_paragraph()
        _centre(p, before=8)
        _run(p, h.place_date, size=14, italic=True)
        # Space under the block, as the HTML's 12 pt margin.
        spacer = self.doc.add_paragraph()
        spacer.paragraph_format.space_after = Pt(0)
        spacer.paragraph_format.first_line_indent = Mm(0)

    def title(self, t: Title) -> None:
        from docx.shared import Pt

        p = self.doc.add_paragraph()
        _centre(p, before=6)
        _run(p, t.kind, size=14, bold=True)
        for line in t.summary:
            p = self.doc.add_paragraph()
            _centre(p)
            _run(p, line, size=14, bold=True)
        # A short rule under the summary line (30% of the text width, as the HTML's).
        rule = _rule(self.doc.add_paragraph(), indent_mm=self.text_width_mm * 0.35)
        rule.paragraph_format.space_after = Pt(12)

    def incomplete(self, m: IncompleteMark) -> None:
        """'BÁO CÁO CHƯA ĐẦY ĐỦ: …' boxed under the title, as the HTML's 1.5 pt box with 5 pt /
        8 pt padding: a paragraph with a border on all four sides (no text box), 13 pt, kept on
        one page. Word draws a side border ``w:space`` points outside the text, so the paragraph
        is indented by as much: the box stays within the margins, as in the PDF."""
        from docx.shared import Mm, Pt

        pad_v, pad_h = 5, 8  # points, the HTML's padding
        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.first_line_indent = Mm(0)
        fmt.left_indent = fmt.right_indent = Pt(pad_h)
        fmt.space_before, fmt.space_after = Pt(pad_v), Pt(12 + pad_v)
        fmt.keep_together = True
        sides = "".join(
            f'<w:{side} {_W_NS} w:val="single" w:sz="12" '
            f'w:space="{pad_v if side in ("top", "bottom") else pad_h}" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right")
        )
        _place(p._p.get_or_add_pPr(), "w:pBdr", sides)
        _run(p, m.label, size=13, bold=True)
        _run(p, f" {m.detail}", size=13)

    def heading(self, h: Heading) -> None:
        text = h.text if h.level == 4 else f"{h.number} {h.text}"
        _styled(self.doc.add_paragraph(text), f"Heading{h.level}")

    def text(self, t: Text) -> None:
        for p in t.paragraphs:
            self.paragraph(p)

    def paragraph(self, p: Paragraph) -> None:
        from docx.shared import Pt

        placeholder = "placeholder" in p.style.split()
        para = self.doc.add_paragraph()
        if "note" in p.style.split():
            _styled(para, "Note")
        if p.style == "closing":
            para.paragraph_format.space_before = Pt(6)
        self.runs(para, p.runs, placeholder=placeholder)

    def runs(self, para: Any, runs: tuple[Run, ...], *, placeholder: bool = False) -> None:
        from docx.shared import RGBColor

        for r in runs:
            if r.note is not None:
                self.footnote(para, r.note)
                continue
            run = para.add_run(r.text)
            run.bold = r.bold or None
            run.italic = (r.italic or placeholder) or None
            if placeholder:  # as the HTML's muted placeholders: to be replaced before signing
                run.font.color.rgb = RGBColor(0x44, 0x44, 0x44)

    def signature(self, s: Signature) -> None:
        from docx.shared import Pt

        width = self.text_width_mm
        table = _layout_table(self.doc, (width * 0.45, width * 0.55))
        _keep_row_together(table.rows[0]._tr)
        left, right = table.rows[0].cells
        p = _cell_paragraph(left, True)
        _flush(p).paragraph_format.space_before = Pt(12)
        _run(p, "Nơi nhận:", size=12, bold=True, italic=True)
        for item in s.recipients:
            p = left.add_paragraph()
            _flush(p)
            _run(p, item, size=11)
        first = True
        for line in s.authority:
            p = _cell_paragraph(right, first)
            _centre(p, before=12 if first else 0)
            first = False
            _run(p, line.upper(), size=14, bold=True)
        p = right.add_paragraph()
        # Room for the signature and the seal (the HTML's 28 mm).
        _centre(p, before=80)
        _run(p, s.signer, size=14, bold=True)
        p.paragraph_format.space_after = Pt(0)

    def appendix_head(self, a: AppendixHead) -> None:
        # 12 pt, as every paragraph of the PDF's appendix.
        p = self.doc.add_paragraph()
        _centre(p)
        _run(p, a.label, size=12, bold=True)
        for line in a.titles:
            p = self.doc.add_paragraph()
            _centre(p)
            _run(p, line.upper(), size=12, bold=True)
        p = self.doc.add_paragraph()
        _centre(p, after=10)
        _run(p, a.ref, size=12, italic=True)

    def table(self, t: Table) -> None:
        from docx.shared import Pt

        if not t.body and t.empty:
            _styled(self.doc.add_paragraph(t.empty), "Note").runs[0].italic = False
            return
        if t.caption:
            caption = _styled(self.doc.add_paragraph(t.caption), "Caption")
            caption.paragraph_format.keep_with_next = True
        _data_table(self.doc, t, self.text_width_mm, size=10.5 if t.key == "late" else 11)
        # Word joins two tables with nothing between them: a small paragraph keeps them apart.
        gap = self.doc.add_paragraph()
        gap.paragraph_format.space_after = Pt(4)

    def figure(self, f: Figure) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm, Pt

        if not f.png:
            raise ReportError(
                f"Biểu đồ '{f.key}' trong notebook không có ảnh PNG cho DOCX (báo cáo được lập "
                "không kèm định dạng docx): chạy lại 'tthc report' với định dạng docx."
            )
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt = p.paragraph_format
        fmt.first_line_indent = Mm(0)
        fmt.space_before, fmt.space_after = Pt(6), Pt(12)
        fmt.keep_together = True
        width = min(f.width_in * 25.4, self.text_width_mm)
        shape = p.add_run().add_picture(io.BytesIO(f.png), width=Mm(width))
        doc_pr = shape._inline.docPr
        doc_pr.set("name", f"Biểu đồ {f.key}")
        doc_pr.set("descr", f.alt)  # the alt text Word shows and reads out

    # -- footnotes --------------------------------------------------------------------------

    def footnote(self, para: Any, text: str) -> None:
        from docx.oxml import parse_xml

        if self.footnotes is None:
            self.footnotes = _footnotes_part(self.doc)
        note_id = self.next_note
        self.next_note += 1
        self.footnotes.element.append(
            parse_xml(
                f'<w:footnote {_W_NS} w:id="{note_id}"><w:p><w:pPr>'
                '<w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr>'
                '<w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
                f'<w:r><w:t xml:space="preserve"> {_xml_text(text)}</w:t></w:r></w:p>'
                "</w:footnote>"
            )
        )
        para._p.append(
            parse_xml(
                f'<w:r {_W_NS}><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
                f'<w:footnoteReference w:id="{note_id}"/></w:r>'
            )
        )


# --- page, styles, fields --------------------------------------------------------------------

_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

# The order WordprocessingML's schema gives the children of the property elements this module
# writes itself (ECMA-376 Part 1, §17): Word refuses a file whose elements are out of order.
_ORDER = {
    "w:pPr": (
        "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
        "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
        "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
        "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
        "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
        "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
        "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
    ),
    "w:rPr": (
        "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps",
        "w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof",
        "w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern",
        "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
        "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
        "w:specVanish", "w:oMath",
    ),
    "w:tblPr": (
        "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
        "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd",
        "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
        "w:tblDescription", "w:tblPrChange",
    ),
    "w:trPr": (
        "w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter",
        "w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden",
    ),
    "w:tcPr": (
        "w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd",
        "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
    ),
}  # fmt: skip


def _place(parent: Any, tag: str, xml: str = "", **attrs: str) -> Any:
    """Put a ``tag`` element (``xml`` its content) into the properties element ``parent``, in
    the schema's order, replacing one of the same tag; ``attrs`` are ``w:`` attributes."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    for old in parent.findall(qn(tag)):
        parent.remove(old)
    values = "".join(f' w:{k}="{v}"' for k, v in attrs.items())
    child = parse_xml(f"<{tag} {_W_NS}{values}>{xml}</{tag}>")
    order = _ORDER[f"w:{parent.tag.rsplit('}', 1)[1]}"]
    parent.insert_element_before(child, *order[order.index(tag) + 1 :])
    return child


def _xml_text(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text)


def _page(section: Any, *, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    short, long = A4_MM
    top, right, bottom, left = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width = Mm(long if landscape else short)
    section.page_height = Mm(short if landscape else long)
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance = Mm(min(top - 8, 12))
    section.footer_distance = Mm(10)
    section.gutter = Mm(0)


def _page_number(header: Any) -> None:
    """A centred PAGE field in the header (Nghị định 30: from page 2, in the top margin)."""
    from docx.oxml import parse_xml

    header.is_linked_to_previous = False
    p = _styled(header.paragraphs[0], "Header")
    for xml in (
        '<w:r {ns}><w:fldChar w:fldCharType="begin"/></w:r>',
        '<w:r {ns}><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
        '<w:r {ns}><w:fldChar w:fldCharType="separate"/></w:r>',
        "<w:r {ns}><w:t>2</w:t></w:r>",
        '<w:r {ns}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        p._p.append(parse_xml(xml.format(ns=_W_NS)))


def _fonts(rpr: Any, size: float | None = None) -> None:
    """Times New Roman for every script slot, no theme font or colour, Vietnamese."""
    _place(rpr, "w:rFonts", ascii=FONT, hAnsi=FONT, eastAsia=FONT, cs=FONT)
    _place(rpr, "w:color", val="000000")
    if size is not None:
        half_points = str(round(size * 2))
        _place(rpr, "w:sz", val=half_points)
        _place(rpr, "w:szCs", val=half_points)
    _place(rpr, "w:lang", val=LANG, eastAsia=LANG)


def _set_styles(doc: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    _fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), BODY_PT)
    # Every other style of the template too (Title, Quote, Heading 5 …): an official who applies
    # one gets Times New Roman in black, not the template's theme fonts and blues.
    for fonts in styles.element.iter(qn("w:rFonts")):
        for key in list(fonts.attrib):
            del fonts.attrib[key]
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(qn(f"w:{slot}"), FONT)
    for color in styles.element.iter(qn("w:color")):
        for key in list(color.attrib):
            del color.attrib[key]
        color.set(qn("w:val"), "000000")

    normal = styles["Normal"]
    _fonts(normal.element.get_or_add_rPr(), BODY_PT)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Cm(INDENT_CM)
    fmt.space_before, fmt.space_after = Pt(0), Pt(6)
    fmt.line_spacing = LINE_SPACING
    fmt.widow_control = True

    for level, (size, italic, indent) in {
        1: (14, False, True),
        2: (14, False, True),
        3: (14, True, True),
        4: (13, False, False),
    }.items():
        style = styles[f"Heading {level}"]
        _fonts(style.element.get_or_add_rPr(), size)
        style.font.bold = True
        style.font.italic = italic
        f = style.paragraph_format
        f.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if indent else WD_ALIGN_PARAGRAPH.LEFT
        f.first_line_indent = Cm(INDENT_CM) if indent else Cm(0)
        f.space_before, f.space_after = (Pt(8), Pt(6)) if level < 4 else (Pt(12), Pt(6))
        f.line_spacing = LINE_SPACING
        f.keep_with_next = True

    caption = styles["Caption"]
    _fonts(caption.element.get_or_add_rPr(), 12)
    caption.font.bold = True
    caption.font.italic = False
    cf = caption.paragraph_format
    cf.alignment = WD_ALIGN_PARAGRAPH.LEFT
    cf.first_line_indent = Cm(0)
    cf.space_before, cf.space_after = Pt(0), Pt(4)

    header = styles["Header"]
    _fonts(header.element.get_or_add_rPr(), 13)
    hf = header.paragraph_format
    hf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    hf.first_line_indent = Cm(0)
    hf.space_after = Pt(0)

    note = styles.add_style("Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = normal
    note.font.size = Pt(11)
    note.font.italic = True
    nf = note.paragraph_format
    nf.alignment = WD_ALIGN_PARAGRAPH.LEFT
    nf.first_line_indent = Cm(0)
    nf.space_after = Pt(3)
    nf.line_spacing = 1.0

    cell = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = Pt(11)
    tf = cell.paragraph_format
    tf.alignment = WD_ALIGN_PARAGRAPH.LEFT
    tf.first_line_indent = Cm(0)
    tf.space_before = tf.space_after = Pt(0)
    tf.line_spacing = 1.0

    fn_text = styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
    fn_text.base_style = normal
    fn_text.font.size = Pt(11)
    ff = fn_text.paragraph_format
    ff.first_line_indent = Cm(0)
    ff.space_after = Pt(0)
    ff.line_spacing = 1.0
    fn_ref = styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
    fn_ref.font.superscript = True

    grid = styles["Table Grid"]
    grid.font.size = Pt(11)


def _drop_thumbnail(doc: Any) -> None:
    """python-docx's default template carries the thumbnail of an empty page; a file manager
    would show it as the report's preview."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rid]


def _footnotes_part(doc: Any) -> Any:
    """An empty footnotes part with Word's two separator notes, related to the document."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import XmlPart
    from docx.oxml import parse_xml

    xml = (
        f"<w:footnotes {_W_NS}>"
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" '
        'w:line="240" w:lineRule="auto"/><w:ind w:firstLine="0"/></w:pPr><w:r><w:separator/>'
        "</w:r></w:p></w:footnote>"
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing '
        'w:after="0" w:line="240" w:lineRule="auto"/><w:ind w:firstLine="0"/></w:pPr><w:r>'
        "<w:continuationSeparator/></w:r></w:p></w:footnote>"
        "</w:footnotes>"
    )
    part = XmlPart(
        PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, parse_xml(xml), doc.part.package
    )
    doc.part.relate_to(part, RT.FOOTNOTES)
    settings = doc.settings.element
    # Word lists the separators in the settings' footnote properties.
    pr = parse_xml(
        f'<w:footnotePr {_W_NS}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
    )
    anchor = settings.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}compat")
    if anchor is not None:
        anchor.addprevious(pr)
    else:
        settings.append(pr)
    return part


# --- paragraphs and runs ------------------------------------------------------------------------


def _run(
    p: Any,
    text: str,
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
) -> Any:
    from docx.shared import Pt

    run = p.add_run(text)
    if size is not None and size != BODY_PT:
        run.font.size = Pt(size)
    run.bold = bold or None
    run.italic = italic or None
    run.underline = underline or None
    return run


def _centre(p: Any, *, before: float = 0, after: float = 0) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = p.paragraph_format
    fmt.first_line_indent = Mm(0)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = 1.0
    return p


def _flush(p: Any) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    p.alignment = WD_ALIGN_PARAGRAPH.LEFT
    fmt = p.paragraph_format
    fmt.first_line_indent = Mm(0)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    return p


def _rule(p: Any, *, indent_mm: float) -> Any:
    """A short centred rule: an empty paragraph's bottom border between equal indents."""
    from docx.shared import Mm, Pt

    fmt = p.paragraph_format
    fmt.first_line_indent = Mm(0)
    fmt.left_indent = fmt.right_indent = Mm(indent_mm)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(3)
    _place(
        p._p.get_or_add_pPr(),
        "w:pBdr",
        f'<w:bottom {_W_NS} w:val="single" w:sz="6" w:space="1" w:color="000000"/>',
    )
    return p


def _styled(p: Any, style_id: str) -> Any:
    """``p`` in the style of that id. (python-docx's lookup by name walks every style of the
    document each time: a third of a second for the report's tables.)"""
    p._p.style = style_id
    return p


def _cell_paragraph(cell: Any, first: bool) -> Any:
    return cell.paragraphs[0] if first else cell.add_paragraph()


# --- tables -----------------------------------------------------------------------------------


def _layout_table(doc: Any, widths_mm: tuple[float, ...]) -> Any:
    """A borderless table used for layout only (header and signature blocks)."""
    from docx.shared import Mm

    table = doc.add_table(rows=1, cols=len(widths_mm))
    table.autofit = False
    _fixed_layout(table, widths_mm, margins_mm=0)
    for cell, w in zip(table.rows[0].cells, widths_mm, strict=True):
        cell.width = Mm(w)
    return table


def _fixed_layout(
    table: Any, widths_mm: tuple[float, ...], *, margins_mm: float, padding_mm: float = 0
) -> None:
    """Column widths that Word keeps (fixed layout), cell margins left/right and top/bottom."""
    from docx.shared import Mm

    table.autofit = False  # w:tblLayout fixed
    side = round(margins_mm / 25.4 * 1440)
    pad = round(padding_mm / 25.4 * 1440)
    _place(
        table._tbl.tblPr,
        "w:tblCellMar",
        f'<w:top {_W_NS} w:w="{pad}" w:type="dxa"/><w:left {_W_NS} w:w="{side}" w:type="dxa"/>'
        f'<w:bottom {_W_NS} w:w="{pad}" w:type="dxa"/>'
        f'<w:right {_W_NS} w:w="{side}" w:type="dxa"/>',
    )
    for col, w in zip(table.columns, widths_mm, strict=True):
        col.width = Mm(w)


def _keep_row_together(tr: Any, *, header: bool = False) -> None:
    tr_pr = tr.get_or_add_trPr()
    _place(tr_pr, "w:cantSplit")
    if header:  # repeated at the top of every page the table runs onto
        _place(tr_pr, "w:tblHeader")


def _grid(rows: tuple[Any, ...]) -> list[list[tuple[int, Cell]]]:
    """For each row, (grid column, cell) of the cells it starts, rowspans of rows above
    taken into account."""
    taken: dict[tuple[int, int], bool] = {}
    out = []
    for r, row in enumerate(rows):
        col = 0
        placed = []
        for cell in row.cells:
            while taken.get((r, col)):
                col += 1
            placed.append((col, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken[(r + dr, col + dc)] = True
            col += cell.colspan
        out.append(placed)
    return out


def _data_table(doc: Any, t: Table, width_mm: float, *, size: float) -> Any:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT as V
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml.simpletypes import ST_Merge
    from docx.shared import Mm
    from docx.table import _Cell

    rows = (*t.head, *t.body)
    grid = _grid(rows)
    ncols = max(col + cell.colspan for placed in grid for col, cell in placed)
    weights = t.widths if len(t.widths) == ncols else (1.0,) * ncols
    widths = tuple(width_mm * w / sum(weights) for w in weights)
    table = doc.add_table(rows=len(rows), cols=ncols)
    table._tbl.tblPr.style = "TableGrid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _fixed_layout(table, widths, margins_mm=1.0, padding_mm=0.5)
    # Spans are written as Word does: a cell spanning columns has gridSpan and takes the place
    # of the cells it covers; one spanning rows starts a vertical merge that the cells below
    # continue (python-docx's merge() looks every cell up again: seconds for a long list).
    below: dict[tuple[int, int], Cell] = {}
    for r, placed in enumerate(grid):
        is_head = r < len(t.head)
        tr = table._tbl.tr_lst[r]
        _keep_row_together(tr, header=is_head)
        tcs = list(tr.tc_lst)
        starts = {col: cell for col, cell in placed}
        col = 0
        while col < ncols:
            cell = starts.get(col)
            origin = below.get((r, col))
            span = cell.colspan if cell else origin.colspan if origin else 1
            tc = tcs[col]
            for covered in tcs[col + 1 : col + span]:
                tr.remove(covered)
            if span > 1:
                tc.grid_span = span
            target = _Cell(tc, table)
            target.width = Mm(sum(widths[col : col + span]))
            target.vertical_alignment = V.CENTER
            if cell is not None:
                if cell.rowspan > 1:
                    tc.vMerge = ST_Merge.RESTART
                    for dr in range(1, cell.rowspan):
                        below[(r + dr, col)] = cell
                _fill_cell(target, cell, size=size, head=is_head, row_style=rows[r].style)
            elif origin is not None:
                tc.vMerge = ST_Merge.CONTINUE
                _styled(target.paragraphs[0], "TableText")
            col += span
    return table


def _fill_cell(target: Any, cell: Cell, *, size: float, head: bool, row_style: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = _styled(target.paragraphs[0], "TableText")
    tokens = cell.style.split()
    if cell.header and head:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif "num" in tokens:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif "center" in tokens:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
    # As the HTML: header cells and the total row bold, the row of column numbers in italics.
    italic = row_style == "colno"
    bold = (cell.header or row_style == "total") and not italic
    run = p.add_run(cell.text)
    run.font.size = Pt(size)
    run.bold = bold or None
    run.italic = italic or None
    if cell.note:
        note = _styled(target.add_paragraph(), "TableText")
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = note.add_run(cell.note)
        r.font.size = Pt(size - 1)
        r.italic = True
    if head and not italic:
        _place(target._tc.get_or_add_tcPr(), "w:shd", val="clear", color="auto", fill="F2F2F2")
