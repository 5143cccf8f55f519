"""A city's figures (``tthc stats --city``, :mod:`tthc.stats.city`).

- each unit's figures in the city's JSON are exactly ``tthc stats --unit <u> --json`` (the key
  invariant: the batched queries grouped by unit change nothing), for every unit of a city
  built from the real ingested sample (tests/city_fixture.py);
- city counts are the sums of the units' counts, city rates are recomputed from the summed
  numerators and denominators, never averaged; a unit the exports do not cover makes the
  city's figure N/A (or, partial figures allowed, it is left out and named), never a 0;
- the city row recounted by one query over every unit's cases equals the sum of the units;
- a hypothesis property: random cases over random units, any split of them into a city.
"""

from __future__ import annotations

import json
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from city_fixture import CITY, UNITS, build_city_warehouse, city_params
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stats_factory import Factory
from test_stats_properties import PERIODS, PROFILES, case_kwargs, pakn_kwargs

from tthc.cli import main
from tthc.schema import DDL
from tthc.stats.city import COUNT_KEYS, compute_city, counting_key
from tthc.stats.figures import compute_figures
from tthc.stats.numbers import rate
from tthc.stats.periods import month_period
from tthc.stats.profile import RATE_SPECS, Profile, load_profile

JUNE = month_period(2026, 6)


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> tuple[Path, Path]:
    """(warehouse, params folder) of the four-unit test city; TTHC_PARAMS points at it."""
    from report_fixture import sample_warehouse

    folder = tmp_path_factory.mktemp("city")
    db = build_city_warehouse(folder, sample_warehouse(folder))
    params = city_params(folder)
    saved = os.environ.get("TTHC_PARAMS")
    os.environ["TTHC_PARAMS"] = str(params)
    yield db, params
    if saved is None:
        os.environ.pop("TTHC_PARAMS", None)
    else:
        os.environ["TTHC_PARAMS"] = saved


def _json(capsys, *argv: str) -> dict:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def _city(db: Path, units=UNITS, profile: str = "an-truong", **kw):
    con = duckdb.connect(str(db), read_only=True)
    try:
        prof = load_profile(profile)
        return compute_city(
            con,
            CITY,
            list(units),
            JUNE,
            profiles=dict.fromkeys(units, prof),
            city_profile=prof,
            **kw,
        )
    finally:
        con.close()


# --- the key invariant -------------------------------------------------------------------------


def test_each_unit_in_the_city_json_is_its_own_stats_json(city, capsys):
    db, _ = city
    got = _json(capsys, "stats", "--db", str(db), "--city", CITY, "--month", "2026-06", "--json")
    assert got["kind"] == "city" and got["city"] == CITY and got["unit"] == CITY
    assert [u["unit"] for u in got["units"]] == sorted(UNITS)
    for entry in got["units"]:
        alone = _json(
            capsys,
            "stats",
            "--db",
            str(db),
            "--unit",
            entry["unit"],
            "--month",
            "2026-06",
            "--json",
        )
        assert entry == alone, entry["unit"]
    # The units differ as built: one complete and different, one with a gap, one without June.
    by_unit = {u["unit"]: u for u in got["units"]}
    assert by_unit["an-truong"]["cases_total"] == 2751
    assert by_unit["xa-dong"]["completeness"] == "complete"
    assert by_unit["xa-dong"]["cases_total"] not in (None, 2751)
    assert by_unit["xa-tay"]["completeness"] == "incomplete"
    assert by_unit["xa-tay"]["cases_total"] is not None
    assert by_unit["xa-tay"]["rate_reuse"] is None  # year to date crosses the gap
    assert by_unit["xa-nam"]["cases_total"] is None


def test_units_without_the_period_are_listed_not_counted_as_zero(city, capsys):
    db, _ = city
    got = _json(capsys, "stats", "--db", str(db), "--city", CITY, "--month", "2026-06", "--json")
    missing = {m["unit"]: m for m in got["units_missing"]}
    assert set(missing) == {"xa-tay", "xa-nam"}
    assert "cases_total" in missing["xa-nam"]["na"]
    assert got["completeness"] == "incomplete"
    # Strictly, a figure xa-nam lacks is N/A for the city, with the unit named.
    assert got["cases_total"] is None
    assert got["na"]["cases_total"] == "thiếu số liệu của 1/4 đơn vị (xã Nam)"
    # Partial figures allowed: the sum over the units that have it, the missing one named.
    part = _json(
        capsys,
        *("stats", "--db", str(db), "--city", CITY, "--month", "2026-06", "--json"),
        "--allow-partial",
    )
    units = {u["unit"]: u for u in part["units"]}
    have = [u for u in UNITS if units[u]["cases_total"] is not None]
    assert have == ["an-truong", "xa-dong", "xa-tay"]
    assert part["cases_total"] == sum(units[u]["cases_total"] for u in have)
    assert part["partial"]["cases_total"]["units_missing"] == ["xa-nam"]
    assert part["completeness"] == "partial"


