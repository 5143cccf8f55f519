"""Feedback (phản ánh, kiến nghị) received 01/01–14/06/2026 through the national portal and the
1022 hotline, constructed like the cases: the period's count and outcome are fixed first.

A commune gets few of these. Every one is handled by the export: those received before the
period also before it (one of them late, for realism), the period's ones inside it and on time,
so the period's figures are the same whichever date a statistic keys on. The deadline (hạn xử
lý) is 15 working days after reception (QĐ 766 indicator 5.2).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from tthc.sample import targets as T
from tthc.sample.calendar import WorkCalendar
from tthc.sample.people import People

DEADLINE_DAYS = 15
SOURCES = ("Cổng Dịch vụ công quốc gia", "Tổng đài 1022")
BEFORE_PERIOD = 7  # received 01/01–14/05
LATE_BEFORE = 1

TOPICS = (
    "Phản ánh thời gian trả kết quả chứng thực bản sao điện tử",
    "Kiến nghị hướng dẫn nộp hồ sơ đăng ký khai sinh trực tuyến",
    "Phản ánh thái độ tiếp công dân tại bộ phận một cửa",
    "Kiến nghị bổ sung ghế chờ tại Trung tâm Phục vụ hành chính công",
    "Phản ánh lỗi thanh toán phí trực tuyến trên Cổng Dịch vụ công",
    "Kiến nghị công khai thời gian giải quyết thủ tục tách thửa đất",
    "Phản ánh việc yêu cầu bổ sung giấy tờ không có trong quy định",
    "Kiến nghị hỗ trợ người cao tuổi nộp hồ sơ trực tuyến",
    "Phản ánh chậm cấp giấy xác nhận tình trạng hôn nhân",
    "Kiến nghị niêm yết mức lệ phí chứng thực hợp đồng",
)


def generate_pakn(rng: np.random.Generator) -> pd.DataFrame:
    """Rows of the PAKN export, in reception order."""
    cal = WorkCalendar()
    i_ytd = cal.index_on_or_after(T.YTD_START)
    i_period = cal.index_on_or_after(T.PERIOD_START)
    i_last = cal.index_on_or_before(T.PERIOD_END)
    n_period = int(T.FIGURES["pakn_received"])
    assert T.FIGURES["pakn_on_time"] == n_period and T.FIGURES["pakn_late"] == 0

    def when(i: int) -> datetime:
        """A time inside office hours (7:30–11:30, 13:30–17:00) of working day ``i``."""
        base = datetime.combine(cal.days[i], time(7, 30))
        off = int(rng.integers(0, int(7.5 * 3600)))
        return base + timedelta(seconds=off if off < 4 * 3600 else off + 2 * 3600)

    rows = []
    # Before the period: handled before 15/5; the late one past its deadline.
    late_k = set(range(LATE_BEFORE))
    starts = rng.choice(
        np.arange(i_ytd, i_period - DEADLINE_DAYS - 3), BEFORE_PERIOD, replace=False
    )
    for k, ri in enumerate(sorted(starts.tolist())):
        took = DEADLINE_DAYS + int(rng.integers(1, 3)) if k in late_k else int(rng.integers(2, 10))
        rows.append((ri, ri + took))
    # In the period: received and handled inside it, within the deadline.
    starts = rng.choice(np.arange(i_period, i_last - 3), n_period, replace=False)
    for ri in sorted(starts.tolist()):
        rows.append((ri, min(ri + int(rng.integers(2, 10)), i_last)))

    people = People(rng)
    names, phones = people.names(len(rows)), people.phones(len(rows))
    topics = rng.choice(len(TOPICS), size=len(rows), replace=False)
    records = []
    for k, (ri, hi) in enumerate(rows):
        received = when(ri)
        handled = when(hi)  # always a later working day than the reception
        day: date = received.date()
        records.append(
            {
                "pakn_code": f"PA.H31.41-{day:%y%m%d}-{k + 1:03d}",
                "title": TOPICS[int(topics[k])],
                "person": names[k],
                "phone": phones[k],
                "received_at": received,
                "due_at": datetime.combine(cal.days[ri + DEADLINE_DAYS], time(17, 0)),
                "handled_at": handled,
                "status_label": "Đã xử lý",
                "source": SOURCES[int(rng.integers(0, 2))],
            }
        )
    return pd.DataFrame.from_records(records)
