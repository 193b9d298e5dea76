// Step 3, the option grid on a wide screen: tick two or more options to see only those side by
// side. Without JavaScript every option is shown (the ticks stay hidden). The choice is kept in
// the address (?compare=car_t,glofitamab) so a reload, a bookmark or a shared link keeps it.
// On a phone the grid is one card per option and the ticks are not offered (site.css).
(function () {
  "use strict";
  var pickers = Array.prototype.slice.call(document.querySelectorAll("[data-compare]"));
  if (!pickers.length || !window.URLSearchParams || !window.history.replaceState) { return; }

  function boxes(picker) {
    return Array.prototype.slice.call(picker.querySelectorAll("input[type=checkbox]"));
  }

  function wanted() {
    var raw = new URLSearchParams(window.location.search).get("compare") || "";
    return raw.split(",").filter(function (code) { return code; });
  }

  function say(template, shown, total) {
    return template.replace("{shown}", shown).replace("{total}", total);
  }

  // Show only the ticked columns of this picker's table once two or more are ticked.
  function apply(picker) {
    var table = document.getElementById(picker.getAttribute("data-table"));
    var list = boxes(picker);
    var ticked = list.filter(function (box) { return box.checked; }).length;
    var narrow = ticked >= 2;
    var show = {};
    var codes = {};
    list.forEach(function (box) {
      show[box.getAttribute("data-col")] = !narrow || box.checked;
      codes[box.value] = !narrow || box.checked;
    });
    // The pictures of 100 people below the table follow the same choice.
    var section = picker.closest(".option-grid");
    if (section) {
      section.querySelectorAll(".icon-arrays > li[data-option]").forEach(function (item) {
        item.hidden = !codes[item.getAttribute("data-option")];
      });
    }
    if (table) {
      Array.prototype.forEach.call(table.rows, function (row) {
        for (var i = 1; i < row.cells.length; i += 1) { row.cells[i].hidden = !show[String(i)]; }
      });
    }
    var status = picker.querySelector("[data-compare-status]");
    var key = narrow ? "data-status-some" : (ticked === 1 ? "data-status-one" : "data-status-all");
    status.textContent = say(picker.getAttribute(key) || "", ticked, list.length);
  }

  // Keep the ticked options in the address, next to whatever else it holds (?place=CN).
  function remember() {
    var codes = [];
    pickers.forEach(function (picker) {
      boxes(picker).forEach(function (box) {
        if (box.checked && codes.indexOf(box.value) < 0) { codes.push(box.value); }
      });
    });
    var params = new URLSearchParams(window.location.search);
    params.delete("compare");
    var query = params.toString();
    if (codes.length) {
      query += (query ? "&" : "") + "compare=" + codes.map(encodeURIComponent).join(",");
    }
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    window.history.replaceState(window.history.state, "", url);
  }

  // The same option in two grids is ticked in both, so the address means one thing.
  function tick(code, checked) {
    pickers.forEach(function (picker) {
      boxes(picker).forEach(function (box) { if (box.value === code) { box.checked = checked; } });
    });
  }

  var start = wanted();
  pickers.forEach(function (picker) {
    boxes(picker).forEach(function (box) {
      box.checked = start.indexOf(box.value) >= 0;
      box.addEventListener("change", function () {
        tick(box.value, box.checked);
        pickers.forEach(apply);
        remember();
      });
    });
    picker.querySelector("[data-compare-all]").addEventListener("click", function () {
      boxes(picker).forEach(function (box) { tick(box.value, false); });
      pickers.forEach(apply);
      remember();
    });
    picker.hidden = false;
    apply(picker);
  });
})();
