"""Vietnamese text written in the pre-Unicode encodings TCVN3 (ABC, the .VnTime fonts) and VNI.

Before Unicode, Vietnamese offices typed with 8-bit fonts. Text typed that way and pasted into a
spreadsheet keeps the font's code points: "Hộ tịch" typed in .VnTime is stored as "Hé tÞch",
"Đăng ký" in VNI-Times as "Ñaêng kyù". A CSV saved from such a sheet carries the same bytes.
Read as they come, a field becomes its own row of the official table beside the real one.

This module tells such text from Unicode Vietnamese and converts it:

- :func:`vietnamese_words_ok`: every word with a non-ASCII letter is a well-formed Vietnamese
  syllable (onset, vowel nucleus, coda, at most one tone mark, one letter case). Mojibake is not.
- :func:`from_tcvn3` / :func:`from_vni`: the conversions (tables: TCVN 5712:1993 as glibc's
  ``TCVN5712-1`` decodes bytes 0xA1-0xFF, the positions ABC fonts use; VNI-Windows as the VNI
  fonts compose a base letter and a mark byte).
- :func:`classify` decides one value; :func:`decide_column` decides a column from all of its
  distinct values, so that values that read as Vietnamese either way follow the column's
  evidence; a column that mixes encodings it cannot tell apart is refused.
- :func:`decode_legacy_bytes` decides the encoding of a CSV's bytes from the text itself.

Text written in the .VnTimeH (capitals) fonts uses lowercase positions shown as capitals: a
converted cell whose ASCII letters are all capitals (two or more) is written in capitals.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Encoding = Literal["unicode", "tcvn3", "vni", "utf8_as_cp1252"]
ENCODING_NAMES = {
    "tcvn3": "TCVN3 (ABC, phông .VnTime)",
    "vni": "VNI (phông VNI-Times)",
    "utf8_as_cp1252": "UTF-8 bị đọc nhầm thành Windows-1252",
    "cp1258": "Windows-1258",
}

# TCVN 5712:1993 (VN3, "ABC"): byte -> letter, for 0xA1-0xFF (0xB0-0xB4 are combining marks in
# the standard's VN1 and are not used by ABC fonts; they are left as they are).
_TCVN3 = (
    "ĂÂÊÔƠƯĐăâêôơưđẰ"  # A1-AF
    + "\u00b0\u00b1\u00b2\u00b3\u00b4"  # B0-B4 unchanged
    + "àảãáạẲằẳẵắẴ"  # B5-BF
    + "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ"  # C0-CF
    + "éẹềểễếệìỉỄẾỒĩíịò"  # D0-DF
    + "Ổỏõóọồổỗốộờởỡớợù"  # E0-EF
    + "Ỗủũúụừửữứựỳỷỹýỵ Ố"  # F0-FF
).replace(" ", "")
TCVN3_MAP: dict[str, str] = {chr(0xA1 + i): c for i, c in enumerate(_TCVN3) if chr(0xA1 + i) != c}

# VNI-Windows: a base letter followed by a mark byte; a few letters are one byte.
_TONES = "ù ø û õ ï"  # sắc, huyền, hỏi, ngã, nặng
_VNI_PAIRS: dict[str, dict[str, str]] = {
    "a": {"ù": "á", "ø": "à", "û": "ả", "õ": "ã", "ï": "ạ", "â": "â", "á": "ấ", "à": "ầ",
          "å": "ẩ", "ã": "ẫ", "ä": "ậ", "ê": "ă", "é": "ắ", "è": "ằ", "ú": "ẳ", "ü": "ẵ", "ë": "ặ"},
    "e": {"ù": "é", "ø": "è", "û": "ẻ", "õ": "ẽ", "ï": "ẹ", "â": "ê", "á": "ế", "à": "ề",
          "å": "ể", "ã": "ễ", "ä": "ệ"},
    "o": {"ù": "ó", "ø": "ò", "û": "ỏ", "õ": "õ", "ï": "ọ", "â": "ô", "á": "ố", "à": "ồ",
          "å": "ổ", "ã": "ỗ", "ä": "ộ"},
    "ô": {"ù": "ớ", "ø": "ờ", "û": "ở", "õ": "ỡ", "ï": "ợ"},  # ô is ơ in VNI
    "u": {"ù": "ú", "ø": "ù", "û": "ủ", "õ": "ũ", "ï": "ụ"},
    "ö": {"ù": "ứ", "ø": "ừ", "û": "ử", "õ": "ữ", "ï": "ự"},  # ö is ư in VNI
    "y": {"ù": "ý", "ø": "ỳ", "û": "ỷ", "õ": "ỹ"},
}  # fmt: skip
_VNI_SINGLE = {
    "ô": "ơ",
    "ö": "ư",
    "î": "ỵ",
    "ñ": "đ",
    "í": "í",
    "ì": "ì",
    "æ": "ỉ",
    "ó": "ĩ",
    "ò": "ị",
}
_VNI_BASES = "aeoôuöy"
_VNI_MARKS = set("ùøûõïâáàåãäêéèúüë")

# Vietnamese syllables: onset, then a rhyme (vần) from the language's inventory; a tone mark at
# most once, and only sắc or nặng before a stop coda (c, ch, p, t).
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_STOP_TONES = {"\u0301", "\u0323"}
_OPEN_RHYMES = (
    "a e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iu oa oe oi ôi ơi ua uê ui uơ uy ưa ưi ưu "
    "ya iêu yêu oai oao oay oeo uây uôi uya ươi ươu"
)
_CLOSED_RHYMES = {
    "a": "c ch m n ng nh p t", "ă": "c m n ng p t", "â": "c m n ng p t", "e": "c m n ng p t",
    "ê": "ch m n nh p t", "i": "ch m n nh p t", "o": "c m n ng p t", "oo": "c ng",
    "ô": "c m n ng p t", "ơ": "c m n p t", "u": "c m n ng p t", "ư": "c m n ng t",
    "iê": "c m n ng p t", "yê": "m n ng t", "oa": "c ch m n ng nh p t", "oă": "c m n ng t",
    "oe": "m n ng t", "uâ": "n ng t", "uê": "ch nh n", "uô": "c m n ng t",
    "ươ": "c m n ng p t", "uy": "ch n nh p t", "uyê": "n t",
}  # fmt: skip
_RHYMES = set(_OPEN_RHYMES.split()) | {
    nucleus + coda for nucleus, codas in _CLOSED_RHYMES.items() for coda in codas.split()
}
_ONSETS = ("", "ngh", "ng", "gh", "gi", "kh", "nh", "ph", "th", "tr", "ch", "qu",
           *"bcdđghklmnprstvx")  # fmt: skip
_FRONT = ("i", "e", "ê", "y")
# Words for validation: letters, and the Latin-1 signs legacy fonts use as letters (so that
# "NH¢N" is one malformed word, not the valid fragments "NH" and "N").
_WORD = re.compile(r"(?:[^\W\d_]|[\u00a1-\u00bf\u00d7\u00f7])+")
# Characters that, inside a word, betray a legacy font: Latin-1 letters and signs that are not
# letters of the Vietnamese alphabet, or a small letter followed by a capital accented one.
_LEGACY_MARK = re.compile(
    r"[\u00a1-\u00bf\u00c4-\u00c7\u00cb\u00ce-\u00d1\u00d6-\u00d8\u00db\u00dc\u00de\u00df"
    r"\u00e4-\u00e7\u00eb\u00ee-\u00f1\u00f6-\u00f8\u00fb\u00fc\u00fe\u00ff]"
    r"|[a-zà-ÿ][À-Þ]"
)


def is_vietnamese_syllable(word: str) -> bool:
    """One word: a well-formed Vietnamese syllable (onset + rhyme of the language's inventory,
    one tone mark at most, sắc or nặng before c/ch/p/t, k/gh/ngh only before i e ê y) written in
    one letter case (lower, Title or UPPER).

    >>> is_vietnamese_syllable("Trường"), is_vietnamese_syllable("tÞch"), is_vietnamese_syllable("tũch")
    (True, False, False)
    """
    if not (word.islower() or word.isupper() or (word[:1].isupper() and word[1:].islower())):
        return False
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [ch for ch in decomposed if ch in _TONE_MARKS]
    if len(tones) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    for onset in _ONSETS:
        if not base.startswith(onset):
            continue
        rhyme = base[len(onset) :]
        if rhyme not in _RHYMES:
            continue
        if tones and rhyme.endswith(("c", "ch", "p", "t")) and tones[0] not in _STOP_TONES:
            continue
        if onset in ("k", "gh", "ngh") and not rhyme.startswith(_FRONT):
            continue
        if onset == "c" and rhyme.startswith(_FRONT):
            continue
        return True
    return False


def vietnamese_words_ok(text: str) -> bool:
    """Every word with a letter outside ASCII is a Vietnamese syllable (ASCII words pass)."""
    for word in _WORD.findall(unicodedata.normalize("NFC", text)):
        if not word.isascii() and not is_vietnamese_syllable(word):
            return False
    return True


def looks_legacy(text: str) -> bool:
    """Whether ``text`` carries a character typical of TCVN3/VNI text inside a word."""
    return _LEGACY_MARK.search(text) is not None


def _all_caps(text: str) -> bool:
    """Typed in a capitals font (.VnTimeH): every ASCII letter a capital, and a word with two
    or more of them ("Hé T\xad", Title Case with accented tails, is not)."""
    letters = [ch for ch in text if ch.isascii() and ch.isalpha()]
    if not letters or not all(ch.isupper() for ch in letters):
        return False
    return any(sum(ch.isascii() and ch.isalpha() for ch in w) >= 2 for w in text.split())


def from_tcvn3(text: str) -> str:
    """TCVN3 (ABC) text as Unicode: 'Hé tÞch' -> 'Hộ tịch'; '§· tr¶' -> 'Đã trả'."""
    out = "".join(TCVN3_MAP.get(ch, ch) for ch in text)
    return out.upper() if _all_caps(text) else out


def from_vni(text: str) -> str:
    """VNI-Windows text as Unicode: 'Ñaêng kyù' -> 'Đăng ký'; 'Hoä tòch' -> 'Hộ tịch'."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        low = ch.lower()
        nxt = text[i + 1].lower() if i + 1 < n else ""
        upper = ch != low
        mark = text[i + 1] if i + 1 < n else ""
        # VNI fonts pair a small letter with a small mark, a capital with a capital.
        if low in _VNI_BASES and nxt in _VNI_PAIRS.get(low, {}) and mark.isupper() == ch.isupper():
            letter = _VNI_PAIRS[low][nxt]
            out.append(letter.upper() if upper else letter)
            i += 2
            continue
        if low in _VNI_SINGLE:
            letter = _VNI_SINGLE[low]
            out.append(letter.upper() if upper else letter)
        else:
            out.append(ch)
        i += 1
    result = "".join(out)
    return result.upper() if _all_caps(text) else result


