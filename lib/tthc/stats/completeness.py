"""Which figures the covered days determine, and what the others become.

Every figure of :class:`tthc.stats.figures.Figures` depends on a few *facts* about one window
(the period or the year to date, see :mod:`tthc.stats.coverage`):

- ``received``: the records received on each day of the window are all listed;
- ``open_at_start``: the records still open when the window starts are all listed;
- ``open_at_end``: the records still open at the end of its last day are all listed;
- ``during``: what happened to every record during the window is known;
- ``catalogue``: a procedure catalogue snapshot taken on or before the window's last day exists.

The case table (Biểu 06) needs: new cases and their channels ``received``; carried over
``open_at_start``; total both; resolved (early, on time, late) and the third bucket ``during``;
in progress (within, overdue) ``open_at_end``. Under the profile's ``third_bucket: excluded``
every count that leaves the third bucket out also needs ``during``. A rate needs what its
numerator and denominator bases need (:data:`BASE_FACTS`); PAKN the same facts of the PAKN
lists. So a period whose first days are missing still has its cases in progress at the end
(2026-01 of the sample), and a figure over the year to date is judged over the year to date.

A figure whose facts do not all hold is N/A with the reason (the first missing fact's), unless
partial figures are allowed (``--allow-partial``, profile ``allow_partial``): then a figure of a
window with at least one covered day keeps its value and is marked with the days it covers
("chỉ tính số liệu từ … đến …"). A missing catalogue is never partial.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from tthc.stats.coverage import ONE_DAY, Coverage, Span, spans_phrase
from tthc.stats.profile import RATE_SPECS, Profile

# Facts each base of a rate (profile numerator or denominator, docs/stats-json.md) needs.
BASE_FACTS: dict[str, tuple[str, ...]] = {
    "received": ("received",),
    "online": ("received",),
    "dvctt_received": ("received", "catalogue"),
    "resolved": ("during",),
    "handled": ("received", "open_at_start"),
    "due": ("during", "open_at_end"),
    "catalogue": ("catalogue",),
    "procedures_with_cases": ("received", "catalogue"),
    "early_on_time": ("during",),
    "early_on_time_and_within": ("during", "open_at_end"),
    "fee_bearing_received": ("received",),
    "fee_bearing_resolved": ("during",),
}
# The case table's columns.
CASE_FACTS: dict[str, tuple[str, ...]] = {
    "cases_total": ("received", "open_at_start"),
    "cases_new": ("received",),
    "cases_new_online": ("received",),
    "cases_new_in_person": ("received",),
    "cases_new_postal": ("received",),
    "cases_new_in_person_postal": ("received",),
    "cases_carried_over": ("open_at_start",),
    "cases_resolved": ("during",),
    "cases_resolved_early": ("during",),
    "cases_resolved_on_time": ("during",),
    "cases_resolved_late": ("during",),
    "cases_resolved_early_or_on_time": ("during",),
    "cases_in_progress": ("open_at_end",),
    "cases_in_progress_within": ("open_at_end",),
    "cases_in_progress_overdue": ("open_at_end",),
    "cases_withdrawn": ("during",),
    "cases_third_withdrawn": ("during",),
    "cases_third_stopped": ("during",),
    "cases_third_returned": ("during",),
}
PAKN_FACTS: dict[str, tuple[str, ...]] = {
    "pakn_received": ("received",),
    "pakn_carried_over": ("open_at_start",),
    "pakn_on_time": ("during",),
    "pakn_late": ("during",),
    "pakn_in_progress": ("open_at_end",),
}
# The late-case list: resolved late in the period and overdue in progress at its end.
LATE_CASES_FACTS = ("during", "open_at_end")
# Counts that stand beside a rate: (count key, rate key, which base of the rate it counts).
RATE_COUNTS: tuple[tuple[str, str, str], ...] = (
    ("procedures_with_cases", "procedures_with_cases", "numerator"),
    ("procedures_partial_with_cases", "procedures_partial", "numerator"),
    ("procedures_full_with_cases", "procedures_full", "numerator"),
    ("procedures_catalogue", "procedures_with_cases", "denominator"),
    ("procedures_partial_catalogue", "procedures_partial", "denominator"),
    ("procedures_full_catalogue", "procedures_full", "denominator"),
    ("dvctt_cases", "dvctt_online", "denominator"),
    ("dvctt_cases_online", "dvctt_online", "both"),
    ("cases_with_components", "with_components", "both"),
    ("cases_with_components_base", "with_components", "denominator"),
    ("cases_with_result_file", "with_result_file", "both"),
    ("cases_with_result_file_base", "with_result_file", "denominator"),
    ("cases_with_both", "with_both", "both"),
    ("cases_with_both_base", "with_both", "denominator"),
    ("cases_reusing_data", "reuse", "both"),
    ("cases_reusing_data_base", "reuse", "denominator"),
    ("cases_fee_bearing", "online_payment", "denominator"),
    ("cases_paid_online", "online_payment", "both"),
)
# Bases whose counts leave the third bucket out under ``third_bucket: excluded``.
_KEEP_BASES = {"received", "online", "dvctt_received", "handled", "fee_bearing_received"}


@dataclass(frozen=True)
class Need:
    """One fact a figure needs: of which lists ('cases', 'pakn', 'catalogue'), over which window
    ('period' or 'ytd')."""

    kind: str
    fact: str
    window: str


def _case_needs(facts: tuple[str, ...], window: str, keep: bool, profile: Profile) -> list[Need]:
    out = [Need("catalogue" if f == "catalogue" else "cases", f, window) for f in facts]
    if keep and profile.third_bucket == "excluded" and "during" not in facts:
        out.append(Need("cases", "during", window))
    return out


def _base_needs(base: str, window: str, profile: Profile) -> list[Need]:
    return _case_needs(BASE_FACTS.get(base, ()), window, base in _KEEP_BASES, profile)


def rate_needs(key: str, profile: Profile) -> tuple[Need, ...]:
    """What rate ``key`` (a :data:`tthc.stats.profile.RATE_SPECS` key) needs under ``profile``."""
    rd = profile.rate_def(key)
    # A flag numerator (with_components, paid_online, …) counts within the denominator's set.
    num = rd.numerator if rd.numerator in BASE_FACTS else rd.denominator
    needs = _base_needs(num, rd.window, profile) + _base_needs(rd.denominator, rd.window, profile)
    return tuple(dict.fromkeys(needs))


def figure_needs(profile: Profile) -> dict[str, tuple[Need, ...]]:
    """Every figure key of the flat values (``rate_*`` included) -> the facts it needs."""
    out: dict[str, tuple[Need, ...]] = {}
    for key, facts in CASE_FACTS.items():
        keep = "received" in facts or "open_at_start" in facts
        out[key] = tuple(_case_needs(facts, "period", keep, profile))
    for key, facts in PAKN_FACTS.items():
        out[key] = tuple(Need("pakn", f, "period") for f in facts)
    for key in RATE_SPECS:
        out[f"rate_{key}"] = rate_needs(key, profile)
    for count, rate_key, part in RATE_COUNTS:
        rd = profile.rate_def(rate_key)
        if part == "both":
            out[count] = rate_needs(rate_key, profile)
        else:
            base = rd.denominator if part == "denominator" else rd.numerator
            out[count] = tuple(_base_needs(base, rd.window, profile))
    return out


@dataclass(frozen=True)
class Verdict:
    """``ok``: the covered days determine the figure; otherwise ``reason`` says why not, and
    ``covered`` (allowed partial figures only) the days it is computed over."""

    ok: bool
    reason: str | None = None
    covered: tuple[Span, ...] = ()

    @property
    def partial(self) -> bool:
        return not self.ok and bool(self.covered)

    @property
    def note(self) -> str:
        """'chỉ tính số liệu từ 01/01/2026 đến 14/01/2026' for a partial figure."""
        return f"chỉ tính số liệu {spans_phrase(self.covered)}" if self.covered else ""

    def to_json(self) -> dict[str, object]:
        return {
            "covered": [[a.isoformat(), b.isoformat()] for a, b in self.covered],
            "note": self.note,
        }


OK = Verdict(True)


@dataclass(frozen=True)
class Judge:
    """Decides, for one period, which figures the exports determine."""

    cases: Coverage
    pakn: Coverage
    windows: Mapping[str, tuple[date, date]]  # 'period' and 'ytd' -> (first day, last day)
    catalogue_reason: str | None  # why the period has no catalogue snapshot; None when it has
    allow_partial: bool = False
    # Verdicts already given (the same needs recur across figures; coverage is immutable).
    _memo: dict[tuple[Need, ...], Verdict] = field(default_factory=dict, compare=False, repr=False)
    _whys: dict[tuple[Need], str | None] = field(default_factory=dict, compare=False, repr=False)

    def _why(self, need: Need) -> str | None:
        key = (need,)
        if key not in self._whys:
            self._whys[key] = self._why_uncached(need)
        return self._whys[key]

    def _why_uncached(self, need: Need) -> str | None:
        if need.kind == "catalogue":
            return self.catalogue_reason
        cov = self.cases if need.kind == "cases" else self.pakn
        start, end = self.windows[need.window]
        if need.fact == "received":
            return cov.why_not_received(start, end)
        if need.fact == "open_at_start":
            return cov.why_not_open_at(start)
        if need.fact == "open_at_end":
            return cov.why_not_open_at(end + ONE_DAY)
        if need.fact == "during":
            return cov.why_not_during(start, end)
        raise ValueError(f"unknown fact {need.fact!r}")

    def verdict(self, needs: tuple[Need, ...]) -> Verdict:
        """OK, partial (allowed, some covered day in the window) or N/A with the first reason."""
        found = self._memo.get(needs)
        if found is None:
            found = self._memo[needs] = self._verdict(needs)
        return found

    def _verdict(self, needs: tuple[Need, ...]) -> Verdict:
        failed = [(n, r) for n in needs if (r := self._why(n)) is not None]
        if not failed:
            return OK
        need, reason = failed[0]
        if self.allow_partial and not any(n.kind == "catalogue" for n, _ in failed):
            cov = self.cases if need.kind == "cases" else self.pakn
            covered = cov.covered_in(*self.windows[need.window])
            if covered:
                return Verdict(False, reason, tuple(covered))
        return Verdict(False, reason)
