"""The constructive case generator behind the An Trường sample.

Nothing here is left to chance that a target depends on: the generator first fixes how many
cases fall in each group that a figure counts (new in the period, carried over, resolved early or
late, open at the end, the third bucket, year-to-date coverage and reuse), then draws dates,
procedures and people *inside* the constraints of each group with a seeded numpy Generator. Any
seed therefore reproduces every figure of :mod:`tthc.sample.targets` exactly; the seed only
changes which citizen filed what, and when within the allowed days.

Groups (dates local time; P = the reporting period 15/5–14/6/2026):

- ``old``: received 10/11–31/12/2025 and still open on 01/01/2026, all resolved early in 2026,
  some on a procedure with no 2026 case (they must not count for the year's procedure coverage).
- ``before``: received 01/01–14/05/2026 and ended before 15/5: resolved (a few late or on the
  due day), a handful withdrawn or stopped (third bucket), a few filed in person or by post.
- ``carry_resolved`` / ``carry_open``: received before 15/5 and still open on 15/5 (từ kỳ trước);
  resolved early inside P, or (long land and disability cases) still open on 14/6.
- ``new_resolved`` / ``new_late`` / ``new_open``: received inside P, all online: resolved strictly
  before the due day, the one late electronic-copy certification, or open on 14/6 with a due date
  on or after 15/6.
- ``not_received``: "Mới đăng ký" and "Không được tiếp nhận" rows without a reception date; they
  belong in no column.

Every reception happens on a working day inside office hours (7:30–11:30, 13:30–17:00); the due
date is the reception plus the procedure's legal time in working days, at the same clock time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from tthc.sample import targets as T
from tthc.sample.calendar import WorkCalendar
from tthc.sample.people import People
from tthc.sample.procedures import Procedure, by_name, catalogue
from tthc.schema import STATUS_CODES, Channel, Level

# Office hours as a single axis of seconds: 0 = 7:30, 14 400 = 11:30 = 13:30, 27 000 = 17:00.
MORNING = 4 * 3600
DAY_SECONDS = MORNING + int(3.5 * 3600)
OVERTIME = 15 * 60  # staff finish what they started: ends may run to 17:15

UNIT_CODE = "H31.41"  # the commune's prefix in case codes: H31.41-YYMMDD-NNNN

STATUS = {label: code for code, (label, _) in STATUS_CODES.items()}
CHANNEL_LABELS = {
    Channel.ONLINE: "Trực tuyến",
    Channel.IN_PERSON: "Trực tiếp",
    Channel.POSTAL: "Bưu chính công ích",
}

# Who handles each field after the 2025 reform (phòng chuyên môn of the commune); fields not
# listed go to Phòng Văn hóa - Xã hội.
_OFFICE = "Văn phòng HĐND và UBND xã"
_ECONOMY = "Phòng Kinh tế"
HANDLERS = {
    "Hộ tịch": f"{_OFFICE} - Tư pháp, hộ tịch",
    "Nuôi con nuôi": f"{_OFFICE} - Tư pháp, hộ tịch",
    "Chứng thực": f"{_OFFICE} - Chứng thực",
    **dict.fromkeys(
        (
            "Phổ biến, giáo dục pháp luật",
            "Hòa giải ở cơ sở",
            "Bồi thường nhà nước",
            "Khiếu nại, tố cáo",
            "Nội vụ",
            "Thi đua, khen thưởng",
            "Tổ chức phi chính phủ",
            "Lao động, tiền lương",
        ),
        _OFFICE,
    ),
    "Đất đai": f"{_ECONOMY} - Địa chính",
    **dict.fromkeys(
        ("Xây dựng", "Quy hoạch", "Hạ tầng kỹ thuật", "Giao thông vận tải", "Nhà ở"),
        f"{_ECONOMY} - Xây dựng",
    ),
    **dict.fromkeys(
        (
            "Nông nghiệp",
            "Lâm nghiệp",
            "Trồng trọt",
            "Chăn nuôi và thú y",
            "Thủy sản",
            "Thủy lợi",
            "Phòng, chống thiên tai",
            "Kinh tế hợp tác và phát triển nông thôn",
        ),
        f"{_ECONOMY} - Nông nghiệp",
    ),
    **dict.fromkeys(
        ("Tài nguyên nước", "Môi trường", "Đo đạc, bản đồ"),
        f"{_ECONOMY} - Tài nguyên và Môi trường",
    ),
    **dict.fromkeys(
        (
            "Thành lập và hoạt động của hộ kinh doanh",
            "Thành lập và hoạt động của hợp tác xã",
            "Lưu thông hàng hóa trong nước",
            "Điện",
            "Quản lý công sản",
        ),
        _ECONOMY,
    ),
}
DEFAULT_HANDLER = "Phòng Văn hóa - Xã hội"

# Sizes of the groups not fixed by the targets: realistic, and large enough that every code
# path (in person, post, third bucket, late or on-time before the period, unregistered) shows.
OLD_CASES = 70
OLD_CASES_UNUSED_PROCEDURE = 2
IN_PERSON_BEFORE = 15
POSTAL_BEFORE = 3
WITHDRAWN_BEFORE = 5
STOPPED_BEFORE = 3
LATE_BEFORE = 4
ON_DUE_DAY_BEFORE = 3
THIRD_BUCKET_LABELS = {"withdrawn": "Công dân yêu cầu rút hồ sơ", "stopped": "Dừng xử lý"}
REFUSED = 8  # Không được tiếp nhận
REGISTERED_ONLY = 4  # Mới đăng ký


@dataclass(frozen=True)
class Design:
    """Counts the generator decided before drawing anything (all seed-independent)."""

    new: int
    carried_resolved: int
    carried_open: int
    new_resolved: int
    new_open: int
    received_before_period: int  # 01/01–14/05/2026, carried-over ones included
    ytd_received: int  # reuse denominator: received 01/01–14/06/2026
    reuse_missing: int  # of those, cases without reused data


def design() -> Design:
    """Split the §10 totals into the groups the generator builds, and size the year to date."""
    f = T.FIGURES
    carried_open = T.CARRIED_OVER_OPEN
    carried_resolved = int(f["cases_carried_over"]) - carried_open
    new_open = int(f["cases_in_progress"]) - carried_open
    new_resolved = int(f["cases_resolved"]) - carried_resolved
    if new_resolved + new_open != f["cases_new"] or min(carried_resolved, new_open) < 0:
        raise ValueError("targets are inconsistent: new + carried over ≠ resolved + in progress")
    ytd, missing = _ytd_size(int(f["cases_new"]), float(f["rate_reuse"]))
    return Design(
        new=int(f["cases_new"]),
        carried_resolved=carried_resolved,
        carried_open=carried_open,
        new_resolved=new_resolved,
        new_open=new_open,
        received_before_period=ytd - int(f["cases_new"]),
        ytd_received=ytd,
        reuse_missing=missing,
    )


def _ytd_size(new_in_period: int, reuse_rate: float) -> tuple[int, int]:
    """Year-to-date volume near the natural one (period rate × 87 working days × 0.93) whose
    reuse rate, with a whole number of cases missing reuse, lands closest to ``reuse_rate``:
    the rounding interval is ±0.005 points, so the figure must sit well inside it, not on a tie.
    """
    cal = WorkCalendar()
    per_day = new_in_period / len(cal.between(T.PERIOD_START, T.PERIOD_END))
    before_days = len(cal.between(T.YTD_START, T.PERIOD_START - timedelta(days=1)))
    natural = new_in_period + round(per_day * before_days * 0.93)
    share = 1 - reuse_rate / 100
    best = min(
        range(natural - 500, natural + 501),
        key=lambda n: (abs(round(share * n) / n - share), abs(n - natural)),
    )
    return best, round(share * best)


class _Builder:
    """Working-day arithmetic, seeded draws and the growing list of case rows.

    A moment is a (working-day index, seconds on the office axis) pair, so "the next working
    day" and "later the same day" are integer steps; :meth:`at` turns it into local time.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.cal = WorkCalendar()
        self.rows: list[dict] = []
        procs = catalogue()
        self.used = [p for p in procs if p.used]
        self.unused = [p for p in procs if not p.used]
        idx = self.cal.index_on_or_after
        self.i_ytd = idx(T.YTD_START)  # first working day of 2026
        self.i_period = idx(T.PERIOD_START)
        self.i_last = self.cal.index_on_or_before(T.PERIOD_END)  # last working day in P
        self.i_after = idx(T.PERIOD_END + timedelta(days=1))  # first working day after P

    # --- drawing helpers ------------------------------------------------------------------
    def pick(self, procs: list[Procedure], weights: list[float], n: int) -> list[Procedure]:
        w = np.asarray(weights, dtype=float)
        chosen = self.rng.choice(len(procs), size=n, p=w / w.sum())
        return [procs[i] for i in chosen]

    def clocks(self, n: int) -> np.ndarray:
        """``n`` clock times (seconds on the office axis): mornings busier than afternoons."""
        morning = self.rng.random(n) < 0.6
        return np.where(
            morning,
            self.rng.integers(0, MORNING, n),
            self.rng.integers(MORNING, DAY_SECONDS, n),
        )

    def clock(self) -> int:
        return int(self.clocks(1)[0])

    def later_same_day(self, off: int) -> int:
        """A clock time after ``off`` on the same day (at least five minutes later)."""
        low = off + 300
        high = max(low + 300, DAY_SECONDS + OVERTIME)
        return int(self.rng.integers(low, high))

    def day_split(self, first: int, last: int, n: int) -> np.ndarray:
        """Spread ``n`` receptions over working days [first, last] (multinomial, exact total)."""
        idx = np.arange(first, last + 1)
        w = np.array([_day_weight(self.cal.days[i]) for i in idx])
        counts = self.rng.multinomial(n, w / w.sum())
        return np.repeat(idx, counts)

    def end_between(self, lo: int, hi: int) -> int:
        """An end day in [lo, hi], skewed early: most cases finish well before the deadline."""
        if hi <= lo:
            return lo
        u = self.rng.beta(1.3, 2.6)
        return lo + min(int(u * (hi - lo + 1)), hi - lo)

    def at(self, i: int, off: int) -> datetime:
        base = datetime.combine(self.cal.days[i], time(7, 30))
        if off < MORNING:
            return base + timedelta(seconds=off)
        return base + timedelta(hours=6, seconds=off - MORNING)  # 13:30 after the lunch break

    # --- recording --------------------------------------------------------------------------
    def add(
        self,
        group: str,
        proc: Procedure,
        recv: tuple[int, int],
        end: tuple[int, int] | None,
        status: str,
        channel: Channel = Channel.ONLINE,
    ) -> None:
        ri, ro = recv
        self.rows.append(
            {
                "group": group,
                "procedure": proc,
                "channel": channel,
                "status_label": status,
                "received_at": self.at(ri, ro),
                "due_at": self.at(ri + proc.days, ro),
                "ended_at": self.at(*end) if end else None,
                "end_pos": end,
            }
        )

    def resolved(
        self,
        group: str,
        proc: Procedure,
        ri: int,
        ro: int,
        ei: int,
        channel: Channel = Channel.ONLINE,
    ) -> None:
        """A case received at (ri, ro) and resolved on day ``ei`` (after ``ro`` if the same day)."""
        eo = self.later_same_day(ro) if ei == ri else self.clock()
        self.add(group, proc, (ri, ro), (ei, eo), "Đã trả kết quả", channel)


