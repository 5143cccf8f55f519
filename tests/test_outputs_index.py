"""The outputs index (``index.html`` at the root of --out): what it lists from the manifests on
disk, what it escapes, and how it behaves in headless Chromium (rows, sorting, filtering, links
that resolve, no network)."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest
from devtools import ALLOWED_SCHEMES, CHROMIUM, DevTools
from report_fixture import ARTIFACTS

from tthc.cli import main
from tthc.report import index
from tthc.report.manifest import key_figures

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> "Độc" & \'x\''


def figures(total: int | None, resolved: int, late: int, rate: float | None, **na: str) -> dict:
    """A key_figures object as the runner writes it."""
    return {
        "values": {
            "cases_total": total,
            "cases_resolved": resolved,
            "cases_resolved_late": late,
            "cases_in_progress": 5,
            "cases_in_progress_overdue": 0,
            "rate_on_time": rate,
            "rate_online": 100.0,
        },
        "na": na,
        "partial": [],
        "period_start": "2026-05-15",
    }


def put(
    out: Path,
    folder: str,
    manifest: dict[str, Any] | str | None,
    files: tuple[str, ...] = ("report.html", "report.pdf", "kiem-tra.html", "kiem-tra.pdf"),
) -> Path:
    """A report folder with ``manifest`` (a dict, raw text, or none) and empty files."""
    path = out / folder
    path.mkdir(parents=True)
    for name in files:
        (path / name).write_bytes(b"%PDF" if name.endswith(".pdf") else b"<p>bao cao</p>")
    if isinstance(manifest, dict):
        outputs = {
            k: {"file": n}
            for k, n in (("html", "report.html"), ("pdf", "report.pdf"),
                         ("checks_html", "kiem-tra.html"), ("checks_pdf", "kiem-tra.pdf"))
            if n in files or manifest.get("status") == "ok"
        }  # fmt: skip
        manifest = {"outputs": outputs, "created_at": "2026-06-16T08:05:00+07:00", **manifest}
        (path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    elif isinstance(manifest, str):
        (path / "manifest.json").write_text(manifest, "utf-8")
    return path


@pytest.fixture
def outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An outputs folder holding every kind of report folder the index must show."""
    out = tmp_path / "outputs"
    hp = {"city": "hai-phong", "period": "2026-06", "period_title": "tháng 6 năm 2026"}
    put(out, "an-truong/2026-06", {"status": "ok", "unit": "an-truong",
        "unit_name": "xã An Trường", **hp, "key_figures": figures(2751, 2686, 1, 99.96)})  # fmt: skip
    put(out, "an-truong/2026-05", {"status": "ok", "unit": "an-truong",
        "unit_name": "xã An Trường", **hp, "period": "2026-05", "period_title": "tháng 5 năm 2026",
        "key_figures": {**figures(2374, 2287, 1, 99.96), "period_start": "2026-04-15"}})  # fmt: skip
    put(out, "le-chan/2026-06", {"status": "incomplete", "unit": "le-chan",
        "unit_name": "phường Lê Chân", **hp,
        "completeness": {"note": "thiếu dữ liệu hồ sơ từ 01/06/2026"},
        "key_figures": figures(None, 40, 0, None, cases_total="thiếu dữ liệu hồ sơ từ 01/06/2026",
                               rate_on_time="mẫu số bằng 0")})  # fmt: skip
    put(out, "evil/2026-06", {"status": "failed", "unit": "evil", "unit_name": HOSTILE, **hp,
        "error": {"message": "ô lệnh [3] lỗi — <b>ZeroDivisionError</b>",
                  "failed_notebook": "report.failed.ipynb"}},
        files=("report.failed.ipynb",))  # fmt: skip
    # A city's consolidated report: kind "city", grouped by its city under the params' name
    # even though its manifest spells the city another way.
    put(out, "hai-phong/2026-06", {"status": "ok", "kind": "city", "unit": "hai-phong",
        "city": "hai-phong", "city_name": "thành phố Hải Phòng", "period": "2026-06",
        "key_figures": figures(9000, 8000, 5, 99.5)})  # fmt: skip
    # An earlier unit with no city, a manifest from before key_figures (figures from its notebook).
    bundle = {"figures": {"cases_total": 12, "cases_resolved": 10, "cases_resolved_late": 2,
                          "rate_on_time": 80.0, "na": {}, "period_start": "2026-05-15"}}  # fmt: skip
    nb = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "display_data", "data": {"application/vnd.tthc.figures+json": bundle}}]}]}  # fmt: skip
    old = put(out, "cu-cu/2026-06", {"status": "ok", "unit": "cu-cu", "period": "2026-06"})
    (old / "report.ipynb").write_text(json.dumps(nb), "utf-8")
    put(out, "hong/2026-06", "{not json", files=("report.html",))  # a manifest that cannot be read
    put(out, "khong-manifest/2026-06", None, files=("report.html",))
    # Not reports: a staging folder being written, a folder moved aside, a folder of notes.
    put(out, "an-truong/.2026-07.k3j9.tmp", {"status": "ok", "unit": "an-truong"})
    (out / "ghi-chu").mkdir()
    (out / "ghi-chu" / "readme.txt").write_text("x")
    params = tmp_path / "params" / "cities"
    params.mkdir(parents=True)
    shutil.copy(ROOT / "params" / "cities" / "hai-phong.yaml", params / "hai-phong.yaml")
    monkeypatch.setenv("TTHC_PARAMS", str(tmp_path / "params"))
    return out


