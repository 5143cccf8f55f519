"""Reporting profiles: the conventions that differ between provinces, as validated settings.

A profile is ``params/profiles/<name>.yaml``. Every key is optional except where noted; a key
the model does not know is rejected with the file and the key named (a typo must never fall
back silently to a default). The defaults are the ``default`` profile's values, i.e. the
official definitions of domain.md §3 with exact rounding.

Settings (domain.md §4):

- ``period_rule``: ``nd09`` (15th of M−1 to 14th of M, Nghị định 09/2019 Điều 12) | ``calendar``
  (1st to month end) | ``day21`` (21st to 20th).
- ``ytd_start``: ``'MM-DD'`` (``'01-01'``: calendar year to date, the sample's reading) or
  ``period_rule`` (start of the rule's annual window, 15/12 of the previous year under nd09).
- ``comparison``: ``date`` (finish and due compared as calendar dates: before / same day / after,
  what vendors do) | ``timestamp`` (compared to the second; the sample's "đúng hạn = 0").
- ``third_bucket``: where withdrawn / stopped / returned cases ended in the period go:
  ``separate`` (their own line, neither resolved nor in progress; total = resolved + in progress +
  third) | ``resolved_on_time`` (counted as resolved on time, one vendor's Biểu 06) |
  ``excluded`` (left out of every column, total included). Their number is reported either way.
- ``early_on_time``: ``disjoint`` (trước hạn, đúng hạn, quá hạn) | ``combined`` (one column
  "trước hạn và đúng hạn") | ``on_time_includes_early`` (one column "đúng hạn" that includes
  early). Under the last two, ``cases_resolved_early`` is N/A and ``cases_resolved_on_time`` holds
  both.
- ``rounding``: ``half_up`` (exact decimal) | ``legacy_float`` (round a binary float to 2
  decimals, then to the rate's decimals: reproduces 23/220 → 10.4).
- ``rates.<key>``: ``numerator``, ``denominator`` (each from the small set in :data:`RATE_SPECS`),
  ``window`` (``period`` | ``ytd``) and ``decimals``; keys not given keep the default definition.
- ``number_format``: ``thousands_sep``, ``decimal_sep``, ``percent_suffix`` ("%" or " %"),
  ``strip_trailing_zeros`` (100.00 → "100%").
- ``allow_partial``: ``false`` (default: a figure over days the exports do not cover is N/A and
  the report is ``incomplete``) | ``true`` (such a figure is printed from the covered days, marked
  with them, as ``--allow-partial`` does; :mod:`tthc.stats.completeness`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tthc.errors import ParamsError
from tthc.paths import params_dir
from tthc.units import describe_validation_error, load_unit, read_yaml

Window = Literal["period", "ytd"]


@dataclass(frozen=True)
class RateSpec:
    """What a rate may be computed over; the first entry of each tuple is the default."""

    title: str  # Vietnamese name used by the report and the CLI
    numerators: tuple[str, ...]
    denominators: tuple[str, ...]
    window: str
    decimals: int


# Bases (documented in docs/stats-json.md):
#   catalogue        procedures of the catalogue snapshot (of the level the rate is about)
#   procedures_with_cases  catalogue procedures with ≥ 1 case received in the window
#   received         cases received in the window (mới tiếp nhận)
#   resolved         cases resolved in the window (đã giải quyết)
#   handled          all cases to handle in the window (tổng số = mới + kỳ trước)
#   due              cases that fell due: resolved + in progress overdue (đến hạn)
#   online           cases received online
#   dvctt_received   cases received for procedures offered as DVCTT (toàn trình or một phần)
#   with_components / with_result_file / with_both / reusing_data / paid_online: cases of the
#                    denominator's set that carry the flag
#   early_on_time    resolved early or on time
#   early_on_time_and_within  resolved early or on time + in progress within the deadline (QĐ 766)
#   fee_bearing_*    the fee-bearing cases of received / resolved
RATE_SPECS: dict[str, RateSpec] = {
    "procedures_with_cases": RateSpec(
        "Tỷ lệ thủ tục phát sinh hồ sơ", ("procedures_with_cases",), ("catalogue",), "ytd", 2
    ),
    "procedures_partial": RateSpec(
        "Tỷ lệ thủ tục DVCTT một phần phát sinh hồ sơ",
        ("procedures_with_cases",),
        ("catalogue",),
        "ytd",
        2,
    ),
    "procedures_full": RateSpec(
        "Tỷ lệ thủ tục DVCTT toàn trình phát sinh hồ sơ",
        ("procedures_with_cases",),
        ("catalogue",),
        "ytd",
        2,
    ),
    "dvctt_online": RateSpec(
        "Tỷ lệ hồ sơ trực tuyến trên tổng hồ sơ của các DVCTT",
        ("online",),
        ("dvctt_received",),
        "period",
        2,
    ),
    "online": RateSpec("Tỷ lệ hồ sơ tiếp nhận trực tuyến", ("online",), ("received",), "period", 2),
    "with_components": RateSpec(
        "Tỷ lệ hồ sơ có thành phần hồ sơ đính kèm",
        ("with_components",),
        ("received", "resolved", "handled"),
        "period",
        2,
    ),
    "with_result_file": RateSpec(
        "Tỷ lệ hồ sơ có file kết quả đính kèm",
        ("with_result_file",),
        ("received", "resolved", "handled"),
        "period",
        2,
    ),
    "with_both": RateSpec(
        "Tỷ lệ hồ sơ có thành phần hồ sơ và file kết quả đính kèm",
        ("with_both",),
        ("received", "resolved", "handled"),
        "period",
        2,
    ),
    "reuse": RateSpec(
        "Tỷ lệ tái sử dụng dữ liệu số hóa",
        ("reusing_data",),
        ("received", "resolved", "handled"),
        "period",
        2,
    ),
    "online_payment": RateSpec(
        "Tỷ lệ thanh toán trực tuyến",
        ("paid_online",),
        ("fee_bearing_received", "fee_bearing_resolved"),
        "period",
        2,
    ),
    "on_time": RateSpec(
        "Tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn",
        ("early_on_time", "early_on_time_and_within"),
        ("resolved", "due", "handled"),
        "period",
        2,
    ),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RateDef(_Strict):
    """One rate: numerator and denominator bases, window and decimals (see :data:`RATE_SPECS`)."""

    numerator: str | None = None
    denominator: str | None = None
    window: Window | None = None
    decimals: int | None = Field(None, ge=0, le=6)


class NumberFormat(_Strict):
    """How counts and rates are written. Official style: '2.751', '99,96%'."""

    thousands_sep: str = "."
    decimal_sep: str = ","
    percent_suffix: str = "%"
    strip_trailing_zeros: bool = False


@dataclass(frozen=True)
class ResolvedRate:
    """A rate definition with every default filled in."""

    key: str
    title: str
    numerator: str
    denominator: str
    window: str
    decimals: int


class Profile(_Strict):
    """A reporting profile (see the module docstring for each setting)."""

    name: str = "default"
    description: str = ""
    period_rule: Literal["nd09", "calendar", "day21"] = "nd09"
    ytd_start: str = "01-01"
    comparison: Literal["date", "timestamp"] = "date"
    third_bucket: Literal["separate", "resolved_on_time", "excluded"] = "separate"
    early_on_time: Literal["disjoint", "combined", "on_time_includes_early"] = "disjoint"
    rounding: Literal["half_up", "legacy_float"] = "half_up"
    rates: dict[str, RateDef] = Field(default_factory=dict)
    number_format: NumberFormat = NumberFormat()
    allow_partial: bool = False

    @field_validator("ytd_start")
    @classmethod
    def _ytd(cls, v: str) -> str:
        if v == "period_rule":
            return v
        m = re.fullmatch(r"(\d{2})-(\d{2})", v)
        ok = bool(m) and 1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31
        if not ok or v == "02-29":
            raise ValueError("cần 'MM-DD' (ví dụ '01-01', không dùng 02-29) hoặc 'period_rule'")
        return v

    @field_validator("rates")
    @classmethod
    def _rates(cls, v: dict[str, RateDef]) -> dict[str, RateDef]:
        for key, rd in v.items():
            spec = RATE_SPECS.get(key)
            if spec is None:
                raise ValueError(f"tỷ lệ '{key}' không được hỗ trợ (dùng: {', '.join(RATE_SPECS)})")
            for part, allowed in (
                ("numerator", spec.numerators),
                ("denominator", spec.denominators),
            ):
                val = getattr(rd, part)
                if val is not None and val not in allowed:
                    raise ValueError(
                        f"'{key}.{part}' = '{val}' không hợp lệ (chọn một trong: {', '.join(allowed)})"
                    )
        return v

    def rate_def(self, key: str) -> ResolvedRate:
        """The definition of rate ``key`` with the profile's overrides over the defaults."""
        return self._rate_defs[key]

    @cached_property
    def _rate_defs(self) -> dict[str, ResolvedRate]:
        # Resolved once per profile: a city's figures ask for them tens of thousands of times.
        return {key: self._resolve_rate(key) for key in RATE_SPECS}

    def _resolve_rate(self, key: str) -> ResolvedRate:
        spec = RATE_SPECS[key]
        rd = self.rates.get(key, RateDef())
        return ResolvedRate(
            key=key,
            title=spec.title,
            numerator=rd.numerator or spec.numerators[0],
            denominator=rd.denominator or spec.denominators[0],
            window=rd.window or spec.window,
            decimals=spec.decimals if rd.decimals is None else rd.decimals,
        )

    @property
    def early_on_time_split(self) -> bool:
        """True when early and on time are separate columns."""
        return self.early_on_time == "disjoint"

    @property
    def on_time_label(self) -> str:
        """Column 7's heading under this profile's early/on-time practice."""
        return {
            "disjoint": "Đúng hạn",
            "combined": "Trước hạn và đúng hạn",
            "on_time_includes_early": "Đúng hạn (gồm trước hạn)",
        }[self.early_on_time]

    @property
    def rule_label(self) -> str:
        """How the report names the rounding rule that produced its rates."""
        if self.rounding == "half_up":
            return "làm tròn thập phân chính xác (nửa lên)"
        return (
            "làm tròn kiểu cũ: đến 2 chữ số thập phân rồi đến số chữ số của tỷ lệ, "
            "trên số thực dấu phẩy động"
        )


