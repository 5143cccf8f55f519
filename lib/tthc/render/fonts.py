"""The document's font: Liberation Serif 2 (Times New Roman metrics, full Vietnamese), embedded.

Nghị định 30/2020 asks for Times New Roman; Liberation Serif 2 has the same metrics and covers
every Vietnamese letter (Liberation 1.x lacks ơ, ư and stacked tone marks). The TTFs ship with
the package so every machine renders the same document. For the HTML the fonts are subset to the
Latin and Vietnamese ranges and embedded as base64 ``@font-face`` rules: the file stays small and
self-contained, and WeasyPrint reads the very same rules for the PDF.

Subsetting takes about 0.1 s per face, so subsets are cached in memory and on disk
(``$XDG_CACHE_HOME/tthc/fonts``), keyed by the source file's hash and the subset specification.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tthc.paths import fonts_dir

FAMILY = "Liberation Serif"
# CSS family name of the embedded faces; distinct from any installed "Liberation Serif" 1.x,
# which lacks Vietnamese glyphs and must never be picked by mistake.
CSS_FAMILY = "TTHC Liberation Serif"


@dataclass(frozen=True)
class Face:
    file: str
    weight: str
    style: str


FACES: tuple[Face, ...] = (
    Face("LiberationSerif-Regular.ttf", "normal", "normal"),
    Face("LiberationSerif-Bold.ttf", "bold", "normal"),
    Face("LiberationSerif-Italic.ttf", "normal", "italic"),
    Face("LiberationSerif-BoldItalic.ttf", "bold", "italic"),
)

# Every code point a report can contain: ASCII, Latin-1, Latin Extended-A/B, combining marks
# (NFD input), Latin Extended Additional (ạ ả ấ … ỹ), general punctuation (– — … “ ”), the
# đồng sign and the arrows and minus of the comparison table.
UNICODE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),
    (0x00A0, 0x024F),
    (0x0300, 0x036F),
    (0x1E00, 0x1EFF),
    (0x2000, 0x206F),
    (0x20AB, 0x20AC),
    (0x2116, 0x2116),
    (0x2190, 0x2193),
    (0x2212, 0x2212),
    (0x25B2, 0x25BC),
)
_SUBSET_VERSION = "1"


def font_path(face: Face) -> Path:
    return fonts_dir() / face.file


def _spec_key(data: bytes) -> str:
    h = hashlib.sha256(data)
    h.update(repr((UNICODE_RANGES, _SUBSET_VERSION)).encode())
    return h.hexdigest()[:20]


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tthc" / "fonts"


def _subset(data: bytes) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data))
    options = subset.Options()
    options.layout_features = ["*"]  # keep mark positioning for decomposed (NFD) diacritics
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(
        unicodes=[cp for lo, hi in UNICODE_RANGES for cp in range(lo, hi + 1)],
    )
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@lru_cache(maxsize=8)
def subset_font(face: Face) -> bytes:
    """The face subset to :data:`UNICODE_RANGES` (disk-cached; a cache failure only costs time)."""
    data = font_path(face).read_bytes()
    cached = _cache_dir() / f"{Path(face.file).stem}-{_spec_key(data)}.ttf"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    result = _subset(data)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        # Written under a temporary name, then renamed: parallel workers never read half a file.
        fd, tmp = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(result)
        os.replace(tmp, cached)
    except OSError:
        pass
    return result


@lru_cache(maxsize=1)
def font_face_css() -> str:
    """``@font-face`` rules for the four faces, each a base64 ``data:`` URL (no file, no host)."""
    rules = []
    for face in FACES:
        b64 = base64.b64encode(subset_font(face)).decode("ascii")
        rules.append(
            "@font-face{"
            f'font-family:"{CSS_FAMILY}";font-weight:{face.weight};font-style:{face.style};'
            f'src:url("data:font/ttf;base64,{b64}") format("truetype");'
            "}"
        )
    return "\n".join(rules)


_mpl_registered = False


def register_matplotlib() -> str:
    """Make the bundled faces known to matplotlib under :data:`CSS_FAMILY`; returns that name.

    Registered under the CSS family name, not "Liberation Serif": a machine may also have
    Liberation 1.x installed under that name, which matplotlib could pick and which lacks
    Vietnamese glyphs. With ``svg.fonttype = "none"`` the SVG text then names exactly the family
    the page embeds, so browsers and WeasyPrint draw chart text with the document's font.
    """
    global _mpl_registered
    if not _mpl_registered:
        import dataclasses

        from matplotlib import font_manager

        for face in FACES:
            entry = font_manager.ttfFontProperty(font_manager.get_font(str(font_path(face))))
            font_manager.fontManager.ttflist.append(dataclasses.replace(entry, name=CSS_FAMILY))
        _mpl_registered = True
    return CSS_FAMILY
