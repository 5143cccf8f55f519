"""The sections people write each month: ``params/narrative/<unit>/<period key>.md``.

A narrative file is YAML front matter (``unit``, ``period``; optionally the document's ``number``
and issue ``date``, and figures ``supplied`` from outside the exports, :mod:`tthc.report.supplied`)
followed by sections introduced by ``## <id>`` headings. The document
generates every heading and every period phrase itself; the file only holds the human text of
each section. Example::

    ---
    unit: an-truong
    period: 2026-06
    number: 125         # optional: "Số: 125/BC-UBND"; blank at signing when absent
    date: 2026-06-16    # optional: "An Trường, ngày 16 tháng 6 năm 2026"
    ---
    ## mo-dau
    Thực hiện Công văn số …, Ủy ban nhân dân xã An Trường báo cáo kết quả {{ky-bao-cao}} …
    ## II.1
    - Công tác chỉ đạo, điều hành …
    {{so-lieu}}
    - Cán bộ, công chức …

Placeholders (filled from the period so nobody types a month by hand): ``{{ky-bao-cao}}`` ("tháng
6 năm 2026"), ``{{ky-sau}}`` ("tháng 7 năm 2026"), ``{{tu-ngay}}`` ("15/5/2026"), ``{{den-ngay}}``
("14/6/2026"), ``{{nam}}`` ("2026"). ``{{so-lieu}}`` (own line, section II.1 only) marks where the
computed bullet goes; it is kept in the text for the document to replace (see
:func:`fill_computed`), and added as the first line when the author left it out.

A period with no file gives clearly marked placeholder sections and a warning, never another
period's text: copying last month's text is exactly the mistake the sample report shows.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

import yaml

from tthc.errors import ParamsError
from tthc.paths import params_dir
from tthc.report.supplied import SuppliedFigure, parse_supplied, supplied_warnings
from tthc.stats.periods import vn_date

# Order of the sections in the document (Nghị định 30 body of the sample report).
SECTION_IDS: tuple[str, ...] = (
    "mo-dau",
    "I.1",
    "I.2.1",
    "I.2.2",
    "I.5",
    "II.1",
    "II.2",
    "III",
    "IV",
)

SECTION_TITLES: dict[str, str] = {
    "mo-dau": "mở đầu",
    "I.1": "I.1 (Công tác chỉ đạo, điều hành)",
    "I.2.1": "I.2.1 (Kiểm soát quy định TTHC trong văn bản QPPL)",
    "I.2.2": "I.2.2 (Rà soát, cắt giảm, đơn giản hóa TTHC)",
    "I.5": "I.5 (Công tác truyền thông)",
    "II.1": "II.1 (Kết quả đã đạt được)",
    "II.2": "II.2 (Tồn tại, hạn chế)",
    "III": "III (Phương hướng nhiệm vụ)",
    "IV": "IV (Kiến nghị và đề xuất)",
}

COMPUTED_MARKER = "{{so-lieu}}"
# Sections that may carry the computed-bullet marker.
_MARKER_SECTIONS = ("II.1",)

_PLACEHOLDER_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_HEADING_RE = re.compile(r"^##[ \t]+(\S+)[ \t]*$")
_FRONT_RE = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)


class PeriodLike(Protocol):
    """What the narrative needs of ``tthc.stats.periods.Period``."""

    @property
    def key(self) -> str: ...
    @property
    def title_phrase(self) -> str: ...
    @property
    def start(self) -> date: ...
    @property
    def end(self) -> date: ...
    @property
    def year(self) -> int: ...
    def next(self) -> PeriodLike: ...


@dataclass
class Narrative:
    """One period's human text, ready for the document (Markdown, placeholders filled)."""

    unit: str
    period_key: str
    path: Path
    sections: dict[str, str]
    is_placeholder: bool
    warnings: list[str] = field(default_factory=list)
    # The text as written (placeholders not filled), what the lint reads and quotes.
    raw_sections: dict[str, str] = field(default_factory=dict)
    # Số and ngày ban hành of this one document; None leaves the gap filled in by hand at signing.
    number: str | None = None
    issue_date: date | None = None
    # Figures read from outside the exports (the national dashboard), by indicator key.
    supplied: dict[str, SuppliedFigure] = field(default_factory=dict)

    def summary(self) -> dict:
        """What the manifest and the figures bundle record of it: file, placeholder or not, the
        document's number and issue date, and every supplied figure."""
        return {
            "path": str(self.path),
            "is_placeholder": self.is_placeholder,
            "number": self.number,
            "date": self.issue_date.isoformat() if self.issue_date else None,
            "supplied": [f.to_json() for f in self.supplied.values()],
        }

    def to_json(self) -> dict:
        return {
            "unit": self.unit,
            "period": self.period_key,
            **self.summary(),
            "sections": dict(self.sections),
            "warnings": list(self.warnings),
        }


