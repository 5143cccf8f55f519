"""End to end on the bundled sample: `tthc sample` -> `tthc ingest` -> `tthc stats --json`
gives every figure of domain.md §10, 10.4% under An Trường's profile and 10.5% by default."""

from __future__ import annotations

import json

import pytest

from tthc.cli import main
from tthc.sample.targets import FIGURES

# domain.md §10, stated once for the whole project in tthc.sample.targets.
SECTION_10 = FIGURES


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    assert main(["sample", "--out", str(folder / "exports")]) == 0
    files = sorted(str(p) for p in (folder / "exports").iterdir())
    db = folder / "w.duckdb"
    assert main(["ingest", "--db", str(db), "--unit", "an-truong", *files]) == 0
    return db


def _stats(db, capsys, *extra):
    capsys.readouterr()
    assert (
        main(
            [
                "stats",
                "--db",
                str(db),
                "--unit",
                "an-truong",
                "--month",
                "2026-06",
                "--json",
                *extra,
            ]
        )
        == 0
    )
    return json.loads(capsys.readouterr().out)


def test_sample_reproduces_section_10(sample_db, capsys):
    out = _stats(sample_db, capsys)
    assert out["profile"] == "an-truong"
    assert {k: out[k] for k in SECTION_10} == SECTION_10
    assert out["checks_ok"] is True
    late = out["late_cases"]
    assert len(late) == 1 and late[0]["field"] == "Chứng thực"
    assert "chứng thực" in late[0]["procedure_name"].lower()


def test_sample_under_default_profile(sample_db, capsys):
    out = _stats(sample_db, capsys, "--profile", "default")
    assert out["rate_procedures_full"] == 10.5
    assert out["rate_on_time"] == 99.96
    assert out["cases_total"] == 2751
    assert out["checks_ok"] is True


@pytest.mark.parametrize(
    ("month", "reason"),
    [
        ("2026-09", "thiếu dữ liệu hồ sơ từ 15/08/2026 đến 14/09/2026"),
        ("2025-06", "thiếu dữ liệu hồ sơ từ 15/05/2025 đến 14/06/2025"),
        ("2026-01", "thiếu dữ liệu hồ sơ từ 15/12/2025 đến 31/12/2025"),
    ],
)
def test_months_the_sample_does_not_cover_have_na_main_figures(sample_db, capsys, month, reason):
    capsys.readouterr()
    rc = main(["stats", "--db", str(sample_db), "--unit", "an-truong", "--month", month, "--json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out["completeness"] == "incomplete"
    for key in ("cases_total", "cases_new", "cases_resolved", "rate_on_time", "rate_online"):
        assert out[key] is None and out["na"][key] == reason, key
    assert out["late_cases"] is None
    assert out["coverage"]["cases"]["covered"] == [["2026-01-01", "2026-06-14"]]
    assert out["coverage"]["cases"]["latest_export"] == "2026-06-15T08:00:00"


def test_the_sample_without_a_period_is_june_2026(sample_db, capsys):
    capsys.readouterr()
    assert main(["stats", "--db", str(sample_db), "--unit", "an-truong"]) == 0
    cap = capsys.readouterr()
    assert cap.err.splitlines()[0].startswith("Kỳ báo cáo của an-truong: tháng 6 năm 2026 (")
    assert cap.out.splitlines()[0] == (
        "Đơn vị: an-truong — tháng 6 năm 2026 (Từ ngày 15/5/2026 đến 14/6/2026)"
    )
    assert "N/A" not in cap.out.split("TỶ LỆ")[0]


def test_partial_figures_of_january_are_marked(sample_db, capsys):
    capsys.readouterr()
    args = ["stats", "--db", str(sample_db), "--unit", "an-truong", "--month", "2026-01"]
    assert main([*args, "--allow-partial"]) == 0
    text = capsys.readouterr().out
    assert "SỐ LIỆU CHƯA ĐẦY ĐỦ: danh sách hồ sơ có số liệu từ 01/01/2026 đến 14/06/2026" in text
    total = next(x for x in text.splitlines() if x.startswith("Tổng số hồ sơ phải giải quyết"))
    assert total.endswith("(chỉ tính số liệu từ 01/01/2026 đến 14/01/2026)")
    assert "N/A" not in total
