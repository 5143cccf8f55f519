"""Unit params: ``params/units/<unit>.yaml``, validated before anything runs.

A unit (đơn vị: a commune, ward or special zone) is named by a slug such as ``an-truong``. Its
file gives the document's header and signature, the reporting profile, extra header aliases for
its exports and its personal-data policy. A unit with no file gets :func:`default_unit_params`:
the default profile, no personal data, and placeholders in the document where a name is needed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tthc.errors import ParamsError
from tthc.paths import params_dir

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A slug names files and folders (params/units/<slug>.yaml, outputs/<slug>/, the narrative
# folder): 64 characters is far more than any commune's name and far below the 255-byte limit.
SLUG_MAX = 64


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Signer(_Strict):
    """Signature block (Nghị định 30/2020, Phụ lục I): thẩm quyền ký, chức vụ, họ tên."""

    authority: str = "TM. ỦY BAN NHÂN DÂN"  # quyền hạn: TM. ...
    # Ký thay: "KT. CHỦ TỊCH" when a deputy signs, with title "PHÓ CHỦ TỊCH". By default the
    # chair signs in person, so there is no "KT." line and the title is "CHỦ TỊCH".
    deputy: str | None = None
    title: str = "CHỦ TỊCH"  # chức vụ
    name: str = ""  # họ tên; blank until known


class DocumentSettings(_Strict):
    """The document's symbol (ký hiệu): the "BC-UBND" of "Số: …/BC-UBND".

    The number is not here: it belongs to one report, so each period's narrative file gives it
    (front-matter key ``number``, :mod:`tthc.report.narrative`).
    """

    symbol: str = "BC-UBND"
    # The internal checks (data quality, identity checks, warnings, how each rate was computed)
    # always go to the companion file kiem-tra.html/.pdf; true also puts them back at the end of
    # the document's appendix.
    checks_in_appendix: bool = False


class PersonalData(_Strict):
    """Citizens' personal data (Nghị định 13/2023/NĐ-CP). Off unless a unit decides otherwise."""

    allow: bool = False
    reason: str | None = None  # required when allow is true: the legal ground, for the audit trail


class ExportSettings(_Strict):
    """How the unit's one-stop software writes its exports, where a file cannot tell.

    ``date_order``: ``dmy`` (day first, 13/06/2026: Vietnamese systems; the default) or ``mdy``
    (month first). Used only for a file whose dates prove neither order (no day above 12 in
    any of them); the choice is recorded in the ingest ledger (:mod:`tthc.ingest.dates`).
    """

    date_order: Literal["dmy", "mdy"] = "dmy"


