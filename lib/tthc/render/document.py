"""HTML builders for the fixed parts of the document (Nghị định 30/2020/NĐ-CP, Phụ lục I).

Each function returns an HTML fragment that the report notebook displays and the project's
nbconvert template places on the page: the header block (tên cơ quan, số và ký hiệu, quốc hiệu và
tiêu ngữ, địa danh và thời gian), the title and summary line (tên loại và trích yếu), section
headings, the human narrative, the closing sentence, "Nơi nhận" and the signature block, and the
appendix heading. Every period phrase is generated from the period; nothing here is typed per
month; the document's number and issue date come from the period's narrative file, and stay
blank gaps (filled in by hand at signing) when it gives none. All text is escaped: narrative
Markdown supports only **bold** and *italic* inline.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from datetime import date, timedelta
from html import escape
from typing import Protocol

from tthc.render.model import (
    AppendixHead,
    Header,
    Heading,
    IncompleteMark,
    Paragraph,
    Run,
    Signature,
    Text,
    Title,
)
from tthc.units import UnitParams

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOC_KIND = "BÁO CÁO"
# Gaps left for the number and the date, filled in by hand at signing (Nghị định 30: may stay blank).
_BLANK = "\u00a0" * 6


class PeriodLike(Protocol):
    @property
    def title_phrase(self) -> str: ...
    @property
    def range_phrase(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def year(self) -> int: ...
    @property
    def end(self) -> date: ...
    def next(self) -> PeriodLike: ...


def issue_year(period: PeriodLike) -> int:
    """The year printed before the signing date is known: that of the first day after the
    period, when a report is issued at the earliest. A calendar December or year report
    (ending 31/12) is signed in the next year; one ending 14/12 (Nghị định 09) in the same."""
    return (period.end + timedelta(days=1)).year


def e(text: object) -> str:
    """Escaped NFC text."""
    return escape(unicodedata.normalize("NFC", str(text)), quote=True)


def sentence_case(text: str) -> str:
    """'ỦY BAN NHÂN DÂN' -> 'Ủy ban nhân dân' (the issuer named inside a sentence)."""
    return text[:1].upper() + text[1:].lower()


# --- phrases -------------------------------------------------------------------------------------


def summary_phrase(period: PeriodLike) -> str:
    """Trích yếu: 'Tình hình, kết quả cải cách thủ tục hành chính tháng 6 năm 2026 và nhiệm vụ
    trọng tâm tháng 7 năm 2026'. Months unpadded, as Nghị định 30 writes them in running text."""
    return (
        f"Tình hình, kết quả cải cách thủ tục hành chính {period.title_phrase} "
        f"và nhiệm vụ trọng tâm {period.next().title_phrase}"
    )


def document_title(unit: UnitParams, period: PeriodLike) -> str:
    """The HTML <title> and PDF title: 'Báo cáo … – xã An Trường'."""
    return f"Báo cáo {summary_phrase(period)[0].lower()}{summary_phrase(period)[1:]} – {unit.display_name}"


def document_author(unit: UnitParams) -> str:
    """The PDF's and the DOCX's author: the issuing body, 'Ủy ban nhân dân xã An Trường'."""
    return f"{sentence_case(unit.issuer)} {unit.display_name}"


def closing_sentence(unit: UnitParams, period: PeriodLike) -> str:
    """'Trên đây là báo cáo tình hình, kết quả … của Ủy ban nhân dân xã An Trường./.'"""
    return (
        "Trên đây là báo cáo tình hình, kết quả thực hiện công tác cải cách thủ tục hành chính "
        f"{period.title_phrase} và phương hướng, nhiệm vụ {period.next().title_phrase} của "
        f"{sentence_case(unit.issuer)} {unit.display_name}./."
    )


def number_line(unit: UnitParams, number: str | None = None) -> str:
    """'Số: 125/BC-UBND', or 'Số:      /BC-UBND' until the number is given at signing."""
    return f"Số: {number or _BLANK}/{unit.document.symbol}"