def _representable(text: str) -> bool:
    """Legacy fonts only reach code points below U+0100 (what Windows stores for their bytes)."""
    return all(ord(ch) < 0x100 for ch in text)


def _from_utf8_as_cp1252(text: str) -> str | None:
    """UTF-8 bytes that were shown as Windows-1252 ("ÄÃ£ tráº£" for "Đã trả"), read back.

    Windows passes the five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D)
    through as the C1 controls U+0081…: they go back to their bytes.
    """
    try:
        raw = b"".join(
            bytes([ord(ch)]) if 0x80 <= ord(ch) <= 0x9F else ch.encode("cp1252") for ch in text
        )
        fixed = raw.decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return fixed if fixed != text else None


@dataclass(frozen=True)
class Reading:
    """How one value reads: as it is, and converted from each legacy encoding that fits."""

    as_is: bool  # valid Vietnamese as it is
    legacy: dict[str, str]  # encoding -> converted text, for each conversion that gives valid text
    marked: bool  # could be legacy text and carries characters typical of it
    neutral: bool = False  # reads the same in every encoding ("ký"): evidence of nothing

    @property
    def definite(self) -> str | None:
        """The one reading this value proves on its own, or None when it fits several or none."""
        if self.neutral:
            return None
        if self.as_is and not self.legacy:
            return "unicode"
        if not self.as_is and len(self.legacy) == 1:
            return next(iter(self.legacy))
        return None


