"""Reporting profiles: shipped files load, unknown keys and wrong types are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from tthc.errors import ParamsError
from tthc.stats.profile import RATE_SPECS, list_profiles, load_profile, profile_for_unit


def test_shipped_profiles_load():
    assert {"default", "an-truong"} <= set(list_profiles())
    d = load_profile("default")
    assert (d.comparison, d.third_bucket, d.rounding, d.period_rule) == (
        "date",
        "separate",
        "half_up",
        "nd09",
    )
    assert d.rate_def("reuse").denominator == "received"
    assert d.rate_def("reuse").window == "period"
    assert (d.number_format.thousands_sep, d.number_format.decimal_sep) == (".", ",")


def test_an_truong_profile_matches_the_sample_conventions():
    p = profile_for_unit("an-truong")
    assert p.name == "an-truong"
    assert (p.comparison, p.rounding) == ("timestamp", "legacy_float")
    assert p.rate_def("procedures_full").decimals == 1
    assert p.rate_def("procedures_full").window == "ytd"
    assert p.rate_def("reuse").decimals == 2
    assert (p.rate_def("with_components").denominator, p.rate_def("with_components").window) == (
        "received",
        "ytd",
    )
    assert (p.rate_def("with_result_file").denominator, p.rate_def("with_both").denominator) == (
        "resolved",
        "resolved",
    )
    assert p.rate_def("dvctt_online").window == "period"
    assert (p.rate_def("on_time").denominator, p.rate_def("on_time").window) == (
        "resolved",
        "period",
    )
    assert p.number_format.thousands_sep == ""
    assert p.number_format.strip_trailing_zeros is True


def test_unit_without_params_file_gets_default_profile():
    assert profile_for_unit("xa-khong-co-tep").name == "default"


def test_every_shipped_profile_defines_every_rate_explicitly():
    for name in list_profiles():
        p = load_profile(name)
        assert set(p.rates) == set(RATE_SPECS), name


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "thu.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_key_is_named_with_file(tmp_path):
    path = _write(tmp_path, "name: thu\ncomparision: date\n")
    with pytest.raises(ParamsError) as exc:
        load_profile(path)
    msg = str(exc.value)
    assert str(path) in msg and "comparision" in msg and "không được hỗ trợ" in msg


def test_unknown_nested_key_is_named(tmp_path):
    path = _write(tmp_path, "number_format:\n  thousand_sep: '.'\n")
    with pytest.raises(ParamsError, match=r"number_format\.thousand_sep"):
        load_profile(path)


def test_wrong_type_and_bad_choice(tmp_path):
    with pytest.raises(ParamsError, match="strip_trailing_zeros"):
        load_profile(_write(tmp_path, "number_format: {strip_trailing_zeros: [1]}\n"))
    with pytest.raises(ParamsError, match="comparison"):
        load_profile(_write(tmp_path, "comparison: hourly\n"))
    with pytest.raises(ParamsError, match="decimals"):
        load_profile(_write(tmp_path, "rates: {reuse: {decimals: many}}\n"))


def test_rate_keys_and_bases_validated(tmp_path):
    with pytest.raises(ParamsError, match="tỷ lệ 'reuze'"):
        load_profile(_write(tmp_path, "rates: {reuze: {window: ytd}}\n"))
    with pytest.raises(ParamsError, match=r"on_time\.denominator"):
        load_profile(_write(tmp_path, "rates: {on_time: {denominator: received}}\n"))
    with pytest.raises(ParamsError, match=r"rates\.reuse\.window"):
        load_profile(_write(tmp_path, "rates: {reuse: {window: month}}\n"))


def test_partial_rate_override_keeps_defaults(tmp_path):
    p = load_profile(_write(tmp_path, "rates: {on_time: {denominator: due}}\n"))
    rd = p.rate_def("on_time")
    assert (rd.numerator, rd.denominator, rd.window, rd.decimals) == (
        "early_on_time",
        "due",
        "period",
        2,
    )
    assert p.name == "thu"


def test_ytd_start_validation(tmp_path):
    assert load_profile(_write(tmp_path, "ytd_start: '07-01'\n")).ytd_start == "07-01"
    for bad in ("'13-01'", "'2026-01-01'", "'02-29'", "january"):
        with pytest.raises(ParamsError, match="ytd_start"):
            load_profile(_write(tmp_path, f"ytd_start: {bad}\n"))


def test_missing_profile_and_bad_yaml(tmp_path):
    with pytest.raises(ParamsError, match="Không tìm thấy"):
        load_profile("khong-co")
    with pytest.raises(ParamsError, match="không phải YAML"):
        load_profile(_write(tmp_path, "rates: [\n"))
    with pytest.raises(ParamsError, match="không hợp lệ"):
        load_profile("Tên Sai")


def test_unit_pointing_to_missing_profile(tmp_path, monkeypatch):
    (tmp_path / "units").mkdir()
    (tmp_path / "profiles").mkdir()
    (tmp_path / "units" / "xa-b.yaml").write_text(
        "unit: xa-b\nname: B\nprofile: khong-co\n", encoding="utf-8"
    )
    monkeypatch.setenv("TTHC_PARAMS", str(tmp_path))
    with pytest.raises(ParamsError, match="khong-co"):
        profile_for_unit("xa-b")
