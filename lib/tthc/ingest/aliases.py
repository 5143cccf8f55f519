"""The alias table: which export headers mean which canonical field, and what value labels mean.

``params/aliases/default.yaml`` holds the shared table; a unit extends it with ``aliases:`` in
``params/units/<unit>.yaml`` (its own aliases come first, so they win). See the YAML file for the
normalisation rules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tthc.errors import ParamsError
from tthc.paths import params_dir
from tthc.schema import STATUS_CODES, Channel, Kind, Level, Outcome
from tthc.text import key as text_key
from tthc.units import UnitParams, read_yaml

# Canonical fields per kind, in the order the summary lists them.
FIELDS: dict[Kind, tuple[str, ...]] = {
    Kind.CASES: (
        "case_code",
        "procedure_code",
        "procedure_name",
        "field",
        "channel",
        "online_flag",
        "status",
        "received_at",
        "due_at",
        "extended_due_at",
        "ended_at",
        "returned_at",
        "has_components",
        "has_result_file",
        "result_file_path",
        "reused_data",
        "fee_bearing",
        "paid_online",
        "unit",
    ),
    Kind.CATALOGUE: ("procedure_code", "procedure_name", "field", "level", "unit"),
    Kind.PAKN: ("pakn_code", "received_at", "due_at", "handled_at", "status", "source", "unit"),
}

# A header is a few words; a longer cell in the first rows is text (a title, a note, lines an
# unclosed quote took in), never compared with the aliases.
MAX_HEADER_CHARS = 200

_AROUND_PUNCT = re.compile(r"\s*([/\-.])\s*")
_TRAILING = re.compile(r"[\s:*.]+$")


def normalise_header(text: object) -> str:
    """:func:`tthc.text.key` (NFC, invisible characters removed, look-alikes folded, whitespace
    collapsed, lower case), then no spaces around ``/ - .`` and no trailing ``: * .``."""
    s = text_key(text)
    s = _AROUND_PUNCT.sub(r"\1", s)
    return _TRAILING.sub("", s)


def header_forms(text: object) -> tuple[str, str]:
    """(:func:`normalise_header`, its :func:`strip_diacritics`): the two forms a header is
    looked up by."""
    key = normalise_header(text)
    return key, strip_diacritics(key)


def strip_diacritics(text: str) -> str:
    """'mã hồ sơ' -> 'ma ho so' (đ -> d): the fallback comparison for headers typed without accents."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_value(text: object) -> str:
    """Key for a value label: :func:`tthc.text.key`; '2.0' -> '2'. Same rule as
    :func:`tthc.ingest.values.label_key` on Arrow columns."""
    s = text_key(text)
    if re.fullmatch(r"\d+\.0+", s):
        s = s.split(".")[0]
    return s


HeaderClass = Literal["field", "personal", "ignore", "unknown"]


@dataclass(frozen=True)
class HeaderMatch:
    """How one header is understood for one kind of export."""

    cls: HeaderClass
    field: str | None = None
    rank: int = 0  # lower = more specific alias
    alias: str | None = None  # the alias that matched, as written in the table


@dataclass
class KindAliases:
    """Aliases of one kind, most specific first (a unit's own aliases before the shared ones)."""

    kind: Kind
    fields: dict[str, list[str]]
    ignore: list[str]
    _exact: dict[str, tuple[str, int, str]] = field(default_factory=dict, repr=False)
    _stripped: dict[str, set[tuple[str, int, str]]] = field(default_factory=dict, repr=False)
    _ignore: set[str] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        for name, aliases in self.fields.items():
            for rank, alias in enumerate(aliases):
                key = normalise_header(alias)
                self._exact.setdefault(key, (name, rank, alias))
                self._stripped.setdefault(strip_diacritics(key), set()).add((name, rank, alias))
        self._ignore = {normalise_header(a) for a in self.ignore}
        self._ignore |= {strip_diacritics(a) for a in self._ignore}

    def match_field(self, header: str, forms: tuple[str, str] | None = None) -> HeaderMatch | None:
        """The field a header names; ``forms``: its :func:`header_forms`, when known."""
        key, stripped = forms or header_forms(header)
        if key in self._exact:
            name, rank, alias = self._exact[key]
            return HeaderMatch("field", name, rank, alias)
        hits = self._stripped.get(stripped, set())
        if len({h[0] for h in hits}) == 1:
            name, rank, alias = min(hits, key=lambda h: h[1])
            # An accent-less match is less specific than any exact alias of the field.
            return HeaderMatch("field", name, rank + 1000, alias)
        return None

    def is_ignored(self, header: str, forms: tuple[str, str] | None = None) -> bool:
        key, stripped = forms or header_forms(header)
        return key in self._ignore or stripped in self._ignore