def test_city_text_lists_units_and_missing_data(city, capsys):
    db, _ = city
    capsys.readouterr()
    assert main(["stats", "--db", str(db), "--city", CITY, "--month", "2026-06"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Thành phố Mẫu (thanh-pho-mau) —")
    assert "TỪNG ĐƠN VỊ (4 đơn vị" in out
    assert "ĐƠN VỊ CHƯA ĐỦ DỮ LIỆU (2), không tính là 0:" in out
    assert "  xa-nam: danh sách hồ sơ có số liệu từ 01/01/2026 đến 14/04/2026" in out
    capsys.readouterr()
    assert main(["stats", "--db", str(db), "--city", CITY, "--month", "2026-06", "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("unit,cases_total,")
    assert [row.split(",")[0] for row in lines[1:]] == [*sorted(UNITS), "Tổng cộng"]


# --- sums and rates ----------------------------------------------------------------------------


def _check_sums(result, allow_partial: bool = False) -> None:
    """Every count of the city is the sum of its units' (or N/A when one lacks it); every rate
    is recomputed from summed parts under the city profile's rounding."""
    units = {u: result.contribution(u) for u in result.units}  # what the city sums
    v = result.figures.values
    for key in COUNT_KEYS:
        parts = [f.values[key] for f in units.values()]
        if key == "cases_resolved_early" and result.profile.early_on_time != "disjoint":
            assert v[key] is None
        elif all(p is not None for p in parts):
            assert v[key] == sum(parts), key
        elif not allow_partial:
            assert v[key] is None, key
    for key in RATE_SPECS:
        info = result.figures.rates[key]
        nums = [f.rates[key].numerator for f in units.values()]
        dens = [f.rates[key].denominator for f in units.values()]
        if None in nums or None in dens:
            if not allow_partial:
                assert info.value is None, key
            continue
        assert (info.numerator, info.denominator) == (sum(nums), sum(dens)), key
        expected = rate(sum(nums), sum(dens), info.decimals, result.profile.rounding)
        assert info.value == expected, key
        assert v[f"rate_{key}"] == (None if expected is None else float(expected))


def test_city_of_covered_units_sums_counts_and_recomputes_rates(city):
    db, _ = city
    result = _city(db, ["an-truong", "xa-dong"])
    _check_sums(result)
    v = result.figures.values
    a, d = result.units["an-truong"].values, result.units["xa-dong"].values
    assert v["cases_total"] == a["cases_total"] + d["cases_total"] == 2751 + d["cases_total"]
    assert result.figures.completeness == "complete"
    # Recomputed, not averaged: (2685 + e) / (2686 + r), not the mean of the two rates.
    on_time = result.figures.rates["on_time"]
    ua, ud = result.units["an-truong"].rates["on_time"], result.units["xa-dong"].rates["on_time"]
    assert on_time.numerator == ua.numerator + ud.numerator
    assert on_time.value != (ua.value + ud.value) / 2
    names = [c.name for c in result.figures.checks]
    assert any(n.startswith("Tổng cộng = tổng các đơn vị (cases_total)") for n in names)
    recount = [c for c in result.figures.checks if "tính lại trên toàn bộ hồ sơ" in c.name]
    assert len(recount) >= 10 and all(c.ok for c in recount)
    assert result.figures.ok
    # The Biểu 06 by unit: one row per unit and the total row.
    table = result.units_table
    assert table["field"].tolist() == ["an-truong", "xa-dong", "Tổng cộng"]
    assert int(table.iloc[-1]["cases_total"]) == v["cases_total"]


def test_city_with_a_gap_and_a_missing_unit(city):
    db, _ = city
    _check_sums(_city(db))
    _check_sums(_city(db, allow_partial=True), allow_partial=True)


def test_what_a_profile_counts_leaves_out_how_it_writes_numbers():
    base = Profile(name="city")
    written = Profile(name="w", rounding="legacy_float", number_format={"decimal_sep": "."})
    assert counting_key(written) == counting_key(base)
    assert counting_key(Profile(name="t", comparison="timestamp")) != counting_key(base)
    assert counting_key(Profile(name="y", ytd_start="period_rule")) != counting_key(base)
    rates = Profile(name="r", rates={"reuse": {"window": "ytd"}})
    assert counting_key(rates) != counting_key(base)


def test_a_unit_counting_differently_is_recounted_for_the_city():
    con = duckdb.connect()
    con.execute(DDL)
    f = Factory(con)
    f.full_lists("xa-a", "xa-b")
    for unit in ("xa-a", "xa-b"):
        f.case(
            unit=unit,
            received="2026-06-01 08:00",
            due="2026-06-05",
            ended="2026-06-03",
            outcome="resolved",
        )
    f.case(unit="xa-b", received="2026-06-02 08:00", ended="2026-06-04", outcome="withdrawn")
    base, other = Profile(name="city"), Profile(name="other", third_bucket="excluded")
    result = compute_city(
        con,
        "tp",
        ["xa-a", "xa-b"],
        JUNE,
        profiles={"xa-a": base, "xa-b": other},
        city_profile=base,
        names={"xa-a": "xã A", "xa-b": "xã B"},
    )
    # The unit's own figures: its profile leaves the withdrawn case out of the total.
    assert result.units["xa-b"].values["cases_total"] == 1
    alone = compute_figures(con, "xa-b", JUNE, other)
    assert result.units["xa-b"].to_json() == alone.to_json()
    # The city counts it the city's way: 1 + 2.
    assert result.recounted["xa-b"].values["cases_total"] == 2
    assert result.figures.values["cases_total"] == 3
    assert result.units_table["cases_total"].tolist() == [1, 2, 3]
    assert result.figures.ok
    recount_note = next(n for n in result.figures.notes if "tính lại" in n)
    assert recount_note.startswith(
        "Số liệu của xã B cộng vào thành phố được tính lại theo bộ quy ước báo cáo của thành phố "
        "(city) vì đơn vị dùng cách tính hồ sơ rút, dừng, trả lại khác"
    )
    got = result.to_json()
    assert got["units_recounted"]["xa-b"]["cases_total"] == 2
    assert [u["cases_total"] for u in got["units"]] == [1, 1]


# --- errors ------------------------------------------------------------------------------------


def test_unknown_or_empty_city_is_one_vietnamese_line(city, capsys, tmp_path):
    db, params = city
    assert main(["stats", "--db", str(db), "--city", "ha-noi", "--month", "2026-06"]) == 2
    err = capsys.readouterr().err
    assert "Không có tệp tham số thành phố/tỉnh" in err and "Traceback" not in err
    (params / "cities" / "trong.yaml").write_text(
        'city: trong\nname: Trống\nkind: tỉnh\ncode: "98"\n'
    )
    try:
        assert main(["stats", "--db", str(db), "--city", "trong", "--month", "2026-06"]) == 2
        assert "Lỗi: Tỉnh Trống chưa có đơn vị nào" in capsys.readouterr().err
    finally:
        (params / "cities" / "trong.yaml").unlink()


def test_city_default_month_is_the_last_every_covered_unit_has(city, capsys):
    db, _ = city
    capsys.readouterr()
    assert main(["stats", "--db", str(db), "--city", CITY, "--json"]) == 0
    out = capsys.readouterr()
    # xa-nam covers up to 14/04: its last closed month (2026-04) holds the city back.
    assert json.loads(out.out)["period_key"] == "2026-04"
    assert "3/4 đơn vị" not in out.err and "4/4 đơn vị" in out.err


# --- property --------------------------------------------------------------------------------


def _settings(n: int) -> settings:
    return settings(max_examples=n, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_settings(25)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), case_kwargs()),
        max_size=50,
    ),
    st.lists(st.tuples(st.integers(0, 4), pakn_kwargs()), max_size=8),
    st.lists(st.integers(0, 4), min_size=1, max_size=5, unique=True),
    st.sampled_from(PROFILES),
    st.sampled_from(PERIODS),
)
def test_any_city_is_the_sum_of_its_units(cases, paknl, members, profile, period):
    units = [f"xa-{i}" for i in range(5)]
    con = duckdb.connect()
    con.execute(DDL)
    f = Factory(con)
    f.full_lists(*units)
    f.insert_cases([f.case_row(**{**kw, "unit": units[i]}) for i, kw in cases])
    for i, kw in paknl:
        f.pakn(**{**kw, "unit": units[i]})
    city_units = [units[i] for i in members]
    result = compute_city(
        con,
        "tp",
        city_units,
        period,
        profiles=dict.fromkeys(city_units, profile),
        city_profile=profile,
        comparisons=False,
    )
    for u in city_units:  # each unit as computed alone
        alone = compute_figures(con, u, period, profile, comparisons=False)
        assert result.units[u].to_json() == alone.to_json(), u
    _check_sums(result)
    assert result.figures.ok, [c for c in result.figures.checks if not c.ok]
    assert any("tính lại" in c.name for c in result.figures.checks)


def test_rates_of_a_city_are_not_averages():
    """1 of 1 on time and 0 of 99: the city is 1%, not the 50% an average of rates would give."""
    con = duckdb.connect()
    con.execute(DDL)
    f = Factory(con)
    f.full_lists("xa-a", "xa-b")
    f.case(
        unit="xa-a",
        received="2026-06-01 08:00",
        due="2026-06-05",
        ended="2026-06-03",
        outcome="resolved",
    )
    f.insert_cases(
        [
            f.case_row(
                unit="xa-b",
                received="2026-06-01 08:00",
                due="2026-06-02",
                ended="2026-06-05",
                outcome="resolved",
            )
            for _ in range(99)
        ]
    )
    prof = Profile()
    result = compute_city(
        con,
        "tp",
        ["xa-a", "xa-b"],
        JUNE,
        profiles=dict.fromkeys(["xa-a", "xa-b"], prof),
        city_profile=prof,
    )
    assert result.units["xa-a"].values["rate_on_time"] == 100.0
    assert result.units["xa-b"].values["rate_on_time"] == 0.0
    assert result.figures.rates["on_time"].value == Decimal("1.00")
    assert result.figures.values["cases_resolved_late"] == 99
    assert date.fromisoformat(result.figures.values["period_end"]) == JUNE.end
