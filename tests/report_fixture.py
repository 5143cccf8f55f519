"""A warehouse that reproduces the An Trường sample (domain.md §10), built with plain SQL.

Used by the report-notebook, PDF and browser tests until the sample generator and ingest exist
(then :func:`sample_warehouse` prefers them). Deterministic: the same rows on every run.

Construction (under the an-truong profile: timestamp comparison, legacy rounding, YTD from
01/01): 375 catalogue procedures (155 một phần, 220 toàn trình), 51 of them with cases in 2026
(28 + 23); 2668 cases received online 15/5–14/6/2026; 83 carried over (78 resolved in the period,
5 still open); 2686 resolved (2685 early, 1 late: a chứng thực bản sao điện tử case); 65 in
progress, all within the deadline; 2 PAKN handled on time; earlier 2026 months and June 2025
for the charts and comparisons; a few cases of the year without data reuse (99,87%).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

from stats_factory import insert_case_rows

from tthc import warehouse
from tthc.sample.targets import FIGURES

UNIT = "an-truong"
COVERS_FROM = date(2025, 5, 15)
COVERS_TO = date(2026, 6, 14)

# domain.md §10, stated once for the whole project in tthc.sample.targets.
EXPECTED = FIGURES


FIELDS = (
    "Chứng thực",
    "Hộ tịch",
    "Đất đai",
    "Bảo trợ xã hội",
    "Người có công",
    "Đăng ký biện pháp bảo đảm",
    "Thi đua, khen thưởng",
)
LATE_PROCEDURE = ("2.000815", "Cấp bản sao điện tử được chứng thực từ bản chính", "Chứng thực")


def _catalogue() -> list[tuple[str, str, str, str]]:
    """(code, name, field, level): 155 partial then 220 full; the late case's procedure first."""
    rows = [(*LATE_PROCEDURE[:2], LATE_PROCEDURE[2], "partial")]
    for i in range(1, 155):
        rows.append((f"1.{i:06d}", f"Thủ tục một phần số {i}", FIELDS[i % len(FIELDS)], "partial"))
    for i in range(1, 221):
        rows.append((f"2.{i:06d}", f"Thủ tục toàn trình số {i}", FIELDS[i % len(FIELDS)], "full"))
    return rows


