"""Synthetic communes of the sample city: cases and PAKN drawn in bulk, one commune at a time.

An Trường is the constructed sample (:mod:`tthc.sample.cases`); every other commune of the city
is drawn here, vectorised with numpy so that a hundred communes take seconds. Each commune has
its own size, procedure mix, online share, digitisation rates and punctuality (some have late
cases, some none), and covers the same days as the sample: receptions on working days from
01/01/2026 to 14/06/2026, plus a few 2025 cases still open on 01/01/2026, as exported on
15/06/2026 08:00. Nothing here is a target: the figures are whatever the draws give, and
``tthc stats`` computes them like any unit's.

- **reception**: a working day weighted like the sample's (Mondays busiest, Tết), office hours;
- **due**: the reception plus the procedure's legal time in working days, same clock time;
- **end**: early (before the due day, skewed early), late (1–5 working days after the due day,
  at the commune's late rate) or withdrawn (the third bucket); an end after 14/06 means the
  case is still open at the export (``Đang xử lý`` or ``Yêu cầu bổ sung giấy tờ``), overdue if
  its due date has passed;
- **returned**: within the hour or a few days later; a return after the export is "Đã xử lý
  xong" (result ready, not yet handed over).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import numpy as np
import pandas as pd

from tthc.sample import targets as T
from tthc.sample.calendar import WorkCalendar
from tthc.sample.cases import (
    CHANNEL_LABELS,
    DAY_SECONDS,
    DEFAULT_HANDLER,
    HANDLERS,
    MORNING,
    OVERTIME,
    STATUS,
    _day_weight,
)
from tthc.sample.people import People
from tthc.sample.procedures import Procedure, catalogue
from tthc.schema import Channel

PAKN_DEADLINE_DAYS = 15  # working days (QĐ 766 indicator 5.2), as in tthc.sample.pakn
PAKN_SOURCES = ("Cổng Dịch vụ công quốc gia", "Tổng đài 1022")
PAKN_COLUMNS = (
    "pakn_code", "title", "person", "phone", "received_at", "due_at", "handled_at",
    "status_label", "source",
)  # fmt: skip
PAKN_TOPICS = (
    "Phản ánh thời gian trả kết quả hồ sơ",
    "Kiến nghị hướng dẫn nộp hồ sơ trực tuyến",
    "Phản ánh thái độ tiếp công dân tại bộ phận một cửa",
    "Phản ánh lỗi thanh toán phí trực tuyến",
    "Kiến nghị công khai thời gian giải quyết thủ tục",
    "Phản ánh việc yêu cầu bổ sung giấy tờ không có trong quy định",
)


@dataclass(frozen=True)
class Commune:
    """One synthetic commune: who it is and how its one-stop centre works."""

    slug: str
    name: str
    unit_type: str  # xã | phường
    code: str  # mã ĐVHC cấp xã (synthetic)
    prefix: str  # case-code prefix, "H31.<n>"
    size: int  # cases received 01/01–14/06/2026
    online_share: float
    late_rate: float  # share of cases resolved after the due day (0 for some communes)
    withdrawn_rate: float
    components_rate: float
    result_file_rate: float
    reuse_rate: float
    pakn_rate: float  # expected PAKN per 1,000 cases

    @property
    def display_name(self) -> str:
        return f"{self.unit_type} {self.name}"


class _Days:
    """Working-day indexes of the sample's window, and times on the office axis."""

    def __init__(self) -> None:
        self.cal = WorkCalendar()
        idx = self.cal.index_on_or_after
        self.i_ytd = idx(T.YTD_START)
        self.i_last = self.cal.index_on_or_before(T.PERIOD_END)
        self.i_2025 = idx(date(2025, 11, 10))
        self.origin = np.array(
            [np.datetime64(datetime.combine(d, time(7, 30))) for d in self.cal.days],
            dtype="datetime64[s]",
        )
        days = self.cal.days[self.i_ytd : self.i_last + 1]
        w = np.array([_day_weight(d) for d in days])
        self.ytd = np.arange(self.i_ytd, self.i_last + 1)
        self.ytd_p = w / w.sum()
        self.day_keys = np.array([d.strftime("%y%m%d") for d in self.cal.days])  # case codes
        self.cutoff = np.datetime64(datetime.combine(T.PERIOD_END, time(23, 59, 59)), "s")

    def at(self, day: np.ndarray, off: np.ndarray) -> np.ndarray:
        """Local times of (working-day index, seconds on the office axis) pairs."""
        lunch = np.where(off < MORNING, 0, 2 * 3600)  # 11:30 -> 13:30
        return self.origin[day] + (off + lunch).astype("timedelta64[s]")


