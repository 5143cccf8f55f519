"""Per-distinct-value readings in Arrow agree with the per-cell SQL they replaced: the national
procedure code, the proof that a due column holds no duration, and the test for all-digit codes
(whose leading zeros Excel may have lost)."""

from __future__ import annotations

import re

import duckdb
import pyarrow as pa
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tthc.arrowbytes import may_contain
from tthc.ingest.codes import holds_all_digit_code, national_procedure_codes
from tthc.ingest.values import sql_is_duration

# What staging computed per cell before the codes were read once per distinct value.
_SQL_NATIONAL = (
    "CASE WHEN regexp_matches({x}, '^\\d\\.\\d{{6}}(\\.|$)') THEN substr({x}, 1, 8) "
    "WHEN regexp_full_match({x}, '\\d\\.\\d{{1,5}}') THEN rpad({x}, 8, '0') "
    "ELSE nullif(c, '') END"
).format(x="upper(regexp_replace(nullif(c, ''), '\\s+', '', 'g'))")

_DURATION = re.compile(r"\d+([.,]\d+)?\s*(ngày|giờ)", re.ASCII)

code_cells = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from("0123456789..  \t\nhHxß٣.-"), max_size=24),
    st.sampled_from(
        [
            *("1.001193", "1.001193.000.00.00.H31", "1.001193.000.00.00.h31", " 1. 001193 "),
            *("1.00119", "1.001193.01", "2.000815x", "1.0011930", "12.001193", "TTHC 1.001193"),
            *("", "1.1"),
        ]
    ),
)


def _sql(values: list[str | None], expr: str) -> list:
    con = duckdb.connect()
    con.register("t", pa.table({"c": pa.array(values, type=pa.string())}))
    # The SQL compared is what staging read: blank is NULL there (nullif), '' here.
    rows = con.execute(f"SELECT {expr} FROM t").fetchall()
    con.close()
    return [r[0] for r in rows]


@settings(max_examples=300, deadline=None)
@given(st.lists(code_cells, max_size=20))
@example(["1.001193.000.00.00.H31", "1.00119", "1.001193.01", "abc", "", None, "1.0011934"])
def test_national_code_per_distinct_value_is_the_per_cell_sql(values) -> None:
    arrow = national_procedure_codes(pa.array(values, type=pa.string())).to_pylist()
    sql = _sql(values, _SQL_NATIONAL)
    assert [a or None for a in arrow] == sql


def test_national_code_forms() -> None:
    got = national_procedure_codes(
        pa.chunked_array([["1.001193.000.00.00.H31", "1.00119"], ["1.001193.01", "Khác", ""]])
    )
    assert got.to_pylist() == ["1.001193", "1.001190", "1.001193", "Khác", ""]


due_cells = st.one_of(
    st.none(),
    st.lists(
        st.sampled_from(["5", "12", ",5", " ", "ngày", "NGÀY", "giờ", "GIỜ", "/", "nay", "iờ"]),
        max_size=5,
    ).map("".join),
    st.sampled_from(["15/06/2026 08:00", "5 ngày làm việc", "8 Giờ", "5NGÀY", "", "30/06/2026"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(due_cells, max_size=12))
def test_no_g_in_a_due_column_proves_no_duration(values) -> None:
    found = _sql(values, sql_is_duration("c"))
    if not may_contain(pa.array(values, type=pa.string()), "gG"):
        assert not any(found)
    else:  # the test still finds what it finds
        assert found == [v is not None and bool(_DURATION.match(v.lower())) for v in values]


digit_cells = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from("0123456789 -.x٣０²"), max_size=8),
    st.sampled_from(["000120", "120", "", "H31-000120", "1e5", "٣٣", "０１"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(digit_cells, max_size=12), st.integers(0, 3))
def test_all_digit_codes_are_found_as_the_sql_found_them(values, chunks) -> None:
    """The Arrow test says "some cell is all digits" exactly when the staging SQL
    (``regexp_full_match(code, '\\d+')``, RE2: ASCII digits only) finds one; chunked alike."""
    sql = any(_sql(values, "coalesce(regexp_full_match(nullif(c, ''), '\\d+'), false)"))
    cut = min(chunks, len(values))
    arr = pa.chunked_array([values[:cut], values[cut:]], type=pa.string())
    assert holds_all_digit_code(arr) is sql
    assert holds_all_digit_code(pa.array(values, type=pa.string())) is sql