def test_every_report_folder_is_listed_from_its_manifest(outputs: Path) -> None:
    entries = {e.folder: e for e in index.scan(outputs)}
    assert sorted(entries) == [
        "an-truong/2026-05",
        "an-truong/2026-06",
        "cu-cu/2026-06",
        "evil/2026-06",
        "hai-phong/2026-06",
        "hong/2026-06",
        "khong-manifest/2026-06",
        "le-chan/2026-06",
    ]  # fmt: skip  (no staging folder, no notes folder)
    ok = entries["an-truong/2026-06"]
    assert (ok.status, ok.city, ok.unit_name, ok.period) == (
        "ok", "Hải Phòng", "xã An Trường", "2026-06",
    )  # fmt: skip
    assert ok.figures["cases_total"] == 2751 and ok.figures["rate_on_time"] == 99.96
    assert ok.links == {
        "html": "an-truong/2026-06/report.html", "pdf": "an-truong/2026-06/report.pdf",
        "checks_html": "an-truong/2026-06/kiem-tra.html",
        "checks_pdf": "an-truong/2026-06/kiem-tra.pdf",
    }  # fmt: skip
    # N/A keeps its reason; absence is not zero.
    inc = entries["le-chan/2026-06"]
    assert inc.figures["cases_total"] is None
    assert inc.na["cases_total"] == "thiếu dữ liệu hồ sơ từ 01/06/2026"
    assert inc.message == "thiếu dữ liệu hồ sơ từ 01/06/2026"
    failed = entries["evil/2026-06"]
    assert failed.status == "failed" and failed.figures == {}
    assert failed.links == {"failed_notebook": "evil/2026-06/report.failed.ipynb"}
    # The manifest named outputs it does not have: listed as missing, not linked.
    assert failed.missing == []
    city = entries["hai-phong/2026-06"]
    assert (city.kind, city.city, city.unit_name) == (
        "city",
        "Hải Phòng",
        "Báo cáo chung Hải Phòng",
    )
    legacy = entries["cu-cu/2026-06"]
    assert legacy.city == index.NO_CITY
    assert legacy.figures == {"cases_total": 12, "cases_resolved": 10, "cases_resolved_late": 2,
                              "rate_on_time": 80.0}  # fmt: skip
    assert entries["hong/2026-06"].status == "unreadable"
    assert entries["hong/2026-06"].links == {"html": "hong/2026-06/report.html"}
    assert entries["khong-manifest/2026-06"].status == "no_manifest"
    assert entries["khong-manifest/2026-06"].links == {"html": "khong-manifest/2026-06/report.html"}


def test_a_file_the_manifest_names_but_that_is_gone_is_not_linked(outputs: Path) -> None:
    (outputs / "an-truong" / "2026-06" / "report.pdf").unlink()
    entry = index.read_entry(outputs, outputs / "an-truong" / "2026-06")
    assert "pdf" not in entry.links and entry.missing == ["report.pdf"]
    # A manifest pointing outside its folder is not followed either.
    m = json.loads((outputs / "an-truong" / "2026-06" / "manifest.json").read_text())
    m["outputs"]["html"]["file"] = "../../../etc/passwd"
    (outputs / "an-truong" / "2026-06" / "manifest.json").write_text(json.dumps(m))
    entry = index.read_entry(outputs, outputs / "an-truong" / "2026-06")
    assert "html" not in entry.links


