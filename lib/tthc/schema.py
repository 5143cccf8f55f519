"""The warehouse contract: canonical fields, codes and the DuckDB tables every module shares.

One DuckDB file holds every unit. Rows are keyed by ``unit`` first, so figures are computed per
unit and a city roll-up is a plain sum with no double counting (a case belongs to exactly one
unit). Personal data of citizens (Nghị định 13/2023/NĐ-CP) has no column here at all unless a
unit's params allow it, in which case it goes to ``case_personal`` and nowhere else.
"""

from __future__ import annotations

import re
from enum import StrEnum

# 2: ingests.covers_from (the first day an export lists).
# 3: ingests.covers_to (the last day of the title's range), ingests.as_of_source (where as_of
#    came from: an export time is a fact about the file, a latest date inside it is not), and
#    ingests.sheets / ingests.decisions (every sheet read or skipped; what reading decided).
# 4: ingests.split_id and the file_splits table: a province-level file split to its units.
# 5: cases and pakn without a DuckDB PRIMARY KEY: (unit, code) stays unique, checked by the
#    ingest before it commits (tthc.ingest.store.check_unique_keys).
SCHEMA_VERSION = 5


class Kind(StrEnum):
    """What an export file holds."""

    CASES = "cases"  # danh sách hồ sơ
    CATALOGUE = "catalogue"  # danh mục TTHC
    PAKN = "pakn"  # phản ánh, kiến nghị


class Channel(StrEnum):
    """Kênh thực hiện (vendor codes 1 = trực tiếp, 2 = trực tuyến, 3 = BCCI)."""

    ONLINE = "online"  # trực tuyến
    IN_PERSON = "in_person"  # trực tiếp
    POSTAL = "postal"  # dịch vụ bưu chính công ích (BCCI)


class ChannelScheme(StrEnum):
    """How the export told us the channel; decides whether postal cases are distinguishable."""

    CODE = "code"  # Kênh thực hiện / Hình thức nộp / KenhThucHien: labels or 1/2/3
    ONLINE_FLAG = "online_flag"  # only a yes/no "Trực tuyến" column: "no" means in person


class Outcome(StrEnum):
    """Where a case ends up, derived from its status (domain.md §3, §4 item 1).

    ``ended_at`` of the case says *when*; statistics evaluate the outcome as of a period end.
    """

    PENDING = "pending"  # 2 Được tiếp nhận, 4 Đang xử lý, 5 Yêu cầu bổ sung, 6 Nghĩa vụ tài chính
    RESOLVED = "resolved"  # 9 Đã xử lý xong, 10 Đã trả kết quả
    WITHDRAWN = "withdrawn"  # 7 Công dân yêu cầu rút hồ sơ (dừng thực hiện TTHC)
    STOPPED = "stopped"  # 8 Dừng xử lý
    RETURNED = "returned"  # trả lại / hủy after reception (labels only; no national code)
    NOT_RECEIVED = "not_received"  # 1 Mới đăng ký, 3 Không được tiếp nhận: in no column


# Third bucket (domain.md §4 item 1): ended after reception but neither resolved nor pending.
THIRD_BUCKET = (Outcome.WITHDRAWN, Outcome.STOPPED, Outcome.RETURNED)

# National sync status codes (domain.md §3) -> (Vietnamese label, outcome).
STATUS_CODES: dict[int, tuple[str, Outcome]] = {
    1: ("Mới đăng ký", Outcome.NOT_RECEIVED),
    2: ("Được tiếp nhận", Outcome.PENDING),
    3: ("Không được tiếp nhận", Outcome.NOT_RECEIVED),
    4: ("Đang xử lý", Outcome.PENDING),
    5: ("Yêu cầu bổ sung giấy tờ", Outcome.PENDING),
    6: ("Yêu cầu thực hiện nghĩa vụ tài chính", Outcome.PENDING),
    7: ("Công dân yêu cầu rút hồ sơ", Outcome.WITHDRAWN),
    8: ("Dừng xử lý", Outcome.STOPPED),
    9: ("Đã xử lý xong", Outcome.RESOLVED),
    10: ("Đã trả kết quả", Outcome.RESOLVED),
}


