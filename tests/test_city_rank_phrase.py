"""The city report's "cao nhất … thấp nhất …" sentence names every unit of a shared rank: one
unit named highest where six share 100% misled the reader of an official document."""

from __future__ import annotations

from types import SimpleNamespace

from tthc.render.city_report import _rank_phrase
from tthc.stats.city import UnitRank
from tthc.stats.profile import load_profile

DATA = SimpleNamespace(name=lambda u: f"xã {u.upper()}", profile=load_profile("default"))


def ranks(*values: float | None) -> list[UnitRank]:
    """Units a, b, c … with these rates, ranked as rank_units does (ties share a rank)."""
    known = sorted((v for v in values if v is not None), reverse=True)
    return [
        UnitRank(chr(97 + i), v, None, None, None if v is None else known.index(v) + 1)
        for i, v in enumerate(values)
    ]


def test_one_highest_and_one_lowest() -> None:
    assert _rank_phrase(DATA, ranks(99.5, 97.25, 90.0), 2) == (
        "cao nhất xã A (99,50%); thấp nhất xã C (90,00%)"
    )


def test_units_sharing_the_highest_rate_are_named_together() -> None:
    assert _rank_phrase(DATA, ranks(100.0, 100.0, 95.0, 92.5), 2) == (
        "cao nhất 2 đơn vị cùng 100,00%: xã A và xã B; thấp nhất xã D (92,50%)"
    )
    assert _rank_phrase(DATA, ranks(100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 80.0), 2) == (
        "cao nhất 6 đơn vị cùng 100,00%: xã A, xã B, xã C và 3 đơn vị khác; thấp nhất xã G (80,00%)"
    )
    assert _rank_phrase(DATA, ranks(98.0, 91.0, 91.0), 2) == (
        "cao nhất xã A (98,00%); thấp nhất 2 đơn vị cùng 91,00%: xã B và xã C"
    )


def test_all_equal_and_units_without_the_rate() -> None:
    assert _rank_phrase(DATA, ranks(100.0, 100.0, None), 2) == (
        "cả 2 đơn vị tính được cùng 100,00%; 1 đơn vị chưa tính được (N/A)"
    )
    assert _rank_phrase(DATA, ranks(87.5, None), 2) == (
        "cao nhất xã A (87,50%); 1 đơn vị chưa tính được (N/A)"
    )
    assert _rank_phrase(DATA, ranks(None, None), 2) == "chưa đơn vị nào tính được (N/A)"