@dataclass
class AliasTable:
    kinds: dict[Kind, KindAliases]
    personal: list[str]
    status_labels: dict[str, tuple[int | None, Outcome]]
    channel_labels: dict[str, Channel]
    yes_no: dict[str, bool]
    levels: dict[str, Level]
    _personal: set[str] = field(default_factory=set, repr=False)
    _personal_words: int = field(default=0, repr=False)  # words of the longest personal header
    _memo: dict[tuple[Kind, str], HeaderMatch] = field(default_factory=dict, repr=False)
    # A head cell is classified for every kind: its forms and personal test are kept per text.
    _forms: dict[str, tuple[tuple[str, str], bool]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        keys = {normalise_header(p) for p in self.personal}
        self._personal = keys | {strip_diacritics(k) for k in keys}
        self._personal_words = max((len(k.split(" ")) for k in self._personal), default=0)

    def is_personal(self, header: str, forms: tuple[str, str] | None = None) -> bool:
        """Exact personal header, or one that starts with it ('Địa chỉ thường trú')."""
        for k in forms or header_forms(header):
            if k in self._personal:
                return True
            # Only prefixes as long as a personal header can match: a head cell of a long text
            # (a note, or lines an unclosed quote took in) would otherwise cost its words squared.
            words = k.split(" ", self._personal_words)
            last = min(len(words), self._personal_words + 1)
            if any(" ".join(words[:n]) in self._personal for n in range(1, last)):
                return True
        return False

    def classify(self, kind: Kind, header: str) -> HeaderMatch:
        """Canonical field first, then personal data, then known-useless, else unknown."""
        key = (kind, header)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = self._classify(kind, header)
        return hit

    def _classify(self, kind: Kind, header: str) -> HeaderMatch:
        if not str(header).strip() or len(str(header)) > MAX_HEADER_CHARS:
            return HeaderMatch("unknown")  # a long text in the head is a title or a note
        known = self._forms.get(header)
        if known is None:
            forms = header_forms(header)
            known = self._forms[header] = (forms, self.is_personal(header, forms))
        forms, personal = known
        hit = self.kinds[kind].match_field(header, forms)
        if hit is not None:
            return hit
        if personal:
            return HeaderMatch("personal")
        if self.kinds[kind].is_ignored(header, forms):
            return HeaderMatch("ignore")
        return HeaderMatch("unknown")


def default_aliases_file() -> Path:
    return params_dir() / "aliases" / "default.yaml"


def load_aliases(unit: UnitParams | None = None, path: Path | None = None) -> AliasTable:
    """The shared alias table extended by the unit's own aliases (which take priority).

    A unit key is ``field`` (added for every kind that has the field), ``kind.field``
    (e.g. ``pakn.due_at``) or ``personal``.
    """
    path = path or default_aliases_file()
    if not path.exists():
        raise ParamsError(f"Không tìm thấy bảng tên cột {path}.")
    data = read_yaml(path)
    extra = dict(unit.aliases) if unit else {}
    where = f"params/units/{unit.unit}.yaml" if unit else str(path)

    kinds: dict[Kind, KindAliases] = {}
    used: set[str] = set()
    for kind in Kind:
        section = data.get(kind.value) or {}
        fields: dict[str, list[str]] = {}
        for name in FIELDS[kind]:
            own = [str(a) for a in extra.get(f"{kind.value}.{name}", [])]
            own += [str(a) for a in extra.get(name, [])]
            if f"{kind.value}.{name}" in extra:
                used.add(f"{kind.value}.{name}")
            if name in extra:
                used.add(name)
            fields[name] = own + [str(a) for a in section.get(name) or []]
        unknown = set(section) - set(FIELDS[kind]) - {"ignore"}
        if unknown:
            raise ParamsError(
                f"{path}: trường không xác định trong '{kind.value}': {sorted(unknown)}."
            )
        kinds[kind] = KindAliases(kind, fields, [str(a) for a in section.get("ignore") or []])
    personal = [str(a) for a in extra.get("personal", [])] + [
        str(a) for a in data.get("personal") or []
    ]
    used.add("personal")
    bad = sorted(set(extra) - used)
    if bad:
        raise ParamsError(
            f"{where}: khóa 'aliases.{bad[0]}' không phải trường chuẩn nào "
            f"(dùng tên trường như 'case_code' hoặc 'pakn.due_at')."
        )
    return AliasTable(
        kinds=kinds,
        personal=personal,
        status_labels=_status_labels(data, path),
        channel_labels=_labels(data, "channel_labels", Channel, path),
        yes_no=_yes_no(data, path),
        levels=_labels(data, "levels", Level, path),
    )


def _status_labels(data: dict, path: Path) -> dict[str, tuple[int | None, Outcome]]:
    out: dict[str, tuple[int | None, Outcome]] = {}
    # National labels are always understood, whatever the table says.
    for code, (label, outcome) in STATUS_CODES.items():
        out[normalise_value(label)] = (code, outcome)
    for key, labels in (data.get("status_labels") or {}).items():
        if isinstance(key, int) or str(key).isdigit():
            code = int(key)
            if code not in STATUS_CODES:
                raise ParamsError(f"{path}: status_labels: mã trạng thái {code} không tồn tại.")
            value: tuple[int | None, Outcome] = (code, STATUS_CODES[code][1])
        else:
            try:
                value = (None, Outcome(str(key)))
            except ValueError as exc:
                raise ParamsError(
                    f"{path}: status_labels: '{key}' không phải kết quả hợp lệ."
                ) from exc
        for label in labels or []:
            out.setdefault(normalise_value(label), value)
    return out


def _labels(data: dict, section: str, enum: type, path: Path) -> dict:
    out = {}
    for key, labels in (data.get(section) or {}).items():
        try:
            value = enum(str(key))
        except ValueError as exc:
            raise ParamsError(f"{path}: {section}: '{key}' không hợp lệ.") from exc
        for label in labels or []:
            out.setdefault(normalise_value(label), value)
    return out


def _yes_no(data: dict, path: Path) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for key, labels in (data.get("yes_no") or {}).items():
        flag = {"yes": True, "no": False, "True": True, "False": False}.get(str(key))
        if flag is None:
            raise ParamsError(f"{path}: yes_no: khóa '{key}' phải là yes hoặc no.")
        for label in labels or []:
            out.setdefault(normalise_value(label), flag)
    return out