class Level(StrEnum):
    """Mức độ dịch vụ công trực tuyến of a procedure (Nghị định 42/2022/NĐ-CP Điều 11)."""

    FULL = "full"  # DVCTT toàn trình
    PARTIAL = "partial"  # DVCTT một phần
    NONE = "none"  # no online service


# --- DuckDB DDL ---------------------------------------------------------------------------
# Timestamps are naive and mean Vietnam local time (UTC+7): every export is local, every period
# boundary is a local calendar date, and storing naive local time keeps date arithmetic exact.

DDL = """
CREATE SEQUENCE IF NOT EXISTS ingest_id_seq START 1;

CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- One row per file (per sheet) ingested: the ledger that accounts for every row read.
CREATE TABLE IF NOT EXISTS ingests (
    ingest_id BIGINT PRIMARY KEY DEFAULT nextval('ingest_id_seq'),
    unit VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,               -- Kind
    file_name VARCHAR NOT NULL,          -- base name only
    file_sha256 VARCHAR NOT NULL,
    sheet VARCHAR,
    header_row INTEGER,                  -- 1-based row of the (last) header line
    as_of TIMESTAMP,                     -- the export's own date: title row, else latest date inside
    covers_from DATE,                    -- first day the list covers ("Từ ngày …" in the title)
    covers_to DATE,                      -- last day of that range ("… đến ngày …"); NULL if none
    as_of_source VARCHAR,                -- title | title_range | data | ingest_time (ingest.pipeline)
    ingested_at TIMESTAMP NOT NULL,
    rows_read INTEGER NOT NULL,
    inserted INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    conflicts INTEGER NOT NULL DEFAULT 0,
    column_map JSON,                     -- {source header: canonical field}
    dropped_personal JSON,               -- [source header] dropped as personal data
    ignored_columns JSON,                -- [{header, reason}]
    tool_version VARCHAR,
    sheets JSON,                         -- [{sheet, status: read|skipped, header_row, rows, reason}]
    decisions JSON,                      -- [{what, detail, ...}]: encodings, date order, matches
    split_id BIGINT                      -- file_splits.split_id when the file held many units
);

-- A province-level file (one export for many units, with a unit column) split to its units:
-- one row per file, one ``ingests`` row per unit (``ingests.split_id``). Every row read is
-- accounted for: rows_read = the units' ingests.rows_read + rejected_unknown_unit. Rows whose
-- unit is unknown are in ``rejects`` with ingest_id = split_id and unit = ''.
CREATE TABLE IF NOT EXISTS file_splits (
    split_id BIGINT PRIMARY KEY,         -- drawn from ingest_id_seq, like the units' ingest ids
    kind VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    unit_column VARCHAR NOT NULL,        -- the header the rows were split by
    ingested_at TIMESTAMP NOT NULL,
    rows_read INTEGER NOT NULL,          -- every data row of the file
    rejected_unknown_unit INTEGER NOT NULL,
    units JSON NOT NULL,                 -- {unit: {ingest_id, rows_read}}, units without rows too
    unknown JSON                         -- [{value, reason, rows}]: cells that named no unit
);

-- Current state of each case (hồ sơ), one row per (unit, case_code). The ingest keeps the key
-- unique and checks it before COMMIT (tthc.ingest.store.check_unique_keys) instead of a PRIMARY
-- KEY: DuckDB's index made a 200,000-row ingest 0.29 s slower (ART inserts, then the index
-- written at checkpoint) and is loaded again by every later ingest.
CREATE TABLE IF NOT EXISTS cases (
    unit VARCHAR NOT NULL,
    case_code VARCHAR NOT NULL,          -- Mã hồ sơ
    procedure_code VARCHAR,              -- Mã TTHC (from the export, else matched by name)
    procedure_name VARCHAR,              -- Tên thủ tục hành chính (NFC)
    field VARCHAR,                       -- Lĩnh vực (from the export, else from the catalogue)
    channel VARCHAR,                     -- Channel; NULL = export had no channel column
    channel_scheme VARCHAR,              -- ChannelScheme; NULL with channel
    status_code SMALLINT,                -- national code 1..10; NULL when only a label outside it
    status_label VARCHAR,                -- the label as exported (NFC)
    outcome VARCHAR NOT NULL,            -- Outcome
    received_at TIMESTAMP,               -- Ngày tiếp nhận / Ngày nhận; NULL only if NOT_RECEIVED
    due_at TIMESTAMP,                    -- Ngày hẹn trả, replaced by Ngày gia hạn when present
    original_due_at TIMESTAMP,           -- Ngày hẹn trả as exported, before any extension
    ended_at TIMESTAMP,                  -- Ngày kết thúc xử lý / Ngày hoàn thành (resolved or 3rd bucket)
    returned_at TIMESTAMP,               -- Ngày trả (handed over), informational
    has_components BOOLEAN,              -- HoSoCoThanhPhanSoHoa; NULL = column absent
    has_result_file BOOLEAN,             -- DinhKemKetQua; NULL = column absent
    reused_data BOOLEAN,                 -- CoTaiSuDungTPHS; NULL = column absent
    fee_bearing BOOLEAN,                 -- has a fee/charge; NULL = column absent
    paid_online BOOLEAN,                 -- DuocThanhToanTrucTuyen; NULL = column absent
    ingest_id BIGINT NOT NULL,           -- ingest that set this state
    as_of TIMESTAMP,                     -- as_of of that ingest
    first_ingest_id BIGINT NOT NULL
);

-- An older export ingested after a newer one never undoes progress: what it said is kept here.
CREATE TABLE IF NOT EXISTS case_conflicts (
    ingest_id BIGINT NOT NULL,           -- the older export
    unit VARCHAR NOT NULL,
    case_code VARCHAR NOT NULL,
    kept_ingest_id BIGINT NOT NULL,      -- the state that stayed
    reason VARCHAR NOT NULL,
    detail JSON
);

-- Danh mục TTHC: one snapshot per catalogue ingest; statistics use the latest snapshot whose
-- as_of is on or before the period end, so a past month keeps its catalogue.
CREATE TABLE IF NOT EXISTS procedures (
    unit VARCHAR NOT NULL,
    ingest_id BIGINT NOT NULL,
    procedure_code VARCHAR NOT NULL,     -- Mã TTHC
    procedure_name VARCHAR NOT NULL,
    name_key VARCHAR NOT NULL,           -- normalised name for matching exports without a code
    field VARCHAR,
    level VARCHAR NOT NULL,              -- Level
    PRIMARY KEY (unit, ingest_id, procedure_code)
);

-- Phản ánh, kiến nghị: one row per (unit, pakn_code), kept unique like cases.
CREATE TABLE IF NOT EXISTS pakn (
    unit VARCHAR NOT NULL,
    pakn_code VARCHAR NOT NULL,          -- exported code, else a stable hash of the row
    source VARCHAR,                      -- Nguồn (Cổng DVCQG, 1022, ...)
    status_label VARCHAR,
    received_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP,
    handled_at TIMESTAMP,
    ingest_id BIGINT NOT NULL,
    as_of TIMESTAMP,
    first_ingest_id BIGINT NOT NULL
);

-- Every row that could not be stored, with why. ``raw`` never holds personal columns.
CREATE TABLE IF NOT EXISTS rejects (
    ingest_id BIGINT NOT NULL,
    unit VARCHAR NOT NULL,               -- '' for a split file's row whose unit is unknown
    kind VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    sheet VARCHAR,
    row_number INTEGER NOT NULL,         -- 1-based row in the sheet / line in the CSV
    reason VARCHAR NOT NULL,             -- Vietnamese, one line
    raw JSON
);

-- Only when params/units/<unit>.yaml sets personal_data.allow: true.
CREATE TABLE IF NOT EXISTS case_personal (
    unit VARCHAR NOT NULL,
    case_code VARCHAR NOT NULL,
    data JSON NOT NULL,
    ingest_id BIGINT NOT NULL,
    PRIMARY KEY (unit, case_code)
);
"""


def create_table_sql(table: str, name: str) -> str:
    """``CREATE TABLE <name>`` with the columns :data:`DDL` gives ``table`` (for migrations that
    rebuild a table). Raises ``KeyError`` for a table :data:`DDL` does not define."""
    m = re.search(rf"CREATE TABLE IF NOT EXISTS {re.escape(table)} \((.*?)\n\);", DDL, re.S)
    if m is None:
        raise KeyError(table)
    return f"CREATE TABLE {name} ({m.group(1)}\n)"
