"""Units and profiles are known or refused: a typo gets one Vietnamese line with the closest
known names, a non-zero exit, and nothing written (issue 10, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tthc.cli import main
from tthc.known import require_unit, suggestion
from tthc.warehouse import connect


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A warehouse with data of 'xa-du-lieu' only (a unit known by its data, no params file)."""
    path = tmp_path / "w.duckdb"
    con = connect(path)
    con.execute(
        "INSERT INTO ingests (unit, kind, file_name, file_sha256, as_of, ingested_at, rows_read, "
        "inserted, updated, unchanged, rejected) VALUES ('xa-du-lieu', 'cases', 'a.xlsx', 'x', "
        "TIMESTAMP '2026-06-15 07:00:00', TIMESTAMP '2026-06-15 08:00:00', 0, 0, 0, 0, 0)"
    )
    con.close()
    return path


def test_suggestion_names_the_closest_or_lists_what_exists() -> None:
    assert suggestion("an-truonng", ["an-truong", "default"], "đơn vị") == " Có phải 'an-truong'?"
    assert suggestion("xyz", ["an-truong", "bac-son"], "đơn vị") == (
        " Các đơn vị hiện có: an-truong, bac-son."
    )
    assert suggestion("x", [], "đơn vị") == ""


def test_a_unit_is_known_by_its_params_file_or_its_data(db: Path) -> None:
    con = connect(db, read_only=True)
    try:
        require_unit("an-truong", con)  # params/units/an-truong.yaml, no data
        require_unit("xa-du-lieu", con)  # data, no params file
        with pytest.raises(Exception, match="Có phải 'xa-du-lieu'") as err:
            require_unit("xa-du-lieuu", con)
        assert err.value.exit_code == 2
    finally:
        con.close()


def test_stats_refuses_a_misspelt_unit(db: Path, capsys) -> None:
    rc = main(["stats", "--db", str(db), "--unit", "an-truonng", "--month", "2026-06"])
    cap = capsys.readouterr()
    assert rc == 2 and cap.out == ""
    assert cap.err == (
        "Lỗi: Không có đơn vị 'an-truonng': không có tệp params/units/an-truonng.yaml và kho dữ "
        "liệu chưa có dữ liệu của đơn vị này. Có phải 'an-truong'?\n"
    )
    # No near name: the known ones are listed (params files and units with data).
    assert main(["stats", "--db", str(db), "--unit", "xyz", "--month", "2026-06"]) == 2
    err = capsys.readouterr().err
    assert err.endswith("Các đơn vị hiện có: an-truong, xa-du-lieu.\n")


def test_report_refuses_a_misspelt_unit_and_writes_nothing(
    db: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "out"
    rc = main(["report", "--db", str(db), "--unit", "an-truonng", "--month", "2026-06",
               "--out", str(out), "--no-progress"])  # fmt: skip
    cap = capsys.readouterr()
    assert rc == 2
    assert cap.err.strip().splitlines() == [
        "Lỗi: Không có đơn vị 'an-truonng': không có tệp params/units/an-truonng.yaml và kho dữ "
        "liệu chưa có dữ liệu của đơn vị này. Có phải 'an-truong'?"
    ]
    assert not out.exists()


def test_a_misspelt_profile_is_refused_with_the_closest_name(db: Path, capsys) -> None:
    rc = main(["stats", "--db", str(db), "--unit", "an-truong", "--month", "2026-06",
               "--profile", "an-truonng"])  # fmt: skip
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1
    assert err.startswith("Lỗi: Không tìm thấy bộ quy ước báo cáo (profile) 'an-truonng'")
    assert err.endswith("Có phải 'an-truong'?\n")


def test_ingest_refuses_a_unit_one_slip_from_a_known_one_and_writes_nothing(
    tmp_path: Path, capsys
) -> None:
    """'an-truog' (params: an-truong) and 'xa-du-lieuu' (data: xa-du-lieu): their rows would be
    filed under a typo. A new unit's first ingest is otherwise how it becomes known."""
    from tthc.ingest.pipeline import FailedFile, IngestResult, ingest_paths
    from tthc.known import UnknownUnitError

    good = Path(__file__).parent / "fixtures" / "ingest" / "cases_sample_utf8.csv"
    fresh = tmp_path / "new" / "w.duckdb"
    with pytest.raises(UnknownUnitError) as refused:
        ingest_paths(fresh, "an-truog", [good])
    assert str(refused.value) == (
        "Không có đơn vị 'an-truog' (không có tệp params/units/an-truog.yaml, kho dữ liệu chưa có "
        "dữ liệu của đơn vị này) nhưng tên rất gần đơn vị đã có: Có phải 'an-truong'? Nếu đúng "
        "là đơn vị mới, hãy tạo tệp params/units/an-truog.yaml rồi nạp lại."
    )
    assert not fresh.parent.exists()  # the warehouse it created is taken back

    code = main(["ingest", "--db", str(fresh), "--unit", "an-truonq", str(good)])
    assert code == 2 and "Có phải 'an-truong'?" in capsys.readouterr().err

    [ok] = ingest_paths(fresh, "xa-du-lieu", [good])  # not close to a known name: a new unit
    assert isinstance(ok, IngestResult)
    with pytest.raises(UnknownUnitError, match=r"Có phải 'xa-du-lieu'\?"):
        ingest_paths(fresh, "xa-du-lieuu", [good])  # known by its data now
    # The next ward is not a slip; nor is a unit with data, or one with a params file.
    for unit in ("xa-du-lieu-2", "xa-du-lieu", "an-truong"):
        [r] = ingest_paths(fresh, unit, [good])
        assert not isinstance(r, FailedFile), r