def build(path: Path) -> Path:
    """Write the warehouse at ``path`` (a new file) and return it."""
    rng = random.Random(2026)
    con = warehouse.connect(path)
    now = datetime(2026, 6, 15, 8, 0)

    def ingest(
        kind: str, name: str, as_of: datetime, read: int, inserted: int, rejected: int
    ) -> int:
        # The lists cover 15/5/2025-14/6/2026 (the months a year back for the comparisons),
        # "Ngày xuất" 15/6/2026 08:00; the catalogue is a snapshot with no range.
        covers = (COVERS_FROM, COVERS_TO) if kind != "catalogue" else (None, None)
        return con.execute(
            """INSERT INTO ingests (unit, kind, file_name, file_sha256, as_of, covers_from,
                   covers_to, as_of_source, ingested_at, rows_read, inserted, updated, unchanged,
                   rejected, conflicts, tool_version)
               VALUES (?, ?, ?, 'fixture', ?, ?, ?, 'title', ?, ?, ?, 0, 0, ?, 0, 'fixture')
               RETURNING ingest_id""",
            [UNIT, kind, name, as_of, *covers, now, read, inserted, rejected],
        ).fetchall()[0][0]  # fetchall: DuckDB 2 leaves a fetchone() result unfinished

    catalogue = _catalogue()
    cat_id = ingest("catalogue", "danh-muc-tthc.xlsx", datetime(2026, 1, 5), 375, 375, 0)
    con.executemany(
        "INSERT INTO procedures VALUES (?, ?, ?, ?, ?, ?, ?)",
        [[UNIT, cat_id, c, n, n.lower(), f, lv] for c, n, f, lv in catalogue],
    )
    # 28 partial (the late case's procedure among them) + 23 full procedures have cases in 2026.
    used = catalogue[:28] + catalogue[155 : 155 + 23]
    weights = [40 if p[2] == "Chứng thực" else 12 if p[2] == "Hộ tịch" else 3 for p in used]

    cases: list[dict] = []
    seq = iter(range(1, 10**7))

    def case(received: datetime, allowed_days: float, used_share: float | None, proc=None, **kw):
        proc = proc or rng.choices(used, weights)[0]
        due = (received + timedelta(days=allowed_days)).replace(hour=17, minute=0, second=0)
        ended = None if used_share is None else received + (due - received) * used_share
        cases.append(
            {
                "case_code": f"H{next(seq):07d}",
                "procedure_code": proc[0],
                "procedure_name": proc[1],
                "field": proc[2],
                "received_at": received,
                "due_at": due,
                "ended_at": ended,
                "outcome": "resolved" if ended is not None else "pending",
                **kw,
            }
        )

    def moment(day: datetime) -> datetime:
        return day.replace(
            hour=rng.randint(7, 16), minute=rng.randint(0, 59), second=rng.randint(0, 59)
        )

    start, end = datetime(2026, 5, 15), datetime(2026, 6, 14)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    # New in the period: 2608 resolved early + 1 resolved late + 59 open within the deadline.
    for _ in range(2607):
        r = moment(rng.choice(days[:-6]))  # due and finish before the period ends
        case(r, rng.choice([1, 2, 3, 5]), rng.uniform(0.05, 0.9))
    r = datetime(2026, 6, 2, 9, 30)
    case(r, 1, 1.6, proc=(*LATE_PROCEDURE[:2], LATE_PROCEDURE[2]))
    for _ in range(60):
        r = moment(rng.choice(days[-4:]))
        case(r, rng.choice([5, 7, 10]), None)
    # Carried over: received 2–14 May, 78 resolved early in the period, 5 still open.
    may = [datetime(2026, 5, d) for d in range(2, 15)]
    for _ in range(78):
        r = moment(rng.choice(may))
        allowed = 30
        share = ((start + timedelta(days=rng.randint(0, 10), hours=10)) - r) / (
            (r + timedelta(days=allowed)).replace(hour=17, minute=0, second=0) - r
        )
        case(r, allowed, share)
    for _ in range(5):
        r = moment(rng.choice(may))
        case(r, 45, None)
    # Earlier 2026 (01/01–01/05): resolved early before 15/5, for the monthly chart and YTD rates.
    early_days = [datetime(2026, 1, 1) + timedelta(days=i) for i in range(121)]
    for day in early_days:
        for _ in range(rng.randint(75, 100)):
            case(moment(day), rng.choice([2, 3, 5]), rng.uniform(0.05, 0.9))
    # The same period a year earlier, for the comparison table.
    ly = [datetime(2025, 5, 15) + timedelta(days=i) for i in range(31)]
    for day in ly:
        for _ in range(rng.randint(60, 80)):
            case(moment(day), rng.choice([2, 3, 5]), rng.uniform(0.05, 1.05))

    # The fewest cases received in 2026 without data reuse that give 99,87% of the year's cases.
    in_2026 = [c for c in cases if c["received_at"] >= datetime(2026, 1, 1)]
    n = len(in_2026)
    k = next(k for k in range(n) if round((n - k) / n * 100, 2) == 99.87)
    for c in rng.sample(in_2026, k):
        c["reused"] = False

    cases_id = ingest("cases", "danh-sach-ho-so.xlsx", now, len(cases) + 3, len(cases), 3)
    rows = []
    for c in cases:
        resolved = c["outcome"] == "resolved"
        rows.append(
            {
                "unit": UNIT,
                "case_code": c["case_code"],
                "procedure_code": c["procedure_code"],
                "procedure_name": c["procedure_name"],
                "field": c["field"],
                "channel": "online",
                "channel_scheme": "code",
                "status_code": 10 if resolved else 4,
                "status_label": "Đã trả kết quả" if resolved else "Đang xử lý",
                "outcome": c["outcome"],
                "received_at": c["received_at"],
                "due_at": c["due_at"],
                "original_due_at": c["due_at"],
                "ended_at": c["ended_at"],
                "returned_at": c["ended_at"],
                "has_components": True,
                "has_result_file": resolved,
                "reused_data": c.get("reused", True),
                "fee_bearing": False,
                "paid_online": False,
                "ingest_id": cases_id,
                "as_of": now,
                "first_ingest_id": cases_id,
            }
        )
    insert_case_rows(con, rows)
    for row_number, reason in (
        (7, "Thiếu ngày tiếp nhận"),
        (19, "Ngày hẹn trả không đọc được: '31/02/2026'"),
        (2044, "Thiếu ngày tiếp nhận"),
    ):
        con.execute(
            "INSERT INTO rejects VALUES (?, ?, 'cases', 'danh-sach-ho-so.xlsx', 'Sheet1', ?, ?, NULL)",
            [cases_id, UNIT, row_number, reason],
        )

    pakn_id = ingest("pakn", "pakn.xlsx", now, 2, 2, 0)
    for i, (rec, handled) in enumerate(
        (
            (datetime(2026, 5, 20, 9), datetime(2026, 5, 27, 15)),
            (datetime(2026, 6, 3, 10), datetime(2026, 6, 9, 16)),
        ),
        start=1,
    ):
        con.execute(
            "INSERT INTO pakn VALUES (?, ?, '1022', 'Đã xử lý', ?, ?, ?, ?, ?, ?)",
            [UNIT, f"PA-{i:04d}", rec, rec + timedelta(days=15), handled, pakn_id, now, pakn_id],
        )
    con.close()
    return path


