"""Properties of the text normaliser, the legacy-encoding readers and the date parser."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import unicodedata

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tthc.ingest.legacy import (
    TCVN3_MAP,
    classify,
    decide_column,
    from_tcvn3,
    from_vni,
    is_vietnamese_syllable,
    to_tcvn3,
    to_vni,
)
from tthc.ingest.values import parse_timestamps
from tthc.text import _CF_RANGES, _SPACES, clean, clean_arrow, key, key_arrow

WORDS = [
    "Đăng",
    "ký",
    "khai",
    "sinh",
    "kết",
    "hôn",
    "khai",
    "tử",
    "Hộ",
    "tịch",
    "Chứng",
    "thực",
    "bản",
    "sao",
    "điện",
    "tử",
    "Trực",
    "tuyến",
    "trực",
    "tiếp",
    "Đã",
    "trả",
    "kết",
    "quả",
    "đang",
    "xử",
    "lý",
    "Lĩnh",
    "vực",
    "Tư",
    "pháp",
    "Xây",
    "dựng",
    "đất",
    "đai",
    "người",
    "nước",
    "ngoài",
    "giải",
    "quyết",
    "khiếu",
    "nại",
    "Thương",
    "binh",
    "xã",
    "hội",
    "Ủy",
    "ban",
    "nhân",
    "dân",
    "phường",
    "Trường",
    "Nguyễn",
    "Thị",
    "Huỳnh",
    "Quách",
    "thuở",
    "khuya",
    "nghiêng",
    "quyền",
    "giữa",
    "xoăn",
    "giếng",
    "hươu",
    "ếch",
    "oanh",
    "hoắc",
    "luật",
    "xuân",
    "bệnh",
    "ngoài",
    "muối",
    "yếu",
]
vietnamese = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)
# Text with the disturbances exports carry: invisible characters, odd spaces, look-alikes.
noise = st.sampled_from(
    ["\u200b", "\ufeff", "\u00ad", "\u2060", "\u00a0", "\u2028", "\u0085", "\t", "  "]
)


def test_format_character_ranges_cover_this_python() -> None:
    ours = {c for lo, hi in _CF_RANGES for c in range(lo, hi + 1)}
    theirs = {c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    assert theirs <= ours
    # What we list beyond this Python's Unicode version is unassigned here (newer Unicode).
    assert all(unicodedata.category(chr(c)) == "Cn" for c in ours - theirs)
    spaces = {c for lo, hi in _SPACES for c in range(lo, hi + 1)}
    assert spaces == {c for c in range(sys.maxunicode + 1) if chr(c).isspace()}


@given(st.text(max_size=60))
def test_clean_and_key_are_idempotent(text: str) -> None:
    assert clean(clean(text)) == clean(text)
    assert key(key(text)) == key(text)


@given(vietnamese, st.lists(st.tuples(st.integers(0, 60), noise), max_size=4))
def test_invisible_characters_and_spaces_do_not_change_a_text(text: str, inserts) -> None:
    noisy = text
    for pos, ch in inserts:
        pos = min(pos, len(noisy))
        # Between words only, where a space is a space: inside a word an invisible mark goes.
        noisy = noisy[:pos] + (ch if ch in "\u200b\ufeff\u00ad\u2060" else " ") + noisy[pos:]
    decomposed = unicodedata.normalize("NFD", noisy)
    assert clean(decomposed).replace(" ", "") == clean(text).replace(" ", "")


@given(vietnamese)
def test_look_alikes_fold_to_one_key(text: str) -> None:
    swapped = text.replace("Đ", "\u00d0").replace("đ", "\u00f0").replace("o", "\u043e")
    assert key(swapped) == key(text)
    assert clean(swapped) == clean(text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(vietnamese, st.text(max_size=20)), max_size=8))
def test_arrow_and_python_forms_agree(values: list[str]) -> None:
    cleaned = clean_arrow(pa.array(values, type=pa.string())).to_pylist()
    assert cleaned == [clean(v) for v in values]
    assert key_arrow(pa.array(cleaned, type=pa.string())).to_pylist() == [key(v) for v in values]


def test_tcvn3_table_is_glibcs_tcvn5712_1() -> None:
    iconv = subprocess.run(
        ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"],
        input=bytes(range(0xA1, 0x100)),
        capture_output=True,
        check=True,
    ).stdout.decode()
    ours = "".join(TCVN3_MAP.get(chr(b), chr(b)) for b in range(0xA1, 0x100))
    # 0xB0-0xB4 are combining marks in VN1 and unused by ABC fonts: we leave them as they are.
    differ = [hex(0xA1 + i) for i, (a, b) in enumerate(zip(iconv, ours, strict=True)) if a != b]
    assert differ == ["0xb0", "0xb1", "0xb2", "0xb3", "0xb4"]


def _tcvn3_writable(text: str) -> str:
    """.VnTime has capitals only for Ă Â Ê Ô Ơ Ư Đ (and a few in VN1): a typist writes the other
    accented capitals in lower case, so that is what a round trip can give back."""
    capitals = set(TCVN3_MAP.values())
    return "".join(
        c.lower() if c.isupper() and not c.isascii() and c not in capitals else c for c in text
    )


@given(vietnamese)
def test_legacy_encodings_read_back(text: str) -> None:
    assert from_tcvn3(to_tcvn3(_tcvn3_writable(text))) == _tcvn3_writable(text)
    # .VnTimeH (capitals font): accented letters in lower-case positions, ASCII typed as capitals.
    caps = "".join(c.upper() if c.isascii() else c for c in to_tcvn3(text.lower()))
    if any(sum(c.isascii() and c.isalpha() for c in w) >= 2 for w in text.split()):
        assert from_tcvn3(caps) == text.upper()
    assert from_vni(to_vni(text)) == text


@given(st.lists(vietnamese.map(_tcvn3_writable), min_size=3, max_size=10, unique=True))
def test_a_tcvn3_column_is_decided_and_converted(values: list[str]) -> None:
    legacy = [to_tcvn3(v) for v in values]
    decision = decide_column(legacy)
    if decision.encoding is None:
        # Only when no value proves it: each then reads as valid Vietnamese as it is.
        assert all(classify(v).as_is for v in legacy)
    else:
        assert decision.encoding == "tcvn3" and not decision.undecided
        assert [decision.replace.get(v, v) for v in legacy] == values


def test_unicode_vietnamese_is_never_converted() -> None:
    assert decide_column([w for w in WORDS if not w.isascii()]).replace == {}
    assert all(is_vietnamese_syllable(w) for w in WORDS)


# --- dates ---------------------------------------------------------------------------------

moments = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 12, 31))


def _forms(d: dt.datetime) -> list[tuple[str, str, dt.datetime]]:
    """(text, order, value it means) for every supported way of writing ``d``."""
    d = d.replace(microsecond=0)
    minute = d.replace(second=0)
    day = d.replace(hour=0, minute=0, second=0)
    h12 = d.hour % 12 or 12
    vi = "SA" if d.hour < 12 else "CH"
    en = "AM" if d.hour < 12 else "PM"
    out = []
    for sep in "/-.":
        out += [
            (f"{d:%d}{sep}{d:%m}{sep}{d:%Y} {d:%H:%M:%S}", "dmy", d),
            (f"{d.day}{sep}{d.month}{sep}{d.year} {d:%H:%M}", "dmy", minute),
            (f"{d:%d}{sep}{d:%m}{sep}{d:%Y}", "dmy", day),
        ]
    out += [
        (f"{d.day}/{d.month}/{d.year} {h12}:{d:%M:%S} {vi}", "dmy", d),
        (f"{d.day}/{d.month}/{d.year} {h12}:{d:%M} {en}", "dmy", minute),
        (f"{d:%H:%M} {d:%d/%m/%Y}", "dmy", minute),
        (f"{d:%d/%m/%Y}, {d.hour}h{d:%M}", "dmy", minute),
        (f"{d.day}/{d.month}/{d:%y} {d:%H:%M}", "dmy", minute),
        (f"{d.month}/{d.day}/{d.year} {d:%H:%M}", "mdy", minute),
        (f"{d.month}/{d.day}/{d.year} {h12}:{d:%M:%S} {en}", "mdy", d),
        (f"{d:%Y-%m-%d %H:%M:%S}", "dmy", d),
        (f"{d:%Y-%m-%dT%H:%M:%S}", "mdy", d),
        (f"{d:%Y-%m-%d}", "dmy", day),
        (f"{d - dt.timedelta(hours=7):%Y-%m-%dT%H:%M:%S}Z", "dmy", d),
        (f"{d:%Y-%m-%dT%H:%M:%S}+07:00", "dmy", d),
    ]
    serial = (d - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    if 20000 <= serial <= 80000:
        out.append((repr(round(serial, 8)), "dmy", d))
    return out


@settings(max_examples=40, deadline=None)
@given(moments)
def test_a_date_written_in_any_supported_form_parses_back_to_itself(d: dt.datetime) -> None:
    forms = _forms(d)
    for order in ("dmy", "mdy"):
        texts = [t for t, o, _ in forms if o == order]
        want = [v for _t, o, v in forms if o == order]
        got = parse_timestamps(texts, order=order)
        assert got == want, [(t, g, w) for t, g, w in zip(texts, got, want, strict=True) if g != w]


@settings(max_examples=20, deadline=None)
@given(moments)
def test_serials_count_from_the_workbooks_epoch(d: dt.datetime) -> None:
    d = d.replace(microsecond=0)
    serial_1904 = (d - dt.datetime(1904, 1, 1)).total_seconds() / 86400
    assert parse_timestamps([repr(round(serial_1904, 8))], date1904=True) == [d]


@pytest.mark.parametrize(
    "text",
    ["31/02/2026", "13/13/2026", "25:00 18/05/2026", "18/05/2026 13:00 CH", "hôm qua", "5", "1/1"],
)
def test_impossible_or_foreign_texts_are_not_dates(text: str) -> None:
    assert parse_timestamps([text]) == [None]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.lists(
                st.sampled_from(["15/06/2026", " ", "08:30", "8", ":00", "SA", "ch", "pm", "ſa"]),
                max_size=4,
            ).map("".join),
            st.sampled_from(["2026-06-15T08:00:00", "8:30 CHIỀU", "8:30 tối", "8:30 ıM"]),
        ),
        max_size=12,
    )
)
def test_twelve_hour_evidence_is_counted_with_or_without_the_byte_shortcut(cells) -> None:
    from tthc.ingest.dates import _TWELVE_HOUR_END, _evidence

    ev = _evidence(pa.array(cells, type=pa.string()), "Ngày nhận")
    ends = [c[-6:].upper() for c in cells if c]
    assert ev.twelve_hour >= sum(bool(_TWELVE_HOUR_END.search(e)) for e in ends)
