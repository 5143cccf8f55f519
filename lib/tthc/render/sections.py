"""The computed sentences of the report, phrased like the sample (sections I.3, I.4, II.1).

Every number comes from :class:`tthc.stats.figures.Figures` and is written by the unit's profile
(separators, decimals per rate, rounding already applied by the statistics). A figure that
cannot be computed reads "N/A" followed by its reason (once per line: later figures of the same
line with the same reason read "N/A" alone), never a fake 0 or 100%. A partial figure (allowed,
computed from part of its window) carries a footnote mark, "976¹ hồ sơ (¹ chỉ tính số liệu từ
01/01/2026 đến 14/01/2026)", the days written after its first mark in the line. The phrasing
follows the sample report of An Trường (June 2026) with its typo fixed ("Cổng Dịch vụ công
quốc gia").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from tthc.render.model import Paragraph, Run, Text
from tthc.report.supplied import EXTRA_LINES, SuppliedFigure, compare
from tthc.stats.numbers import NA, format_count, format_decimal, format_rate
from tthc.stats.periods import vn_date, vn_padded_date
from tthc.stats.profile import Profile


class FiguresLike(Protocol):
    """What the sentences need of ``tthc.stats.figures.Figures`` (which also has ``partial``:
    key -> verdict with a ``note``, read when present)."""

    values: Mapping[str, Any]
    na: Mapping[str, str]


_NOTE_MARK = re.compile(r"\[\^(\d+)\]")


@dataclass(frozen=True)
class Line:
    """One line of a computed section: ``level`` 1 starts with "-", 2 with "+", 3 is plain.

    ``text`` may carry footnote marks ``[^1]``, ``[^2]`` … where the footnotes ``notes[0]``,
    ``notes[1]`` … stand (the source of a supplied figure).
    """

    level: int
    text: str
    notes: tuple[str, ...] = ()

    def to_markdown(self) -> str:
        prefix = {1: "- ", 2: "+ ", 3: ""}[self.level]
        return prefix + _NOTE_MARK.sub("", self.text)

    def paragraph(self) -> Paragraph:
        """The line as a paragraph of the document, footnotes where their marks stand."""
        prefix = {1: "- ", 2: "+ ", 3: ""}[self.level]
        runs: list[Run] = []
        for i, piece in enumerate(_NOTE_MARK.split(prefix + self.text)):
            if i % 2 == 0:
                if piece:
                    runs.append(Run(piece))
            else:
                runs.append(Run(note=self.notes[int(piece) - 1]))
        return Paragraph(tuple(runs), style=f"l{self.level}")


# Footnote marks of partial figures, in order of first use within a line.
MARKS = "¹²³⁴⁵⁶⁷⁸⁹"
# Private tokens in unfinished text: n = an N/A reason, m = a partial figure's mark, p = the
# days of a partial figure; each with the index of its text in Sentences._notes.
_TOKEN = re.compile("\x00([nmp])(\\d+)\x00")


class Sentences:
    """Formats figures of one report under one profile.

    The pieces carry private tokens where a reason or a partial figure's mark and days go;
    :meth:`line` writes them once the whole line is known, so each is said once per line.
    """

    def __init__(
        self,
        figures: FiguresLike,
        profile: Profile,
        supplied: Mapping[str, SuppliedFigure] | None = None,
    ) -> None:
        self.f = figures
        self.profile = profile
        self.supplied = dict(supplied or {})
        self._notes: list[str] = []
        self._partial: Mapping[str, Any] = getattr(figures, "partial", None) or {}

    def _token(self, kind: str, text: str) -> str:
        if text not in self._notes:
            self._notes.append(text)
        return f"\x00{kind}{self._notes.index(text)}\x00"

    def marked(self, key: str, number: str, unit: str = "") -> str:
        """``number`` (and its ``unit``), with the mark and days of ``key`` when partial."""
        verdict = self._partial.get(key)
        if verdict is None:
            return number + unit
        return number + self._token("m", verdict.note) + unit + self._token("p", verdict.note)

    def count(self, key: str) -> str:
        value = self.f.values.get(key)
        if value is None:
            return self._na(key)
        return self.marked(key, format_count(int(value), self.profile))

    def rate(self, key: str) -> str:
        """``key`` is the rate's profile key ('on_time'); the value is ``values['rate_<key>']``."""
        value = self.f.values.get(f"rate_{key}")
        if value is None:
            return self._na(f"rate_{key}")
        text = format_rate(value, self.profile, self.profile.rate_def(key).decimals)
        return self.marked(f"rate_{key}", text)

    def _na(self, key: str) -> str:
        reason = self.f.na.get(key)
        return NA + self._token("n", reason) if reason else NA

    def cases(self, key: str) -> str:
        value = self.f.values.get(key)
        if value is None:
            return self._na(key)
        return self.marked(key, format_count(int(value), self.profile), " hồ sơ")

    def line(self, level: int, text: str, notes: tuple[str, ...] = ()) -> Line:
        """A finished line: each N/A reason written after its first N/A only; each partial
        figure marked (¹, ², …) and the days of a mark written after its first use. ``notes``
        are the footnotes of the line's ``[^n]`` marks (supplied figures), kept as they are."""
        said: set[str] = set()
        marks: dict[str, str] = {}

        def sub(m: re.Match[str]) -> str:
            kind, idx = m.group(1), m.group(2)
            note = self._notes[int(idx)]
            if kind == "m":
                return marks.setdefault(idx, MARKS[min(len(marks), len(MARKS) - 1)])
            first = (kind + idx) not in said
            said.add(kind + idx)
            if not first:
                return ""
            return f" ({note})" if kind == "n" else f" ({marks[idx]} {note})"

        return Line(level, _TOKEN.sub(sub, text), notes)

    def given(self, figure: SuppliedFigure) -> str:
        """A supplied figure as written, with the profile's separators: '99.87%', '16,5 điểm'."""
        if figure.unit == "%":
            return format_rate(figure.value, self.profile, figure.decimals)
        return f"{format_decimal(figure.value, self.profile, figure.decimals)} {figure.unit}"

    def indicator(self, key: str) -> tuple[str, tuple[str, ...]]:
        """The value of rate ``key`` in a line, and the line's footnotes.

        Computed only: the rate. Supplied too (``tthc.report.supplied``): equal at the supplied
        precision, the rate with a footnote saying the source agrees; different, both, the
        supplied one marked with its source; not computed, the supplied one, marked.
        """
        figure = self.supplied.get(key)
        if figure is None:
            return self.rate(key), ()
        c = compare(figure, self.f.values, self.f.na)
        given = self.given(figure)
        source = figure.source_phrase()
        if c.status == "match":
            note = (
                f"{_cap(source)}: {given}, khớp với số liệu tính từ tệp xuất của phần mềm một cửa."
            )
            return f"{self.rate(key)}[^1]", (note,)
        if c.status == "differ":
            diff = c.difference
            sign = "+" if diff is not None and diff > 0 else "−"
            gap = format_decimal(abs(diff or 0), self.profile, figure.decimals)
            unit = " điểm %" if figure.unit == "%" else f" {figure.unit}"
            note = (
                f"{_cap(source)} (số liệu do đơn vị cung cấp); chênh lệch so với số liệu tính "
                f"từ tệp xuất: {sign}{gap}{unit}."
            )
            return (
                f"{self.rate(key)} (tính từ tệp xuất của phần mềm một cửa); "
                f"theo {figure.source}: {given}[^1]",
                (note,),
            )
        why = f"; tệp xuất không tính được: {c.reason}" if c.reason else ""
        note = f"{_cap(source)} (số liệu do đơn vị cung cấp, không tính từ tệp xuất{why})."
        return f"{given}[^1]", (note,)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def results_lines(
    figures: FiguresLike,
    profile: Profile,
    *,
    unit_name: str,
    centre: str,
    period_start: date,
    period_end: date,
    ytd_start: date,
    supplied: Mapping[str, SuppliedFigure] | None = None,
) -> list[Line]:
    """Section I.3 "Kết quả thực hiện công tác cải cách thủ tục hành chính".

    ``supplied`` figures (``tthc.report.supplied``) go on the line of their indicator, or on
    lines of their own after the data-reuse line, each with its source as a footnote.
    """
    s = Sentences(figures, profile, supplied)
    v = figures.values
    lines = [
        s.line(
            1,
            f"Tính từ ngày {vn_padded_date(ytd_start)} đến hết ngày {vn_date(period_end)}, {unit_name} đã "
            f"phát sinh {s.count('procedures_with_cases')}/{s.count('procedures_catalogue')} thủ "
            f"tục hành chính, đạt {s.rate('procedures_with_cases')}, trong đó:",
        ),
        s.line(
            2,
            f"{s.count('procedures_partial_with_cases')}/{s.count('procedures_partial_catalogue')} "
            f"thủ tục DVCTT một phần đạt {s.rate('procedures_partial')}",
        ),
        s.line(
            2,
            f"{s.count('procedures_full_with_cases')}/{s.count('procedures_full_catalogue')} "
            f"thủ tục DVCTT toàn trình đạt {s.rate('procedures_full')}",
        ),
        _rate_line(
            s, 1, "Tỷ lệ hồ sơ trực tuyến trên tổng hồ sơ của các DVCTT: {}", "dvctt_online"
        ),
        s.line(
            1,
            f"Tổng số hồ sơ TTHC đã tiếp nhận thực tế tại {centre} từ ngày "
            f"{vn_date(period_start)} đến ngày {vn_date(period_end)}:",
        ),
        s.line(2, f"Tổng số hồ sơ: {s.cases('cases_total')}, trong đó:"),
        s.line(
            3,
            f"Số mới tiếp nhận trong kỳ: {s.cases('cases_new')} (Tiếp nhận trực tuyến: "
            f"{s.cases('cases_new_online')}; Tiếp nhận trực tiếp và qua dịch vụ bưu chính: "
            f"{_sum_cases(s, v, 'cases_new_in_person', 'cases_new_postal')})",
        ),
        s.line(3, f"Số từ kỳ trước chuyển qua: {s.cases('cases_carried_over')}"),
        s.line(2, _resolved_sentence(s, profile)),
        s.line(
            2,
            f"Số lượng hồ sơ đang giải quyết: {s.cases('cases_in_progress')} (Trong đó, trong "
            f"hạn: {s.cases('cases_in_progress_within')}, quá hạn: "
            f"{s.cases('cases_in_progress_overdue')}).",
        ),
    ]
    third = v.get("cases_withdrawn")
    if third:
        where = {
            "separate": "không tính vào số đã giải quyết và đang giải quyết",
            "resolved_on_time": "đã tính vào số giải quyết đúng hạn",
            "excluded": "không tính vào tổng số hồ sơ",
        }[profile.third_bucket]
        lines.append(
            s.line(
                2,
                f"Số hồ sơ rút, dừng xử lý, trả lại trong kỳ: {s.cases('cases_withdrawn')} ({where}).",
            )
        )
    lines += [
        s.line(1, "Tỷ lệ số hóa hồ sơ:"),
        _rate_line(s, 2, "Tỷ lệ hồ sơ có thành phần hồ sơ đính kèm: {}", "with_components"),
        _rate_line(s, 2, "Tỷ lệ hồ sơ có file kết quả đính kèm: {}", "with_result_file"),
        _rate_line(
            s, 2, "Tỷ lệ hồ sơ có thành phần hồ sơ và file kết quả đính kèm: {}", "with_both"
        ),
        _rate_line(s, 1, "Tỷ lệ tái sử dụng dữ liệu số hóa đạt {}", "reuse"),
    ]
    for key in EXTRA_LINES:
        if key in s.supplied:
            lines.append(_rate_line(s, 1, s.supplied[key].spec.title + " đạt {}", key))
    return lines


