"""City params: ``params/cities/<city>.yaml``, validated before anything runs.

A city (thành phố or tỉnh trực thuộc trung ương, e.g. ``hai-phong``) receives every commune's
monthly report and sends its own roll-up. Its file gives the names and the official
administrative-unit code (mã đơn vị hành chính cấp tỉnh, Quyết định 124/2004/QĐ-TTg: two digits,
"31" for Hải Phòng), the document's header, symbol and signature (Nghị định 30/2020, Phụ lục I)
and the recipients. A unit names its city in ``params/units/<unit>.yaml`` (``city:``);
:func:`city_units` lists a city's units.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator

from tthc.errors import ParamsError
from tthc.paths import params_dir
from tthc.units import (
    SLUG_RE,
    DocumentSettings,
    Signer,
    UnitParams,
    _Strict,
    describe_validation_error,
    list_units,
    load_unit,
    read_yaml,
)

PROVINCE_CODE_RE = re.compile(r"^\d{2}$")


class CityParams(_Strict):
    """One city or province (cấp tỉnh) and how its report is headed, signed and sent."""

    city: str = Field(description="slug, same as the file name, e.g. 'hai-phong'")
    name: str = Field(description="tên without the kind, e.g. 'Hải Phòng'")
    kind: Literal["thành phố", "tỉnh"] = Field(description="thành phố | tỉnh")
    code: str = Field(description="mã đơn vị hành chính cấp tỉnh, two digits, e.g. '31'")
    issuer: str = "ỦY BAN NHÂN DÂN"  # cơ quan ban hành, line 1 of the header block
    place: str | None = None  # địa danh in "Hải Phòng, ngày … tháng … năm …"; default: name
    document: DocumentSettings = DocumentSettings()
    signer: Signer = Signer()
    recipients: list[str] = Field(default_factory=list)  # "Nơi nhận", last one "Lưu: VT, …"

    @field_validator("city")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG_RE.match(v):
            raise ValueError("phải là chữ thường không dấu, số và gạch nối, ví dụ 'hai-phong'")
        return v

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, v: object) -> object:
        if isinstance(v, int) and not isinstance(v, bool):
            raise ValueError(
                f'mã đơn vị hành chính phải viết trong dấu nháy, ví dụ code: "{v:02d}" '
                "(YAML đọc số không có dấu nháy thành số và bỏ số 0 ở đầu)"
            )
        if isinstance(v, str) and not PROVINCE_CODE_RE.match(v):
            raise ValueError(f"mã đơn vị hành chính cấp tỉnh gồm đúng 2 chữ số (nhận '{v}')")
        return v

    @property
    def display_name(self) -> str:
        """'thành phố Hải Phòng'."""
        return f"{self.kind} {self.name}"

    @property
    def issuer_line2(self) -> str:
        """'THÀNH PHỐ HẢI PHÒNG' under 'ỦY BAN NHÂN DÂN'."""
        return self.display_name.upper()

    @property
    def place_name(self) -> str:
        return self.place or self.name


def cities_dir(base: Path | None = None) -> Path:
    return (base or params_dir()) / "cities"


def city_file(city: str, base: Path | None = None) -> Path:
    return cities_dir(base) / f"{city}.yaml"


def list_cities(base: Path | None = None) -> list[str]:
    """Every city that has a params file, sorted."""
    return sorted(p.stem for p in cities_dir(base).glob("*.yaml"))


def load_city(slug: str, base: Path | None = None) -> CityParams:
    """Load and validate ``params/cities/<slug>.yaml``.

    Raises :class:`ParamsError` (one Vietnamese line naming the file and the key) when the slug
    is malformed, the file is missing or any key is invalid. Unlike a unit, a city has no
    defaults: its report cannot be headed without its name and code.
    """
    if not SLUG_RE.match(slug):
        raise ParamsError(f"Tên thành phố/tỉnh '{slug}' không hợp lệ: dùng dạng 'hai-phong'.")
    path = city_file(slug, base)
    if not path.exists():
        known = list_cities(base)
        hint = f" (có: {', '.join(known)})" if known else ""
        raise ParamsError(f"Không có tệp tham số thành phố/tỉnh {path}{hint}.")
    data = read_yaml(path)
    data.setdefault("city", slug)
    if data["city"] != slug:
        raise ParamsError(f"{path}: khóa 'city' là '{data['city']}' nhưng tên tệp là '{slug}'.")
    try:
        return CityParams.model_validate(data)
    except ValidationError as exc:
        raise ParamsError(describe_validation_error(path, exc)) from exc


def city_units(slug: str, base: Path | None = None) -> list[UnitParams]:
    """Every unit whose ``params/units/<unit>.yaml`` names ``slug`` as its city, sorted by slug.

    The city file itself is validated first (:func:`load_city`). Two units of the city with the
    same administrative-unit code (mã ĐVHC) are a :class:`ParamsError`: a province-level export
    could not tell them apart.
    """
    load_city(slug, base)
    units = [load_unit(u, base) for u in list_units(base)]
    mine = [u for u in units if u.city == slug]
    seen: dict[str, str] = {}
    for u in mine:
        if u.code is None:
            continue
        if u.code in seen:
            raise ParamsError(
                f"Hai đơn vị '{seen[u.code]}' và '{u.unit}' của {slug} cùng mã đơn vị hành chính "
                f"'{u.code}': sửa khóa 'code' trong params/units/{u.unit}.yaml."
            )
        seen[u.code] = u.unit
    return mine
