"""``index.html`` at the root of an outputs folder: every report in it, by city.

The index (mục lục báo cáo) lists every unit × period report folder under the outputs folder
(``--out``) with its status and key figures, grouped by city, city reports first in their group,
sortable by any column and filterable by text, status, city and period. It links each report's
document (HTML, PDF, DOCX) and its companion file of internal checks (``kiem-tra``).

It is built from what is on disk, never from the run in memory: every ``manifest.json`` under the
folder (so it covers the reports of earlier runs too, and a run that crashed half way leaves an
index that the next run rebuilds whole). A manifest that cannot be read is listed as such, and so
is a report folder that has report files but no manifest; nothing is dropped. Links are made only
to files that exist.

The page is self-contained (inline CSS and JavaScript, no fonts, images or scripts fetched, a
Content-Security-Policy that forbids any request) and every value from a manifest is
HTML-escaped: a unit name or a warning comes from an export or a params file, which anyone can
write. It is written atomically (:mod:`tthc.atomic`) after every run of ``tthc report`` and by
``tthc index``.

Manifest fields read (all optional except ``status``): ``kind`` (``unit`` or ``city``), ``unit``,
``unit_name``, ``city``, ``city_name``, ``period``, ``period_title``, ``period_range``,
``created_at``, ``outputs`` (``{key: {"file": name}}``), ``key_figures``
(:func:`tthc.report.manifest.key_figures`), ``error``, ``completeness``. A manifest of an earlier
version without ``key_figures`` gets them from its ``report.ipynb``'s figures bundle when that
notebook is there.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tthc import atomic
from tthc.paths import PACKAGE_DIR
from tthc.report.manifest import KEY_FIGURES, MANIFEST_NAME, key_figures
from tthc.vntime import VN_TZ, now_vn

INDEX_NAME = "index.html"
NO_CITY = "Chưa gán thành phố"
ASSETS = PACKAGE_DIR / "templates" / "outputs-index"
# Deepest manifest looked for: <out>/<a>/<b>/<c>/manifest.json (unit reports are two deep).
MAX_DEPTH = 4
REPORT_FILES = ("report.html", "report.pdf", "report.docx", "report.ipynb", "report.failed.ipynb")

STATUS_LABELS = {
    "ok": "Đầy đủ",
    "incomplete": "Chưa đầy đủ",
    "partial": "Một phần",
    "failed": "Lỗi",
    "unreadable": "Manifest không đọc được",
    "no_manifest": "Thiếu manifest",
}
# (key, column header, hint): what the index shows of each report, from key_figures.
COLUMNS = {
    "cases_total": ("Tổng số hồ sơ", "(1) Số hồ sơ nhận giải quyết: mới tiếp nhận và kỳ trước chuyển sang"),
    "cases_resolved": ("Đã giải quyết", "(5) Số hồ sơ đã giải quyết trong kỳ"),
    "cases_resolved_late": ("Giải quyết quá hạn", "(8) Số hồ sơ giải quyết quá hạn"),
    "cases_in_progress": ("Đang giải quyết", "(9) Số hồ sơ đang giải quyết cuối kỳ"),
    "cases_in_progress_overdue": ("Đang quá hạn", "(11) Đang giải quyết, đã quá hạn"),
    "rate_on_time": ("Đúng hạn (%)", "Tỷ lệ giải quyết trước hạn và đúng hạn"),
    "rate_online": ("Trực tuyến (%)", "Tỷ lệ hồ sơ tiếp nhận trực tuyến"),
}  # fmt: skip
LINKS = (
    ("html", "HTML", "Văn bản báo cáo (HTML)"),
    ("pdf", "PDF", "Văn bản báo cáo (PDF)"),
    ("docx", "DOCX", "Văn bản báo cáo (Word, để sửa trước khi ký)"),
    ("checks_html", "Kiểm tra", "Tệp kiểm tra nội bộ kiem-tra.html"),
    ("checks_pdf", "Kiểm tra PDF", "Tệp kiểm tra nội bộ kiem-tra.pdf"),
    ("failed_notebook", "Notebook lỗi", "Notebook dừng ở ô lệnh lỗi"),
)
DEFAULT_FILES = {
    "html": "report.html",
    "pdf": "report.pdf",
    "docx": "report.docx",
    "checks_html": "kiem-tra.html",
    "checks_pdf": "kiem-tra.pdf",
    "failed_notebook": "report.failed.ipynb",
}


@dataclass
class Entry:
    """One report folder as the index shows it."""

    folder: str  # relative to the outputs folder, POSIX separators
    status: str
    kind: str = "unit"  # unit | city
    unit: str = ""
    unit_name: str = ""
    city: str = ""  # the group's name as shown (NO_CITY when none)
    period: str = ""
    period_title: str = ""
    period_start: str = ""  # ISO date, for sorting periods of different kinds
    created_at: str = ""  # ISO 8601 with offset
    figures: dict[str, float | int | None] = field(default_factory=dict)
    na: dict[str, str] = field(default_factory=dict)
    partial: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # key -> relative href (existing files)
    missing: list[str] = field(default_factory=list)  # files the manifest names, not on disk
    message: str = ""


# --- reading the folder ---------------------------------------------------------------------


def _report_folders(out: Path) -> Iterable[tuple[Path, bool]]:
    """(folder, has manifest) for every report folder under ``out``, hidden folders (staging,
    a replaced report moved aside) skipped."""
    out_depth = len(out.parts)
    for root, dirs, files in os.walk(out):
        here = Path(root)
        depth = len(here.parts) - out_depth
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if depth < MAX_DEPTH else []
        if depth == 0:
            continue
        if MANIFEST_NAME in files:
            yield here, True
        elif any(name in files for name in REPORT_FILES):
            yield here, False


def _read_json(path: Path) -> dict[str, Any] | None:
    """The manifest's object; None when it cannot be read or is not a JSON object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def read_entry(out: Path, folder: Path, params_base: Path | None = None) -> Entry:
    """The index entry of one report folder (never raises for a bad manifest)."""
    rel = folder.relative_to(out).as_posix()
    parts = rel.split("/")
    guess_unit, guess_period = (parts[-2], parts[-1]) if len(parts) >= 2 else (parts[0], "")
    manifest_path = folder / MANIFEST_NAME
    if not manifest_path.exists():
        entry = Entry(rel, "no_manifest", unit=guess_unit, period=guess_period)
        entry.message = "Thư mục có tệp báo cáo nhưng không có manifest.json."
        entry.city = NO_CITY
        _link_files(entry, folder, {k: v for k, v in DEFAULT_FILES.items()})
        return entry
    m = _read_json(manifest_path)
    if m is None or not isinstance(m.get("status"), str):
        entry = Entry(rel, "unreadable", unit=guess_unit, period=guess_period, city=NO_CITY)
        entry.message = "manifest.json không đọc được (hỏng hoặc không đúng định dạng JSON)."
        _link_files(entry, folder, {k: v for k, v in DEFAULT_FILES.items()})
        return entry

    kind = "city" if m.get("kind") == "city" else "unit"
    entry = Entry(
        folder=rel,
        status=m["status"],
        kind=kind,
        unit=_text(m.get("unit")) or guess_unit,
        unit_name=_text(m.get("unit_name")),
        period=_text(m.get("period")) or guess_period,
        period_title=_text(m.get("period_title")),
        created_at=_text(m.get("created_at")),
    )
    city_slug = _text(m.get("city"))
    # The params' name first, so a city's report and its units' land in one group whatever
    # their manifests wrote; the manifest's name where this machine has no such params file.
    known = city_name(city_slug, params_base) if city_slug else ""
    known = known if known != city_slug else ""
    entry.city = known or _text(m.get("city_name")) or city_slug or NO_CITY
    if kind == "city" and not entry.unit_name:
        entry.unit_name = f"Báo cáo chung {entry.city}" if entry.city != NO_CITY else ""
    summary = m.get("key_figures")
    if not isinstance(summary, dict):
        summary = _figures_from_notebook(folder / "report.ipynb")
    entry.figures = {
        k: v
        for k, v in (summary.get("values") or {}).items()
        if k in COLUMNS and (v is None or isinstance(v, int | float)) and not isinstance(v, bool)
    }
    entry.na = {k: str(v) for k, v in (summary.get("na") or {}).items() if k in COLUMNS}
    entry.partial = [str(k) for k in (summary.get("partial") or []) if k in COLUMNS]
    entry.period_start = _text(summary.get("period_start"))
    error = m.get("error")
    if entry.status == "failed" and isinstance(error, dict):
        entry.message = _text(error.get("message")) or _cell_failure(error)
    completeness = m.get("completeness")
    if entry.status in ("incomplete", "partial") and isinstance(completeness, dict):
        entry.message = _text(completeness.get("note"))
    files = {}
    outputs = m.get("outputs")
    if isinstance(outputs, dict):
        for key, item in outputs.items():
            if isinstance(item, dict) and isinstance(item.get("file"), str):
                files[key] = item["file"]
    if isinstance(error, dict) and isinstance(error.get("failed_notebook"), str):
        files["failed_notebook"] = error["failed_notebook"]
    _link_files(entry, folder, files, strict=True)
    return entry