def classify(text: str) -> Reading:
    """How ``text`` can be read (see :class:`Reading`).

    Text with a character beyond U+00FF cannot come from an 8-bit font: it is Unicode as it is.
    """
    nfc = unicodedata.normalize("NFC", text)
    if text.isascii():
        return Reading(True, {}, False, neutral=True)
    if not _representable(text):
        # Beyond U+00FF: Unicode, unless it is UTF-8 shown as Windows-1252, whose signs
        # (ƒ “ ” € ‰ …) lie beyond it too ('MÃ£ há»“ sÆ¡' for 'Mã hồ sơ').
        fixed = _from_utf8_as_cp1252(text)
        if fixed is not None and vietnamese_words_ok(fixed) and not vietnamese_words_ok(nfc):
            return Reading(False, {"utf8_as_cp1252": fixed}, True)
        return Reading(True, {}, False)
    marked = looks_legacy(nfc)
    as_is = vietnamese_words_ok(nfc) and not marked
    legacy: dict[str, str] = {}
    changed = False
    for name, convert in (("tcvn3", from_tcvn3), ("vni", from_vni)):
        converted = convert(text)
        changed |= converted != text
        if converted != text and vietnamese_words_ok(converted):
            legacy[name] = converted
    fixed = _from_utf8_as_cp1252(text)
    if fixed is not None and vietnamese_words_ok(fixed):
        legacy["utf8_as_cp1252"] = fixed
    return Reading(as_is, legacy, marked, neutral=not changed and fixed is None)


