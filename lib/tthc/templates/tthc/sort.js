// Sortable appendix tables: click a column header of a table.sortable to sort by it. Rows
// marked .total stay last. A cell's data-sort (ISO date and time) is its key; dates written
// dd/mm/yyyy [hh:mm] sort as dates; numbers are read in Vietnamese form (1.234,5) or plain
// (1234.5); empty cells go last either way.
(function () {
  "use strict";
  var DMY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?$/;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function text(cell) {
    if (!cell) { return ""; }
    var iso = cell.getAttribute("data-sort");
    if (iso) { return iso; }
    var t = cell.textContent.trim(), m = DMY.exec(t);
    if (m) {  // to ISO, which orders like the dates
      return m[3] + "-" + pad(+m[2]) + "-" + pad(+m[1]) + "T" + pad(+(m[4] || 0)) + ":" + (m[5] || "00");
    }
    return t;
  }
  var ISO = /^\d{4}-\d{2}-\d{2}/;
  function key(text) {
    var t = text.replace(/[\s%↑↓▲▼+]/g, "");
    if (/^-?[\d.]+(,\d+)?$/.test(t)) { return parseFloat(t.replace(/\./g, "").replace(",", ".")); }
    if (/^-?\d+(\.\d+)?$/.test(t)) { return parseFloat(t); }
    return null;
  }
  function sortBy(table, col, th) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var rows = Array.prototype.slice.call(body.rows);
    var fixed = rows.filter(function (r) { return r.classList.contains("total"); });
    var movable = rows.filter(function (r) { return !r.classList.contains("total"); });
    var asc = th.getAttribute("aria-sort") !== "ascending";
    movable.sort(function (a, b) {
      var x = text(a.cells[col]), y = text(b.cells[col]);
      if (x === "" || y === "") { return (x === "") - (y === ""); }
      var kx = key(x), ky = key(y), r;
      if (kx !== null && ky !== null) {
        r = kx - ky;
      } else if (ISO.test(x) && ISO.test(y)) {
        r = x < y ? -1 : x > y ? 1 : 0;
      } else {
        r = x.localeCompare(y, "vi");
      }
      return asc ? r : -r;
    });
    table.querySelectorAll("th[aria-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    movable.concat(fixed).forEach(function (r) { body.appendChild(r); });
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var head = table.tHead;
    if (!head) { return; }
    Array.prototype.forEach.call(head.querySelectorAll("th[data-col]"), function (th) {
      th.classList.add("sort-key");
      th.tabIndex = 0;
      var go = function () { sortBy(table, parseInt(th.getAttribute("data-col"), 10), th); };
      th.addEventListener("click", go);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { go(); } });
    });
  });
  document.documentElement.setAttribute("data-tthc-ready", "1");
})();
