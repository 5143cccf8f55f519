// The outputs index (tthc.report.index): sort by a column within each city's group, city
// reports staying first; filter by text (without diacritics), status, city and period.
(function () {
  "use strict";
  var table = document.getElementById("reports");
  if (!table) return;
  var fold = function (s) {
    return s.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase();
  };
  var collator = new Intl.Collator("vi", { numeric: true, sensitivity: "base" });
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);

  function dataRows(body) {
    return Array.prototype.filter.call(body.rows, function (r) { return !r.classList.contains("group"); });
  }

  function sortBy(th) {
    var col = Number(th.getAttribute("data-col"));
    var numeric = th.getAttribute("data-type") === "num";
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    heads.forEach(function (h) { if (h.hasAttribute("aria-sort")) h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    Array.prototype.forEach.call(table.tBodies, function (body) {
      var rows = dataRows(body);
      rows.forEach(function (r, i) { r._tthcOrder = i; });
      rows.sort(function (a, b) {
        var ca = a.getAttribute("data-kind") === "city", cb = b.getAttribute("data-kind") === "city";
        if (ca !== cb) return ca ? -1 : 1;  // a city's own report stays at the top of its group
        var va = a.cells[col].getAttribute("data-sort") || "";
        var vb = b.cells[col].getAttribute("data-sort") || "";
        var c;
        if (numeric) {
          if (va === "" || vb === "") c = va === vb ? 0 : (va === "" ? 1 : -1) * dir;  // N/A last
          else c = Number(va) - Number(vb);
        } else {
          c = collator.compare(va, vb);
        }
        return (c * dir) || (a._tthcOrder - b._tthcOrder);
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  }

  heads.forEach(function (th) {
    var button = th.querySelector("button");
    if (button) button.addEventListener("click", function () { sortBy(th); });
  });

  var q = document.getElementById("q");
  var fStatus = document.getElementById("f-status");
  var fCity = document.getElementById("f-city");
  var fPeriod = document.getElementById("f-period");
  var shown = document.getElementById("shown");
  var total = Number(table.getAttribute("data-total"));

  function applyFilters() {
    var words = fold(q.value).split(/\s+/).filter(Boolean);
    var visible = 0;
    Array.prototype.forEach.call(table.tBodies, function (body) {
      var inGroup = 0;
      var rows = dataRows(body);
      rows.forEach(function (r) {
        var text = r.getAttribute("data-search") || "";
        var ok = words.every(function (w) { return text.indexOf(w) !== -1; })
          && (!fStatus.value || r.getAttribute("data-status") === fStatus.value)
          && (!fCity.value || r.getAttribute("data-city") === fCity.value)
          && (!fPeriod.value || r.getAttribute("data-period") === fPeriod.value);
        r.hidden = !ok;
        if (ok) inGroup += 1;
      });
      body.hidden = inGroup === 0;
      var count = body.querySelector(".group .count");
      if (count) {
        var all = Number(count.getAttribute("data-total"));
        count.textContent = (inGroup === all ? all : inGroup + "/" + all) + " báo cáo";
      }
      visible += inGroup;
    });
    shown.textContent = visible + "/" + total + " báo cáo";
  }

  [q, fStatus, fCity, fPeriod].forEach(function (el) {
    el.addEventListener("input", applyFilters);
    el.addEventListener("change", applyFilters);
  });
  applyFilters();
  document.documentElement.setAttribute("data-tthc-ready", "1");
})();