@dataclass
class ColumnDecision:
    """What to do with one text column: which values to replace, and why."""

    encoding: str | None  # the legacy encoding found, or None (the column is Unicode)
    replace: dict[str, str]  # original value -> converted
    undecided: list[str]  # values no reading settles: the caller refuses the file


def decide_column(values: list[str], prior: str | None = None) -> ColumnDecision:
    """Decide a column from its distinct values.

    A value that reads only one way is evidence. A value that reads several ways follows the
    column's evidence: converted when the column holds legacy values and no value proven
    Unicode; undecided in a column that proves both (a mixed column cannot tell it). Without
    evidence in the column, ``prior`` (the encoding the same sheet's header proved) decides
    such values, unless the column holds a value proven Unicode. A column with evidence for two
    legacy encodings, or legacy-looking values that no encoding makes Vietnamese, gives
    ``undecided`` values so that the caller refuses the file.
    """
    readings = {v: classify(v) for v in values}
    definite = {r.definite for r in readings.values()}
    found = definite - {None, "unicode"}
    unicode_found = "unicode" in definite
    if (
        not found
        and prior is not None
        and not unicode_found
        and any(prior in r.legacy for r in readings.values())
    ):
        found = {prior}
    if len(found) > 1:
        return ColumnDecision(None, {}, sorted(v for v, r in readings.items() if r.legacy))
    encoding = next(iter(found)) if found else None
    replace: dict[str, str] = {}
    undecided: list[str] = []
    for value, r in readings.items():
        if r.definite == "unicode" or r.neutral:
            continue
        if encoding is not None and encoding in r.legacy:
            if r.as_is and unicode_found:
                undecided.append(value)
            else:
                replace[value] = r.legacy[encoding]
        elif not r.as_is and (r.legacy or r.marked):
            undecided.append(value)
    return ColumnDecision(encoding, replace, sorted(undecided))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def text_score(text: str) -> tuple[int, int]:
    """(valid, total) non-ASCII words of ``text``: how Vietnamese a decoding reads."""
    words = [w for w in _WORD.findall(unicodedata.normalize("NFC", text)) if not w.isascii()]
    return sum(1 for w in words if is_vietnamese_syllable(w)), len(words)