def narrative_file(unit: str, period_key: str, base: Path | None = None) -> Path:
    return (base or params_dir()) / "narrative" / unit / f"{period_key}.md"


def placeholder_values(period: PeriodLike) -> dict[str, str]:
    return {
        "ky-bao-cao": period.title_phrase,
        "ky-sau": period.next().title_phrase,
        "tu-ngay": vn_date(period.start),
        "den-ngay": vn_date(period.end),
        "nam": str(period.year),
    }


# What the reader of a draft is told a missing section is about (the heading above it gives the
# number); the file to write in is named in the warnings, for the person who writes it.
_READER_TITLES: dict[str, str] = {
    "mo-dau": "đoạn mở đầu",
    "I.1": "công tác chỉ đạo, điều hành",
    "I.2.1": "kết quả kiểm soát quy định thủ tục hành chính",
    "I.2.2": "rà soát, cắt giảm, đơn giản hóa thủ tục hành chính",
    "I.5": "công tác truyền thông",
    "II.1": "kết quả đã đạt được",
    "II.2": "tồn tại, hạn chế",
    "III": "phương hướng nhiệm vụ",
    "IV": "kiến nghị và đề xuất",
}


def placeholder_text(section: str, path: Path | None = None) -> str:
    """What a missing section shows the reader: impossible to mistake for real text, and what
    is missing in words ('[Chưa viết phần công tác truyền thông: …]'), not the section's id or
    the params file (those are in the warnings)."""
    what = _READER_TITLES.get(section, section)
    return f"[Chưa viết phần {what}: cán bộ phụ trách bổ sung trước khi trình ký.]"


def load_narrative(unit: str, period: PeriodLike, base: Path | None = None) -> Narrative:
    """Load, validate and fill ``params/narrative/<unit>/<period.key>.md``.

    A bad file (no front matter, wrong unit or period, a bad number or issue date, an issue date
    before the period's end, unknown section id or placeholder, a section twice) is a
    :class:`ParamsError` naming the file and the key. A missing file or
    section gives a marked placeholder and a warning. Lint warnings (:mod:`tthc.report.lint`)
    are appended to ``warnings``.
    """
    from tthc.report.lint import lint_sections  # lint imports this module's constants

    path = narrative_file(unit, period.key, base)
    values = placeholder_values(period)
    if not path.exists():
        sections = {sid: placeholder_text(sid, path) for sid in SECTION_IDS}
        sections["II.1"] = f"{COMPUTED_MARKER}\n\n{sections['II.1']}"
        return Narrative(
            unit=unit,
            period_key=period.key,
            path=path,
            sections=sections,
            is_placeholder=True,
            warnings=[
                f"Chưa có nội dung do cán bộ viết cho kỳ {period.key}: hãy tạo tệp "
                f"{_display_path(path)} (các mục đang để trống có đánh dấu)."
            ],
            raw_sections={},
        )

    front, raw = parse_narrative(_read(path), path, unit=unit, period_key=period.key)
    check_issue_date(front, period, path)
    warnings: list[str] = []
    sections: dict[str, str] = {}
    for sid in SECTION_IDS:
        text = raw.get(sid, "")
        if not text.strip():
            sections[sid] = placeholder_text(sid, path)
            warnings.append(f"Mục {sid} chưa có nội dung trong {_display_path(path)}.")
        else:
            sections[sid] = fill_placeholders(text, values, path, sid)
    sections["II.1"] = _ensure_marker(sections["II.1"])
    warnings.extend(w.message for w in lint_sections(raw, period))
    warnings.extend(supplied_warnings(front.supplied, period))
    return Narrative(
        unit=unit,
        period_key=period.key,
        path=path,
        sections=sections,
        is_placeholder=False,
        warnings=warnings,
        raw_sections=raw,
        number=front.number,
        issue_date=front.issue_date,
        supplied=dict(front.supplied),
    )