# --- helpers shared by the notebook, PDF, DOCX and browser tests ------------------------------

# How the signed document writes every figure of domain.md §10 (tthc.sample.targets) under
# An Trường's profile, with the fixed text around them: the PDF, the DOCX and the DOCX as
# LibreOffice prints it must all hold each of these (whitespace normalised).
REFERENCE_SENTENCES = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Từ ngày 15/5/2026 đến 14/6/2026",
    "phát sinh 51/375 thủ tục hành chính, đạt 13.6%",
    "28/155 thủ tục DVCTT một phần đạt 18.1%",
    "23/220 thủ tục DVCTT toàn trình đạt 10.4%",
    "Tỷ lệ hồ sơ trực tuyến trên tổng hồ sơ của các DVCTT: 100%",
    "Tổng số hồ sơ: 2751 hồ sơ",
    "Số mới tiếp nhận trong kỳ: 2668 hồ sơ (Tiếp nhận trực tuyến: 2668 hồ sơ; Tiếp nhận trực tiếp và qua dịch vụ bưu chính: 0 hồ sơ)",
    "Số từ kỳ trước chuyển qua: 83 hồ sơ",
    "đã giải quyết: 2686 hồ sơ (Trong đó: giải quyết trước hạn: 2685 hồ sơ, đúng hạn: 0 hồ sơ, quá hạn: 1 hồ sơ)",
    "đang giải quyết: 65 hồ sơ (Trong đó, trong hạn: 65 hồ sơ, quá hạn: 0 hồ sơ)",
    "có thành phần hồ sơ đính kèm: 100%",
    "có file kết quả đính kèm: 100%",
    "có thành phần hồ sơ và file kết quả đính kèm: 100%",
    "Tỷ lệ tái sử dụng dữ liệu số hóa đạt 99.87%",
    "Tổng số PAKN đã tiếp nhận: 2; số PAKN đã xử lý đúng hạn: 2; số PAKN đã xử lý quá hạn: 0; số PAKN đang xử lý: 0",
    "trước hạn và đúng hạn đạt 99.96%",
    "TM. ỦY BAN NHÂN DÂN",
    "Vũ Trọng Dũng",
    "Phụ lục",
)
# The sample narrative supplies the dashboard's reuse rate: its footnote.
SUPPLIED_NOTE = (
    "Theo Cổng Dịch vụ công quốc gia, số liệu đến ngày 14/6/2026: 99.87%, khớp với số liệu tính "
    "từ tệp xuất của phần mềm một cửa."
)

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "monthly_report.ipynb"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def sample_warehouse(folder: Path) -> Path:
    """The real An Trường sample: ``tthc sample`` exports ingested by ``tthc ingest``."""
    from tthc.cli import main

    exports = folder / "sample"
    db = folder / "sample.duckdb"
    assert main(["sample", "--out", str(exports)]) == 0
    files = sorted(str(p) for p in exports.iterdir())
    assert main(["ingest", "--db", str(db), "--unit", UNIT, *files]) == 0
    return db


def execute_report(db: Path, out: Path, period: str = "2026-06", unit: str = UNIT) -> Path:
    """Run the report notebook with papermill (as ``tthc report`` does) and return its path."""
    import papermill

    papermill.execute_notebook(
        str(NOTEBOOK),
        str(out),
        parameters={"unit": unit, "period": period, "db": str(db), "profile": None},
        kernel_name="python3",
        progress_bar=False,
        log_output=False,
        execution_timeout=300,
        start_timeout=120,
    )
    return out
