"""`tthc sample --city hai-phong --units 5` -> `TTHC_PARAMS=DIR/params tthc ingest DIR/*` (no
--unit) -> `tthc stats --unit an-truong --month 2026-06 --json` gives exactly the single-unit
sample's figures; the other communes are distinct, covered, and split to their own units."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from tthc.cities import city_units, load_city
from tthc.cli import main
from tthc.sample import targets as T
from tthc.sample.city import CASES_FILE, CATALOGUE_FILE, PAKN_FILE, communes, write_city
from tthc.warehouse import connect

N = 5


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("city") / "tmp"
    assert main(["sample", "--city", "hai-phong", "--units", str(N), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def city_db(city: Path, monkeypatch_module) -> Path:
    monkeypatch_module.setenv("TTHC_PARAMS", str(city / "params"))
    db = city.parent / "x.duckdb"
    assert main(["ingest", "--db", str(db), *(str(p) for p in sorted(city.iterdir()))]) == 0
    return db


@pytest.fixture(scope="module")
def single_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("single")
    assert main(["sample", "--out", str(base / "s")]) == 0
    db = base / "s.duckdb"
    files = sorted(str(p) for p in (base / "s").iterdir())
    assert main(["ingest", "--db", str(db), "--unit", T.UNIT, *files]) == 0
    return db


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def stats(db: Path, capsys, unit: str = T.UNIT) -> dict:
    capsys.readouterr()
    assert main(["stats", "--db", str(db), "--unit", unit, "--month", "2026-06", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def without_file_names(value):
    """The JSON with the ingested files' names left out: the only thing that differs."""
    if isinstance(value, dict):
        return {k: without_file_names(v) for k, v in value.items() if k != "file_name"}
    if isinstance(value, list):
        return [without_file_names(v) for v in value]
    return value


def test_the_city_folder(city: Path, capsys) -> None:
    names = sorted(p.name for p in city.iterdir())
    assert names == sorted([CATALOGUE_FILE, CASES_FILE, PAKN_FILE, "params"])
    units = city_units("hai-phong", city / "params")
    assert len(units) == N and T.UNIT in [u.unit for u in units]
    assert load_city("hai-phong", city / "params").code == "31"
    assert len({u.code for u in units}) == N and len({u.display_name for u in units}) == N
    head = (city / CASES_FILE).read_text(encoding="utf-8-sig").splitlines()[:7]
    assert head[3:5] == ["Từ ngày 01/01/2026 đến ngày 14/06/2026", "Ngày xuất: 15/06/2026 08:00"]
    assert head[6].startswith('"STT","Đơn vị tiếp nhận","Mã hồ sơ"')


def test_an_truong_figures_are_exactly_the_single_unit_samples(
    city_db: Path, single_db: Path, capsys
) -> None:
    mine = stats(city_db, capsys)
    assert {k: mine[k] for k in T.FIGURES} == T.FIGURES
    assert [c for c in mine["checks"] if not c["ok"]] == []
    assert without_file_names(mine) == without_file_names(stats(single_db, capsys))


def test_every_row_is_split_to_one_unit(city: Path, city_db: Path) -> None:
    con = connect(city_db, read_only=True)
    try:
        splits = con.execute(
            "SELECT kind, rows_read, rejected_unknown_unit, units FROM file_splits ORDER BY kind"
        ).fetchall()
        per_unit = dict(
            con.execute("SELECT unit, count(*) FROM cases GROUP BY unit ORDER BY unit").fetchall()
        )
        catalogues = con.execute("SELECT count(DISTINCT unit), count(*) FROM procedures").fetchone()
        pakn_lists = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE rows_read = 0) FROM ingests WHERE kind = 'pakn'"
        ).fetchone()
    finally:
        con.close()
    by_kind = {k: (rows, unknown, json.loads(units)) for k, rows, unknown, units in splits}
    assert set(by_kind) == {"cases", "catalogue", "pakn"}
    for rows, unknown, units in by_kind.values():
        assert unknown == 0 and sum(u["rows_read"] for u in units.values()) == rows
    rows, _, units = by_kind["cases"]
    assert len(units) == N and sum(per_unit.values()) == rows
    assert {u: v["rows_read"] for u, v in units.items()} == per_unit
    assert per_unit[T.UNIT] == 13161  # the sample's case list
    sizes = sorted(n for u, n in per_unit.items() if u != T.UNIT)
    assert len(set(sizes)) == N - 1  # communes of different sizes
    assert catalogues == (N, N * T.FIGURES["procedures_catalogue"])
    # Every unit has a PAKN list for the file's days, even one with no complaint.
    assert pakn_lists[0] == N


def test_the_other_communes_differ_and_some_are_late(city_db: Path, city: Path, capsys) -> None:
    others = [u.unit for u in city_units("hai-phong", city / "params") if u.unit != T.UNIT]
    figures = [stats(city_db, capsys, u) for u in others]
    assert all(f["completeness"] == "complete" for f in figures)
    assert all(f["cases_total"] > 0 and f["cases_resolved"] > 0 for f in figures)
    assert all([c for c in f["checks"] if not c["ok"]] == [] for f in figures)
    assert len({f["rate_dvctt_online"] for f in figures}) == N - 1  # different online shares
    assert len({f["procedures_with_cases"] for f in figures}) > 1  # different procedure mixes
    late = [f["cases_resolved_late"] + f["cases_in_progress_overdue"] for f in figures]
    assert any(n > 0 for n in late)