class Tags(HTMLParser):
    """Every start tag of a page with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_the_page_escapes_every_value_and_fetches_nothing(outputs: Path) -> None:
    page = index.write_index(outputs).read_text(encoding="utf-8")
    parser = Tags()
    parser.feed(page)
    names = [t for t, _ in parser.tags]
    # The hostile unit name made no element: one script (the page's own), no image.
    assert names.count("script") == 1 and "img" not in names
    assert "&lt;script&gt;window.__pwned=2&lt;/script&gt;" in page
    assert "&lt;b&gt;ZeroDivisionError&lt;/b&gt;" in page and "<b>" not in page
    # Self-contained: nothing is loaded from anywhere (no src, no stylesheet link, no url()).
    assert not [t for t, a in parser.tags if "src" in a or t in ("link", "iframe", "object")]
    assert not re.search(r"url\(|@import|https?://", page)
    hrefs = [a["href"] for t, a in parser.tags if t == "a"]
    assert hrefs and all(not h.startswith(("/", "http", "file:")) for h in hrefs)  # relative
    assert "default-src 'none'" in page
    assert page.startswith('<!DOCTYPE html>\n<html lang="vi">')


def test_groups_by_city_city_report_first_no_city_last(outputs: Path) -> None:
    page = index.render(index.scan(outputs))
    groups = re.findall(r'<tbody data-city="([^"]*)">', page)
    assert groups == ["Hải Phòng", "Chưa gán thành phố"]
    hai_phong = page.split('<tbody data-city="Hải Phòng">')[1].split("</tbody>")[0]
    folders = re.findall(r'data-folder="([^"]*)"', hai_phong)
    assert folders == [
        "hai-phong/2026-06",  # the city's own report at the top
        "evil/2026-06",  # then units by name (the hostile one sorts by its text, '<…')
        "le-chan/2026-06",
        "an-truong/2026-06", "an-truong/2026-05",  # latest period first
    ]  # fmt: skip
    assert "2.751" in hai_phong and "99,96" in hai_phong  # Vietnamese number format


def test_key_figures_from_a_notebook_bundle() -> None:
    bundle = {"figures": {"cases_total": 5, "rate_on_time": None, "cases_resolved": 0,
                          "na": {"rate_on_time": "mẫu số bằng 0", "rate_reuse": "x"},
                          "partial": {"cases_total": {}}, "period_start": "2026-05-15"}}  # fmt: skip
    assert key_figures(bundle) == {
        "values": {"cases_total": 5, "cases_resolved": 0, "rate_on_time": None},
        "na": {"rate_on_time": "mẫu số bằng 0"},
        "partial": ["cases_total"],
        "period_start": "2026-05-15",
    }
    assert key_figures({"cases_new": 3}) == {}  # another notebook's bundle: nothing to show


def test_tthc_index_command(outputs: Path, capsys) -> None:
    assert main(["index", "--out", str(outputs)]) == 0
    cap = capsys.readouterr()
    assert cap.out == f"{outputs / 'index.html'}\n"
    assert cap.err == (
        "Mục lục có 8 báo cáo (4 đầy đủ, 1 chưa đầy đủ, 1 lỗi, 1 manifest không đọc được, "
        "1 thiếu manifest).\n"
    )
    assert main(["index", "--out", str(outputs / "khong-co")]) == 1
    assert capsys.readouterr().err == f"Lỗi: Không có thư mục kết quả {outputs / 'khong-co'}.\n"


# --- in headless Chromium ---------------------------------------------------------------------

READ_JS = r"""(() => {
  const rows = (sel) => [...document.querySelectorAll(sel)];
  const visible = () => rows("#reports tbody tr:not(.group)").filter(r => !r.hidden && !r.closest("tbody").hidden);
  const state = () => ({
    folders: visible().map(r => r.dataset.folder),
    shown: document.getElementById("shown").textContent,
  });
  const out = {ready: document.documentElement.dataset.tthcReady, pwned: window.__pwned || null};
  out.initial = state();
  out.groups = rows("#reports tbody").map(b => b.dataset.city);
  out.links = rows("#reports a[href]").map(a => a.href);
  out.headers = rows("#reports thead th").map(th => th.textContent.trim());
  const col = out.headers.indexOf("Tổng số hồ sơ");
  const th = document.querySelector(`#reports thead th[data-col="${col}"]`);
  th.querySelector("button").click();
  out.up = state(); out.upSort = th.getAttribute("aria-sort");
  out.upValues = visible().map(r => r.cells[col].textContent.trim());
  th.querySelector("button").click();
  out.down = state(); out.downSort = th.getAttribute("aria-sort");
  const q = document.getElementById("q");
  q.value = "thuy nguyen"; q.dispatchEvent(new Event("input"));
  out.text = state();
  q.value = ""; q.dispatchEvent(new Event("input"));
  const st = document.getElementById("f-status");
  st.value = "failed"; st.dispatchEvent(new Event("change"));
  out.failed = state();
  out.groupCount = document.querySelector('tbody[data-city="Hải Phòng"] .group .count').textContent;
  out.noCityHidden = document.querySelector('tbody[data-city="Chưa gán thành phố"]').hidden;
  st.value = ""; st.dispatchEvent(new Event("change"));
  const period = document.getElementById("f-period");
  period.value = "2026-05"; period.dispatchEvent(new Event("change"));
  out.period = state();
  return out;
})()"""


@pytest.fixture
def seen(outputs: Path, tmp_path: Path) -> dict[str, Any]:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Thiếu chromium: chạy scripts/system-deps.sh (make system-deps).")
        pytest.skip("chromium is not installed (make system-deps installs it)")
    put(outputs, "thuy-nguyen/2026-06", {"status": "ok", "unit": "thuy-nguyen",
        "unit_name": "phường Thủy Nguyên", "city": "hai-phong", "period": "2026-06",
        "key_figures": figures(300, 280, 0, 100.0)})  # fmt: skip
    page = index.write_index(outputs)
    browser = DevTools(tmp_path / "chromium-profile")
    try:
        targets = browser.send("Target.getTargets")["targetInfos"]
        target = next(t["targetId"] for t in targets if t["type"] == "page")
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(f"{domain}.enable", session=session)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        browser.send("Page.navigate", {"url": page.as_uri()}, session=session)
        browser.wait_event("Page.loadEventFired")
        shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "index-chromium.png").write_bytes(base64.b64decode(shot["data"]))
        result = browser.send(
            "Runtime.evaluate", {"expression": READ_JS, "returnByValue": True}, session=session
        )
        assert "exceptionDetails" not in result, result
        facts = result["result"]["value"]
        events = list(browser.events)
    finally:
        browser.close()
    return {"facts": facts, "events": events, "url": page.as_uri(), "out": outputs}


@pytest.mark.slow
@pytest.mark.browser
def test_index_in_chromium(seen: dict[str, Any]) -> None:
    f = seen["facts"]
    assert f["ready"] == "1" and f["pwned"] is None  # the script ran; the hostile text did not
    assert f["groups"] == ["Hải Phòng", "Chưa gán thành phố"]
    assert f["initial"]["shown"] == "9/9 báo cáo"
    assert f["initial"]["folders"][:2] == ["hai-phong/2026-06", "evil/2026-06"]
    assert f["headers"][:4] == ["Đơn vị", "Kỳ", "Trạng thái", "Tổng số hồ sơ"]
    # Sorted by "Tổng số hồ sơ" within each group: the city report stays first, N/A and "—" last.
    assert f["upSort"] == "ascending" and f["downSort"] == "descending"
    assert f["up"]["folders"] == [
        "hai-phong/2026-06", "thuy-nguyen/2026-06", "an-truong/2026-05", "an-truong/2026-06",
        "evil/2026-06", "le-chan/2026-06",  # no figure: last both ways, in their earlier order
        "cu-cu/2026-06", "hong/2026-06", "khong-manifest/2026-06",
    ]  # fmt: skip
    assert f["upValues"][:6] == ["9.000", "300", "2.374", "2.751", "—", "N/A"]
    assert f["down"]["folders"][:5] == [
        "hai-phong/2026-06", "an-truong/2026-06", "an-truong/2026-05", "thuy-nguyen/2026-06",
        "evil/2026-06",
    ]  # fmt: skip
    # Filtering: typed without diacritics; by status (the group count follows); by period.
    assert f["text"] == {"folders": ["thuy-nguyen/2026-06"], "shown": "1/9 báo cáo"}
    assert f["failed"]["folders"] == ["evil/2026-06"]
    assert f["groupCount"] == "1/6 báo cáo" and f["noCityHidden"] is True
    assert f["period"]["folders"] == ["an-truong/2026-05"]


@pytest.mark.slow
@pytest.mark.browser
def test_index_links_resolve_and_nothing_is_requested(seen: dict[str, Any]) -> None:
    links = seen["facts"]["links"]
    # 6 folders with the document and the checks (HTML, PDF each), a failed notebook, the HTML
    # of a report without a manifest and of one whose manifest cannot be read.
    assert len(links) == 6 * 4 + 1 + 1 + 1
    for href in links:
        url = urlparse(href)
        assert url.scheme == "file"
        path = Path(unquote(url.path))
        assert path.is_file(), href
        assert seen["out"] in path.parents
    requested, errors = [], []
    for ev in seen["events"]:
        method, params = ev.get("method"), ev.get("params", {})
        if method == "Network.requestWillBeSent":
            requested.append(params["request"]["url"])
        elif method == "Runtime.exceptionThrown":
            errors.append(params["exceptionDetails"].get("text"))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            errors.append(params["entry"].get("text"))
    assert requested == [seen["url"]]
    assert [u for u in requested if not u.startswith(ALLOWED_SCHEMES)] == []
    assert errors == []
