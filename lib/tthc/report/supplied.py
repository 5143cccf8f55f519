"""Figures supplied from outside the exports (số liệu do đơn vị cung cấp), e.g. read off the
national public-service dashboard (Cổng Dịch vụ công quốc gia, Quyết định 766/QĐ-TTg indices).

A period's narrative front matter may give them under ``supplied:`` (domain.md §6, "Figures copied
from the dashboard")::

    supplied:
      reuse:                              # a key of SUPPLIED_SPECS
        value: 99.87                      # as read, with the decimals read
        unit: "%"                         # the key's unit: "%" or "điểm"
        source: Cổng Dịch vụ công quốc gia
        as_of: 2026-06-14                 # "số liệu đến ngày …" on the dashboard

The document prints each where it belongs (the line of section I.3 of the same indicator, or a
line of its own after the data-reuse line), always marked as supplied with a footnote naming the
source and the date, never passed off as computed. When the exports compute the same indicator
(``computed``), the two are compared at the supplied figure's precision (the computed rate rounded
half-up to the supplied decimals): equal, the footnote says they agree; different, the line shows
both. Validation (:func:`parse_supplied`) gives one Vietnamese line naming the file and the key;
a date outside the reporting period is a lint warning (:func:`supplied_warnings`), not an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from tthc.errors import ParamsError
from tthc.stats.periods import vn_date

DASHBOARD = "Cổng Dịch vụ công quốc gia"


@dataclass(frozen=True)
class SuppliedSpec:
    """An indicator a unit may supply: its name in the document, unit, upper bound and, when the
    exports compute it too, the key of the computed value (``tthc stats --json``)."""

    title: str
    unit: Literal["%", "điểm"]
    maximum: Decimal
    computed: str | None = None


# The rates of section I.3 whose lines the document already prints, the online-payment rate
# (QĐ 766 indicator 3.6) and the dashboard's scores (QĐ 766: satisfaction is group 5, 18 points
# of the 100-point index). Titles of computed rates are the profile's (tthc.stats.profile).
SUPPLIED_SPECS: dict[str, SuppliedSpec] = {
    "dvctt_online": SuppliedSpec(
        "Tỷ lệ hồ sơ trực tuyến trên tổng hồ sơ của các DVCTT",
        "%",
        Decimal(100),
        "rate_dvctt_online",
    ),
    "with_components": SuppliedSpec(
        "Tỷ lệ hồ sơ có thành phần hồ sơ đính kèm", "%", Decimal(100), "rate_with_components"
    ),
    "with_result_file": SuppliedSpec(
        "Tỷ lệ hồ sơ có file kết quả đính kèm", "%", Decimal(100), "rate_with_result_file"
    ),
    "with_both": SuppliedSpec(
        "Tỷ lệ hồ sơ có thành phần hồ sơ và file kết quả đính kèm",
        "%",
        Decimal(100),
        "rate_with_both",
    ),
    "reuse": SuppliedSpec("Tỷ lệ tái sử dụng dữ liệu số hóa", "%", Decimal(100), "rate_reuse"),
    "online_payment": SuppliedSpec(
        "Tỷ lệ thanh toán trực tuyến", "%", Decimal(100), "rate_online_payment"
    ),
    "satisfaction": SuppliedSpec(
        "Điểm mức độ hài lòng của người dân, doanh nghiệp (Bộ chỉ số 766)", "điểm", Decimal(18)
    ),
    "service_index": SuppliedSpec(
        "Điểm Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh "
        "nghiệp (Quyết định 766/QĐ-TTg)",
        "điểm",
        Decimal(100),
    ),
}
# Indicators printed only when supplied, on lines of their own after the data-reuse line.
EXTRA_LINES = ("online_payment", "satisfaction", "service_index")


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    value: Decimal
    unit: str
    source: str
    as_of: date

    @field_validator("value")
    @classmethod
    def _finite(cls, v: Decimal) -> Decimal:
        if not v.is_finite() or v < 0:
            raise ValueError("cần một số không âm, ví dụ 99.87")
        return v

    @field_validator("source")
    @classmethod
    def _named(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("ghi nguồn số liệu, ví dụ 'Cổng Dịch vụ công quốc gia'")
        return v.strip()


@dataclass(frozen=True)
class SuppliedFigure:
    """One supplied figure, validated: ``value`` exactly as written (its decimals kept)."""

    key: str
    value: Decimal
    unit: str
    source: str
    as_of: date

    @property
    def spec(self) -> SuppliedSpec:
        return SUPPLIED_SPECS[self.key]

    @property
    def decimals(self) -> int:
        exponent = self.value.as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.spec.title,
            "value": str(self.value),
            "unit": self.unit,
            "source": self.source,
            "as_of": self.as_of.isoformat(),
        }

    def source_phrase(self) -> str:
        """'theo Cổng Dịch vụ công quốc gia, số liệu đến ngày 14/6/2026'."""
        return f"theo {self.source}, số liệu đến ngày {vn_date(self.as_of)}"


@dataclass(frozen=True)
class Comparison:
    """A supplied figure against what the exports computed for the same indicator.

    ``status``: 'match' (equal at the supplied precision), 'differ', 'not_computed' (the exports
    give N/A, ``reason`` says why) or 'no_counterpart' (the exports never compute it).
    """

    figure: SuppliedFigure
    computed: Decimal | None
    status: str
    reason: str | None = None

    @property
    def difference(self) -> Decimal | None:
        """Supplied minus computed, at the supplied precision (None unless both exist)."""
        if self.computed is None:
            return None
        return self.figure.value - _at(self.computed, self.figure.decimals)


def _at(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def compare(
    figure: SuppliedFigure, values: Mapping[str, Any], na: Mapping[str, str] | None = None
) -> Comparison:
    """Compare ``figure`` with the computed value of its indicator in ``values``."""
    key = figure.spec.computed
    if key is None:
        return Comparison(figure, None, "no_counterpart")
    raw = values.get(key)
    if raw is None:
        return Comparison(figure, None, "not_computed", (na or {}).get(key))
    computed = Decimal(str(raw))
    same = _at(computed, figure.decimals) == figure.value
    return Comparison(figure, computed, "match" if same else "differ")


# --- validation ------------------------------------------------------------------------------------


def parse_supplied(data: Any, path: Path) -> dict[str, SuppliedFigure]:
    """The front matter's ``supplied`` mapping, validated; a :class:`ParamsError` naming the file
    and the key (``supplied.reuse.as_of``) otherwise."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParamsError(f"{path}: khóa 'supplied': cần bảng 'tên chỉ tiêu: {{value, unit, …}}'.")
    out: dict[str, SuppliedFigure] = {}
    for key, item in data.items():
        where = f"supplied.{key}"
        spec = SUPPLIED_SPECS.get(str(key))
        if spec is None:
            raise ParamsError(
                f"{path}: khóa '{where}': chỉ tiêu không được hỗ trợ; dùng một trong "
                f"{', '.join(SUPPLIED_SPECS)}."
            )
        if not isinstance(item, dict):
            raise ParamsError(
                f"{path}: khóa '{where}': cần các khóa value, unit, source, as_of "
                "(giá trị, đơn vị, nguồn, số liệu đến ngày)."
            )
        try:
            parsed = _Item.model_validate(item)
        except ValidationError as exc:
            raise ParamsError(_describe(path, where, exc)) from exc
        if parsed.unit != spec.unit:
            raise ParamsError(
                f"{path}: khóa '{where}.unit' là '{parsed.unit}' nhưng chỉ tiêu này tính bằng "
                f"'{spec.unit}'."
            )
        if parsed.value > spec.maximum:
            raise ParamsError(
                f"{path}: khóa '{where}.value' là {parsed.value}: lớn hơn mức tối đa "
                f"{spec.maximum} {spec.unit}."
            )
        out[str(key)] = SuppliedFigure(
            str(key), parsed.value, parsed.unit, parsed.source, parsed.as_of
        )
    return out


