"""Fake personal data for the personal columns of the sample exports.

Real exports carry Chủ hồ sơ, Địa chỉ and Số điện thoại (personal data under Nghị định
13/2023/NĐ-CP); the sample has them so that ingest proves it drops them. Every value here is
invented: names are random combinations of common family, middle and given names, villages are
made-up thôn names of the fictional commune, and phone numbers are random digits behind real
mobile prefixes.
"""

from __future__ import annotations

import numpy as np

FAMILY = (
    ("Nguyễn", 32),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 8),
    ("Vũ", 6),
    ("Hoàng", 5),
    ("Đặng", 4),
    ("Bùi", 4),
    ("Đỗ", 4),
    ("Ngô", 3),
    ("Dương", 2),
    ("Đào", 2),
    ("Hồ", 2),
    ("Lương", 1),
    ("Mạc", 1),
    ("Phan", 2),
    ("Trịnh", 1),
    ("Đinh", 1),
)
MALE_MIDDLE = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Trọng", "Xuân", "Thanh", "Công", "Bá")
FEMALE_MIDDLE = ("Thị", "Thị", "Thị", "Thu", "Ngọc", "Minh", "Thanh", "Hồng", "Phương", "Kim")
MALE_GIVEN = (
    "Anh", "Bình", "Cường", "Dũng", "Duy", "Hải", "Hiếu", "Hùng", "Huy", "Khánh", "Long",
    "Mạnh", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Thành", "Toàn", "Trung", "Tuấn", "Việt",
)  # fmt: skip
FEMALE_GIVEN = (
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh",
    "Mai", "Ngân", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Trang", "Vân", "Yến",
)  # fmt: skip
VILLAGES = (
    "Thôn Đông Am", "Thôn Tây Am", "Thôn Nam Trường", "Thôn Bắc Trường", "Thôn Phú Lộc",
    "Thôn Hạ Đoạn", "Thôn Thượng Đoạn", "Thôn An Lạc", "Thôn Kim Sơn", "Thôn Văn Trì",
    "Thôn Cổ Trai", "Thôn Lương Khê",
)  # fmt: skip
MOBILE_PREFIXES = ("090", "091", "093", "094", "096", "097", "098", "086", "088", "035", "038")
COMMUNE_TAIL = "xã An Trường, thành phố Hải Phòng"


class People:
    """Draws fake owners, addresses and phone numbers from a seeded generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        weights = np.array([w for _, w in FAMILY], dtype=float)
        self._family_p = weights / weights.sum()

    def names(self, n: int) -> list[str]:
        rng = self._rng
        family = rng.choice(len(FAMILY), size=n, p=self._family_p)
        female = rng.random(n) < 0.5
        middle = rng.integers(0, 10, size=n)
        given = rng.integers(0, 1000, size=n)
        out = []
        for f, fem, m, g in zip(family, female, middle, given, strict=True):
            mids, gives = (FEMALE_MIDDLE, FEMALE_GIVEN) if fem else (MALE_MIDDLE, MALE_GIVEN)
            out.append(f"{FAMILY[f][0]} {mids[m]} {gives[g % len(gives)]}")
        return out

    def addresses(self, n: int) -> list[str]:
        village = self._rng.integers(0, len(VILLAGES), size=n)
        house = self._rng.integers(1, 320, size=n)
        return [
            f"Số {h}, {VILLAGES[v]}, {COMMUNE_TAIL}" for v, h in zip(village, house, strict=True)
        ]

    def phones(self, n: int) -> list[str]:
        prefix = self._rng.integers(0, len(MOBILE_PREFIXES), size=n)
        digits = self._rng.integers(0, 10_000_000, size=n)
        return [f"{MOBILE_PREFIXES[p]}{d:07d}" for p, d in zip(prefix, digits, strict=True)]
