"""The byte-level proofs never say "certainly not" when a cell says otherwise."""

from __future__ import annotations

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
    assert may_contain(arr, ord("#")) == any(v is not None and "#" in v for v in values)
    part = arr.slice(min(start, len(values)), cut)
    if not may_contain(part, ord("#")):
        assert not any(v is not None and "#" in v for v in part.to_pylist())


def test_chunked_large_and_unknown_types() -> None:
    chunked = pa.chunked_array([["01/06/2026"], ["#REF!"]], type=pa.string())
    assert may_contain(chunked, ord("#"))
    assert not may_contain(pa.array(["Hộ tịch", None, ""], type=pa.large_string()), ord("#"))
    assert ascii_may_need_cleaning(pa.array(["a ", "b"], type=pa.large_string()))
    assert not ascii_may_need_cleaning(pa.chunked_array([["a b"], []], type=pa.string()))
    # A type the scans do not read is always "maybe".
    assert may_contain(pa.array([1, 2]), ord("#"))
    with pytest.raises(ValueError, match="not an ASCII byte"):
        may_contain(chunked, 0xC3)