def _clocks(rng: np.random.Generator, n: int) -> np.ndarray:
    morning = rng.random(n) < 0.6
    return np.where(
        morning, rng.integers(0, MORNING, n), rng.integers(MORNING, DAY_SECONDS, n)
    ).astype(np.int64)


def _procedure_mix(rng: np.random.Generator) -> tuple[list[Procedure], np.ndarray]:
    """The procedures a commune sees and their weights: the sample's used procedures with
    commune-specific weights, and a few of the catalogue's others."""
    procs = catalogue()
    used = [p for p in procs if p.used]
    unused = [p for p in procs if not p.used]
    base = np.array([p.weight_before + p.weight_period for p in used])
    w = base * rng.dirichlet(np.full(len(used), 0.7)) * len(used)
    extra_n = int(rng.integers(0, 16))
    extra = [unused[int(i)] for i in rng.choice(len(unused), extra_n, replace=False)]
    w_extra = rng.uniform(0.002, 0.02, extra_n) * w.sum()
    pool = used + extra
    weights = np.concatenate([w, w_extra])
    return pool, weights / weights.sum()


def commune_cases(c: Commune, rng: np.random.Generator, d: _Days) -> pd.DataFrame:
    """The commune's case rows, in the columns of :func:`tthc.sample.cases.generate_cases`."""
    pool, p = _procedure_mix(rng)
    legal = np.array([q.days for q in pool])
    n = c.size
    pi = rng.choice(len(pool), n, p=p)
    ri = rng.choice(d.ytd, n, p=d.ytd_p)
    # 2025 cases still open on 01/01/2026 (long procedures), all ended early in 2026.
    long_ = np.flatnonzero(legal >= 5)
    n_old = max(1, n // 150) if len(long_) else 0
    if n_old:
        opi = rng.choice(long_, n_old)
        lo = np.maximum(d.i_2025, d.i_ytd - legal[opi] + 1)
        ori = rng.integers(lo, d.i_ytd)
        pi = np.concatenate([pi, opi])
        ri = np.concatenate([ri, ori])
    total = len(pi)
    days = legal[pi]
    ro = _clocks(rng, total)
    due_i = ri + days
    old = np.arange(total) >= n
    # Outcome draws (2025 cases: early, never late or withdrawn).
    u = rng.random(total)
    late = (u < c.late_rate) & ~old
    withdrawn = (u >= c.late_rate) & (u < c.late_rate + c.withdrawn_rate) & ~old
    early_lo = np.where(old, d.i_ytd, ri)
    span = np.maximum(due_i - 1 - early_lo, 0)
    ei = early_lo + np.minimum((rng.beta(1.3, 2.6, total) * (span + 1)).astype(np.int64), span)
    ei = np.where(late, due_i + rng.integers(1, 6, total), ei)
    same_day = ei == ri
    eo = np.where(
        same_day,
        np.minimum(ro + rng.integers(300, 3 * 3600, total), DAY_SECONDS + OVERTIME),
        _clocks(rng, total),
    )
    open_ = ei > d.i_last
    received = d.at(ri, ro)
    due = d.at(due_i, ro)
    ended = d.at(np.minimum(ei, len(d.origin) - 1), eo)
    # Returned: most within the hour or so, some collected 1–3 working days later.
    quick = rng.random(total) < 0.75
    back = ended + rng.integers(60, 90 * 60, total).astype("timedelta64[s]")
    later = d.at(np.minimum(ei + rng.integers(1, 4, total), len(d.origin) - 1), _clocks(rng, total))
    returned = np.where(quick, back, later).astype("datetime64[s]")
    handed = returned <= d.cutoff
    pending_label = np.where(rng.random(total) < 0.85, "Đang xử lý", "Yêu cầu bổ sung giấy tờ")
    status = np.where(
        open_,
        pending_label,
        np.where(withdrawn, "Công dân yêu cầu rút hồ sơ",
                 np.where(handed, "Đã trả kết quả", "Đã xử lý xong")),
    )  # fmt: skip
    resolved = ~open_ & ~withdrawn
    online = rng.random(total) < c.online_share
    postal = ~online & (rng.random(total) < 0.05)
    channel = np.where(
        online,
        CHANNEL_LABELS[Channel.ONLINE],
        np.where(postal, CHANNEL_LABELS[Channel.POSTAL], CHANNEL_LABELS[Channel.IN_PERSON]),
    )
    nat = np.datetime64("NaT", "s")
    field = np.array([q.field for q in pool], dtype=object)[pi]
    df = pd.DataFrame(
        {
            "_ri": ri,
            "procedure_code": np.array([q.code for q in pool], dtype=object)[pi],
            "procedure_name": np.array([q.name for q in pool], dtype=object)[pi],
            "field": field,
            "channel": channel,
            "status_label": status,
            "received_at": received,
            "due_at": due,
            "ended_at": np.where(open_, nat, ended),
            "returned_at": np.where(
                resolved & handed & (status == "Đã trả kết quả"), returned, nat
            ),
            "has_components": rng.random(total) < c.components_rate,
            "has_result_file": resolved & (rng.random(total) < c.result_file_rate),
            "reused_data": rng.random(total) < c.reuse_rate,
        }
    )
    df["status_code"] = df["status_label"].map(STATUS)
    df["handler"] = [HANDLERS.get(f, DEFAULT_HANDLER) for f in field]
    df = df.sort_values("received_at", kind="stable").reset_index(drop=True)
    day = d.day_keys[df.pop("_ri").to_numpy()]
    # Sorted by reception, so each day's cases are consecutive: number them from 1.
    pos = np.arange(len(day))
    first = np.r_[True, day[1:] != day[:-1]] if len(day) else np.zeros(0, bool)
    seq = pos - np.maximum.accumulate(np.where(first, pos, 0)) + 1
    codes = np.char.add(
        np.char.add(f"{c.prefix}-", day), np.char.add("-", np.char.zfill(seq.astype(str), 4))
    )
    df.insert(0, "case_code", codes.astype(object))
    people = People(rng)
    df["owner"] = people.names(total)
    df["address"] = _addresses(rng, c, total)
    df["phone"] = people.phones(total)
    for col in ("received_at", "due_at", "ended_at", "returned_at"):
        df[col] = pd.to_datetime(df[col])
    return df


def _addresses(rng: np.random.Generator, c: Commune, n: int) -> list[str]:
    house = rng.integers(1, 320, n)
    hamlet = rng.integers(1, 13, n)
    tail = f"{c.display_name}, thành phố Hải Phòng"
    return [f"Số {h}, Thôn {t}, {tail}" for h, t in zip(house, hamlet, strict=True)]


def commune_pakn(c: Commune, rng: np.random.Generator, d: _Days) -> pd.DataFrame:
    """The commune's PAKN rows (often none), in the columns of :mod:`tthc.sample.pakn`."""
    n = int(rng.poisson(c.size * c.pakn_rate / 1000))
    if n == 0:
        return pd.DataFrame(columns=list(PAKN_COLUMNS))
    ri = np.sort(rng.choice(d.ytd, n))
    late = rng.random(n) < 0.12
    took = np.where(late, PAKN_DEADLINE_DAYS + rng.integers(1, 4, n), rng.integers(1, 12, n))
    hi = ri + took
    received = d.at(ri, _clocks(rng, n))
    handled = d.at(hi, _clocks(rng, n))
    open_ = hi > d.i_last
    due = d.origin[ri + PAKN_DEADLINE_DAYS] + np.timedelta64(int(9.5 * 3600), "s")  # 17:00
    people = People(rng)
    days = d.day_keys[ri]
    return pd.DataFrame(
        {
            "pakn_code": [f"PA.{c.prefix}-{day}-{k + 1:03d}" for k, day in enumerate(days)],
            "title": [PAKN_TOPICS[int(i)] for i in rng.integers(0, len(PAKN_TOPICS), n)],
            "person": people.names(n),
            "phone": people.phones(n),
            "received_at": pd.to_datetime(received),
            "due_at": pd.to_datetime(due),
            "handled_at": pd.to_datetime(np.where(open_, np.datetime64("NaT", "s"), handled)),
            "status_label": np.where(open_, "Đang xử lý", "Đã xử lý"),
            "source": [PAKN_SOURCES[int(i)] for i in rng.integers(0, 2, n)],
        }
    )


def draw_commune(
    rng: np.random.Generator, slug: str, name: str, unit_type: str, code: str, prefix: str
) -> Commune:
    """A commune's size, channels, digitisation and punctuality."""
    size = round(float(np.exp(rng.uniform(np.log(300), np.log(5000)))))
    has_late = rng.random() < 0.6
    return Commune(
        slug=slug,
        name=name,
        unit_type=unit_type,
        code=code,
        prefix=prefix,
        size=size,
        online_share=float(rng.uniform(0.5, 1.0)),
        late_rate=float(rng.uniform(0.002, 0.06)) if has_late else 0.0,
        withdrawn_rate=float(rng.uniform(0.0, 0.01)),
        components_rate=float(rng.uniform(0.85, 1.0)),
        result_file_rate=float(rng.uniform(0.8, 1.0)),
        reuse_rate=float(rng.uniform(0.6, 1.0)),
        pakn_rate=float(rng.uniform(0.0, 2.5)),
    )


def new_days() -> _Days:
    return _Days()
