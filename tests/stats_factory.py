"""Build warehouse states directly with SQL for the statistics tests (no ingest involved).

The factory writes rows in the exact shape of ``lib/tthc/schema.py`` so the tests exercise the
real DuckDB queries against the real contract.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from tthc import warehouse


def insert_case_rows(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    """Insert case dicts (keys = columns of ``cases``) with the warehouse's column types."""
    if not rows:
        return
    columns = list(rows[0])
    df = pd.DataFrame(rows, columns=columns)
    for col in ("received_at", "due_at", "original_due_at", "ended_at", "returned_at", "as_of"):
        df[col] = pd.to_datetime(df[col]).astype("datetime64[us]")
    for col in ("has_components", "has_result_file", "reused_data", "fee_bearing", "paid_online"):
        df[col] = df[col].astype("boolean")
    df["status_code"] = df["status_code"].astype("Int16")
    con.register("_new_cases", df)
    try:
        cols = ", ".join(columns)
        con.execute(f"INSERT INTO cases ({cols}) SELECT {cols} FROM _new_cases")
    finally:
        con.unregister("_new_cases")


_STATUS = {
    "pending": (4, "Đang xử lý"),
    "resolved": (10, "Đã trả kết quả"),
    "withdrawn": (7, "Công dân yêu cầu rút hồ sơ"),
    "stopped": (8, "Dừng xử lý"),
    "returned": (None, "Trả lại hồ sơ"),
    "not_received": (3, "Không được tiếp nhận"),
}


def ts(text: str) -> datetime:
    """'2026-06-14 23:59:59' or '2026-06-14' -> naive local datetime."""
    return datetime.fromisoformat(text)


# The lists a Factory creates by itself cover every day from FULL_FROM, exported at FULL_AS_OF:
# tests about figures see every figure determined; coverage tests give their own ranges.
FULL_FROM = date(2000, 1, 1)
FULL_AS_OF = datetime(2100, 1, 1)


