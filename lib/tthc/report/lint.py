"""Narrative lint: months and years in the human text that do not fit the report's period.

The document generates every period phrase itself; people still type months and dates inside
their paragraphs, and copying last month's text is the commonest mistake (the sample's June report
opens with "kết quả thực hiện nhiệm vụ tháng 5 và phương hướng nhiệm vụ tháng 6"). The lint only
warns; it never changes the text. It reads the text as written (placeholders such as
``{{ky-bao-cao}}`` are not expanded, so they are never flagged).

Rules, precisely:

1. **Month phrases.** A ``tháng N`` (optionally ``năm YYYY``, ``/YYYY`` or ``.YYYY``), not part of a
   full date ``ngày d tháng m năm y``, whose nearest preceding keyword in the same clause (no
   ``.``/``;``/``?``/``!`` + space or line break in between, at most 100 characters back) is

   - ``kết quả`` → must name the report's month (monthly reports only);
   - ``phương hướng`` or ``nhiệm vụ trọng tâm`` → must name the next period's month.

   A year written with the month must be that month's year.
2. **Dates.** ``dd/mm/yyyy`` (also ``-`` or ``.``) and ``ngày d tháng m năm yyyy`` whose year is not
   one of the years the period covers (January's Nghị định 09 period starts in December) are
   flagged, **except citations of documents with their own year**: the nearest document number
   before the date (after any earlier date) either carries its own year equal to the date's
   (``09/2019/NĐ-CP``), or has a symbol of a central issuer (Chính phủ ``CP``, Thủ tướng ``TTg``,
   Quốc hội ``QH``, ``UBTVQH``, Trung ương ``TW``, Văn phòng Chính phủ ``VPCP``, a ministry such as
   ``BNV``, ``BTC``): those are legal bases that predate the report by design ("Nghị quyết số
   66/NQ-CP ngày 26/3/2025"). The unit's and the city's own documents (``UBND``, ``VP``,
   ``TTPVHCC`` …) are dated this reporting year in a monthly report, so an earlier year there is
   most likely a stale copy ("Công văn 1308/UBND–VP ngày 22/5/2025" in 2026).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tthc.report.narrative import SECTION_IDS, PeriodLike

_WINDOW = 100
_SNIPPET = 40

_MONTH_RE = re.compile(
    r"tháng\s+(0?[1-9]|1[0-2])(?![\d/])"
    r"(?:\s*(?:năm\s+|[./]\s*)(\d{4})(?!\d))?",
    re.I,
)
_FULL_DATE_BEFORE_RE = re.compile(r"ngày\s+\d{1,2}\s+$", re.I)
_KEYWORD_RE = re.compile(r"kết\s+quả|phương\s+hướng|nhiệm\s+vụ\s+trọng\s+tâm", re.I)
_CLAUSE_END_RE = re.compile(r"[.;!?](?:\s|$)|\n")

_NUMERIC_DATE_RE = re.compile(r"(?<![\d/.-])(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4})(?!\d)")
_LONG_DATE_RE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})(?!\d)", re.I)
# A document number and symbol: "66/NQ-CP", "09/2019/NĐ-CP", "1308/UBND –VP", "17-CTr/ĐU".
_DOC_REF_RE = re.compile(
    r"(?<![\w/])\d+(?:[-–][A-Za-zĐđ]+)?(?:\s*/\s*(\d{4}))?\s*/\s*"
    r"([A-ZĐ][A-Za-zĐđ0-9]*(?:\s*[-–/]\s*[A-ZĐ][A-Za-zĐđ0-9]*)*)"
)
_CENTRAL_PARTS = {"CP", "TTG", "QH", "UBTVQH", "TW", "VPCP", "CTN", "TANDTC", "VKSNDTC", "KTNN"}
_MINISTRIES = {
    "BNV", "BTC", "BTP", "BCA", "BQP", "BYT", "BCT", "BXD", "BGDĐT", "BKHĐT", "BKHCN", "BTNMT",
    "BNNPTNT", "BNNMT", "BLĐTBXH", "BVHTTDL", "BTTTT", "BGTVT", "BNG", "NHNN", "TTCP", "BDTTG",
}  # fmt: skip


@dataclass(frozen=True)
class LintWarning:
    section: str
    kind: str  # "month" | "year"
    snippet: str
    message: str


def lint_sections(sections: dict[str, str], period: PeriodLike) -> list[LintWarning]:
    """Warnings for every section, in document order."""
    out: list[LintWarning] = []
    for sid in SECTION_IDS:
        if sid in sections:
            out.extend(lint_text(sections[sid], period, section=sid))
    return out


def lint_text(text: str, period: PeriodLike, *, section: str) -> list[LintWarning]:
    text = unicodedata.normalize("NFC", text)
    found = _month_warnings(text, period, section) + _date_warnings(text, period, section)
    found.sort(key=lambda pair: pair[0])
    return [w for _, w in found]


def _month_warnings(text: str, period: PeriodLike, section: str) -> list[tuple[int, LintWarning]]:
    out: list[tuple[int, LintWarning]] = []
    is_month = getattr(period, "kind", "month") == "month"
    current = (period.end.month, period.end.year)
    nxt_period = period.next()
    nxt = (nxt_period.end.month, nxt_period.end.year)
    nxt_is_month = getattr(nxt_period, "kind", "month") == "month"
    for m in _MONTH_RE.finditer(text):
        if _FULL_DATE_BEFORE_RE.search(text[max(0, m.start() - 12) : m.start()]):
            continue  # part of "ngày 16 tháng 5 năm 2026": the date rule reads it
        keyword = _keyword_before(text, m.start())
        if keyword is None:
            continue
        month, year = int(m.group(1)), int(m.group(2)) if m.group(2) else None
        if keyword == "result":
            if not is_month:
                continue
            want, role = current, "kết quả"
        else:
            if not nxt_is_month:
                continue
            want, role = nxt, "phương hướng"
        if month != want[0] or (year is not None and year != want[1]):
            named = m.group(0).strip()
            expected = f"tháng {want[0]} năm {want[1]}"
            msg = (
                f"Mục {section}: «{_snippet(text, m.start(), m.end())}» — nhắc '{named}' trong cụm "
                f"'{role} …' nhưng báo cáo {period.title_phrase} cần {expected}; kiểm tra lại "
                f"(có thể chép từ báo cáo kỳ trước)."
            )
            out.append((m.start(), LintWarning(section, "month", named, msg)))
    return out


def _keyword_before(text: str, pos: int) -> str | None:
    start = max(0, pos - _WINDOW)
    window = text[start:pos]
    last = None
    for k in _KEYWORD_RE.finditer(window):
        last = k
    if last is None or _CLAUSE_END_RE.search(window[last.end() :]):
        return None
    word = " ".join(last.group(0).lower().split())
    return "result" if word == "kết quả" else "plan"


def _date_warnings(text: str, period: PeriodLike, section: str) -> list[tuple[int, LintWarning]]:
    years = set(range(period.start.year, period.end.year + 1))
    dates: list[tuple[int, int, int, int, int]] = []  # start, end, day, month, year
    for m in _NUMERIC_DATE_RE.finditer(text):
        dates.append((m.start(), m.end(), int(m.group(1)), int(m.group(3)), int(m.group(4))))
    for m in _LONG_DATE_RE.finditer(text):
        dates.append((m.start(), m.end(), int(m.group(1)), int(m.group(2)), int(m.group(3))))
    dates.sort()
    out: list[tuple[int, LintWarning]] = []
    prev_end = 0
    for start, end, day, month, year in dates:
        scope_start, prev_end = prev_end, end
        if not (1 <= day <= 31 and 1 <= month <= 12) or year in years:
            continue
        if _is_citation(text[max(scope_start, start - 250) : start], year):
            continue
        allowed = " hoặc ".join(str(y) for y in sorted(years))
        date_text = " ".join(text[start:end].split())
        msg = (
            f"Mục {section}: «{_snippet(text, start, end)}» — ngày '{date_text}' thuộc năm {year}, "
            f"ngoài năm {allowed} của kỳ báo cáo; kiểm tra lại năm (có thể chép từ văn bản cũ)."
        )
        out.append((start, LintWarning(section, "year", date_text, msg)))
    return out


def _is_citation(before: str, year: int) -> bool:
    refs = list(_DOC_REF_RE.finditer(before))
    if not refs:
        return False
    ref = refs[-1]
    if ref.group(1) and int(ref.group(1)) == year:
        return True
    parts = {p.strip().upper() for p in re.split(r"[-–/]", ref.group(2)) if p.strip()}
    parts = {re.sub(r"\d+$", "", p) for p in parts}  # QH15 -> QH
    return bool(parts & (_CENTRAL_PARTS | _MINISTRIES))


def _snippet(text: str, start: int, end: int) -> str:
    a, b = max(0, start - _SNIPPET), min(len(text), end + _SNIPPET // 2)
    s = " ".join(text[a:b].split())
    return ("…" if a > 0 else "") + s + ("…" if b < len(text) else "")