def _day_weight(day: date) -> float:
    """Relative reception volume of a working day: Mondays busiest, make-up Saturdays light,
    the weeks around Tết and the month after it busier."""
    w = (1.15, 1.05, 1.0, 1.0, 0.95, 0.55, 0.0)[day.weekday()]
    if date(2026, 2, 9) <= day <= date(2026, 2, 13):  # last week before Tết
        w *= 1.25
    if date(2026, 2, 23) <= day <= date(2026, 3, 13):  # paperwork after the holiday
        w *= 1.15
    if day.month == 1 and day.year == 2026:
        w *= 0.92
    return w


def generate_cases(rng: np.random.Generator) -> pd.DataFrame:
    """All rows of the case export, constructed to hit :data:`tthc.sample.targets.FIGURES`."""
    d = design()
    b = _Builder(rng)
    cal = b.cal
    late_proc = by_name(T.LATE_CASE_PROCEDURE)

    period_procs = [p for p in b.used if p.weight_period > 0]
    before_procs = [p for p in b.used if p.weight_before > 0]

    # 1. New in the period: days, procedures, then who stays open, who is late.
    days = b.day_split(b.i_period, b.i_last, d.new)
    procs = b.pick(period_procs, [p.weight_period for p in period_procs], d.new)
    offs = b.clocks(d.new)
    new = list(zip(days.tolist(), offs.tolist(), procs, strict=True))
    can_stay_open = [k for k, (ri, _, p) in enumerate(new) if ri + p.days >= b.i_after]
    open_set = set(rng.choice(can_stay_open, size=d.new_open, replace=False).tolist())
    can_be_late = [
        k
        for k, (ri, _, p) in enumerate(new)
        if k not in open_set and p is late_proc and ri + p.days < b.i_last
    ]
    late_k = int(rng.choice(can_be_late))
    for k, (ri, ro, p) in enumerate(new):
        due = ri + p.days
        if k in open_set:
            b.add("new_open", p, (ri, ro), None, _pending_status(rng))
        elif k == late_k:
            ei = int(rng.integers(due + 1, min(due + 2, b.i_last) + 1))
            b.add("new_late", p, (ri, ro), (ei, b.clock()), "Đã trả kết quả")
        else:
            b.resolved("new_resolved", p, ri, ro, b.end_between(ri, min(due - 1, b.i_last)))

    # 2. Carried over: received before 15/5, open on 15/5. Resolved ones need a due day after
    #    15/5 to finish early inside P; open ones need a due date on or after 15/6.
    multi_day = [p for p in before_procs if p.days >= 2]
    for p in b.pick(multi_day, [p.weight_before for p in multi_day], d.carried_resolved):
        first = max(b.i_ytd, b.i_period + 1 - p.days)
        ri = int(rng.integers(first, b.i_period))
        due = ri + p.days
        ei = b.end_between(b.i_period, min(due - 1, b.i_last))
        b.resolved("carry_resolved", p, ri, b.clock(), ei)
    long_ones = [p for p in b.used if b.i_after - p.days < b.i_period]
    for p in b.pick(long_ones, [p.weight_before for p in long_ones], d.carried_open):
        ri = int(rng.integers(max(b.i_ytd, b.i_after - p.days), b.i_period))
        status = str(rng.choice(["Đang xử lý", "Yêu cầu bổ sung giấy tờ"], p=[0.6, 0.4]))
        b.add("carry_open", p, (ri, b.clock()), None, status)

    # 3. Before the period (01/01–14/05), all ended by 14/05.
    n_before = d.received_before_period - d.carried_resolved - d.carried_open
    days = b.day_split(b.i_ytd, b.i_period - 1, n_before)
    procs = b.pick(before_procs, [p.weight_before for p in before_procs], n_before)
    procs = _cover_every_used_procedure(rng, procs, b.used, b.rows)
    offs = b.clocks(n_before)
    before = list(zip(days.tolist(), offs.tolist(), procs, strict=True))
    last_before = b.i_period - 1
    special = _pick_before_specials(rng, cal, before, last_before)
    channels = {"in_person": Channel.IN_PERSON, "postal": Channel.POSTAL}
    for k, (ri, ro, p) in enumerate(before):
        due = ri + p.days
        kind = special.get(k)
        if kind in THIRD_BUCKET_LABELS:
            ei = b.end_between(ri, min(due - 1, last_before))
            eo = b.later_same_day(ro) if ei == ri else b.clock()
            b.add("third", p, (ri, ro), (ei, eo), THIRD_BUCKET_LABELS[kind])
        elif kind == "late":
            ei = int(rng.integers(due + 1, min(due + 3, last_before) + 1))
            b.add("before_late", p, (ri, ro), (ei, b.clock()), "Đã trả kết quả")
        elif kind == "due_day":  # on the due day, before the appointed hour
            eo = int(rng.integers(0, ro + 1))
            b.add("before_due_day", p, (ri, ro), (due, eo), "Đã trả kết quả")
        else:
            ei = b.end_between(ri, min(due - 1, last_before))
            b.resolved("before", p, ri, ro, ei, channels.get(kind, Channel.ONLINE))

    # 4. Cases of 2025 still open on 01/01/2026, all resolved early in the year.
    _old_cases(b, before_procs)

    # 5. Rows never received.
    _not_received(b, period_procs)

    return _finish(b, d)