def decode_legacy_bytes(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) for bytes that are not UTF-8/UTF-16: Windows-1258, TCVN3 or VNI, chosen by
    which decoding reads as Vietnamese (at least 95% of the non-ASCII words of the first
    64 kB are syllables, and clearly more than the next best). None when no decoding does.
    """
    sample = data[:65536]
    candidates: dict[str, str] = {}
    with contextlib.suppress(UnicodeDecodeError):
        candidates["cp1258"] = sample.decode("cp1258")
    latin = sample.decode("latin-1")
    candidates["tcvn3"] = from_tcvn3_lines(latin)
    try:
        candidates["vni"] = from_vni_lines(sample.decode("cp1252"))
    except UnicodeDecodeError:
        candidates["vni"] = from_vni_lines(latin)
    scored = []
    for name, text in candidates.items():
        if _CONTROL.search(text):
            continue  # control characters in text: not this encoding (or not text at all)
        ok, total = text_score(text)
        scored.append((ok / total if total else 0.0, total, name))
    if not scored:
        return None
    scored.sort(reverse=True)
    best_rate, total, name = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if total == 0:
        # No word to judge by (symbols only): the Vietnamese Windows code page, if it reads.
        name = (
            "cp1258" if "cp1258" in candidates and not _CONTROL.search(candidates["cp1258"]) else ""
        )
        if not name:
            return None
    elif best_rate < 0.95 or best_rate - runner_up < 0.05:
        return None
    if name == "cp1258":
        return data.decode("cp1258"), name
    if name == "tcvn3":
        return from_tcvn3_lines(data.decode("latin-1")), name
    try:
        return from_vni_lines(data.decode("cp1252")), name
    except UnicodeDecodeError:
        return from_vni_lines(data.decode("latin-1")), name


def from_tcvn3_lines(text: str) -> str:
    """:func:`from_tcvn3` applied field by field, so capitals are decided per cell."""
    return _per_field(text, from_tcvn3)


def from_vni_lines(text: str) -> str:
    """:func:`from_vni` applied field by field."""
    return _per_field(text, from_vni)


_FIELD = re.compile(r"[^,;\t|\r\n\"]+")


def _per_field(text: str, convert) -> str:
    return _FIELD.sub(lambda m: convert(m.group(0)), text)


_MARK_RE2 = (
    r"[\x{a1}-\x{bf}\x{c4}-\x{c7}\x{cb}\x{ce}-\x{d1}\x{d6}-\x{d8}\x{db}\x{dc}\x{de}\x{df}"
    r"\x{e4}-\x{e7}\x{eb}\x{ee}-\x{f1}\x{f6}-\x{f8}\x{fb}\x{fc}\x{fe}\x{ff}]"
    r"|[a-z\x{e0}-\x{ff}][\x{c0}-\x{de}]"
)


def decode_column(arr, prior: str | None = None):
    """(array, decision) for one text column of a body: legacy-encoded values converted.

    Cheap when there is nothing to do: an ASCII column, or one with no legacy-looking value
    (while no ``prior`` is given), is returned as it is with decision None. Otherwise the
    column's distinct values are decided by :func:`decide_column`.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(arr) == 0 or pc.all(pc.string_is_ascii(arr)).as_py() is not False:
        return arr, None
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    enc = pc.dictionary_encode(arr)
    dictionary = enc.dictionary
    if prior is None and not pc.any(pc.match_substring_regex(dictionary, _MARK_RE2)).as_py():
        return arr, None
    values = [v for v in dictionary.to_pylist() if v and not v.isascii()]
    decision = decide_column(values, prior)
    if not decision.replace:
        return arr, decision
    fixed = pa.array([decision.replace.get(v, v) for v in dictionary.to_pylist()], pa.string())
    return pc.take(fixed, enc.indices), decision


def to_tcvn3(text: str) -> str:
    """Unicode Vietnamese as a .VnTime font stores it (lower-case positions; capitals other than
    Ă Â Ê Ô Ơ Ư Đ and the VN1 capitals are written in lower case, as typing with .VnTime does).
    The inverse of :func:`from_tcvn3`; for building test exports."""
    inverse = {v: k for k, v in TCVN3_MAP.items()}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in inverse:
            out.append(inverse[ch])
        elif ch.lower() in inverse and ch.isupper():
            out.append(inverse[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


def to_vni(text: str) -> str:
    """Unicode Vietnamese as VNI-Windows stores it (base letter + mark byte). The inverse of
    :func:`from_vni`; for building test exports."""
    pairs = {v: base + mark for base, marks in _VNI_PAIRS.items() for mark, v in marks.items()}
    singles = {v: k for k, v in _VNI_SINGLE.items() if k != v}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        low = ch.lower()
        enc = singles.get(low) or pairs.get(low)
        if enc is None:
            out.append(ch)
        else:
            out.append(enc.upper() if ch != low else enc)
    return "".join(out)
