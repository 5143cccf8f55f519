"""Warehouse rules: upsert, older exports never undo progress, idempotence, transactions,
row accounting, rejects and personal data."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest
from fixtures.ingest.build_fixtures import PERSONAL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_helpers import rejects_dir

import tthc.ingest.pipeline as pipeline
from tthc.ingest.aliases import load_aliases
from tthc.ingest.pipeline import IngestResult, ingest_file
from tthc.units import UnitParams, default_unit_params
from tthc.warehouse import connect

FIX = Path(__file__).parent / "fixtures" / "ingest"
D = dt.datetime
HEADER = ["Mã hồ sơ", "Mã TTHC", "Trạng thái", "Ngày nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý"]


def export(path: Path, as_of: str, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["DANH SÁCH HỒ SƠ"])
        w.writerow([f"Ngày xuất: {as_of}"])
        w.writerow(header)
        w.writerows(rows)
    return path


def pending(code: str) -> list[str]:
    return [code, "1.001193", "Đang xử lý", "01/06/2026 08:00", "05/06/2026 17:00", ""]


def resolved(code: str) -> list[str]:
    return [
        code,
        "1.001193",
        "Đã trả kết quả",
        "01/06/2026 08:00",
        "05/06/2026 17:00",
        "03/06/2026 10:00",
    ]


def ingest(con, path: Path, unit: UnitParams | None = None) -> IngestResult:
    params = unit or default_unit_params("xa-thu")
    return ingest_file(con, path, params, load_aliases(params), None, rejects_dir(con))


def counts(r: IngestResult) -> tuple[int, int, int, int, int]:
    c = r.counts
    return c.rows_read, c.inserted, c.updated, c.unchanged, c.rejected


def outcome(con, code: str) -> tuple:
    return con.execute(
        "SELECT outcome, ended_at, as_of, ingest_id, first_ingest_id FROM cases WHERE case_code = ?",
        [code],
    ).fetchone()


def snapshot(con) -> dict[str, list[tuple]]:
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary"
        ).fetchall()
    ]
    return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in tables}


def test_newer_export_updates_and_older_never_undoes_progress(tmp_path: Path, wh) -> None:
    a = ingest(wh, export(tmp_path / "a.csv", "10/06/2026 08:00", [pending("X"), pending("Y")]))
    assert counts(a) == (2, 2, 0, 0, 0)
    b = ingest(wh, export(tmp_path / "b.csv", "15/06/2026 08:00", [resolved("X"), pending("Y")]))
    assert counts(b) == (2, 0, 1, 1, 0)
    assert outcome(wh, "X") == (
        "resolved",
        D(2026, 6, 3, 10),
        D(2026, 6, 15, 8),
        b.ingest_id,
        a.ingest_id,
    )
    # An older export read later: X stays resolved, the conflict is kept; its new case goes in.
    c = ingest(wh, export(tmp_path / "c.csv", "05/06/2026 08:00", [pending("X"), pending("Z")]))
    assert counts(c) == (2, 1, 0, 1, 0)
    assert c.counts.conflicts == 1
    assert outcome(wh, "X")[:2] == ("resolved", D(2026, 6, 3, 10))
    conflict = wh.execute(
        "SELECT ingest_id, case_code, kept_ingest_id, reason, detail FROM case_conflicts"
    ).fetchall()
    assert len(conflict) == 1
    ingest_id, code, kept, reason, detail = conflict[0]
    assert (ingest_id, code, kept) == (c.ingest_id, "X", b.ingest_id)
    assert reason == (
        "Bản xuất cũ hơn (số liệu đến 05/06/2026 08:00) ghi hồ sơ chưa kết thúc, trong khi bản "
        "đã lưu (đến 15/06/2026 08:00) đã kết thúc: giữ bản mới hơn, không làm lùi tiến độ"
    )
    detail = json.loads(detail)
    assert (
        detail["stored"]["outcome"] == "resolved" and detail["older_export"]["outcome"] == "pending"
    )
    assert wh.execute(
        "SELECT conflicts FROM ingests WHERE ingest_id = ?", [c.ingest_id]
    ).fetchone() == (1,)


def test_confirmation_by_newer_export_protects_against_middle_export(tmp_path: Path, wh) -> None:
    ingest(wh, export(tmp_path / "e.csv", "01/06/2026 08:00", [pending("X")]))
    f = ingest(wh, export(tmp_path / "f.csv", "20/06/2026 08:00", [pending("X")]))
    assert counts(f) == (1, 0, 0, 1, 0)
    assert outcome(wh, "X")[2:4] == (D(2026, 6, 20, 8), f.ingest_id)
    g = ingest(wh, export(tmp_path / "g.csv", "10/06/2026 08:00", [resolved("X")]))
    assert counts(g) == (1, 0, 0, 1, 0) and g.counts.conflicts == 1
    assert outcome(wh, "X")[0] == "pending"
    reason = wh.execute("SELECT reason FROM case_conflicts").fetchone()[0]
    assert reason.endswith("khác với bản đã lưu (đến 20/06/2026 08:00): giữ bản mới hơn")


def test_same_as_of_replaces(tmp_path: Path, wh) -> None:
    ingest(wh, export(tmp_path / "a.csv", "10/06/2026 08:00", [pending("X")]))
    r = ingest(wh, export(tmp_path / "b.csv", "10/06/2026 08:00", [resolved("X")]))
    assert counts(r) == (1, 0, 1, 0, 0)


def test_same_file_twice_changes_nothing(tmp_path: Path, wh) -> None:
    path = FIX / "cases_bad_rows.xlsx"
    first = ingest(wh, path)
    before = snapshot(wh)
    again = ingest(wh, path)
    assert again.already_ingested and again.ingest_id == first.ingest_id
    assert counts(again) == (11, 0, 0, 3, 8)
    assert snapshot(wh) == before
    from tthc.ingest.summary import format_result

    assert f"Tệp đã được nạp trước đó (lần nạp #{first.ingest_id})" in format_result(again)


def test_rejects_rows_and_reasons(wh) -> None:
    r = ingest(wh, FIX / "cases_bad_rows.xlsx")
    assert counts(r) == (11, 2, 0, 1, 8)
    got = wh.execute("SELECT row_number, reason FROM rejects ORDER BY row_number").fetchall()
    assert got == [
        (6, "Thiếu mã hồ sơ"),
        (7, 'Ngày không hợp lệ ở cột "Ngày nhận": "31/02/2026 08:00"'),
        (8, "Thiếu ngày tiếp nhận của hồ sơ đã tiếp nhận"),
        (9, 'Trạng thái "Đã trả kết quả" là đã kết thúc nhưng thiếu ngày kết thúc xử lý'),
        (10, "Ngày kết thúc xử lý (04/06/2026 08:00) trước ngày tiếp nhận (05/06/2026 08:00)"),
        (11, 'Trạng thái không nhận ra: "Đang bay lơ lửng"'),
        (12, 'Mã hồ sơ "BR-008" lặp lại trong tệp với nội dung khác nhau (các dòng 12, 13)'),
        (13, 'Mã hồ sơ "BR-008" lặp lại trong tệp với nội dung khác nhau (các dòng 12, 13)'),
    ]
    raw = json.loads(wh.execute("SELECT raw FROM rejects WHERE row_number = 7").fetchone()[0])
    assert raw["Ngày nhận"] == "31/02/2026 08:00" and "Chủ hồ sơ" not in raw
    assert sorted(c for (c,) in wh.execute("SELECT case_code FROM cases").fetchall()) == [
        "BR-001",
        "BR-009",
    ]
    # The rejects CSV beside the warehouse, with a BOM for Excel.
    assert r.rejects_csv is not None
    text = Path(r.rejects_csv).read_bytes()
    assert Path(r.rejects_csv).name == f"{r.ingest_id}-cases_bad_rows.csv"
    assert text.startswith(b"\xef\xbb\xbf")
    lines = text.decode("utf-8-sig").splitlines()
    assert len(lines) == 9 and "Nguyễn Văn An" not in text.decode("utf-8-sig")


def test_csv_row_with_wrong_field_count_is_rejected(tmp_path: Path, wh) -> None:
    p = tmp_path / "r.csv"
    p.write_text(
        "Mã hồ sơ,Mã TTHC,Ngày nhận\nA,1.001193,01/06/2026\nB,1.001193\nC,1.001193,02/06/2026\n",
        encoding="utf-8",
    )
    r = ingest(wh, p)
    assert counts(r) == (3, 2, 0, 0, 1)
    assert wh.execute("SELECT row_number, reason, raw FROM rejects").fetchall() == [
        (3, "Dòng có 2 ô, dòng tiêu đề có 3 ô", None)
    ]


class Boom(RuntimeError):
    pass


@pytest.mark.parametrize("failure", ["exception", "constraint"])
def test_failure_mid_ingest_leaves_the_store_unchanged(
    tmp_path: Path, wh, monkeypatch, failure: str
) -> None:
    ingest(wh, export(tmp_path / "a.csv", "10/06/2026 08:00", [pending("X"), pending("Y")]))
    before = snapshot(wh)
    real = pipeline.write_ledger

    def failing(con, entry, counts):
        if failure == "exception":
            raise Boom("injected")
        real(con, entry, counts)
        # A second ledger row with the same ingest_id violates the primary key.
        real(con, entry, counts)

    monkeypatch.setattr(pipeline, "write_ledger", failing)
    newer = export(
        tmp_path / "b.csv",
        "15/06/2026 08:00",
        [resolved("X"), pending("Z"), ["", "1", "2", "3", "4", "5"]],
    )
    with pytest.raises(Boom if failure == "exception" else duckdb.ConstraintException):
        ingest(wh, newer)
    assert snapshot(wh) == before
    assert not rejects_dir(wh).exists() or not any(rejects_dir(wh).iterdir())
    monkeypatch.setattr(pipeline, "write_ledger", real)
    r = ingest(wh, newer)  # the same file goes in cleanly afterwards
    assert counts(r) == (3, 1, 1, 0, 1)


def test_a_key_stored_twice_undoes_the_ingest_as_a_primary_key_would(
    tmp_path: Path, wh, monkeypatch
) -> None:
    """Schema 5 has no PRIMARY KEY on cases: the check before COMMIT takes its place."""
    ingest(wh, export(tmp_path / "a.csv", "10/06/2026 08:00", [pending("X")]))
    before = snapshot(wh)

    def no_dedupe(con, kind, file_name, raw):  # a broken in-file dedupe lets repeats through
        con.execute("CREATE OR REPLACE TEMP VIEW _good AS SELECT * FROM _stg WHERE _reject IS NULL")
        return {}

    monkeypatch.setattr(pipeline, "dedupe", no_dedupe)
    twice = export(tmp_path / "b.csv", "15/06/2026 08:00", [pending("Y"), resolved("Y")])
    with pytest.raises(duckdb.ConstraintException, match=r"cases \('xa-thu', 'Y'\) stored 2"):
        ingest(wh, twice)
    assert snapshot(wh) == before
    monkeypatch.undo()
    r = ingest(wh, twice)  # the real dedupe rejects both: same code, different content
    assert counts(r) == (2, 0, 0, 0, 2)


def test_a_file_rewritten_during_a_batch_is_hashed_as_it_is_read(tmp_path: Path, monkeypatch):
    """Found by review: files are hashed when the batch starts. One rewritten before its turn
    must not be stored under the old content's hash, or ingesting that old content later would
    be answered "already ingested" and its cases never stored."""
    import hashlib

    a = export(tmp_path / "a.csv", "15/06/2026 08:00", [pending("A")])
    b = export(tmp_path / "b.csv", "15/06/2026 08:00", [pending(f"B{i}") for i in range(10)])
    ten = b.read_bytes()
    real = pipeline.ingest_file

    def rewrite_b_meanwhile(con, path, *args, **kw):  # while a.csv is ingested
        if Path(path).name == "a.csv":
            export(b, "15/06/2026 09:00", [pending(f"B{i}") for i in range(3)])
        return real(con, path, *args, **kw)

    monkeypatch.setattr(pipeline, "ingest_file", rewrite_b_meanwhile)
    db = tmp_path / "w.duckdb"
    first = pipeline.ingest_paths(db, "xa-thu", [a, b])
    assert [r.counts.rows_read for r in first] == [1, 3]
    assert first[1].file_sha256 == hashlib.sha256(b.read_bytes()).hexdigest()
    monkeypatch.undo()
    b.write_bytes(ten)  # the ten-case export after all
    (again,) = pipeline.ingest_paths(db, "xa-thu", [b])
    assert (again.already_ingested, again.counts.inserted) == (False, 7)


def _warehouse_strings(con) -> list[str]:
    cols = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE NOT internal AND data_type IN ('VARCHAR', 'JSON')"
    ).fetchall()
    out = []
    for table, col in cols:
        out += [str(v) for (v,) in con.execute(f'SELECT "{col}" FROM "{table}"').fetchall() if v]
    return out


def test_personal_data_absent_from_every_table(tmp_path: Path, wh) -> None:
    for name in (
        "catalogue.xlsx",
        "cases_sample.xlsx",
        "cases_provincial.xlsx",
        "cases_opencps.xlsx",
        "cases_multirow.xlsx",
        "cases_bad_rows.xlsx",
        "pakn.xlsx",
    ):
        # The provincial list names An Trường in its unit column: only An Trường's own file.
        unit = default_unit_params("an-truong") if "provincial" in name else None
        ingest(wh, FIX / name, unit)
    strings = _warehouse_strings(wh)
    assert len(strings) > 100
    blob = "\n".join(strings)
    for secret in PERSONAL:
        assert secret not in blob, secret
    for p in rejects_dir(wh).glob("*.csv"):
        assert not any(s in p.read_text(encoding="utf-8-sig") for s in PERSONAL)
    dropped = json.loads(
        wh.execute(
            "SELECT dropped_personal FROM ingests WHERE file_name = 'cases_opencps.xlsx'"
        ).fetchone()[0]
    )
    assert "Chủ hồ sơ" in dropped and "Thư điện tử" in dropped


def test_personal_data_only_in_case_personal_when_allowed(tmp_path: Path, wh) -> None:
    unit = UnitParams(
        unit="xa-cho-phep",
        name="Cho phép",
        personal_data={"allow": True, "reason": "Quyết định số 1/QĐ-UBND về quản lý hồ sơ"},
    )
    r = ingest(wh, FIX / "cases_sample.xlsx", unit)
    assert r.dropped_personal == []
    data = json.loads(
        wh.execute(
            "SELECT data FROM case_personal WHERE case_code = '000.00.21.H26-260602-0001'"
        ).fetchone()[0]
    )
    assert data["Chủ hồ sơ"] == "Nguyễn Văn An" and data["Số điện thoại"] == "0912345678"
    others = "\n".join(
        s for s in _warehouse_strings(wh) if not s.startswith("{") or "Chủ hồ sơ" not in s
    )
    assert "Nguyễn Văn An" not in others


STATUS_POOL = ["Đang xử lý", "Đã trả kết quả", "Trả lại", "Không được tiếp nhận", "???", ""]
DATE_POOL = ["01/06/2026 08:00", "2026-06-03", "46177", "31/02/2026", "", "x"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "A", "B", "C", "D", "E"]),
            st.sampled_from(STATUS_POOL),
            st.sampled_from(DATE_POOL),
            st.sampled_from(DATE_POOL),
        ),
        min_size=1,
        max_size=25,
    ),
    st.lists(st.sampled_from(["A", "B", "F"]), max_size=3),
)
def test_every_row_is_accounted_for(tmp_path_factory, rows, earlier) -> None:
    folder = tmp_path_factory.mktemp("acc")
    con = connect(folder / "w.duckdb")
    try:
        if earlier:
            ingest(
                con, export(folder / "old.csv", "20/06/2026 08:00", [pending(c) for c in earlier])
            )
        body = [[code, "1.001193", status, rec, "", end] for code, status, rec, end in rows]
        r = ingest(con, export(folder / "new.csv", "10/06/2026 08:00", body))
        c = r.counts
        assert c.rows_read == len(rows)
        assert c.rows_read == c.inserted + c.updated + c.unchanged + c.rejected
        stored = con.execute(
            "SELECT count(*) FROM rejects WHERE ingest_id = ?", [r.ingest_id]
        ).fetchone()[0]
        assert stored == c.rejected
        new = con.execute(
            "SELECT count(*) FROM cases WHERE first_ingest_id = ?", [r.ingest_id]
        ).fetchone()[0]
        assert new == c.inserted
        assert c.updated == 0  # the export is older than everything stored before it
        ledger = con.execute(
            "SELECT rows_read, inserted, updated, unchanged, rejected FROM ingests WHERE ingest_id = ?",
            [r.ingest_id],
        ).fetchone()
        assert ledger == (c.rows_read, c.inserted, c.updated, c.unchanged, c.rejected)
    finally:
        con.close()


CAT_HEADER = ["Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực", "Mức độ DVCTT"]


def catalogue(path: Path, as_of: str, rows: list[list[str]]) -> Path:
    return export(path, as_of, rows, CAT_HEADER)


def test_catalogue_snapshots_and_matching_uses_the_latest(tmp_path: Path, wh) -> None:
    first = ingest(
        wh,
        catalogue(
            tmp_path / "dm1.csv",
            "05/01/2026",
            [
                ["1.001193", "Đăng ký khai sinh", "Hộ tịch", "Một phần"],
                ["2.000815", "Chứng thực", "CT", "3"],
            ],
        ),
    )
    assert counts(first) == (2, 2, 0, 0, 0)
    second = ingest(
        wh,
        catalogue(
            tmp_path / "dm2.csv",
            "05/06/2026",
            [
                ["1.001193", "Đăng ký khai sinh", "Hộ tịch", "Toàn trình"],  # level changed
                ["2.000815", "Chứng thực", "CT", "3"],
                ["1.004227", "Đăng ký kết hôn", "Hộ tịch", "MP"],
                ["1.004227", "Đăng ký kết hôn", "Hộ tịch", "MP"],  # identical repeat
                ["", "Không mã", "X", "TT"],
                ["1.003583", "Mức lạ", "X", "Mức độ 9"],
            ],
        ),
    )
    assert counts(second) == (6, 1, 1, 2, 2)
    snapshots = wh.execute(
        "SELECT ingest_id, count(*) FROM procedures GROUP BY ingest_id ORDER BY 1"
    ).fetchall()
    assert snapshots == [(first.ingest_id, 2), (second.ingest_id, 3)]
    reasons = sorted(r for (r,) in wh.execute("SELECT reason FROM rejects").fetchall())
    assert reasons == ['Mức độ DVCTT không nhận ra: "Mức độ 9"', "Thiếu mã TTHC"]
    r = ingest(
        wh,
        export(
            tmp_path / "hs.csv",
            "10/06/2026 08:00",
            [["A", "Đăng ký kết hôn", "01/06/2026"]],
            ["Mã hồ sơ", "Tên thủ tục hành chính", "Ngày nhận"],
        ),
    )
    assert r.notes == {"status_inferred": 1, "matched_by_name": 1, "field_from_catalogue": 1}
    assert wh.execute("SELECT procedure_code, field FROM cases").fetchall() == [
        ("1.004227", "Hộ tịch")
    ]


PAKN_HEADER = ["Mã PAKN", "Ngày tiếp nhận", "Hạn xử lý", "Ngày xử lý", "Trạng thái", "Nguồn"]


def test_pakn_upsert_and_older_export(tmp_path: Path, wh) -> None:
    open_ = ["P1", "01/06/2026 08:00", "20/06/2026", "", "Đang xử lý", "1022"]
    done = ["P1", "01/06/2026 08:00", "20/06/2026", "05/06/2026 09:00", "Đã xử lý", "1022"]
    a = ingest(wh, export(tmp_path / "a.csv", "02/06/2026 08:00", [open_], PAKN_HEADER))
    assert counts(a) == (1, 1, 0, 0, 0)
    b = ingest(wh, export(tmp_path / "b.csv", "10/06/2026 08:00", [done], PAKN_HEADER))
    assert counts(b) == (1, 0, 1, 0, 0)
    c = ingest(wh, export(tmp_path / "c.csv", "03/06/2026 08:00", [open_], PAKN_HEADER))
    assert counts(c) == (1, 0, 0, 1, 0) and c.counts.conflicts == 1
    assert wh.execute("SELECT handled_at, status_label FROM pakn").fetchall() == [
        (D(2026, 6, 5, 9), "Đã xử lý")
    ]


def test_date_only_deadline_means_end_of_that_day(tmp_path: Path, wh) -> None:
    rows = [
        ["D1", "1.001193", "Đã trả kết quả", "01/06/2026 08:00", "05/06/2026", "05/06/2026 10:00"],
        ["D2", "1.001193", "Đã trả kết quả", "01/06/2026 08:00", "05/06/2026 17:00", "04/06/2026"],
    ]
    ingest(wh, export(tmp_path / "d.csv", "10/06/2026", rows))
    got = dict(wh.execute("SELECT case_code, due_at FROM cases ORDER BY 1").fetchall())
    # A bare due date is a whole day: finishing at 10:00 on it is not late under timestamps.
    assert got["D1"] == D(2026, 6, 5, 23, 59, 59)
    # A real time of day is kept as exported.
    assert got["D2"] == D(2026, 6, 5, 17, 0)


def test_the_uniqueness_proof_finds_a_repeated_key_of_a_unit_being_written(wh) -> None:
    from tthc.ingest.store import check_unique_keys, register_ids

    def add(unit: str, code: str) -> None:
        wh.execute(
            "INSERT INTO cases (unit, case_code, outcome, ingest_id, first_ingest_id) "
            "VALUES (?, ?, 'pending', 1, 1)",
            [unit, code],
        )

    for i in range(50):
        add("xa-thu", f"A{i}")
    add("xa-khac", "A1")  # the same code in another unit is another case
    register_ids(wh, {"xa-thu": 1})
    check_unique_keys(wh, "cases", "case_code")
    add("xa-khac", "A1")  # a repeat in a unit not being written is not this ingest's
    check_unique_keys(wh, "cases", "case_code")
    add("xa-thu", "A7")
    with pytest.raises(duckdb.ConstraintException, match=r"'xa-thu', 'A7'\) stored 2 times"):
        check_unique_keys(wh, "cases", "case_code")
