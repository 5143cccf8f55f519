"""The HTML report in Debian's headless Chromium, network off, driven over the DevTools pipe.

Chromium runs with ``--remote-debugging-pipe`` (commands on fd 3, replies on fd 4, NUL-separated
JSON): only the standard library, no websocket client. The test loads the report file, waits
for the embedded fonts, reads layout facts from the page, takes a full-page screenshot into
``tests/artifacts/`` and asserts that the header block, the per-field table and the charts are
visible, that the console stayed clean and that nothing but the file itself was requested.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import nbformat
import pytest
from devtools import ALLOWED_SCHEMES, CHROMIUM, DevTools
from report_fixture import ARTIFACTS, execute_report
from report_fixture import build as build_fixture_warehouse

from tthc.render import export

pytestmark = [pytest.mark.slow, pytest.mark.browser]

FACTS_JS = r"""
(async () => {
  await document.fonts.ready;
  const box = (el) => {
    if (!el) return null;
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return {w: r.width, h: r.height, top: r.top + window.scrollY,
            visible: r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none"};
  };
  const header = document.querySelector('[data-block="header"]');
  const fields = document.querySelector('table[data-table="fields"]');
  const facts = {
    ready: document.documentElement.getAttribute("data-tthc-ready"),
    title: document.title,
    header: box(header),
    headerText: header ? header.innerText : "",
    fields: box(fields),
    fieldRows: fields ? fields.tBodies[0].rows.length : 0,
    theadPosition: fields ? getComputedStyle(fields.tHead).position : "",
    charts: [...document.querySelectorAll("figure.chart > svg")].map(box),
    chartLabels: [...document.querySelectorAll("figure.chart")].map(f => f.getAttribute("aria-label")),
    fontsLoaded: [...document.fonts].filter(f => f.status === "loaded")
                   .map(f => `${f.family}|${f.weight}|${f.style}`),
    bodyFont: getComputedStyle(document.body).fontFamily,
    pageWidth: document.documentElement.scrollWidth,
    pageHeight: document.documentElement.scrollHeight,
  };
  return JSON.stringify(facts);
})()
"""

# Run after the screenshot: sorting the per-field table by column (1) keeps the total row last.
SORT_JS = r"""
(() => {
  const fields = document.querySelector('table[data-table="fields"]');
  const th = fields.querySelector('th[data-col="2"]');
  th.click();
  const rows = [...fields.tBodies[0].rows];
  return JSON.stringify({
    sortedFirst: rows.map(r => r.cells[2].textContent.trim()),
    lastRowIsTotal: rows[rows.length - 1].classList.contains("total"),
    sortState: th.getAttribute("aria-sort"),
  });
})()
"""


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    db = build_fixture_warehouse(folder / "fixture.duckdb")
    nb = nbformat.read(str(execute_report(db, folder / "report.ipynb")), as_version=4)
    path = folder / "report.html"
    path.write_text(export.render_html(nb), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def page(report_html: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Thiếu chromium: chạy scripts/system-deps.sh (make system-deps).")
        pytest.skip("chromium is not installed (make system-deps installs it)")
    browser = DevTools(tmp_path_factory.mktemp("chromium-profile"))
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
            {"width": 1280, "height": 1400, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        browser.send("Page.navigate", {"url": report_html.as_uri()}, session=session)
        browser.wait_event("Page.loadEventFired")
        result = browser.send(
            "Runtime.evaluate",
            {"expression": FACTS_JS, "awaitPromise": True, "returnByValue": True},
            session=session,
        )
        facts = json.loads(result["result"]["value"])
        height = min(int(facts["pageHeight"]), 16000)
        shot = browser.send(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": 1280, "height": height, "scale": 0.5},
            },
            session=session,
        )
        ARTIFACTS.mkdir(exist_ok=True)
        shot_path = ARTIFACTS / "report-chromium.png"
        shot_path.write_bytes(base64.b64decode(shot["data"]))
        sorted_ = browser.send(
            "Runtime.evaluate", {"expression": SORT_JS, "returnByValue": True}, session=session
        )
        facts.update(json.loads(sorted_["result"]["value"]))
        events = list(browser.events)
    finally:
        browser.close()
    return {"facts": facts, "events": events, "screenshot": shot_path, "url": report_html.as_uri()}


def test_header_table_and_charts_are_visible(page: dict[str, Any]) -> None:
    f = page["facts"]
    assert f["ready"] == "1"  # the inline script ran
    assert f["header"]["visible"] and f["header"]["h"] > 40
    for text in ("ỦY BAN NHÂN DÂN", "XÃ AN TRƯỜNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"):
        assert text in f["headerText"]
    assert f["fields"]["visible"] and f["fields"]["w"] > 600
    assert f["fieldRows"] >= 2
    assert len(f["charts"]) == 5
    assert all(c["visible"] and c["w"] > 300 and c["h"] > 100 for c in f["charts"])
    assert all(label for label in f["chartLabels"])
    # Document order: header, then the appendix table, then the charts.
    assert f["header"]["top"] < f["fields"]["top"] < min(c["top"] for c in f["charts"])


def test_embedded_fonts_are_used(page: dict[str, Any]) -> None:
    f = page["facts"]
    assert f["bodyFont"].startswith('"TTHC Liberation Serif"')
    loaded = set(f["fontsLoaded"])
    assert any(x.startswith("TTHC Liberation Serif|") for x in loaded)
    assert (
        "TTHC Liberation Serif|bold|normal" in loaded
        or "TTHC Liberation Serif|700|normal" in loaded
    )


def test_tables_sort_and_headers_stick(page: dict[str, Any]) -> None:
    f = page["facts"]
    assert f["theadPosition"] == "sticky"
    assert f["sortState"] == "ascending"
    assert f["lastRowIsTotal"] is True
    values = [int(v.replace(".", "")) for v in f["sortedFirst"][:-1]]
    assert values == sorted(values)


def test_console_is_clean_and_nothing_else_is_requested(page: dict[str, Any]) -> None:
    errors = []
    requested = []
    for ev in page["events"]:
        method, params = ev.get("method"), ev.get("params", {})
        if method == "Runtime.exceptionThrown":
            errors.append(params["exceptionDetails"].get("text"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(str(params.get("args")))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            errors.append(params["entry"].get("text"))
        elif method == "Network.requestWillBeSent":
            requested.append(params["request"]["url"])
    assert errors == []
    assert page["url"] in requested
    assert [u for u in requested if not u.startswith(ALLOWED_SCHEMES)] == []


def test_screenshot_is_kept(page: dict[str, Any]) -> None:
    shot: Path = page["screenshot"]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert width == 640 and height > 2000


def _look(html: Path, tmp: Path, *, width: int, height: int, js: str, shot: str) -> Any:
    """Open ``html`` at ``width`` CSS pixels (a mobile viewport when narrow), run ``js`` (an
    expression) once the fonts are in, screenshot the first screen into the artifacts."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (make system-deps installs it)")
    browser = DevTools(tmp / "chromium-profile")
    try:
        targets = browser.send("Target.getTargets")["targetInfos"]
        target = next(t["targetId"] for t in targets if t["type"] == "page")
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime"):
            browser.send(f"{domain}.enable", session=session)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
            session=session,
        )
        browser.send("Page.navigate", {"url": html.as_uri()}, session=session)
        browser.wait_event("Page.loadEventFired")
        expression = (
            f"(async () => {{ await document.fonts.ready; return JSON.stringify({js}); }})()"
        )
        result = browser.send(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
            session=session,
        )
        picture = browser.send(
            "Page.captureScreenshot",
            {"format": "png", "clip": {"x": 0, "y": 0, "width": width, "height": height,
                                       "scale": 1}},
            session=session,
        )  # fmt: skip
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / shot).write_bytes(base64.b64decode(picture["data"]))
    finally:
        browser.close()
    return json.loads(result["result"]["value"])