def check_issue_date(front: FrontMatter, period: PeriodLike, path: Path) -> None:
    """A report cannot be issued before its period ends (the last day itself is allowed)."""
    if front.issue_date is not None and front.issue_date < period.end:
        raise ParamsError(
            f"{path}: khóa 'date' là '{front.issue_date.isoformat()}' nhưng báo cáo không thể "
            f"ban hành trước ngày cuối kỳ ({vn_date(period.end)})."
        )


@dataclass(frozen=True)
class FrontMatter:
    """The per-document keys of the front matter (``unit`` and ``period`` are only checked)."""

    number: str | None = None
    issue_date: date | None = None
    supplied: dict[str, SuppliedFigure] = field(default_factory=dict)


_FRONT_KEYS = ("unit", "period", "number", "date", "supplied")
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _FrontLoader(yaml.SafeLoader):
    """YAML that keeps numbers and dates as written.

    Plain YAML reads ``number: 0125`` as the octal 85 and crashes on ``date: 2026-02-30`` inside
    its own date constructor; as text, both reach the checks below and get a message.
    """


_FrontLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag.rsplit(":", 1)[-1] not in ("int", "float", "timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_narrative_text(
    text: str, path: Path, *, unit: str | None = None, period_key: str | None = None
) -> dict[str, str]:
    """Front matter checked, then ``{section id: raw Markdown}`` (NFC, trimmed)."""
    return parse_narrative(text, path, unit=unit, period_key=period_key)[1]