def issue_date_phrase(d: date) -> str:
    """'ngày 05 tháng 01 năm 2026', 'ngày 14 tháng 6 năm 2026': the date of issue in the header.

    Nghị định 30/2020, Phụ lục I (địa danh và thời gian ban hành văn bản): days below 10 and the
    months 1 and 2 take a leading zero, other months do not ('tháng 6', 'tháng 12').
    """
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def place_date_line(unit: UnitParams, year: int, issue_date: date | None = None) -> str:
    """'An Trường, ngày 16 tháng 6 năm 2026', or 'An Trường, ngày      tháng      năm 2026'
    (day and month filled in at signing) when no issue date is given."""
    if issue_date is not None:
        return f"{unit.place_name}, {issue_date_phrase(issue_date)}"
    return f"{unit.place_name}, ngày{_BLANK}tháng{_BLANK}năm {year}"


def report_reference(unit: UnitParams, number: str | None, issue_date: date | None) -> str:
    """'Báo cáo số 125/BC-UBND ngày 16 tháng 6 năm 2026 của Ủy ban nhân dân xã An Trường' (no
    date part when none is given): the "ngày … tháng … năm …" of Nghị định 30's appendix forms,
    written as in the header's date line."""
    on = f" {issue_date_phrase(issue_date)}" if issue_date else ""
    return (
        f"Báo cáo số {number or _BLANK}/{unit.document.symbol}{on} của "
        f"{sentence_case(unit.issuer)} {unit.display_name}"
    )


# --- blocks ---------------------------------------------------------------------------------------
# Each block is built as data (tthc.render.model), which the DOCX builder reads too, and written
# as HTML here: ``header`` gives the block, ``header_html`` its markup, ``header_block`` both.


def header(
    unit: UnitParams,
    period: PeriodLike,
    *,
    number: str | None = None,
    issue_date: date | None = None,
) -> Header:
    """The two-column header: issuing body, number; national motto, place and date."""
    return Header(
        issuer=(unit.issuer, unit.issuer_line2),
        number=number_line(unit, number),
        nation=NATION,
        motto=MOTTO,
        place_date=place_date_line(unit, issue_year(period), issue_date),
    )


def header_html(h: Header) -> str:
    orgs = "\n".join(f'<div class="org">{e(line)}</div>' for line in h.issuer)
    return f"""<table class="doc-header" role="presentation" data-block="header">
<tr>
<td class="issuer">
{orgs}
<div class="short-rule"></div>
<div class="number">{e(h.number)}</div>
</td>
<td class="motto">
<div class="nation">{e(h.nation)}</div>
<div class="motto-line"><span class="underlined">{e(h.motto)}</span></div>
<div class="place-date">{e(h.place_date)}</div>
</td>
</tr>
</table>"""


def header_block(
    unit: UnitParams,
    period: PeriodLike,
    *,
    number: str | None = None,
    issue_date: date | None = None,
) -> str:
    """The header block as HTML."""
    return header_html(header(unit, period, number=number, issue_date=issue_date))


def title(period: PeriodLike, summary: str | None = None) -> Title:
    """'BÁO CÁO', the summary line (trích yếu: ``summary``, by default the unit report's
    :func:`summary_phrase`) and the period's window."""
    return Title(
        kind=DOC_KIND,
        summary=(summary or summary_phrase(period), f"({period.range_phrase})"),
    )


def title_html(t: Title) -> str:
    lines = "\n".join(f'<p class="doc-summary">{e(line)}</p>' for line in t.summary)
    return f"""<div class="doc-title-block" data-block="title">
<p class="doc-title">{e(t.kind)}</p>
{lines}
<div class="doc-summary-rule"></div>
</div>"""


def title_block(period: PeriodLike) -> str:
    """'BÁO CÁO', the summary line with the period and its window, a short rule (HTML)."""
    return title_html(title(period))


INCOMPLETE_LABEL = "BÁO CÁO CHƯA ĐẦY ĐỦ:"


def incomplete(detail: str, *, partial: bool) -> IncompleteMark:
    """The boxed line under the title of a report the exports do not cover entirely:
    'BÁO CÁO CHƯA ĐẦY ĐỦ: ' and what they cover (``detail``); ``partial`` when figures computed
    from part of their window are printed (``--allow-partial``)."""
    return IncompleteMark(label=INCOMPLETE_LABEL, detail=detail, partial=partial)