def _cell_failure(error: dict[str, Any]) -> str:
    """'ô lệnh [3] lỗi — ZeroDivisionError: division by zero', as the runner says it."""
    count = error.get("exec_count")
    where = f"ô lệnh [{count}]" if isinstance(count, int) else "notebook"
    cause = ": ".join(x for x in (_text(error.get("ename")), _text(error.get("evalue"))) if x)
    return f"{where} lỗi — {cause}" if cause else ""


def _link_files(entry: Entry, folder: Path, files: dict[str, str], strict: bool = False) -> None:
    """Links to the files that exist; with ``strict`` (the manifest named them), the others
    are recorded as missing."""
    for key, _label, _title in LINKS:
        name = files.get(key)
        if not name or "/" in name or "\\" in name or name.startswith("."):
            continue  # a manifest naming a file outside its folder is not followed
        if (folder / name).is_file():
            entry.links[key] = f"{quote(entry.folder)}/{quote(name)}"
        elif strict:
            entry.missing.append(name)


def _figures_from_notebook(nb_path: Path) -> dict[str, Any]:
    """key_figures of a report made before the manifest carried them, from its notebook."""
    if not nb_path.is_file():
        return {}
    try:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in reversed(nb.get("cells", [])):
            for out in cell.get("outputs", []) or []:
                bundle = (out.get("data") or {}).get("application/vnd.tthc.figures+json")
                if isinstance(bundle, dict):
                    return key_figures(bundle)
    except (OSError, ValueError, AttributeError, TypeError):
        return {}
    return {}


