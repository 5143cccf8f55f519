"""Unit params: validation errors name the file and the key; defaults when no file exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from tthc.errors import ParamsError
from tthc.units import list_units, load_unit


def write_unit(base: Path, unit: str, text: str) -> None:
    (base / "units").mkdir(parents=True, exist_ok=True)
    (base / "units" / f"{unit}.yaml").write_text(text, encoding="utf-8")


def test_an_truong_params_load() -> None:
    params = load_unit("an-truong")
    assert params.display_name == "xã An Trường"
    assert params.issuer_line2 == "XÃ AN TRƯỜNG"
    assert params.signer.name == "Vũ Trọng Dũng"
    assert params.recipients[-1] == "Lưu: VT, TTPVHCC"
    assert params.personal_data.allow is False
    assert "an-truong" in list_units()


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    params = load_unit("xa-moi", base=tmp_path)
    assert params.profile == "default"
    assert params.personal_data.allow is False


def test_unknown_key_is_named(tmp_path: Path) -> None:
    write_unit(tmp_path, "x", "unit: x\nname: X\nsigner:\n  nam: A\n")
    with pytest.raises(ParamsError) as err:
        load_unit("x", base=tmp_path)
    msg = str(err.value)
    assert "x.yaml" in msg and "signer.nam" in msg and "khóa không được hỗ trợ" in msg
    assert "\n" not in msg


def test_wrong_type_and_missing_value(tmp_path: Path) -> None:
    write_unit(tmp_path, "y", "unit: y\nname: Y\nrecipients: 5\n")
    with pytest.raises(ParamsError, match=r"recipients.*cần danh sách"):
        load_unit("y", base=tmp_path)
    write_unit(tmp_path, "z", "unit: z\nprofile: default\n")
    with pytest.raises(ParamsError, match=r"'name'.*thiếu giá trị bắt buộc"):
        load_unit("z", base=tmp_path)


def test_unit_name_must_match_file(tmp_path: Path) -> None:
    write_unit(tmp_path, "a", "unit: b\nname: A\n")
    with pytest.raises(ParamsError, match="tên tệp là 'a'"):
        load_unit("a", base=tmp_path)


def test_personal_data_needs_a_reason(tmp_path: Path) -> None:
    write_unit(tmp_path, "p", "unit: p\nname: P\npersonal_data:\n  allow: true\n")
    with pytest.raises(ParamsError, match=r"personal_data\.reason"):
        load_unit("p", base=tmp_path)


def test_bad_yaml_and_bad_slug(tmp_path: Path) -> None:
    write_unit(tmp_path, "q", "unit: q\nname: [unclosed\n")
    with pytest.raises(ParamsError, match="không phải YAML hợp lệ"):
        load_unit("q", base=tmp_path)
    with pytest.raises(ParamsError, match="không hợp lệ"):
        load_unit("An Truong", base=tmp_path)


def test_default_signer_is_the_chair_in_person(tmp_path: Path) -> None:
    signer = load_unit("xa-moi", base=tmp_path).signer
    assert (signer.authority, signer.deputy, signer.title) == (
        "TM. ỦY BAN NHÂN DÂN",
        None,
        "CHỦ TỊCH",
    )


def test_document_number_is_refused_with_where_it_moved(tmp_path: Path) -> None:
    write_unit(tmp_path, "n", "unit: n\nname: N\ndocument: {number: 5}\n")
    with pytest.raises(ParamsError) as err:
        load_unit("n", base=tmp_path)
    assert str(err.value) == (
        f"{tmp_path}/units/n.yaml: khóa 'document.number' không còn dùng: số văn bản của mỗi "
        "báo cáo ghi ở khóa 'number' trong phần đầu '---' của tệp nội dung kỳ đó "
        "(params/narrative/n/<kỳ>.md)."
    )
    # A null number left from the old layout is refused the same way; the symbol still loads.
    write_unit(tmp_path, "m", "unit: m\nname: M\ndocument:\n  number: null\n")
    with pytest.raises(ParamsError, match=r"khóa 'document\.number' không còn dùng"):
        load_unit("m", base=tmp_path)
    write_unit(tmp_path, "s", "unit: s\nname: S\ndocument:\n  symbol: BC-UBND-VP\n")
    assert load_unit("s", base=tmp_path).document.symbol == "BC-UBND-VP"
    assert "number" not in load_unit("an-truong").document.model_dump()