def _pending_status(rng: np.random.Generator) -> str:
    return str(
        rng.choice(["Đang xử lý", "Được tiếp nhận", "Yêu cầu bổ sung giấy tờ"], p=[0.85, 0.1, 0.05])
    )


def _cover_every_used_procedure(
    rng: np.random.Generator, procs: list[Procedure], used: list[Procedure], rows: list[dict]
) -> list[Procedure]:
    """Give each used procedure without a 2026 case one, replacing cases of the busiest one."""
    have = {id(p) for p in procs} | {id(r["procedure"]) for r in rows}
    missing = [p for p in used if id(p) not in have]
    busiest = max(used, key=lambda p: p.weight_before)
    slots = [k for k, p in enumerate(procs) if p is busiest]
    for k, p in zip(rng.choice(slots, size=len(missing), replace=False), missing, strict=True):
        procs[int(k)] = p
    return procs


def _pick_before_specials(
    rng: np.random.Generator, cal: WorkCalendar, before: list, last_before: int
) -> dict[int, str]:
    """Which cases before the period are filed in person, by post, withdrawn, stopped, late,
    or finished on their due day. Disjoint; all stay ended before 15/5."""
    taken: set[int] = set()
    out: dict[int, str] = {}

    def choose(kind: str, n: int, ok) -> None:
        pool = [k for k, row in enumerate(before) if k not in taken and ok(*row)]
        for k in rng.choice(pool, size=n, replace=False).tolist():
            taken.add(k)
            out[k] = kind

    q1 = cal.index_on_or_before(date(2026, 3, 31))
    feb = cal.index_on_or_after(date(2026, 2, 1))
    apr = cal.index_on_or_before(date(2026, 4, 30))
    choose("in_person", IN_PERSON_BEFORE, lambda ri, ro, p: ri <= q1 and p.level is Level.PARTIAL)
    choose("postal", POSTAL_BEFORE, lambda ri, ro, p: ri <= q1 and p.days >= 2)
    choose("withdrawn", WITHDRAWN_BEFORE, lambda ri, ro, p: feb <= ri <= apr and p.days >= 2)
    choose("stopped", STOPPED_BEFORE, lambda ri, ro, p: feb <= ri <= apr and p.days >= 3)
    choose("late", LATE_BEFORE, lambda ri, ro, p: ri <= apr and ri + p.days + 3 <= last_before)
    choose("due_day", ON_DUE_DAY_BEFORE, lambda ri, ro, p: ri + p.days <= last_before)
    return out