def _rate_line(s: Sentences, level: int, template: str, key: str) -> Line:
    value, notes = s.indicator(key)
    return s.line(level, template.format(value), notes)


def _sum_cases(s: Sentences, v: Mapping[str, Any], *keys: str) -> str:
    parts = [v.get(k) for k in keys]
    if any(p is None for p in parts):
        return s.cases(next(k for k, p in zip(keys, parts, strict=True) if p is None))
    return s.marked(keys[0], format_count(sum(int(p) for p in parts), s.profile), " hồ sơ")


def _resolved_sentence(s: Sentences, profile: Profile) -> str:
    head = f"Số lượng hồ sơ đã giải quyết: {s.cases('cases_resolved')}"
    if profile.early_on_time == "disjoint":
        detail = (
            f"giải quyết trước hạn: {s.cases('cases_resolved_early')}, đúng hạn: "
            f"{s.cases('cases_resolved_on_time')}, quá hạn: {s.cases('cases_resolved_late')}"
        )
    else:
        label = "trước hạn và đúng hạn" if profile.early_on_time == "combined" else "đúng hạn"
        detail = (
            f"giải quyết {label}: {s.cases('cases_resolved_on_time')}, quá hạn: "
            f"{s.cases('cases_resolved_late')}"
        )
    return f"{head} (Trong đó: {detail})"