def incomplete_html(m: IncompleteMark) -> str:
    kind = "partial" if m.partial else "incomplete"
    return (
        f'<div class="incomplete-mark" data-block="incomplete" data-kind="{kind}" role="note">'
        f"<strong>{e(m.label)}</strong> {e(m.detail)}</div>"
    )


def heading_html(h: Heading) -> str:
    if h.level == 4:
        return f'<h3 class="app">{e(h.text)}</h3>'
    tag, cls = {1: ("h2", "sec"), 2: ("h3", "sub"), 3: ("h4", "subsub")}[h.level]
    return f'<{tag} class="{cls}">{e(h.number)} {e(h.text)}</{tag}>'


def note(text: str) -> Paragraph:
    """A small italic note under a table or above the charts (style 'noindent note')."""
    return Paragraph((Run(text),), style="noindent note")


def paragraphs(lines: Iterable[str], cls: str | None = None) -> str:
    attr = f' class="{cls}"' if cls else ""
    return "\n".join(f"<p{attr}>{e(line)}</p>" for line in lines)


def signature(unit: UnitParams) -> Signature:
    """'Nơi nhận:' with its list at the left, the signature block at the right."""
    # Every document keeps a filed copy (Nghị định 30: "Lưu: VT"), even with no list given.
    recipients = unit.recipients or ["Lưu: VT"]
    items = tuple(
        f"- {r.rstrip(';. ')}{'.' if i == len(recipients) - 1 else ';'}"
        for i, r in enumerate(recipients)
    )
    authority = [unit.signer.authority]
    if unit.signer.deputy:
        authority.append(unit.signer.deputy)
    authority.append(unit.signer.title)
    return Signature(
        recipients=items, authority=tuple(a for a in authority if a), signer=unit.signer.name
    )


def signature_html(s: Signature) -> str:
    """'Nơi nhận:' and the signature block side by side (kept together)."""
    items = "\n".join(f'<p class="item">{e(r)}</p>' for r in s.recipients)
    auth_html = "<br>".join(e(a) for a in s.authority)
    name = e(s.signer) if s.signer else "&nbsp;"
    return f"""<table class="sign-area" role="presentation" data-block="signature">
<tr>
<td class="recipients">
<p class="label">Nơi nhận:</p>
{items}
</td>
<td class="signature">
<p class="authority">{auth_html}</p>
<div class="space"></div>
<p class="signer">{name}</p>
</td>
</tr>
</table>"""


def signature_block(unit: UnitParams) -> str:
    """'Nơi nhận:' with its list at the left, the signature block at the right (HTML)."""
    return signature_html(signature(unit))


def appendix_head(
    unit: UnitParams,
    period: PeriodLike,
    label: str = "",
    *,
    number: str | None = None,
    issue_date: date | None = None,
    title: str | None = None,
) -> AppendixHead:
    """'Phụ lục' (then ``label``, e.g. 'I'), the appendix title in upper case (``title``, by
    default 'Số liệu giải quyết thủ tục hành chính <kỳ>'), the period's window, and
    '(Kèm theo Báo cáo số 125/BC-UBND ngày 16/6/2026 của …)'."""
    title = title or f"Số liệu giải quyết thủ tục hành chính {period.title_phrase}"
    return AppendixHead(
        label=f"Phụ lục{(' ' + label) if label else ''}",
        titles=(title.upper(), f"({period.range_phrase})"),
        ref=f"(Kèm theo {report_reference(unit, number, issue_date)})",
    )


def appendix_head_html(a: AppendixHead) -> str:
    titles = "\n".join(f'<p class="title">{e(t)}</p>' for t in a.titles)
    return f"""<div class="appendix-head" data-block="appendix">
<p class="label">{e(a.label)}</p>
{titles}
<p class="ref">{e(a.ref)}</p>
</div>"""


def appendix_heading(
    unit: UnitParams,
    period: PeriodLike,
    label: str = "",
    *,
    number: str | None = None,
    issue_date: date | None = None,
) -> str:
    """The appendix heading as HTML."""
    return appendix_head_html(
        appendix_head(unit, period, label, number=number, issue_date=issue_date)
    )


# --- narrative Markdown ---------------------------------------------------------------------------