def _old_cases(b: _Builder, before_procs: list[Procedure]) -> None:
    """2025 cases open on 01/01/2026: their due day is on or after the first working day of
    2026; two are on procedures that have no 2026 case."""
    rng = b.rng
    first = b.cal.index_on_or_after(date(2025, 11, 10))
    last = b.cal.index_on_or_before(date(2025, 12, 31))
    procs = b.pick(before_procs, [p.weight_before for p in before_procs], OLD_CASES)
    long_unused = [p for p in b.unused if p.days >= 15]
    picks = rng.choice(len(long_unused), size=OLD_CASES_UNUSED_PROCEDURE, replace=False)
    procs += [long_unused[int(i)] for i in picks]
    for p in procs:
        ri = int(rng.integers(max(first, b.i_ytd - p.days), last + 1))
        due = ri + p.days
        ro = b.clock()
        ei = b.end_between(b.i_ytd, max(due - 1, b.i_ytd))
        if ei == due:  # finished on the due day, before the appointed hour
            eo = int(rng.integers(0, ro + 1))
        else:
            eo = b.later_same_day(ro) if ei == ri else b.clock()
        b.add("old", p, (ri, ro), (ei, eo), "Đã trả kết quả")


def _not_received(b: _Builder, procs: list[Procedure]) -> None:
    """Refused or merely registered filings: no reception date, in no column of the table."""
    rng = b.rng
    span = (datetime(2026, 6, 14, 23, 0) - datetime(2026, 1, 5)).total_seconds()
    for k, p in enumerate(
        b.pick(procs, [p.weight_period for p in procs], REFUSED + REGISTERED_ONLY)
    ):
        if k < REFUSED:
            label = "Không được tiếp nhận"
            submitted = datetime(2026, 1, 5) + timedelta(seconds=int(rng.integers(0, span)))
        else:  # filed online over the last weekend, not yet looked at
            label = "Mới đăng ký"
            submitted = datetime(2026, 6, 13) + timedelta(
                seconds=int(rng.integers(0, 2 * 86400 - 1))
            )
        b.rows.append(
            {
                "group": "not_received",
                "procedure": p,
                "channel": Channel.ONLINE,
                "status_label": label,
                "received_at": None,
                "due_at": None,
                "ended_at": None,
                "end_pos": None,
                "submitted_at": submitted,
            }
        )


