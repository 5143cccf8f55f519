"""Narrative params: parsing, placeholders, validation errors, and the lint of months and years."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tthc.errors import ParamsError
from tthc.report.lint import lint_text
from tthc.report.narrative import (
    COMPUTED_MARKER,
    SECTION_IDS,
    fill_computed,
    load_narrative,
    parse_narrative_text,
)
from tthc.stats.periods import month_period, quarter_period

SAMPLE = Path("/work/shared/reference/sample-report-an-truong-2026-06.md")
JUNE = month_period(2026, 6)


def write(base: Path, unit: str, key: str, text: str) -> Path:
    path = base / "narrative" / unit / f"{key}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def doc(body: str, unit: str = "xa-a", period: str = "2026-06") -> str:
    return f"---\nunit: {unit}\nperiod: {period}\n---\n{body}"


# --- the An Trường sample -------------------------------------------------------------------


def test_sample_narrative_carries_the_sample_text_verbatim() -> None:
    n = load_narrative("an-truong", JUNE)
    assert not n.is_placeholder
    assert list(n.sections) == list(SECTION_IDS)
    sample = SAMPLE.read_text(encoding="utf-8") if SAMPLE.exists() else None
    if sample is not None:
        for sid in ("mo-dau", "I.1", "I.2.1", "I.2.2", "I.5", "II.2", "III", "IV"):
            for paragraph in n.sections[sid].split("\n\n"):
                assert paragraph.strip() in sample, (sid, paragraph[:60])
    assert n.sections["mo-dau"].startswith("Thực hiện Công văn số 137/UBND-TTPVHCC ngày 23/01/2026")
    first, marker, third = [p.strip() for p in n.sections["II.1"].split("\n\n")]
    assert first.startswith("- Công tác chỉ đạo, điều hành thực hiện nhiệm vụ cải cách hành chính")
    assert marker == COMPUTED_MARKER
    assert third.startswith("- Cán bộ, công chức nghiêm túc và quyết tâm")
    assert "Đề nghị các bộ và thành phố cần có sự thống nhất" in n.sections["IV"]


def test_sample_lint_flags_the_stale_month_and_the_two_stale_years() -> None:
    n = load_narrative("an-truong", JUNE)
    assert len(n.warnings) == 4, n.warnings
    month5, month6, year1, year2 = n.warnings
    assert (
        month5.startswith("Mục mo-dau:") and "'tháng 5'" in month5 and "tháng 6 năm 2026" in month5
    )
    assert "'tháng 6 năm 2026'" in month6 and "cần tháng 7 năm 2026" in month6
    assert year1.startswith("Mục I.2.2:") and "'22/5/2025'" in year1 and "1308/UBND –VP" in year1
    assert "'30/5/2025'" in year2
    # The Government's resolution of 2025 is a citation with its own year, not a stale copy.
    assert not any("26/3/2025" in w for w in n.warnings)
    assert all("\n" not in w for w in n.warnings)


# --- placeholders and missing files ----------------------------------------------------------


def test_missing_file_gives_marked_placeholders_never_another_month(tmp_path: Path) -> None:
    write(tmp_path, "xa-a", "2026-06", doc("## I.1\n\nVăn bản tháng sáu.\n"))
    n = load_narrative("xa-a", month_period(2026, 7), base=tmp_path)
    assert n.is_placeholder
    # The reader is told what is missing in words; the file to write is in the warning.
    assert n.sections["I.1"] == (
        "[Chưa viết phần công tác chỉ đạo, điều hành: cán bộ phụ trách bổ sung trước khi trình ký.]"
    )
    assert n.sections["mo-dau"].startswith("[Chưa viết phần đoạn mở đầu:")
    assert all("2026-07.md" not in t and "I.1" not in t and "mo-dau" not in t
               for t in n.sections.values())  # fmt: skip
    assert f"{tmp_path}/narrative/xa-a/2026-07.md" in n.warnings[0]
    assert all("tháng sáu" not in text for text in n.sections.values())
    assert COMPUTED_MARKER in n.sections["II.1"]
    assert len(n.warnings) == 1 and "2026-07" in n.warnings[0]


def test_placeholders_are_filled_from_the_period(tmp_path: Path) -> None:
    body = (
        "## mo-dau\n\nBáo cáo kết quả {{ky-bao-cao}} và phương hướng {{ky-sau}} "
        "({{tu-ngay}} – {{den-ngay}}, năm {{ nam }}).\n"
    )
    write(tmp_path, "xa-a", "2026-12", doc(body, period="2026-12"))
    n = load_narrative("xa-a", month_period(2026, 12), base=tmp_path)
    assert n.sections["mo-dau"] == (
        "Báo cáo kết quả tháng 12 năm 2026 và phương hướng tháng 1 năm 2027 "
        "(15/11/2026 – 14/12/2026, năm 2026)."
    )
    # The other sections are missing: each is marked and named in a warning.
    assert n.sections["IV"].startswith("[Chưa viết phần kiến nghị và đề xuất:")
    assert [w for w in n.warnings if "chưa có nội dung" in w] == [
        f"Mục {sid} chưa có nội dung trong {tmp_path}/narrative/xa-a/2026-12.md."
        for sid in SECTION_IDS
        if sid != "mo-dau"
    ]


def test_computed_marker_goes_where_written_or_first(tmp_path: Path) -> None:
    write(tmp_path, "xa-a", "2026-06", doc("## II.1\n\n- Một.\n\n{{so-lieu}}\n\n- Ba.\n"))
    n = load_narrative("xa-a", JUNE, base=tmp_path)
    assert fill_computed(n.sections["II.1"], "- Hai.") == "- Một.\n\n- Hai.\n\n- Ba."
    write(tmp_path, "xa-b", "2026-06", doc("## II.1\n\n- Một.\n", unit="xa-b"))
    n = load_narrative("xa-b", JUNE, base=tmp_path)
    assert fill_computed(n.sections["II.1"], "- Số liệu.") == "- Số liệu.\n\n- Một."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("## mo-dau\nx\n", "thiếu phần đầu '---'"),
        (doc("## I.1\nx\n", unit="xa-khac"), "khóa 'unit' là 'xa-khac'"),
        (doc("## I.1\nx\n", period="2026-05"), "khóa 'period' là '2026-05'"),
        ("---\nunit: xa-a\n---\n## I.1\nx\n", "khóa 'period': thiếu giá trị bắt buộc"),
        ("---\nunit: xa-a\nperiod: 2026-06\nky: 6\n---\n", "khóa 'ky': khóa không được hỗ trợ"),
        (doc("## I.3\nx\n"), "dòng 5: mục 'I.3' không có"),
        (doc("## I.1\nx\n## I.1\ny\n"), "mục 'I.1' xuất hiện hai lần"),
        (doc("## I.1\nkết quả {{ky-truoc}}\n"), "mục 'I.1': chỗ điền '{{ky-truoc}}' không có"),
        (doc("## III\n{{so-lieu}}\n"), "mục 'III': '{{so-lieu}}' chỉ dùng trong mục II.1"),
        (doc("Lời dẫn\n## I.1\nx\n"), "có nội dung trước tiêu đề mục đầu tiên"),
        ("---\nunit: [xa-a\n---\n", "phần đầu '---' không phải YAML hợp lệ"),
    ],
)
def test_bad_files_name_the_file_and_the_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, "xa-a", "2026-06", text)
    with pytest.raises(ParamsError) as err:
        load_narrative("xa-a", JUNE, base=tmp_path)
    msg = str(err.value)
    assert str(path) in msg and expected in msg
    assert "\n" not in msg


def front(extra: str, body: str = "## I.1\nx\n") -> str:
    return f"---\nunit: xa-a\nperiod: 2026-06\n{extra}---\n{body}"


@pytest.mark.parametrize(
    ("extra", "number", "issue_date"),
    [
        ("number: 125\ndate: 2026-06-16\n", "125", date(2026, 6, 16)),
        ('number: "07"\ndate: "2026-06-14"\n', "07", date(2026, 6, 14)),  # the period's last day
        ("number: 0125\n", "0125", None),  # as written, not YAML's octal 85
        ("date: 2027-01-05\n", None, date(2027, 1, 5)),
        ("", None, None),
    ],
)
def test_front_matter_number_and_date(
    tmp_path: Path, extra: str, number: str | None, issue_date: date | None
) -> None:
    write(tmp_path, "xa-a", "2026-06", front(extra))
    n = load_narrative("xa-a", JUNE, base=tmp_path)
    assert (n.number, n.issue_date) == (number, issue_date)
    assert n.to_json()["number"] == number
    assert n.to_json()["date"] == (issue_date.isoformat() if issue_date else None)


def test_missing_file_has_no_number_or_date(tmp_path: Path) -> None:
    n = load_narrative("xa-a", JUNE, base=tmp_path)
    assert (n.number, n.issue_date) == (None, None)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "date: 16/6/2026\n",
            "khóa 'date' là '16/6/2026': không phải ngày hợp lệ; ghi theo dạng năm-tháng-ngày, "
            "ví dụ 2026-06-16.",
        ),
        ("date: 2026-02-30\n", "khóa 'date' là '2026-02-30': không phải ngày hợp lệ"),
        ("date: 2026-6-16\n", "khóa 'date' là '2026-6-16': không phải ngày hợp lệ"),
        (
            "date:\n",
            "khóa 'date': ngày ban hành để trống; ghi ngày (ví dụ 2026-06-16) hoặc bỏ khóa này.",
        ),
        (
            "date: 2026-06-13\n",
            "khóa 'date' là '2026-06-13' nhưng báo cáo không thể ban hành trước ngày cuối kỳ "
            "(14/6/2026).",
        ),
        (
            "number: 125/BC-UBND\n",
            "khóa 'number' là '125/BC-UBND': chỉ ghi số (ví dụ 125), chương trình tự thêm dấu '/' "
            "và ký hiệu.",
        ),
        (
            'number: ""\n',
            "khóa 'number': số văn bản để trống; ghi số (ví dụ 125) hoặc bỏ khóa này.",
        ),
        ("number:\n", "khóa 'number': số văn bản để trống"),
        ("number: [125]\n", "khóa 'number' là '['125']': chỉ ghi số"),
        (
            "so: 125\n",
            "khóa 'so': khóa không được hỗ trợ (chỉ có unit, period, number, date, supplied).",
        ),
    ],
)
def test_bad_number_or_date_names_the_key(tmp_path: Path, extra: str, expected: str) -> None:
    path = write(tmp_path, "xa-a", "2026-06", front(extra))
    with pytest.raises(ParamsError) as err:
        load_narrative("xa-a", JUNE, base=tmp_path)
    assert str(err.value).startswith(f"{path}: {expected}")
    assert "\n" not in str(err.value)


def test_parse_checks_the_date_form_without_the_period(tmp_path: Path) -> None:
    # doctor parses without a Period: the form is checked, the period's end is not known.
    path = tmp_path / "x.md"
    assert parse_narrative_text(front("date: 2020-01-01\n"), path) == {"I.1": "x"}
    with pytest.raises(ParamsError, match="khóa 'date' là '2020-13-01'"):
        parse_narrative_text(front("date: 2020-13-01\n"), path)


def test_windows_line_endings_bom_and_nfd_are_accepted(tmp_path: Path) -> None:
    import unicodedata

    text = "\ufeff" + doc("## I.5\r\nTuyên truyền\r\n").replace("\n", "\r\n")
    write(tmp_path, "xa-a", "2026-06", unicodedata.normalize("NFD", text))
    n = load_narrative("xa-a", JUNE, base=tmp_path)
    assert n.sections["I.5"] == unicodedata.normalize("NFC", "Tuyên truyền")


# --- lint -------------------------------------------------------------------------------------


def lint(text: str, period=JUNE) -> list[str]:
    return [w.message for w in lint_text(text, period, section="I.1")]


def test_lint_clean_text_is_not_flagged() -> None:
    assert (
        lint(
            "Ủy ban nhân dân xã báo cáo kết quả thực hiện nhiệm vụ tháng 6 và phương hướng nhiệm vụ "
            "tháng 7 năm 2026 cụ thể như sau: Công văn 1409/UBND-VP ngày 01/6/2026; Quyết định số 394 "
            "ngày 23/3/2026; Công văn số 938/UBND-TTPVHCC ngày 16 tháng 5 năm 2026."
        )
        == []
    )


def test_lint_long_date_form_of_a_unit_document_is_flagged() -> None:
    found = lint("Công văn số 938/UBND-TTPVHCC ngày 16 tháng 5 năm 2025 về việc triển khai.")
    assert len(found) == 1 and "'ngày 16 tháng 5 năm 2025'" in found[0]


def test_lint_citations_with_their_own_year_are_not_flagged() -> None:
    assert (
        lint(
            "Căn cứ Nghị định số 09/2019/NĐ-CP ngày 07 tháng 3 năm 2019 của Chính phủ; Quyết định "
            "số 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ; Thông tư số 01/2020/TT-VPCP "
            "ngày 21/10/2020; Nghị quyết số 66/NQ-CP ngày 26/3/2025."
        )
        == []
    )


def test_lint_bare_date_of_another_year_is_flagged() -> None:
    assert len(lint("Hội nghị tổ chức ngày 05/6/2025 tại hội trường.")) == 1


def test_lint_january_report_accepts_december_of_the_previous_year() -> None:
    jan = month_period(2026, 1)  # 15/12/2025 – 14/1/2026
    assert lint("Công văn 12/UBND-VP ngày 20/12/2025 về việc tổng kết.", jan) == []
    assert len(lint("Công văn 12/UBND-VP ngày 20/12/2024 về việc tổng kết.", jan)) == 1


def test_lint_quarter_report_checks_years_not_months() -> None:
    q2 = quarter_period(2026, 2)
    assert lint("kết quả thực hiện nhiệm vụ tháng 5 năm 2026", q2) == []
    assert len(lint("Công văn 12/UBND-VP ngày 20/5/2025", q2)) == 1


def test_lint_reads_placeholders_as_written() -> None:
    assert lint("kết quả {{ky-bao-cao}} và phương hướng {{ky-sau}}, từ {{tu-ngay}}.") == []


@settings(max_examples=150, deadline=None)
@given(year=st.integers(2020, 2035), month=st.integers(1, 12))
def test_lint_property_generated_phrases_pass_and_stale_ones_fail(year: int, month: int) -> None:
    period = month_period(year, month)
    nxt = period.next()
    prev = period.previous()
    good = (
        f"báo cáo kết quả thực hiện nhiệm vụ tháng {month} và phương hướng nhiệm vụ "
        f"tháng {nxt.number} năm {nxt.year}; Công văn 5/UBND-VP ngày 3/{period.end.month}/"
        f"{period.end.year}."
    )
    assert lint(good, period) == []
    stale = (
        f"báo cáo kết quả thực hiện nhiệm vụ tháng {prev.number} và phương hướng nhiệm vụ "
        f"tháng {month} năm {year}"
    )
    assert len(lint(stale, period)) == 2


@settings(max_examples=100, deadline=None)
@given(
    year=st.integers(2020, 2035),
    month=st.integers(1, 12),
    shift=st.integers(-5, 5).filter(lambda s: s != 0),
    day=st.integers(1, 28),
    m=st.integers(1, 12),
)
def test_lint_property_year_rule(year: int, month: int, shift: int, day: int, m: int) -> None:
    period = month_period(year, month)
    inside = {period.start.year, period.end.year}
    other = year + shift
    own = f"Công văn 7/UBND-VP ngày {day}/{m}/{other}"
    cited = f"Nghị quyết số 7/NQ-CP ngày {day}/{m}/{other}"
    assert len(lint(own, period)) == (0 if other in inside else 1)
    assert lint(cited, period) == []
    assert lint(f"Công văn 7/UBND-VP ngày {day}/{m}/{year}", period) == []


@settings(max_examples=60, deadline=None)
@given(year=st.integers(2020, 2035), month=st.integers(1, 12))
def test_filled_placeholders_are_never_flagged(tmp_path_factory, year: int, month: int) -> None:
    base = tmp_path_factory.mktemp("n")
    period = month_period(year, month)
    body = (
        "## mo-dau\n\nBáo cáo kết quả thực hiện nhiệm vụ {{ky-bao-cao}} và phương hướng nhiệm "
        "vụ {{ky-sau}} (từ ngày {{tu-ngay}} đến ngày {{den-ngay}}).\n"
    )
    write(base, "xa-a", period.key, doc(body, period=period.key))
    n = load_narrative("xa-a", period, base=base)
    assert not any("«" in w for w in n.warnings)
    assert lint(n.sections["mo-dau"], period) == []
    assert period.title_phrase in n.sections["mo-dau"]


def test_parse_without_expectations_reads_any_file(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    sections = parse_narrative_text(doc("## IV\n\nKiến nghị.\n"), path)
    assert sections == {"IV": "Kiến nghị."}
    assert date(2026, 6, 14) == JUNE.end
