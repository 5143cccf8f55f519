"""Text normalisation: the one place every header, label, code, name and key goes through.

Exports arrive with the same words written in many ways: decomposed (NFD) or precomposed
accents, invisible characters (zero-width space, byte-order mark, soft hyphen, word joiner and
the rest of Unicode category Cf) pasted from web pages, control characters (NUL bytes of a
program that wrote a C string whole, escape sequences), every kind of space (no-break, thin,
line and paragraph separators, NEL), and letters that only look Vietnamese: "Ð" (U+00D0, Latin
capital eth) typed for "Đ" (U+0110), or Cyrillic "а" inside a Latin word. Compared as they
come, "Ðăng ký khai sinh" is not "Đăng ký khai sinh" and a procedure goes unmatched.

- :func:`clean` gives the text as stored and shown: NFC, category Cf and the control
  characters that are not spaces (C0 and C1 but TAB, line ends and the separators) removed, look-alike letters
  folded to the Vietnamese/Latin letter (no Vietnamese text legitimately contains an eth or a
  Cyrillic letter), every run of whitespace one space, trimmed.
- :func:`key` gives the form two texts are compared in: ``clean`` then case-folded.
- :func:`clean_arrow` and :func:`key_arrow` do the same on Arrow string arrays in Arrow's C++
  kernels, once per distinct value when a column repeats (status, field, procedure name).

The Python and Arrow forms agree (a property test checks it). Idempotent: ``clean(clean(s)) ==
clean(s)``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from tthc.arrowbytes import ascii_may_need_cleaning

# Unicode category Cf (format characters: invisible), Unicode 15. A test checks this list
# against the running Python's unicodedata.
_CF_RANGES = (
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)
# Every character Python's str.isspace() accepts (the C0 separators included).
_SPACES = (
    (0x0009, 0x000D),
    (0x001C, 0x0020),
    (0x0085, 0x0085),
    (0x00A0, 0x00A0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
)
# Letters that look like a Vietnamese (or plain Latin) letter but are another character.
LOOKALIKES: dict[str, str] = {
    "\u00d0": "Đ",  # Ð Latin capital eth
    "\u00f0": "đ",  # ð Latin small eth
    "\u0189": "Đ",  # Ɖ Latin capital African D
    "\u0256": "đ",  # ɖ Latin small d with tail
    # Cyrillic letters that are drawn like Latin ones (pasted from other documents).
    "\u0410": "A", "\u0412": "B", "\u0415": "E", "\u041a": "K", "\u041c": "M", "\u041d": "H",
    "\u041e": "O", "\u0420": "P", "\u0421": "C", "\u0422": "T", "\u0425": "X", "\u0430": "a",
    "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0441": "c", "\u0443": "y", "\u0445": "x",
    "\u0456": "i", "\u0458": "j", "\u0455": "s", "\u0406": "I", "\u0408": "J", "\u0405": "S",
    # Greek capitals drawn like Latin ones.
    "\u0391": "A", "\u0392": "B", "\u0395": "E", "\u0396": "Z", "\u0397": "H", "\u0399": "I",
    "\u039a": "K", "\u039c": "M", "\u039d": "N", "\u039f": "O", "\u03a1": "P", "\u03a4": "T",
    "\u03a5": "Y", "\u03a7": "X", "\u03bf": "o",
}  # fmt: skip


def _char_class(ranges: tuple[tuple[int, int], ...], escape: str) -> str:
    parts = []
    for lo, hi in ranges:
        parts.append(escape % lo if lo == hi else f"{escape % lo}-{escape % hi}")
    return "[" + "".join(parts) + "]"


# Control characters (category Cc) that are not whitespace: invisible, never text.
_CONTROLS = ((0x0000, 0x0008), (0x000E, 0x001B), (0x007F, 0x0084), (0x0086, 0x009F))

_PY_CF = re.compile(_char_class(_CF_RANGES, "\\U%08x"))
_PY_REMOVED = re.compile(_char_class(_CF_RANGES + _CONTROLS, "\\U%08x"))
_PY_SPACE = re.compile(_char_class(_SPACES, "\\U%08x") + "+")
_PY_FOLD = str.maketrans(LOOKALIKES)
# RE2 (Arrow) spells code points \x{…}.
_RE2_REMOVED = _char_class(_CF_RANGES + _CONTROLS, "\\x{%x}")
_RE2_ASCII_CONTROL = r"[\x{0}-\x{8}\x{e}-\x{1b}\x{7f}]"
_RE2_SPACE = _char_class(_SPACES, "\\x{%x}") + "+"
# Anything clean() could change in an ASCII string: a control, or whitespace other than one
# space between two non-spaces (tab, line breaks, a leading, trailing or doubled space).
_RE2_ASCII_NEEDS_WORK = r"[\x{0}-\x{1f}\x{7f}]|^ | $|  "
_RE2_FOLDABLE = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in LOOKALIKES) + "]"


def clean(text: object) -> str:
    """Text as stored: NFC, no Cf or control characters, look-alikes folded, whitespace
    collapsed, trimmed.

    >>> clean("  Ðăng\u200b ký\u00a0 khai\u2028sinh ")
    'Đăng ký khai sinh'
    """
    s = _PY_REMOVED.sub("", str(text))
    s = unicodedata.normalize("NFC", s).translate(_PY_FOLD)
    return _PY_SPACE.sub(" ", s).strip()


def key(text: object) -> str:
    """The form texts are compared in: :func:`clean`, then lower case ('Hộ Tịch' == 'hộ tịch').

    Unicode lower case rather than case folding, so that Arrow's ``utf8_lower`` gives the same.
    """
    return clean(text).lower()


def has_format_characters(text: str) -> bool:
    """Whether ``text`` holds an invisible (category Cf) character."""
    return _PY_CF.search(text) is not None


def clean_arrow(arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """:func:`clean` over an Arrow string array; nulls stay null.

    A column with few distinct values is cleaned once per value through its dictionary; an
    all-ASCII column only has its controls removed and its whitespace collapsed.
    """
    if len(arr) == 0:
        return arr
    if pc.all(pc.string_is_ascii(arr)).as_py() is not False:
        # Most ASCII columns of an export (codes, dates) need nothing: one scan proves it.
        if (
            not ascii_may_need_cleaning(arr)
            or not pc.any(pc.match_substring_regex(arr, _RE2_ASCII_NEEDS_WORK)).as_py()
        ):
            return arr
        controls = pc.any(pc.match_substring_regex(arr, _RE2_ASCII_CONTROL)).as_py()
        if controls:
            arr = pc.replace_substring_regex(arr, _RE2_ASCII_CONTROL, "")
        if (
            controls
            or pc.any(pc.match_substring_regex(arr, r"^\s|\s$|\s\s|[\t\n\v\f\r\x1c-\x1f]")).as_py()
        ):
            arr = pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, _RE2_SPACE, " "))
        return arr
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    enc = pc.dictionary_encode(arr)
    if len(enc.dictionary) * 2 < len(arr):
        return pc.take(_clean_all(enc.dictionary), enc.indices)
    return _clean_all(arr)


def _clean_all(arr: pa.Array) -> pa.Array:
    arr = pc.replace_substring_regex(arr, _RE2_REMOVED, "")
    arr = pc.utf8_normalize(arr, form="NFC")
    if pc.any(pc.match_substring_regex(arr, _RE2_FOLDABLE)).as_py():
        for src, dst in LOOKALIKES.items():
            arr = pc.replace_substring(arr, src, dst)
    arr = pc.replace_substring_regex(arr, _RE2_SPACE, " ")
    return pc.utf8_trim(arr, " ")


def per_distinct(arr: pa.Array | pa.ChunkedArray, f: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``f`` (element-wise: its output aligned with its input) applied once to each distinct
    value of ``arr`` and spread back to every cell; a null cell stays null, an empty array is
    returned as it is. A column of a few hundred distinct values in 200,000 cells pays for the
    few hundred."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if len(arr) == 0:
        return arr
    enc = pc.dictionary_encode(arr)
    return pc.take(f(enc.dictionary), enc.indices)


def key_arrow(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """:func:`key` over an Arrow string array whose values are already :func:`clean`."""
    return per_distinct(arr, pc.utf8_lower)
