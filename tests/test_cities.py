"""City params (params/cities/<city>.yaml) and the units' city, code and names."""

from __future__ import annotations

from pathlib import Path

import pytest

from tthc.cities import city_units, list_cities, load_city
from tthc.errors import ParamsError
from tthc.report.doctor import check_cities
from tthc.units import load_unit

HP = """\
city: hai-phong
name: Hải Phòng
kind: thành phố
code: "31"
"""


def write(base: Path, folder: str, slug: str, text: str) -> Path:
    (base / folder).mkdir(parents=True, exist_ok=True)
    path = base / folder / f"{slug}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_hai_phong_params_load() -> None:
    city = load_city("hai-phong")
    assert (city.name, city.kind, city.code) == ("Hải Phòng", "thành phố", "31")
    assert city.display_name == "thành phố Hải Phòng"
    assert city.issuer_line2 == "THÀNH PHỐ HẢI PHÒNG"
    assert city.document.symbol == "BC-UBND"
    assert (city.signer.title, city.signer.name, city.signer.deputy) == ("CHỦ TỊCH", "", None)
    assert "Văn phòng UBND thành phố" in city.recipients
    assert city.recipients[-1].startswith("Lưu: VT")
    assert list_cities() == ["hai-phong"]


def test_an_truong_names_its_city_code_and_names() -> None:
    unit = load_unit("an-truong")
    assert unit.city == "hai-phong"
    assert unit.code is not None and len(unit.code) == 5 and unit.code.isdigit()
    assert "UBND xã An Trường" in unit.names
    assert load_city(unit.city).name == "Hải Phòng"
    assert [u.unit for u in city_units("hai-phong")] == ["an-truong"]


def test_missing_city_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ParamsError) as err:
        load_city("ha-noi", tmp_path)
    msg = str(err.value)
    assert "ha-noi.yaml" in msg and "Không có tệp" in msg and "\n" not in msg
    with pytest.raises(ParamsError, match="không hợp lệ"):
        load_city("Hải Phòng", tmp_path)


@pytest.mark.parametrize(
    ("text", "key", "what"),
    [
        (HP.replace('code: "31"', "code: 31"), "code", "trong dấu nháy"),
        (HP.replace('code: "31"', 'code: "310"'), "code", "đúng 2 chữ số"),
        (HP.replace("kind: thành phố", "kind: huyện"), "kind", "không thuộc danh sách"),
        (HP.replace("name: Hải Phòng\n", ""), "name", "thiếu giá trị bắt buộc"),
        (HP + "signer:\n  ten: A\n", "signer.ten", "khóa không được hỗ trợ"),
        (HP + "recipients: Văn phòng\n", "recipients", "cần danh sách"),
        (HP.replace("city: hai-phong", "city: hai-duong"), None, "tên tệp là 'hai-phong'"),
    ],
)
def test_invalid_city_names_file_and_key(tmp_path: Path, text: str, key: str, what: str) -> None:
    write(tmp_path, "cities", "hai-phong", text)
    with pytest.raises(ParamsError) as err:
        load_city("hai-phong", tmp_path)
    msg = str(err.value)
    assert "hai-phong.yaml" in msg and what in msg and "\n" not in msg
    if key:
        assert f"'{key}'" in msg


@pytest.mark.parametrize(
    ("extra", "key", "what"),
    [
        ("city: hai-duong\n", "city", "không có tệp thành phố/tỉnh"),
        ("city: Hải Phòng\n", "city", "params/cities/"),
        ('code: "1234"\n', "code", "đúng 5 chữ số"),
        ("code: 11914\n", "code", 'code: "11914"'),
        ("code: 120\n", "code", 'code: "00120"'),
        ("names: UBND xã X\n", "names", "cần danh sách"),
        ('names: ["  "]\n', "names", "có tên trống"),
    ],
)
def test_invalid_unit_city_code_names(tmp_path: Path, extra: str, key: str, what: str) -> None:
    write(tmp_path, "cities", "hai-phong", HP)
    write(tmp_path, "units", "x", "unit: x\nname: X\n" + extra)
    with pytest.raises(ParamsError) as err:
        load_unit("x", tmp_path)
    msg = str(err.value)
    assert "x.yaml" in msg and f"'{key}'" in msg and what in msg and "\n" not in msg


def test_city_units_sorted_and_filtered(tmp_path: Path) -> None:
    write(tmp_path, "cities", "hai-phong", HP)
    write(tmp_path, "cities", "ha-noi", HP.replace("hai-phong", "ha-noi").replace("31", "01"))
    write(tmp_path, "units", "b", 'unit: b\nname: B\ncity: hai-phong\ncode: "00002"\n')
    write(tmp_path, "units", "a", 'unit: a\nname: A\ncity: hai-phong\ncode: "00001"\n')
    write(tmp_path, "units", "c", "unit: c\nname: C\ncity: ha-noi\n")
    write(tmp_path, "units", "d", "unit: d\nname: D\n")
    assert [u.unit for u in city_units("hai-phong", tmp_path)] == ["a", "b"]
    assert [u.unit for u in city_units("ha-noi", tmp_path)] == ["c"]
    assert list_cities(tmp_path) == ["ha-noi", "hai-phong"]
    assert load_city("ha-noi", tmp_path).code == "01"
    with pytest.raises(ParamsError, match="Không có tệp"):
        city_units("da-nang", tmp_path)


def test_two_units_with_one_code_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "cities", "hai-phong", HP)
    write(tmp_path, "units", "a", 'unit: a\nname: A\ncity: hai-phong\ncode: "00001"\n')
    write(tmp_path, "units", "b", 'unit: b\nname: B\ncity: hai-phong\ncode: "00001"\n')
    with pytest.raises(ParamsError, match=r"'a' và 'b'.*cùng mã đơn vị hành chính '00001'"):
        city_units("hai-phong", tmp_path)


def test_doctor_checks_each_city(tmp_path: Path) -> None:
    write(tmp_path, "cities", "hai-phong", HP)
    write(tmp_path, "cities", "bad", "city: bad\nname: B\nkind: tỉnh\ncode: 7\n")
    write(tmp_path, "units", "a", 'unit: a\nname: A\ncity: hai-phong\ncode: "00001"\n')
    write(tmp_path, "units", "b", "unit: b\nname: B\ncity: hai-phong\n")
    checks = {c.name: c for c in check_cities(tmp_path)}
    assert checks["Tham số thành phố hai-phong"].ok
    assert checks["Tham số thành phố hai-phong"].detail == (
        "thành phố Hải Phòng (mã 31), 2 đơn vị, 1 đơn vị chưa có mã"
    )
    assert not checks["Tham số thành phố bad"].ok
    assert "'code'" in checks["Tham số thành phố bad"].detail