def city_name(city: str, params_base: Path | None = None) -> str:
    """The name to show for a unit's ``city``: the city's ``name`` when ``city`` is the slug of
    a valid ``params/cities/<city>.yaml`` (:func:`tthc.cities.load_city`), else the value itself
    ('' for none)."""
    if not city:
        return ""
    if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", city):
        try:
            from tthc.cities import load_city

            return load_city(city, params_base).name
        except Exception:  # no such file or an invalid one: `tthc doctor` says why, not the index
            pass
    return city


def scan(out: Path, params_base: Path | None = None) -> list[Entry]:
    """Every report folder under ``out`` as an index entry, in folder order."""
    out = Path(out)
    if not out.is_dir():
        return []
    return [read_entry(out, folder, params_base) for folder, _ in _report_folders(out)]


# --- writing the page -----------------------------------------------------------------------


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _number(value: float | int, key: str) -> str:
    """Vietnamese number format: 2.751 and 99,96."""
    if key.startswith("rate_"):
        text = f"{float(value):.2f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    return f"{int(value):,}".replace(",", ".")


def _fold(text: str) -> str:
    """Lowercase without diacritics (đ → d), for filtering by what people type."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _short_period(key: str, title: str) -> str:
    """'Tháng 6/2026', 'Quý II/2026' for the table; other periods by their title."""
    if m := re.fullmatch(r"(\d{4})-(\d{2})", key):
        return f"Tháng {int(m[2])}/{m[1]}"
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", key):
        return f"Quý {('I', 'II', 'III', 'IV')[int(m[2]) - 1]}/{m[1]}"
    return title or key


def _made_at(iso: str) -> tuple[str, str]:
    """(shown 'HH:MM dd/mm/yyyy' in Vietnam time, sort key)."""
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return "", ""
    if when.tzinfo is not None:
        when = when.astimezone(VN_TZ)
    return f"{when:%H:%M %d/%m/%Y}", when.isoformat()


def _row(entry: Entry) -> str:
    name = entry.unit_name or entry.unit
    status_label = STATUS_LABELS.get(entry.status, entry.status)
    made, made_key = _made_at(entry.created_at)
    period_label = entry.period_title or entry.period
    search = " ".join((name, entry.unit, entry.period, period_label, entry.city, status_label))
    cells = [
        f'<td data-sort="{_e(_fold(name))}"><span class="unit">{_e(name)}</span>'
        + (f'<span class="slug">{_e(entry.unit)}</span>' if name != entry.unit else "")
        + ('<span class="tag">Báo cáo chung</span>' if entry.kind == "city" else "")
        + "</td>",
        f'<td class="period" data-sort="{_e(entry.period_start or entry.period)}|{_e(entry.period)}"'
        f' title="{_e(entry.period)}">{_e(_short_period(entry.period, period_label))}</td>',
        f'<td data-sort="{_e(entry.status)}"><span class="status s-{_e(entry.status)}">'
        f"{_e(status_label)}</span>"
        + (f'<span class="note">{_e(entry.message)}</span>' if entry.message else "")
        + "</td>",
    ]
    for key in COLUMNS:
        value = entry.figures.get(key)
        if key in entry.figures and value is not None:
            mark = "*" if key in entry.partial else ""
            title = ' title="Chỉ tính trên những ngày có dữ liệu"' if mark else ""
            cells.append(
                f'<td class="num" data-sort="{value}"{title}>{_number(value, key)}{mark}</td>'
            )
        elif key in entry.figures:  # N/A, with its reason
            reason = entry.na.get(key, "")
            cells.append(f'<td class="num na" data-sort="" title="{_e(reason)}">N/A</td>')
        else:  # not computed at all (a failed report, another notebook)
            cells.append('<td class="num none" data-sort="">—</td>')
    cells.append(f'<td class="made" data-sort="{_e(made_key)}">{_e(made)}</td>')
    links = []
    for key, label, title in LINKS:
        if key in entry.links:
            links.append(f'<a href="{_e(entry.links[key])}" title="{_e(title)}">{_e(label)}</a>')
    if entry.missing:
        links.append(
            f'<span class="missing" title="{_e("Manifest ghi nhưng không thấy tệp: " + ", ".join(entry.missing))}">'
            "thiếu tệp</span>"
        )
    cells.append(f'<td class="links">{" ".join(links) or "—"}</td>')
    return (
        f'<tr data-kind="{_e(entry.kind)}" data-status="{_e(entry.status)}" '
        f'data-city="{_e(entry.city)}" data-period="{_e(entry.period)}" '
        f'data-folder="{_e(entry.folder)}" data-search="{_e(_fold(search))}">'
        + "".join(cells)
        + "</tr>"
    )


def status_summary(entries: Iterable[Entry]) -> str:
    """'4 đầy đủ, 1 lỗi' in the order of :data:`STATUS_LABELS`, unknown statuses last."""
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.status] = counts.get(e.status, 0) + 1
    order = list(STATUS_LABELS)
    keys = sorted(counts, key=lambda s: (order.index(s) if s in order else len(order), s))
    return ", ".join(f"{counts[s]} {STATUS_LABELS.get(s, s).lower()}" for s in keys)


def _group_order(city: str) -> tuple[int, str]:
    return (1 if city == NO_CITY else 0, _fold(city))


def _sorted_entries(entries: list[Entry]) -> list[Entry]:
    """City reports first, then units by name, the latest period first within a unit."""
    latest_first = sorted(
        entries, key=lambda e: (e.period_start or e.period, e.period), reverse=True
    )
    return sorted(
        latest_first, key=lambda e: (e.kind != "city", _fold(e.unit_name or e.unit), e.unit)
    )


def render(entries: list[Entry], *, title: str = "Mục lục báo cáo TTHC") -> str:
    """The index page for ``entries``: one self-contained HTML document."""
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.city or NO_CITY, []).append(entry)
    bodies = []
    ncols = 3 + len(COLUMNS) + 2
    for city in sorted(groups, key=_group_order):
        rows = _sorted_entries(groups[city])
        summary = status_summary(rows)
        bodies.append(
            f'<tbody data-city="{_e(city)}"><tr class="group"><th colspan="{ncols}" scope="rowgroup">'
            f'<span class="city">{_e(city)}</span> <span class="count" data-total="{len(rows)}">'
            f'{len(rows)} báo cáo</span> <span class="note">{_e(summary)}</span></th></tr>'
            + "".join(_row(e) for e in rows)
            + "</tbody>"
        )
    head = [
        ("unit", "Đơn vị", "text"),
        ("period", "Kỳ", "text"),
        ("status", "Trạng thái", "text"),
        *((k, label, "num") for k, (label, _hint) in COLUMNS.items()),
        ("created", "Lập lúc", "text"),
    ]
    ths = "".join(
        f'<th scope="col" data-col="{i}" data-type="{kind}" aria-sort="none"'
        + (f' title="{_e(COLUMNS[key][1])}"' if key in COLUMNS else "")
        + f'><button type="button">{_e(label)}</button></th>'
        for i, (key, label, kind) in enumerate(head)
    )
    ths += '<th scope="col">Tệp</th>'
    statuses = sorted({e.status for e in entries}, key=lambda s: (s not in STATUS_LABELS, s))
    periods = sorted({e.period for e in entries}, reverse=True)
    options = lambda values, labels=None: "".join(  # noqa: E731
        f'<option value="{_e(v)}">{_e((labels or {}).get(v, v))}</option>' for v in values
    )
    now = now_vn()
    css = (ASSETS / "index.css").read_text(encoding="utf-8")
    js = (ASSETS / "index.js").read_text(encoding="utf-8")
    n_cities = len([c for c in groups if c != NO_CITY])
    empty = (
        ""
        if entries
        else '<p class="empty">Chưa có báo cáo nào trong thư mục này: chạy <code>tthc report</code>.</p>'
    )
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="generator" content="tthc">
<title>{_e(title)}</title>
<style>
{css}
</style>
</head>
<body>
<header>
<h1>{_e(title)}</h1>
<p class="meta">Cập nhật lúc {now:%H:%M ngày %d/%m/%Y} — {len(entries)} báo cáo, {n_cities} thành phố.
Số liệu lấy từ manifest.json của từng báo cáo; N/A là số liệu không tính được (rê chuột để xem lý do).</p>
</header>
<form class="filters" role="search" onsubmit="return false">
<label>Tìm <input type="search" id="q" placeholder="tên đơn vị, kỳ, trạng thái…" autocomplete="off"></label>
<label>Trạng thái <select id="f-status"><option value="">Tất cả</option>{options(statuses, STATUS_LABELS)}</select></label>
<label>Thành phố <select id="f-city"><option value="">Tất cả</option>{options(sorted(groups, key=_group_order))}</select></label>
<label>Kỳ <select id="f-period"><option value="">Tất cả</option>{options(periods)}</select></label>
<output id="shown" aria-live="polite">{len(entries)}/{len(entries)} báo cáo</output>
</form>
{empty}
<table id="reports" data-total="{len(entries)}">
<thead><tr>{ths}</tr></thead>
{"".join(bodies)}
</table>
<script>
{js}
</script>
</body>
</html>
"""