HEADER_FIT_JS = r"""(() => {
  const header = document.querySelector('[data-block="header"]');
  const parts = [...header.querySelectorAll("div")].map(el => {
    const r = el.getBoundingClientRect();
    return {text: el.innerText, left: r.left, right: r.right, clipped: el.scrollWidth > el.clientWidth};
  });
  return {viewport: window.innerWidth, page: document.documentElement.scrollWidth,
          headerScroll: header.scrollWidth, headerClient: header.clientWidth, parts};
})()"""


def test_the_header_fits_a_phone_screen(report_html: Path, tmp_path: Path) -> None:
    seen = _look(report_html, tmp_path, width=412, height=915, js=HEADER_FIT_JS,
                 shot="report-phone-412.png")  # fmt: skip
    assert seen["viewport"] == 412
    assert seen["page"] <= 412  # nothing widens the page: no sideways scrolling
    assert seen["headerScroll"] <= seen["headerClient"]
    texts = " ".join(p["text"] for p in seen["parts"])
    for line in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "ỦY BAN NHÂN DÂN"):  # fmt: skip
        assert line in texts
    for part in seen["parts"]:
        assert part["left"] >= 0 and part["right"] <= 412, part
        assert not part["clipped"], part


SORT_DATES_JS = r"""(() => {
  const read = (key, col) => {
    const table = document.querySelector(`table[data-table="${key}"]`);
    table.querySelector(`th[data-col="${col}"]`).click();
    const up = [...table.tBodies[0].rows].map(r => r.cells[col].textContent.trim());
    table.querySelector(`th[data-col="${col}"]`).click();
    const down = [...table.tBodies[0].rows].map(r => r.cells[col].textContent.trim());
    return {up, down};
  };
  return {typed: read("dates", 1), text: read("text-dates", 0)};
})()"""