def profiles_dir(base: Path | None = None) -> Path:
    return (base or params_dir()) / "profiles"


def list_profiles(base: Path | None = None) -> list[str]:
    return sorted(p.stem for p in profiles_dir(base).glob("*.yaml"))


def load_profile(name_or_path: str | Path, base: Path | None = None) -> Profile:
    """A profile by name (``params/profiles/<name>.yaml``) or by path to a YAML file."""
    text = str(name_or_path)
    path = Path(text)
    looks_like_path = path.suffix in (".yaml", ".yml") or "/" in text or "\\" in text
    if not looks_like_path:
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", text):
            raise ParamsError(
                f"Tên bộ quy ước báo cáo '{text}' không hợp lệ: dùng dạng 'an-truong'."
            )
        path = profiles_dir(base) / f"{text}.yaml"
    if not path.exists():
        from tthc.known import suggestion

        known = list_profiles(base)
        hint = suggestion(text if not looks_like_path else path.stem, known, "bộ quy ước báo cáo")
        raise ParamsError(
            f"Không tìm thấy bộ quy ước báo cáo (profile) '{text}': không có tệp {path}."
            + (hint or " Chưa có bộ quy ước báo cáo nào trong params/profiles/.")
        )
    data = read_yaml(path)
    data.setdefault("name", path.stem)
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ParamsError(describe_validation_error(path, exc)) from exc


def profile_for_unit(unit: str, base: Path | None = None) -> Profile:
    """The profile named in ``params/units/<unit>.yaml``; the ``default`` one without a file."""
    return load_profile(load_unit(unit, base).profile, base)
