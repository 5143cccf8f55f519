// Sortable appendix tables: click a column header of a table.sortable to sort by it. Rows
// marked .total stay last. Numbers are read in Vietnamese form (1.234,5) or plain (1234.5).
(function () {
  "use strict";
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
      var x = a.cells[col] ? a.cells[col].textContent.trim() : "";
      var y = b.cells[col] ? b.cells[col].textContent.trim() : "";
      var kx = key(x), ky = key(y), r;
      if (kx !== null && ky !== null) { r = kx - ky; } else { r = x.localeCompare(y, "vi"); }
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