_BULLET_RE = re.compile(r"^\s*([-+•–])\s+")
_BOLD_RE = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC_RE = re.compile(r"(?<![*\w])\*(?=\S)(.+?)(?<=\S)\*(?![*\w])")
# Where bold and italic start and end, while the two patterns are applied in turn: characters
# that never occur in text, and that the patterns see as they saw the HTML tags they stand for.
_B_ON, _B_OFF, _I_ON, _I_OFF = "\x01", "\x02", "\x03", "\x04"


def runs(text: str) -> tuple[Run, ...]:
    """**bold** and *italic* (all the inline Markdown a narrative needs) as runs of NFC text."""
    marked = _BOLD_RE.sub(_B_ON + r"\1" + _B_OFF, unicodedata.normalize("NFC", str(text)))
    marked = _ITALIC_RE.sub(_I_ON + r"\1" + _I_OFF, marked)
    out: list[Run] = []
    bold = italic = False
    buf: list[str] = []

    def flush() -> None:
        if buf:
            out.append(Run("".join(buf), bold=bold, italic=italic))
            buf.clear()

    for ch in marked:
        if ch in (_B_ON, _B_OFF, _I_ON, _I_OFF):
            flush()
            bold = ch == _B_ON if ch in (_B_ON, _B_OFF) else bold
            italic = ch == _I_ON if ch in (_I_ON, _I_OFF) else italic
        else:
            buf.append(ch)
    flush()
    return tuple(out)


def runs_html(items: Iterable[Run]) -> str:
    """Runs as HTML: ``<strong>``, ``<em>``, and a footnote as ``<span class="fn">`` (a footnote
    at the foot of the page in print, CSS ``float: footnote``; in brackets on screen)."""
    out = []
    for r in items:
        if r.note is not None:
            out.append(f'<span class="fn">{e(r.note)}</span>')
            continue
        html = e(r.text)
        if r.italic:
            html = f"<em>{html}</em>"
        if r.bold:
            html = f"<strong>{html}</strong>"
        out.append(html)
    return "".join(out)


def inline(text: str) -> str:
    """Escape, then **bold** and *italic*: all the inline Markdown a narrative needs."""
    return runs_html(runs(text))


def narrative_paragraphs(markdown: str) -> list[str]:
    """Paragraph texts: blank lines separate paragraphs, a line starting "- " or "+ " starts one.

    Administrative prose writes its dashes literally at the start of an indented paragraph, so a
    bullet stays text ("- …") instead of becoming an HTML list.
    """
    out: list[str] = []
    current: list[str] = []
    for raw in markdown.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            if current:
                out.append(" ".join(current))
                current = []
            continue
        if _BULLET_RE.match(line) and current:
            out.append(" ".join(current))
            current = []
        if _BULLET_RE.match(line):
            line = _BULLET_RE.sub(lambda m: ("-" if m.group(1) in "-•–" else "+") + " ", line)
        current.append(line)
    if current:
        out.append(" ".join(current))
    return out


def narrative(markdown: str, *, placeholders: Collection[str] = (), section: str = "") -> Text:
    """A narrative section as paragraphs of runs. A paragraph that is one of ``placeholders``
    (a section nobody has written yet) gets the style 'placeholder' (muted, italic: to be
    replaced before signing); the others, the computed sentence of II.1 among them, are text."""
    marked = {" ".join(t.split()) for t in placeholders}
    return Text(
        kind="narrative",
        section=section,
        paragraphs=tuple(
            Paragraph(runs(p), style="placeholder" if p in marked else "")
            for p in narrative_paragraphs(markdown)
        ),
    )


def paragraph_html(p: Paragraph) -> str:
    attr = f' class="{e(p.style)}"' if p.style else ""
    return f"<p{attr}>{runs_html(p.runs)}</p>"


def text_html(t: Text) -> str:
    """A narrative or computed section: justified, indented paragraphs in a marked ``div``."""
    body = "\n".join(paragraph_html(p) for p in t.paragraphs)
    return f'<div class="{t.kind}" data-section="{e(t.section)}">\n{body}\n</div>'


def narrative_html(markdown: str, *, placeholders: Collection[str] = (), section: str = "") -> str:
    """A narrative section (:func:`narrative`) as justified, indented paragraphs."""
    return text_html(narrative(markdown, placeholders=placeholders, section=section))