def test_date_columns_sort_by_date_not_by_day(tmp_path: Path) -> None:
    import pandas as pd
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from tthc.render.tables import Column, table_html
    from tthc.stats.profile import load_profile

    when = ["2026-06-05 00:00", "2026-05-14 08:00", None, "2026-07-01 00:00", "2025-12-20 10:30"]
    df = pd.DataFrame({"received_at": pd.to_datetime(when)})
    typed = table_html(df, [Column("received_at", "Ngày tiếp nhận", "datetime")],
                       load_profile("default"), key="dates")  # fmt: skip
    # A table whose dates are only text (dd/mm/yyyy): sorted as dates too.
    rows = "".join(f"<tr><td>{d}</td></tr>" for d in ("05/06/2026", "14/05/2026 08:00",
                                                      "01/07/2026", "20/12/2025"))  # fmt: skip
    text = ('<table class="data sortable" data-table="text-dates"><thead><tr>'
            f'<th data-col="0">Ngày</th></tr></thead><tbody>{rows}</tbody></table>')  # fmt: skip
    cell = new_code_cell(outputs=[new_output("display_data", data={"text/html": typed + text})])
    page = tmp_path / "dates.html"
    page.write_text(export.render_html(new_notebook(cells=[cell])), encoding="utf-8")
    seen = _look(page, tmp_path, width=1000, height=600, js=SORT_DATES_JS, shot="sort-dates.png")
    assert seen["typed"]["up"] == [
        "20/12/2025 10:30", "14/05/2026 08:00", "05/06/2026", "01/07/2026", "",
    ]  # fmt: skip
    assert seen["typed"]["down"] == [
        "01/07/2026", "05/06/2026", "14/05/2026 08:00", "20/12/2025 10:30", "",
    ]  # an empty date stays last both ways  # fmt: skip
    assert seen["text"]["up"] == ["20/12/2025", "14/05/2026 08:00", "05/06/2026", "01/07/2026"]


TITLES_FIT_JS = r"""(() => {
  // As in a notebook without the embedded font; DejaVu Serif is wider than the font the
  // charts were laid out with.
  const style = document.createElement("style");
  style.textContent = 'svg text { font-family: "DejaVu Serif" !important; }';
  document.head.appendChild(style);
  const out = [];
  for (const svg of document.querySelectorAll("figure.chart > svg")) {
    const box = svg.getBoundingClientRect();
    const lines = [...svg.querySelectorAll("text")].filter(t => t.getAttribute("font-weight") === "700");
    out.push({lines: lines.map(t => t.textContent),
              over: Math.max(...lines.map(t => t.getBoundingClientRect().right - box.right)),
              under: Math.max(...lines.map(t => box.left - t.getBoundingClientRect().left))});
  }
  // The old layout's longest title on one line, in the same font, for comparison.
  const probe = document.createElementNS("http://www.w3.org/2000/svg", "text");
  probe.setAttribute("font-size", "10.5px");
  probe.setAttribute("font-weight", "700");
  probe.textContent = document.querySelector("figure.chart").getAttribute("aria-label").split("?")[0] + "?";
  const first = document.querySelector("figure.chart > svg");
  first.appendChild(probe);
  const scale = first.getBoundingClientRect().width / first.viewBox.baseVal.width;
  const oneLine = probe.getComputedTextLength() * scale;
  probe.remove();
  return {charts: out, oneLine, width: first.getBoundingClientRect().width};
})()"""


def test_chart_titles_are_not_cut_off_without_the_embedded_font(tmp_path: Path) -> None:
    import pandas as pd

    from tthc.render import charts

    monthly = pd.DataFrame({"label": ["T5/2026", "T6/2026"], "received": [2374, 2668],
                            "resolved": [2287, 2686], "rate_on_time": [99.9, 99.96]})  # fmt: skip
    procs = pd.DataFrame({"procedure": ["Cấp bản sao điện tử được chứng thực từ bản chính"] * 3,
                          "received": [1187, 317, 226]})  # fmt: skip
    made = [
        charts.monthly_cases_chart(monthly, year=2026),
        charts.channel_chart({"online": 2668, "in_person": 0}),
        charts.top_procedures_chart(procs),
        charts.processing_time_chart(pd.DataFrame({"used_share": [0.1, 0.5, 1.6]})),
    ]
    # A notebook's output: the charts' HTML and nothing else (no @font-face).
    page = tmp_path / "charts.html"
    page.write_text("<!DOCTYPE html><html><body style='width:700px'>"
                    + "".join(c.to_html() for c in made) + "</body></html>", encoding="utf-8")  # fmt: skip
    seen = _look(page, tmp_path, width=800, height=1600, js=TITLES_FIT_JS,
                 shot="charts-without-embedded-font.png")  # fmt: skip
    assert seen["oneLine"] > seen["width"]  # on one line, the first title would be cut off
    for chart in seen["charts"]:
        assert chart["over"] <= 0 and chart["under"] <= 0, chart
    assert seen["charts"][0]["lines"] == [
        "Mỗi tháng năm 2026 tiếp nhận, giải quyết bao nhiêu hồ sơ,",
        "tỷ lệ trước hạn và đúng hạn ra sao?",
    ]