def parse_narrative(
    text: str, path: Path, *, unit: str | None = None, period_key: str | None = None
) -> tuple[FrontMatter, dict[str, str]]:
    """The front matter's document keys and ``{section id: raw Markdown}`` (NFC, trimmed).

    The issue date is checked against the period's end by :func:`load_narrative`, which knows
    the period; here only the key is known.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").lstrip("\ufeff"))
    m = _FRONT_RE.match(text)
    if not m:
        raise ParamsError(f"{path}: thiếu phần đầu '---' với khóa 'unit' và 'period' ở đầu tệp.")
    try:
        front = yaml.load(m.group(1), Loader=_FrontLoader) or {}
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path}: phần đầu '---' không phải YAML hợp lệ.") from exc
    if not isinstance(front, dict):
        raise ParamsError(f"{path}: phần đầu '---' cần các khóa 'unit' và 'period'.")
    for key in front:
        if key not in _FRONT_KEYS:
            raise ParamsError(
                f"{path}: khóa '{key}': khóa không được hỗ trợ (chỉ có {', '.join(_FRONT_KEYS)})."
            )
    for key, expected in (("unit", unit), ("period", period_key)):
        if key not in front or front[key] in (None, ""):
            raise ParamsError(f"{path}: khóa '{key}': thiếu giá trị bắt buộc.")
        if expected is not None and str(front[key]).strip() != expected:
            raise ParamsError(
                f"{path}: khóa '{key}' là '{front[key]}' nhưng tệp này phải là của '{expected}'."
            )
    meta = FrontMatter(
        number=_document_number(front, path) if "number" in front else None,
        issue_date=_issue_date(front, path) if "date" in front else None,
        supplied=parse_supplied(front.get("supplied"), path),
    )
    return meta, _sections(text, m.end(), path)


def _document_number(front: dict, path: Path) -> str:
    """'125': the number alone; the program writes the '/BC-UBND' after it."""
    value = front["number"]
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ParamsError(
            f"{path}: khóa 'number': số văn bản để trống; ghi số (ví dụ 125) hoặc bỏ khóa này."
        )
    if not isinstance(value, str) or "/" in value:
        raise ParamsError(
            f"{path}: khóa 'number' là '{value}': chỉ ghi số (ví dụ 125), "
            "chương trình tự thêm dấu '/' và ký hiệu."
        )
    return value.strip()


def _issue_date(front: dict, path: Path) -> date:
    """Ngày ban hành, written ISO 'YYYY-MM-DD'."""
    value = front["date"]
    text = "" if value is None else str(value).strip()
    if not text:
        raise ParamsError(
            f"{path}: khóa 'date': ngày ban hành để trống; ghi ngày (ví dụ 2026-06-16) "
            "hoặc bỏ khóa này."
        )
    if _ISO_DATE_RE.match(text):
        with contextlib.suppress(ValueError):  # '2026-02-30' has the form but is no date
            return date.fromisoformat(text)
    raise ParamsError(
        f"{path}: khóa 'date' là '{text}': không phải ngày hợp lệ; "
        "ghi theo dạng năm-tháng-ngày, ví dụ 2026-06-16."
    )


def _sections(text: str, start: int, path: Path) -> dict[str, str]:
    """The body after the front matter (ending at ``start``), checked, by section id."""
    body = text[start:]
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for lineno, line in enumerate(body.split("\n"), start=text[:start].count("\n") + 1):
        heading = _HEADING_RE.match(line)
        if heading:
            sid = heading.group(1)
            if sid not in SECTION_IDS:
                raise ParamsError(
                    f"{path}: dòng {lineno}: mục '{sid}' không có; các mục hợp lệ: "
                    f"{', '.join(SECTION_IDS)}."
                )
            if sid in sections:
                raise ParamsError(f"{path}: dòng {lineno}: mục '{sid}' xuất hiện hai lần.")
            sections[sid] = []
            current = sid
        elif current is None:
            if line.strip():
                raise ParamsError(
                    f"{path}: dòng {lineno}: có nội dung trước tiêu đề mục đầu tiên ('## mo-dau')."
                )
        else:
            sections[current].append(line)

    out = {sid: "\n".join(lines).strip() for sid, lines in sections.items()}
    for sid, content in out.items():
        for ph in _PLACEHOLDER_RE.finditer(content):
            name = ph.group(1)
            if name == "so-lieu":
                if sid not in _MARKER_SECTIONS:
                    raise ParamsError(
                        f"{path}: mục '{sid}': '{{{{so-lieu}}}}' chỉ dùng trong mục II.1."
                    )
                continue
            if name not in _PLACEHOLDER_NAMES:
                raise ParamsError(
                    f"{path}: mục '{sid}': chỗ điền '{ph.group(0)}' không có; dùng "
                    + ", ".join(f"{{{{{n}}}}}" for n in _PLACEHOLDER_NAMES)
                    + "."
                )
        if sid in _MARKER_SECTIONS and content.count(COMPUTED_MARKER) > 1:
            raise ParamsError(f"{path}: mục '{sid}': '{COMPUTED_MARKER}' chỉ được dùng một lần.")
    return out


_PLACEHOLDER_NAMES = ("ky-bao-cao", "ky-sau", "tu-ngay", "den-ngay", "nam")


def fill_placeholders(text: str, values: dict[str, str], path: Path, section: str) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name == "so-lieu":
            return COMPUTED_MARKER
        if name not in values:  # parse_narrative_text rejects these; guard for direct callers
            raise ParamsError(f"{path}: mục '{section}': chỗ điền '{m.group(0)}' không có.")
        return values[name]

    return _PLACEHOLDER_RE.sub(sub, text)


def fill_computed(section_text: str, computed_markdown: str) -> str:
    """Put the computed bullet where ``{{so-lieu}}`` stands (first when absent)."""
    if COMPUTED_MARKER not in section_text:
        section_text = f"{COMPUTED_MARKER}\n\n{section_text}"
    return section_text.replace(COMPUTED_MARKER, computed_markdown, 1)


def _ensure_marker(text: str) -> str:
    return text if COMPUTED_MARKER in text else f"{COMPUTED_MARKER}\n\n{text}"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ParamsError(f"{path}: không đọc được ({exc}).") from exc


def _display_path(path: Path) -> str:
    """'params/narrative/an-truong/2026-07.md' when under the repository, else the full path."""
    from tthc.paths import REPO_ROOT

    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