def _finish(b: _Builder, d: Design) -> pd.DataFrame:
    """Returned dates and final status, flags, codes, people; rows in reception order."""
    rng = b.rng
    cutoff = datetime.combine(T.PERIOD_END, time(23, 59, 59))
    rows = b.rows
    n = len(rows)

    for row in rows:
        row.setdefault("submitted_at", row["received_at"])
        row["returned_at"] = None
        if row["status_label"] != "Đã trả kết quả":
            continue
        ei, eo = row["end_pos"]
        if rng.random() < 0.75:  # handed over or sent online within the hour or so
            ri, ro = ei, eo + int(rng.integers(60, 90 * 60))
            if ro > DAY_SECONDS + OVERTIME:
                ri, ro = ei + 1, ro - DAY_SECONDS
        else:  # collected a few days later
            ri, ro = ei + int(rng.integers(1, 4)), b.clock()
        returned = b.at(ri, ro)
        if returned > cutoff or rng.random() < 0.03:
            row["status_label"] = "Đã xử lý xong"  # result ready, not yet handed over
        else:
            row["returned_at"] = returned

    # Reuse of digitized data (QĐ 766 indicator 4.3): all but ``reuse_missing`` of the cases
    # received in the year to date, chosen among resolved ones so every base agrees.
    ytd_start = datetime.combine(T.YTD_START, time())
    eligible = [
        k
        for k, r in enumerate(rows)
        if r["group"] in ("before", "new_resolved") and r["received_at"] >= ytd_start
    ]
    no_reuse = set(rng.choice(eligible, size=d.reuse_missing, replace=False).tolist())

    people = People(rng)
    owners, addresses, phones = people.names(n), people.addresses(n), people.phones(n)

    order = sorted(range(n), key=lambda k: rows[k]["submitted_at"])
    seq: dict[date, int] = {}
    records = []
    for k in order:
        r = rows[k]
        p: Procedure = r["procedure"]
        day = r["submitted_at"].date()
        seq[day] = seq.get(day, 0) + 1
        resolved = r["status_label"] in ("Đã trả kết quả", "Đã xử lý xong")
        records.append(
            {
                "case_code": f"{UNIT_CODE}-{day:%y%m%d}-{seq[day]:04d}",
                "procedure_code": p.code,
                "procedure_name": p.name,
                "field": p.field,
                "channel": CHANNEL_LABELS[r["channel"]],
                "status_code": STATUS[r["status_label"]],
                "status_label": r["status_label"],
                "owner": owners[k],
                "address": addresses[k],
                "phone": phones[k],
                "received_at": r["received_at"],
                "due_at": r["due_at"],
                "ended_at": r["ended_at"],
                "returned_at": r["returned_at"],
                "has_components": True,
                "has_result_file": resolved,
                "reused_data": k not in no_reuse,
                "handler": HANDLERS.get(p.field, DEFAULT_HANDLER),
                "group": r["group"],
            }
        )
    df = pd.DataFrame.from_records(records)
    for col in ("received_at", "due_at", "ended_at", "returned_at"):
        df[col] = pd.to_datetime(df[col])
    return df