def test_the_same_seed_and_n_give_the_same_bytes(tmp_path: Path) -> None:
    def digest(folder: Path) -> dict[str, str]:
        return {
            str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    write_city(tmp_path / "a", 3, seed=7)
    write_city(tmp_path / "b", 3, seed=7)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")


def test_commune_names_slugs_and_codes_are_distinct() -> None:
    import numpy as np

    cs = communes(114, np.random.default_rng(1))
    assert len(cs) == 113
    assert (
        len({c.slug for c in cs}) == len({c.name for c in cs}) == len({c.code for c in cs}) == 113
    )
    assert T.UNIT not in {c.slug for c in cs} and "11914" not in {c.code for c in cs}
    assert {c.unit_type for c in cs} == {"xã", "phường"}
    assert 0.0 in {c.late_rate for c in cs} and max(c.late_rate for c in cs) > 0


def test_cli_refusals(tmp_path: Path, capsys) -> None:
    assert main(["sample", "--units", "3", "--out", str(tmp_path / "a")]) == 2
    assert "--units chỉ dùng cùng --city" in capsys.readouterr().err
    assert main(["sample", "--city", "ha-noi", "--out", str(tmp_path / "b")]) == 2
    assert "Chỉ có thành phố mẫu 'hai-phong'" in capsys.readouterr().err
    assert (
        main(["sample", "--city", "hai-phong", "--units", "0", "--out", str(tmp_path / "c")]) == 2
    )
    assert "--units phải từ 1 trở lên" in capsys.readouterr().err


def test_the_city_table_writes_every_unit_s_numbers_the_city_s_way(city_db: Path, capsys) -> None:
    """An Trường counts and writes numbers under its own profile ('99.96%', '2751'), the other
    communes under the default one: the city's table writes all in the city's profile."""
    capsys.readouterr()
    assert main(["stats", "--db", str(city_db), "--city", "hai-phong", "--month", "2026-06"]) == 0
    out = capsys.readouterr().out
    assert f"TỪNG ĐƠN VỊ ({N} đơn vị; default)" in out
    [row] = [line for line in out.splitlines() if line.startswith(f"{T.UNIT} ")]
    assert "2.751" in row and re.search(r"\d,\d+%", row), row
    assert not re.search(r"\d\.\d+%", row), row
    # The PAKN block adds up: received + carried over = on time + late + in progress.
    pakn = dict(
        re.findall(r"^(PAKN tiếp nhận|  kỳ trước chuyển qua|  xử lý đúng hạn|  xử lý quá hạn|"
                   r"  đang xử lý)\s+(\d+)$", out, flags=re.M)
    )  # fmt: skip
    assert len(pakn) == 5, pakn
    n = {k.strip(): int(v) for k, v in pakn.items()}
    assert n["PAKN tiếp nhận"] + n["kỳ trước chuyển qua"] == (
        n["xử lý đúng hạn"] + n["xử lý quá hạn"] + n["đang xử lý"]
    )
    # A long late list says it is cut.
    [late] = re.findall(r"^HỒ SƠ QUÁ HẠN: (\d+)(.*)$", out, flags=re.M)
    assert int(late[0]) > 20 and late[1] == " (in 20 hồ sơ đầu; --json có đủ danh sách)", late


def test_a_city_read_with_the_wrong_params_says_which_units_it_leaves_out(
    city_db: Path, capsys, monkeypatch
) -> None:
    """A new terminal without `export TTHC_PARAMS=…`: the repository's params know An Trường
    only, so the city shrinks to it; the warehouse's other units are named, not dropped quietly."""
    monkeypatch.setenv("TTHC_PARAMS", str(Path(__file__).resolve().parent.parent / "params"))
    capsys.readouterr()
    assert main(["stats", "--db", str(city_db), "--city", "hai-phong", "--month", "2026-06"]) == 0
    err = capsys.readouterr().err
    con = connect(city_db, read_only=True)
    others = [
        u for (u,) in con.execute("SELECT DISTINCT unit FROM ingests ORDER BY unit").fetchall()
    ]
    con.close()
    others.remove(T.UNIT)
    assert err.startswith(
        f"Lưu ý: kho dữ liệu có dữ liệu của {N - 1} đơn vị không có tệp tham số trong "
    ), err
    assert f"({', '.join(others[:3])} và {N - 4} đơn vị khác)" in err or N - 1 <= 3
    assert "hãy đặt TTHC_PARAMS tới thư mục tham số có các đơn vị đó." in err
    monkeypatch.undo()
    assert main(["stats", "--db", str(city_db), "--city", "hai-phong", "--month", "2026-06"]) == 0
    assert "Lưu ý: kho dữ liệu" not in capsys.readouterr().err  # the city's own params: all known
