"""The byte-level proofs never say "certainly not" when a cell says otherwise."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tthc.arrowbytes import ascii_may_need_cleaning, may_contain
from tthc.text import _RE2_ASCII_NEEDS_WORK, clean, clean_arrow

# ASCII cells of the kinds a case export has, with the characters that make work likely.
ascii_cells = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from("0123456789/:.-H #\t\n\r\x00\x7f aA"), max_size=12),
    st.sampled_from(["01/06/2026 08:00:00", "000.00.21.H26-00000001", "", " ", "#N/A", "a  b"]),
)


def _needs_work(values: list[str | None]) -> bool:
    """The per-cell check the byte proof stands in for (``tthc.text.clean_arrow``)."""
    arr = pa.array(values, type=pa.string())
    return bool(pc.any(pc.match_substring_regex(arr, _RE2_ASCII_NEEDS_WORK)).as_py())


@settings(max_examples=300, deadline=None)
@given(st.lists(ascii_cells, max_size=30), st.integers(0, 10), st.integers(0, 10))
def test_ascii_cleaning_proof_is_exact_and_safe_on_slices(values, start, cut) -> None:
    arr = pa.array(values, type=pa.string())
    # A whole array built from values: the byte answer is the cell-by-cell answer.
    assert ascii_may_need_cleaning(arr) == _needs_work(values)
    # A slice sees bytes around it: "maybe" may be wrong, "certainly not" never is.
    part = arr.slice(min(start, len(values)), cut)
    if not ascii_may_need_cleaning(part):
        assert not _needs_work(part.to_pylist())
        assert all(v is None or clean(v) == v for v in part.to_pylist())
        assert clean_arrow(part).to_pylist() == part.to_pylist()


@settings(max_examples=200, deadline=None)
@given(st.lists(ascii_cells, max_size=30), st.integers(0, 10), st.integers(0, 10))
def test_may_contain_never_misses_a_cell(values, start, cut) -> None:
    arr = pa.array(values, type=pa.string())
    assert may_contain(arr, "#") == any(v is not None and "#" in v for v in values)
    part = arr.slice(min(start, len(values)), cut)
    if not may_contain(part, "#"):
        assert not any(v is not None and "#" in v for v in part.to_pylist())


def test_chunked_large_and_unknown_types() -> None:
    chunked = pa.chunked_array([["01/06/2026"], ["#REF!"]], type=pa.string())
    assert may_contain(chunked, "#")
    assert not may_contain(pa.array(["Hộ tịch", None, ""], type=pa.large_string()), "#")
    assert may_contain(pa.array(["Hộ tịch"]), "#", non_ascii=True)
    assert not may_contain(pa.array(["H26-1", "2.6E+11"]), " \t", non_ascii=True)
    assert may_contain(pa.array(["H26-1", "2.6E+11"]), "eE")
    assert ascii_may_need_cleaning(pa.array(["a ", "b"], type=pa.large_string()))
    assert not ascii_may_need_cleaning(pa.chunked_array([["a b"], []], type=pa.string()))
    # A type the scans do not read is always "maybe".
    assert may_contain(pa.array([1, 2]), "#")
    with pytest.raises(ValueError, match="not ASCII"):
        may_contain(chunked, "Đ")


section_like = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from("IVXivx12.) \tabcĐđ:HSTổngcộsốlĩnhvự0-"), max_size=14),
    st.sampled_from(["Tổng cộng", "I. Hộ tịch", "1. Hộ tịch", "Cộng: 2", "LĨNH VỰC HỘ TỊCH",
                     "iv.\tChứng thực", "H26-0001", "1.001193", "a)b", "Tổng(3)"]),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(section_like, max_size=20))
def test_section_rows_prefilter_drops_no_group_title(values) -> None:
    from tthc.ingest.footer import _SECTION, section_rows

    arr = pa.array(values, type=pa.string())
    lowered = pc.utf8_lower(pc.utf8_trim_whitespace(arr))
    expected = np.flatnonzero(
        pc.fill_null(pc.match_substring_regex(lowered, _SECTION), False).to_numpy(
            zero_copy_only=False
        )
    )
    assert section_rows(arr)[0].tolist() == expected.tolist()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet=st.sampled_from("0123456789.,eE+- H\t"), max_size=20), max_size=10)
)
def test_code_prefilters_drop_nothing(values) -> None:
    from tthc.errors import InputFileError
    from tthc.ingest.codes import _LONG_NUMBER, _SCIENTIFIC, _TRUNCATED, canonical_code

    arr = pa.array(values, type=pa.string())
    assert canonical_code(arr).to_pylist() == [re.sub(r"[\t\n\f\r ]+", "", v) for v in values]
    from tthc.ingest.codes import check_code_column

    def n(pattern: str) -> int:
        return sum(bool(re.search(pattern, v)) for v in values)

    refused = n(_SCIENTIFIC) > 0 or (n(_LONG_NUMBER) >= 2 and n(_TRUNCATED) == n(_LONG_NUMBER))
    try:
        check_code_column(arr, "Mã hồ sơ", "a.csv")
    except InputFileError:
        assert refused
    else:
        assert not refused


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            # Digits and look-alikes: Arabic-Indic and full-width digits, superscripts, a space.
            st.text(alphabet=st.sampled_from("0123456789٣１²a \n"), min_size=0, max_size=22),
            # Runs of ASCII digits around the 16-digit bound, with one other character or none.
            st.builds(
                lambda digits, other, before: other + digits if before else digits + other,
                st.text(alphabet="0123456789", min_size=14, max_size=18),
                st.sampled_from(["", "", "٣", "１", "a", " ", "\n"]),
                st.booleans(),
            ),
        ),
        max_size=12,
    )
)
def test_long_number_kernel_matches_its_re2_pattern(values) -> None:
    from tthc.ingest.codes import _LONG_NUMBER, _long_numbers

    arr = pa.array(values, type=pa.string())
    assert _long_numbers(arr).to_pylist() == pc.match_substring_regex(arr, _LONG_NUMBER).to_pylist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), max_size=20), st.integers(0, 8))
def test_longest_bytes_bounds_every_cell(values, start) -> None:
    from tthc.arrowbytes import longest_bytes

    arr = pa.array(values, type=pa.string())
    assert longest_bytes(arr) == max((len(v.encode()) for v in values if v), default=0)
    part = arr.slice(min(start, len(values)))
    longest = longest_bytes(part)
    assert all(len(v) <= longest for v in part.to_pylist() if v is not None)
    assert longest_bytes(pa.array([1])) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet="0123456789/: -.,aTſ\u00e0", max_size=10))))
def test_holds_only_is_true_exactly_when_every_cell_is_made_of_the_characters(values) -> None:
    from tthc.arrowbytes import holds_only

    allowed = "0123456789/:-., "
    arr = pa.array(values, type=pa.string())
    expected = all(set(v) <= set(allowed) for v in values if v is not None)
    assert holds_only(arr, allowed) == expected
    assert holds_only(pa.chunked_array([arr, arr]), allowed) == expected
    with pytest.raises(ValueError):
        holds_only(arr, "đ")
