"""Computed sentences (I.3, I.4, II.1) and the appendix tables, from plain figures."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from tthc.render import sections, tables
from tthc.sample.targets import FIGURES
from tthc.stats.profile import Profile, load_profile

SAMPLE = {**FIGURES, "rate_online": 100.0, "pakn_carried_over": 0}


def figs(values: dict | None = None, na: dict | None = None) -> SimpleNamespace:
    return SimpleNamespace(values={**SAMPLE, **(values or {})}, na=na or {})


def an_truong() -> Profile:
    return load_profile("an-truong")


def official() -> Profile:
    """Official number style ('2.751', '99,87%'), pinned here rather than read from the default
    profile file, whose decimals are a setting that may change."""
    return Profile.model_validate(
        {"name": "official-test", "rates": {"procedures_with_cases": {"decimals": 2}}}
    )


def md(lines: list[sections.Line]) -> list[str]:
    return [ln.to_markdown() for ln in lines]


def results(f: SimpleNamespace, profile: Profile) -> list[str]:
    return md(
        sections.results_lines(
            f,
            profile,
            unit_name="xã An Trường",
            centre="Trung tâm Phục vụ hành chính công",
            period_start=date(2026, 5, 15),
            period_end=date(2026, 6, 14),
            ytd_start=date(2026, 1, 1),
        )
    )


def test_results_read_like_the_sample() -> None:
    out = results(figs(), an_truong())
    assert out[:4] == [
        "- Tính từ ngày 01/01/2026 đến hết ngày 14/6/2026, xã An Trường đã phát sinh 51/375 thủ "
        "tục hành chính, đạt 13.6%, trong đó:",
        "+ 28/155 thủ tục DVCTT một phần đạt 18.1%",
        "+ 23/220 thủ tục DVCTT toàn trình đạt 10.4%",
        "- Tỷ lệ hồ sơ trực tuyến trên tổng hồ sơ của các DVCTT: 100%",
    ]
    assert "+ Tổng số hồ sơ: 2751 hồ sơ, trong đó:" in out
    assert (
        "Số mới tiếp nhận trong kỳ: 2668 hồ sơ (Tiếp nhận trực tuyến: 2668 hồ sơ; Tiếp nhận trực "
        "tiếp và qua dịch vụ bưu chính: 0 hồ sơ)"
    ) in out
    assert "Số từ kỳ trước chuyển qua: 83 hồ sơ" in out
    assert (
        "+ Số lượng hồ sơ đã giải quyết: 2686 hồ sơ (Trong đó: giải quyết trước hạn: 2685 hồ sơ, "
        "đúng hạn: 0 hồ sơ, quá hạn: 1 hồ sơ)"
    ) in out
    assert (
        "+ Số lượng hồ sơ đang giải quyết: 65 hồ sơ (Trong đó, trong hạn: 65 hồ sơ, quá hạn: 0 hồ sơ)."
    ) in out
    assert out[-1] == "- Tỷ lệ tái sử dụng dữ liệu số hóa đạt 99.87%"
    assert not any("rút, dừng" in line for line in out)  # no third bucket in the sample


def test_official_profile_writes_separators_and_decimals() -> None:
    out = " ".join(results(figs(), official()))
    assert "2.751 hồ sơ" in out and "99,87%" in out
    assert "13,60%" in out  # two decimals by default


def test_na_carries_its_reason() -> None:
    f = figs({"rate_reuse": None}, {"rate_reuse": "thiếu cột Tái sử dụng"})
    assert results(f, an_truong())[-1] == (
        "- Tỷ lệ tái sử dụng dữ liệu số hóa đạt N/A (thiếu cột Tái sử dụng)"
    )
    f = figs({"cases_new_postal": None}, {"cases_new_postal": "không tách được"})
    joined = " ".join(results(f, an_truong()))
    assert "bưu chính: N/A (không tách được))" in joined


def test_a_reason_is_written_once_per_line() -> None:
    gone = "thiếu dữ liệu hồ sơ từ 15/08/2026 đến 14/09/2026"
    keys = ("cases_in_progress", "cases_in_progress_within", "cases_in_progress_overdue")
    f = figs(dict.fromkeys(keys), dict.fromkeys(keys, gone))
    [line] = [x for x in results(f, an_truong()) if "đang giải quyết" in x]
    assert line == (
        f"+ Số lượng hồ sơ đang giải quyết: N/A ({gone}) (Trong đó, trong hạn: N/A, quá hạn: N/A)."
    )


def test_partial_figures_carry_a_mark_and_their_days() -> None:
    from tthc.stats.completeness import Verdict

    days = Verdict(False, "thiếu", ((date(2026, 1, 1), date(2026, 1, 14)),))
    ytd = Verdict(False, "thiếu", ((date(2026, 1, 1), date(2026, 9, 14)),))
    f = figs()
    f.partial = {"cases_total": days, "cases_new": days, "cases_new_online": days}
    f.partial |= {"procedures_with_cases": ytd, "rate_procedures_with_cases": ytd}
    out = results(f, an_truong())
    assert (
        "+ Tổng số hồ sơ: 2751¹ hồ sơ (¹ chỉ tính số liệu từ 01/01/2026 đến 14/01/2026), trong đó:"
        in out
    )
    assert (
        "Số mới tiếp nhận trong kỳ: 2668¹ hồ sơ (¹ chỉ tính số liệu từ 01/01/2026 đến 14/01/2026) "
        "(Tiếp nhận trực tuyến: 2668¹ hồ sơ; Tiếp nhận trực tiếp và qua dịch vụ bưu chính: 0 hồ sơ)"
    ) in out
    assert out[0].startswith(
        "- Tính từ ngày 01/01/2026 đến hết ngày 14/6/2026, xã An Trường đã phát sinh 51¹ (¹ chỉ "
        "tính số liệu từ 01/01/2026 đến 14/09/2026)/375 thủ tục hành chính, đạt 13.6%¹, trong đó:"
    )


def test_third_bucket_line_follows_the_profile() -> None:
    line = [x for x in results(figs({"cases_withdrawn": 4}), an_truong()) if "rút" in x]
    assert line == [
        "+ Số hồ sơ rút, dừng xử lý, trả lại trong kỳ: 4 hồ sơ (không tính vào số đã giải quyết "
        "và đang giải quyết)."
    ]


def test_combined_early_on_time() -> None:
    prof = official().model_copy(update={"early_on_time": "combined"})
    f = figs({"cases_resolved_early": None, "cases_resolved_on_time": 2685})
    joined = " ".join(results(f, prof))
    assert "giải quyết trước hạn và đúng hạn: 2.685 hồ sơ, quá hạn: 1 hồ sơ" in joined


def test_pakn_and_achievement() -> None:
    assert md(sections.pakn_lines(figs(), an_truong())) == [
        "- Tình hình tiếp nhận và xử lý phản ánh, kiến nghị (PAKN) về quy định và hành vi hành "
        "chính trên Cổng Dịch vụ công quốc gia và qua tổng đài 1022: Tổng số PAKN đã tiếp nhận: 2; "
        "số PAKN đã xử lý đúng hạn: 2; số PAKN đã xử lý quá hạn: 0; số PAKN đang xử lý: 0."
    ]
    # May 2026 of the sample: nothing received, one PAKN of April handled on time. The sentence
    # names it, instead of "received 0; handled on time 1".
    may = figs({"pakn_received": 0, "pakn_carried_over": 1, "pakn_on_time": 1})
    assert md(sections.pakn_lines(may, an_truong()))[0].endswith(
        "Tổng số PAKN đã tiếp nhận: 0; số PAKN kỳ trước chuyển qua: 1; số PAKN đã xử lý đúng "
        "hạn: 1; số PAKN đã xử lý quá hạn: 0; số PAKN đang xử lý: 0."
    )
    unknown = figs({"pakn_carried_over": None}, na={"pakn_carried_over": "thiếu tệp PAKN"})
    assert (
        "số PAKN kỳ trước chuyển qua: N/A (thiếu tệp PAKN);"
        in md(sections.pakn_lines(unknown, an_truong()))[0]
    )
    assert sections.achievement_line(figs(), an_truong()).to_markdown() == (
        "- 100% hồ sơ, thủ tục hành chính được tiếp nhận trực tuyến; hồ sơ được giải quyết và trả "
        "kết quả trước hạn và đúng hạn đạt 99.96%."
    )


# --- tables -----------------------------------------------------------------------------------

BY_FIELD = pd.DataFrame(
    [
        {"field": "Chứng thực", "is_total": False, **dict.fromkeys(tables.COUNT_KEYS, 0)},
        {"field": "Hộ tịch", "is_total": False, **dict.fromkeys(tables.COUNT_KEYS, 0)},
        {"field": "Tổng cộng", "is_total": True, **dict.fromkeys(tables.COUNT_KEYS, 0)},
    ]
)
BY_FIELD.loc[0, ["cases_total", "cases_new_online", "cases_carried_over"]] = [1500, 1450, 50]
BY_FIELD.loc[1, ["cases_total", "cases_new_online", "cases_new_in_person", "cases_new_postal"]] = [
    1251,
    1200,
    10,
    8,
]
BY_FIELD.loc[2, ["cases_total", "cases_new_online", "cases_new_in_person", "cases_new_postal"]] = [
    2751,
    2650,
    10,
    8,
]
BY_FIELD.loc[2, "cases_carried_over"] = 83


def cells(html: str, row_class: str | None = None) -> list[list[str]]:
    rows = re.findall(r"<tr( class=\"[^\"]*\")?>(.*?)</tr>", html, re.S)
    out = []
    for cls, body in rows:
        if row_class is not None and row_class not in cls:
            continue
        out.append(
            [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[dh][^>]*>.*?</t[dh]>", body, re.S)]
        )
    return out


def test_field_table_has_the_national_columns() -> None:
    html = tables.field_table_html(BY_FIELD, official())
    assert 'colspan="4" scope="colgroup">Số hồ sơ nhận giải quyết' in html
    assert 'colspan="4" scope="colgroup">Số hồ sơ đã giải quyết' in html
    assert 'colspan="3" scope="colgroup">Số hồ sơ đang giải quyết' in html
    assert "Trực tiếp, dịch vụ bưu chính" in html
    numbers = cells(html, "colno")[0]
    assert numbers[2:13] == [f"({i})" for i in range(1, 12)]
    body = [r for r in cells(html) if r and r[0] in ("1", "2")]
    assert [r[1] for r in body] == ["Chứng thực", "Hộ tịch"]
    # Column 3 merges in person and postal: 10 + 8.
    assert body[1][2:6] == ["1.251", "1.200", "18", "0"]
    total = cells(html, "total")[0]
    assert total[1] == "Tổng cộng" and total[2:6] == ["2.751", "2.650", "18", "83"]
    assert 'class="data fields sortable"' in html


def test_field_table_marks_merged_early_column_na() -> None:
    prof = official().model_copy(update={"early_on_time": "combined"})
    html = tables.field_table_html(BY_FIELD, prof)
    assert "Trước hạn và đúng hạn" in html
    total = cells(html, "total")[0]
    assert total[7] == "N/A"


def test_comparison_signs_and_missing_periods() -> None:
    cur = {"cases_total": 2751, "cases_resolved_late": 1, "rate_on_time": 99.96}
    prev = {"cases_total": 2800, "cases_resolved_late": 0, "rate_on_time": 100.0}
    html = tables.comparison_html(cur, prev, None, official(), labels=("T6", "T5", "T6/2025"))
    rows = {r[0]: r for r in cells(html) if len(r) == 6}
    assert rows["Tổng số hồ sơ nhận giải quyết"][1:4] == ["2.751", "2.800", "▼ −49"]
    assert rows["— trong đó quá hạn"][3] == "▲ +1"
    assert 'title="tăng, kém hơn"' in html  # one more late case is bad news
    assert rows["Tỷ lệ giải quyết trước hạn và đúng hạn"][3] == "▼ −0,04 điểm %"
    assert rows["Tổng số hồ sơ nhận giải quyết"][4:] == ["N/A", "N/A"]


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_change_sign_matches_difference(a: int, b: int) -> None:
    html = tables.change_html(a, b, "count", official(), None)
    if a > b:
        assert "▲ +" in html
    elif a < b:
        assert "▼ −" in html
    else:
        assert "= 0" in html
    digits = re.sub(r"[^\d]", "", re.sub(r"<[^>]+>", "", html))
    assert int(digits) == abs(a - b)


def test_late_cases_table_and_empty_list() -> None:
    late = pd.DataFrame(
        [
            {
                "case_code": "H0002608",
                "procedure_name": "Cấp bản sao điện tử được chứng thực từ bản chính",
                "field": "Chứng thực",
                "received_at": pd.Timestamp("2026-06-02 09:30"),
                "due_at": pd.Timestamp("2026-06-03 17:00"),
                "ended_at": pd.Timestamp("2026-06-04 11:54"),
                "status": "đã giải quyết quá hạn",
                "days_late": 1,
            }
        ]
    )
    html = tables.late_cases_html(late, official())
    row = next(r for r in cells(html) if r[0] == "1")
    assert row[1:] == [
        "H0002608",
        "Cấp bản sao điện tử được chứng thực từ bản chính",
        "Chứng thực",
        "02/06/2026 09:30",
        "03/06/2026 17:00",
        "04/06/2026 11:54",
        "đã giải quyết quá hạn",
        "1",
    ]
    empty = tables.late_cases_html(late.iloc[0:0], official())
    assert "Không có hồ sơ quá hạn." in empty and "<table" not in empty


def test_rate_decimal_type_is_accepted() -> None:
    f = figs({"rate_on_time": Decimal("99.96")})
    assert sections.Sentences(f, an_truong()).rate("on_time") == "99.96%"


def test_na_items_name_figures_in_vietnamese() -> None:
    from tthc.render import quality

    rates = {"online_payment": SimpleNamespace(title="Tỷ lệ thanh toán trực tuyến")}
    na = {"rate_online_payment": "mẫu số bằng 0", "cases_paid_online": "thiếu cột", "x_new": "?"}
    assert quality.na_items(na, rates) == [
        "Tỷ lệ thanh toán trực tuyến: mẫu số bằng 0",
        "Hồ sơ thanh toán trực tuyến: thiếu cột",
        "x_new: ?",
    ]


def test_failed_checks_show_their_gap() -> None:
    from tthc.render import quality

    checks = [
        SimpleNamespace(name="Tổng cộng: (1) = (5) + (9)", ok=False, gap=2, detail="2753 ≠ 2751"),
        SimpleNamespace(name="ok", ok=True, gap=0, detail=""),
    ]
    html = quality.checks_html(checks)
    assert 'data-checks="failed"' in html and "1/2 phép kiểm tra" in html
    assert '<td class="num gap">+2</td>' in html
    assert 'data-checks="ok"' in quality.checks_html(checks[1:])


counts = st.integers(min_value=0, max_value=2_000_000)


@given(
    st.lists(
        st.tuples(st.text(alphabet="abcđêôơư ", min_size=1, max_size=12), counts, counts, counts),
        min_size=1,
        max_size=6,
        unique_by=lambda t: t[0].strip() or "x",
    )
)
def test_field_table_total_is_the_column_sum(rows: list[tuple[str, int, int, int]]) -> None:
    records = []
    for name, online, in_person, carried in rows:
        rec = dict.fromkeys(tables.COUNT_KEYS, 0)
        rec.update(
            field=f"LV {name}",
            cases_new_online=online,
            cases_new_in_person=in_person,
            cases_carried_over=carried,
            cases_total=online + in_person + carried,
        )
        records.append(rec)
    html = tables.field_table_html(pd.DataFrame(records), official())
    body = [r for r in cells(html) if r and r[0].isdigit()]
    total = cells(html, "total")[0]
    assert len(body) == len(rows)

    def num(text: str) -> int:
        return int(text.replace(".", ""))

    for col in range(2, 14):
        assert num(total[col]) == sum(num(r[col]) for r in body)
    for r in body:  # (1) = (2) + (3) + (4) survives formatting
        assert num(r[2]) == num(r[3]) + num(r[4]) + num(r[5])