_MESSAGES = {
    "missing": "thiếu giá trị bắt buộc",
    "extra_forbidden": "khóa không được hỗ trợ (chỉ có value, unit, source, as_of)",
    "decimal_parsing": "cần một số, ví dụ 99.87",
    "decimal_type": "cần một số, ví dụ 99.87",
    "string_type": "cần chuỗi ký tự",
    "date_from_datetime_parsing": "cần ngày dạng năm-tháng-ngày, ví dụ 2026-06-14",
    "date_parsing": "cần ngày dạng năm-tháng-ngày, ví dụ 2026-06-14",
    "date_type": "cần ngày dạng năm-tháng-ngày, ví dụ 2026-06-14",
    "date_from_datetime_inexact": "cần ngày dạng năm-tháng-ngày, ví dụ 2026-06-14",
}


def _describe(path: Path, where: str, exc: ValidationError) -> str:
    err = exc.errors()[0]
    key = ".".join([where, *(str(p) for p in err["loc"])])
    what = _MESSAGES.get(err["type"], err["msg"])
    if err["type"] == "value_error":
        what = str(err.get("ctx", {}).get("error", err["msg"]))
    return f"{path}: khóa '{key}': {what}."


class PeriodLike(Protocol):
    @property
    def start(self) -> date: ...
    @property
    def end(self) -> date: ...


def supplied_warnings(figures: Mapping[str, SuppliedFigure], period: PeriodLike) -> list[str]:
    """A warning for each supplied figure whose date falls outside the reporting period: read
    too early it misses days of the period, read later it counts days after it."""
    out = []
    for f in figures.values():
        if not period.start <= f.as_of <= period.end:
            out.append(
                f"Số liệu cung cấp '{f.key}' ({f.spec.title}) ghi số liệu đến ngày "
                f"{vn_date(f.as_of)}, ngoài kỳ báo cáo ({vn_date(period.start)}–"
                f"{vn_date(period.end)}): kiểm tra lại ngày đọc số liệu."
            )
    return out