def pakn_lines(figures: FiguresLike, profile: Profile) -> list[Line]:
    """Section I.4 "Kết quả tiếp nhận và xử lý phản ánh, kiến nghị".

    The handled and pending counts include PAKN carried over from the previous period, so when
    there are any the sentence names them after the received ones: otherwise "received 0;
    handled on time 1" reads as an error. Without carried-over PAKN the sentence is the
    sample's own.
    """
    s = Sentences(figures, profile)
    carried = figures.values.get("pakn_carried_over")
    carried_clause = (
        f"; số PAKN kỳ trước chuyển qua: {s.count('pakn_carried_over')}" if carried != 0 else ""
    )
    return [
        s.line(
            1,
            "Tình hình tiếp nhận và xử lý phản ánh, kiến nghị (PAKN) về quy định và hành vi "
            "hành chính trên Cổng Dịch vụ công quốc gia và qua tổng đài 1022: Tổng số PAKN đã "
            f"tiếp nhận: {s.count('pakn_received')}{carried_clause}; số PAKN đã xử lý đúng hạn: "
            f"{s.count('pakn_on_time')}; số PAKN đã xử lý quá hạn: {s.count('pakn_late')}; "
            f"số PAKN đang xử lý: {s.count('pakn_in_progress')}.",
        )
    ]


def achievement_line(figures: FiguresLike, profile: Profile) -> Line:
    """The computed bullet of II.1: online share and the early-or-on-time rate."""
    s = Sentences(figures, profile)
    return s.line(
        1,
        f"{s.rate('online')} hồ sơ, thủ tục hành chính được tiếp nhận trực tuyến; hồ sơ được "
        f"giải quyết và trả kết quả trước hạn và đúng hạn đạt {s.rate('on_time')}.",
    )


def computed(lines: list[Line], *, section: str) -> Text:
    """Computed lines as a section of the document."""
    return Text(kind="computed", section=section, paragraphs=tuple(ln.paragraph() for ln in lines))