class UnitParams(_Strict):
    unit: str = Field(description="slug, same as the file name")
    name: str = Field(description="tên đơn vị without the kind, e.g. 'An Trường'")
    unit_type: str = Field("xã", description="xã | phường | đặc khu")
    issuer: str = "ỦY BAN NHÂN DÂN"  # cơ quan ban hành, line 1 of the header block
    place: str | None = None  # địa danh in "An Trường, ngày … tháng … năm …"; default: name
    city: str | None = None  # thành phố / tỉnh the report goes to
    centre: str = "Trung tâm Phục vụ hành chính công"
    profile: str = "default"  # name in params/profiles/ or a path
    document: DocumentSettings = DocumentSettings()
    signer: Signer = Signer()
    recipients: list[str] = Field(default_factory=list)  # "Nơi nhận", last one "Lưu: VT, …"
    aliases: dict[str, list[str]] = Field(default_factory=dict)  # canonical field -> extra headers
    personal_data: PersonalData = PersonalData()
    exports: ExportSettings = ExportSettings()
    # The documents each report writes besides its notebook: the official HTML, the PDF/A
    # to sign and archive, the DOCX to edit in Word (``tthc report --formats`` overrides).
    formats: list[Literal["html", "pdf", "docx"]] = Field(
        default_factory=lambda: ["html", "pdf", "docx"]
    )

    @field_validator("formats")
    @classmethod
    def _some_formats(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("chọn ít nhất một định dạng: html, pdf, docx")
        return list(dict.fromkeys(v))

    @field_validator("unit")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG_RE.fullmatch(v) or len(v) > SLUG_MAX:
            raise ValueError(
                f"phải là chữ thường không dấu, số và gạch nối, tối đa {SLUG_MAX} ký tự, "
                "ví dụ 'an-truong'"
            )
        return v

    @property
    def display_name(self) -> str:
        """'xã An Trường'."""
        return f"{self.unit_type} {self.name}"

    @property
    def issuer_line2(self) -> str:
        """'XÃ AN TRƯỜNG' under 'ỦY BAN NHÂN DÂN'."""
        return self.display_name.upper()

    @property
    def place_name(self) -> str:
        return self.place or self.name


def unit_file(unit: str, base: Path | None = None) -> Path:
    return (base or params_dir()) / "units" / f"{unit}.yaml"


def default_unit_params(unit: str) -> UnitParams:
    return UnitParams(unit=unit, name=unit)


def check_slug(unit: str) -> None:
    """Refuse a unit slug that is not lowercase ASCII words joined by hyphens, or too long
    (:data:`SLUG_MAX`): it becomes file and folder names, so no separators, dots or spaces."""
    if len(unit) > SLUG_MAX:
        raise ParamsError(
            f"Tên đơn vị '{unit[:40]}…' dài {len(unit)} ký tự, quá {SLUG_MAX}: dùng dạng "
            "'an-truong'."
        )
    if not SLUG_RE.fullmatch(unit):
        shown = unit.encode("utf-8", "replace").decode("utf-8")
        raise ParamsError(f"Tên đơn vị '{shown}' không hợp lệ: dùng dạng 'an-truong'.")


def load_unit(unit: str, base: Path | None = None) -> UnitParams:
    """Load and validate ``params/units/<unit>.yaml``; the defaults when the file is absent."""
    check_slug(unit)
    path = unit_file(unit, base)
    if not path.exists():
        return default_unit_params(unit)
    data = read_yaml(path)
    data.setdefault("unit", unit)
    if data["unit"] != unit:
        raise ParamsError(f"{path}: khóa 'unit' là '{data['unit']}' nhưng tên tệp là '{unit}'.")
    _refuse_moved_keys(path, data)
    try:
        params = UnitParams.model_validate(data)
    except ValidationError as exc:
        raise ParamsError(describe_validation_error(path, exc)) from exc
    if params.personal_data.allow and not params.personal_data.reason:
        raise ParamsError(
            f"{path}: khóa 'personal_data.reason' bắt buộc khi 'personal_data.allow' là true."
        )
    return params


def _refuse_moved_keys(path: Path, data: dict[str, Any]) -> None:
    """A key that moved elsewhere gets told where, not just "not supported"."""
    document = data.get("document")
    if isinstance(document, dict) and "number" in document:
        raise ParamsError(
            f"{path}: khóa 'document.number' không còn dùng: số văn bản của mỗi báo cáo ghi ở "
            "khóa 'number' trong phần đầu '---' của tệp nội dung kỳ đó "
            f"(params/narrative/{data['unit']}/<kỳ>.md)."
        )


def list_units(base: Path | None = None) -> list[str]:
    """Every unit that has a params file, sorted."""
    folder = (base or params_dir()) / "units"
    return sorted(p.stem for p in folder.glob("*.yaml"))


def read_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping, or a ParamsError naming the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ParamsError(f"{path}: không đọc được ({exc}).") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" dòng {mark.line + 1}" if mark else ""
        raise ParamsError(f"{path}:{where} không phải YAML hợp lệ.") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParamsError(f"{path}: cần một bảng khóa: giá trị ở cấp ngoài cùng.")
    return data


_MESSAGES = {
    "extra_forbidden": "khóa không được hỗ trợ",
    "missing": "thiếu giá trị bắt buộc",
    "string_type": "cần chuỗi ký tự",
    "bool_type": "cần true hoặc false",
    "bool_parsing": "cần true hoặc false",
    "int_type": "cần số nguyên",
    "int_parsing": "cần số nguyên",
    "list_type": "cần danh sách",
    "dict_type": "cần bảng khóa: giá trị",
    "model_type": "cần bảng khóa: giá trị",
    "literal_error": "giá trị không thuộc danh sách cho phép",
    "enum": "giá trị không thuộc danh sách cho phép",
}


def describe_validation_error(path: Path, exc: ValidationError) -> str:
    """One line naming the file, the first bad key and what is wrong with it."""
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"]) or "(gốc)"
    what = _MESSAGES.get(err["type"], err["msg"])
    if err["type"] == "value_error":
        what = str(err.get("ctx", {}).get("error", err["msg"]))
    more = f" (và {len(exc.errors()) - 1} lỗi khác)" if len(exc.errors()) > 1 else ""
    return f"{path}: khóa '{key}': {what}{more}."