def write_index(
    out: Path, entries: list[Entry] | None = None, params_base: Path | None = None
) -> Path:
    """Scan ``out`` (unless ``entries`` are given) and write ``out/index.html`` atomically."""
    out = Path(out)
    if entries is None:
        entries = scan(out, params_base)
    path = out / INDEX_NAME
    atomic.write_text(path, render(entries))
    return path


class IndexUpdater:
    """Keeps an outputs folder's index in step during a batch: one scan at the start, then one
    manifest re-read per finished report, the page rewritten at most every ``interval``
    seconds and once at the end (:meth:`close`)."""

    def __init__(self, out: Path, interval: float = 20.0, params_base: Path | None = None):
        self.out = Path(out)
        self.interval = interval
        self.params_base = params_base
        self._entries: dict[str, Entry] | None = None
        self._last = 0.0
        self._dirty = False

    def _load(self) -> dict[str, Entry]:
        if self._entries is None:
            self._entries = {e.folder: e for e in scan(self.out, self.params_base)}
            self._last = time.monotonic()
        return self._entries

    def start(self) -> None:
        self._load()

    def update(self, folder: Path) -> None:
        """A report folder changed: re-read it; rewrite the page when due."""
        entries = self._load()
        folder = Path(folder)
        try:
            rel = folder.relative_to(self.out).as_posix()
        except ValueError:
            return
        if folder.is_dir():
            entries[rel] = read_entry(self.out, folder, self.params_base)
        else:
            entries.pop(rel, None)
        self._dirty = True
        if time.monotonic() - self._last >= self.interval:
            self.flush()

    def flush(self) -> Path | None:
        if not self.out.is_dir():
            return None
        entries = self._load()
        path = write_index(self.out, list(entries.values()))
        self._last = time.monotonic()
        self._dirty = False
        return path

    def close(self) -> Path | None:
        """The final rewrite: a fresh scan, so reports made by others meanwhile are in it."""
        self._entries = None
        return self.flush()


__all__ = [
    "INDEX_NAME",
    "KEY_FIGURES",
    "NO_CITY",
    "Entry",
    "IndexUpdater",
    "city_name",
    "read_entry",
    "render",
    "scan",
    "write_index",
]