@dataclass
class Factory:
    """Writes ingests, cases, catalogue snapshots and PAKN rows into one warehouse."""

    con: duckdb.DuckDBPyConnection
    path: Path | None = None
    _seq: itertools.count = field(default_factory=lambda: itertools.count(1))
    _ingest: dict[tuple[str, str], int] = field(default_factory=dict)

    @classmethod
    def create(cls, path: Path) -> Factory:
        return cls(warehouse.connect(path), path)

    def reopen_read_only(self) -> duckdb.DuckDBPyConnection:
        """Close the writer and open read-only, as the CLI and the notebooks do."""
        assert self.path is not None
        self.con.close()
        return warehouse.connect(self.path, read_only=True)

    def ingest(
        self,
        unit: str,
        kind: str,
        as_of: datetime | str | None = None,
        file_name: str = "x.xlsx",
        covers_from: date | None = None,
        covers_to: date | None = None,
        as_of_source: str | None = "title",
    ) -> int:
        """One ledger row; a list "Từ ngày ``covers_from`` đến ngày ``covers_to``" exported at
        ``as_of`` (where ``as_of_source`` says it came from)."""
        if isinstance(as_of, str):
            as_of = ts(as_of)
        row = self.con.execute(
            """INSERT INTO ingests (unit, kind, file_name, file_sha256, as_of, covers_from,
                                    covers_to, as_of_source, ingested_at, rows_read, inserted,
                                    updated, unchanged, rejected)
               VALUES (?, ?, ?, 'sha', ?, ?, ?, ?, ?, 0, 0, 0, 0, 0) RETURNING ingest_id""",
            [
                unit,
                kind,
                file_name,
                as_of,
                covers_from,
                covers_to,
                as_of_source if as_of is not None else None,
                datetime(2030, 1, 1),
            ],
        ).fetchall()[0]
        self._ingest[(unit, kind)] = row[0]
        return row[0]

    def set_covers_from(self, day: date) -> None:
        """Every case export starts on ``day``, as its title's "Từ ngày …" would say."""
        self.con.execute("UPDATE ingests SET covers_from = ? WHERE kind = 'cases'", [day])

    def full_lists(self, *units: str) -> None:
        """Case and PAKN lists covering every day for ``units`` (none in them yet)."""
        for unit in units:
            for kind in ("cases", "pakn"):
                self._ingest_id(unit, kind)

    def _ingest_id(self, unit: str, kind: str) -> int:
        if (unit, kind) not in self._ingest:
            self.ingest(unit, kind, as_of=FULL_AS_OF, covers_from=FULL_FROM)
        return self._ingest[(unit, kind)]

    def case_row(
        self,
        *,
        unit: str = "xa-a",
        code: str | None = None,
        procedure_code: str | None = "1.000001",
        procedure_name: str | None = "Đăng ký khai sinh",
        field: str | None = "Hộ tịch",
        channel: str | None = "online",
        channel_scheme: str | None = "code",
        outcome: str = "pending",
        received: datetime | str | None = "2026-06-01 08:00",
        due: datetime | str | None = None,
        ended: datetime | str | None = None,
        has_components: bool | None = True,
        has_result_file: bool | None = True,
        reused_data: bool | None = True,
        fee_bearing: bool | None = False,
        paid_online: bool | None = False,
    ) -> dict[str, Any]:
        def t(v: datetime | str | None) -> datetime | None:
            return ts(v) if isinstance(v, str) else v

        iid = self._ingest_id(unit, "cases")
        status = _STATUS[outcome]
        return {
            "unit": unit,
            "case_code": code or f"HS-{next(self._seq):07d}",
            "procedure_code": procedure_code,
            "procedure_name": procedure_name,
            "field": field,
            "channel": channel,
            "channel_scheme": channel_scheme if channel is not None else None,
            "status_code": status[0],
            "status_label": status[1],
            "outcome": outcome,
            "received_at": t(received),
            "due_at": t(due),
            "original_due_at": t(due),
            "ended_at": t(ended),
            "returned_at": None,
            "has_components": has_components,
            "has_result_file": has_result_file,
            "reused_data": reused_data,
            "fee_bearing": fee_bearing,
            "paid_online": paid_online,
            "ingest_id": iid,
            "as_of": None,
            "first_ingest_id": iid,
        }

    def case(self, **kw: Any) -> str:
        row = self.case_row(**kw)
        self.insert_cases([row])
        return row["case_code"]

    def insert_cases(self, rows: list[dict[str, Any]]) -> None:
        insert_case_rows(self.con, rows)

    def catalogue(
        self,
        unit: str,
        procedures: list[tuple[str, str, str | None, str]],
        as_of: datetime | str | None = "2026-01-01",
    ) -> int:
        """One catalogue snapshot: (code, name, field, level) rows."""
        iid = self.ingest(unit, "catalogue", as_of)
        self.con.executemany(
            "INSERT INTO procedures VALUES (?, ?, ?, ?, ?, ?, ?)",
            [[unit, iid, c, n, n.lower(), f, lv] for c, n, f, lv in procedures],
        )
        return iid

    def pakn(
        self,
        unit: str = "xa-a",
        *,
        received: str,
        due: str | None = None,
        handled: str | None = None,
        code: str | None = None,
    ) -> None:
        iid = self._ingest_id(unit, "pakn")
        self.con.execute(
            "INSERT INTO pakn VALUES (?, ?, '1022', NULL, ?, ?, ?, ?, NULL, ?)",
            [
                unit,
                code or f"PA-{next(self._seq):06d}",
                ts(received),
                ts(due) if due else None,
                ts(handled) if handled else None,
                iid,
                iid,
            ],
        )


def make_catalogue(n_partial: int, n_full: int, n_none: int = 0) -> list[tuple[str, str, str, str]]:
    """A synthetic catalogue: codes 1.000001… with levels partial, then full, then none."""
    out = []
    levels = ["partial"] * n_partial + ["full"] * n_full + ["none"] * n_none
    for i, level in enumerate(levels, start=1):
        field_ = ("Hộ tịch", "Chứng thực", "Đất đai")[i % 3]
        out.append((f"1.{i:06d}", f"Thủ tục {i}", field_, level))
    return out
