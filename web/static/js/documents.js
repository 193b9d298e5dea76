// Record documents (documents app). The page works without this script (a refresh link); with
// it, the reading's progress is asked for every second and a half, and the page reloads once the
// reading is over. The state lives on the server, so a reload or a closed tab loses nothing.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("reading-progress");
  var state = document.getElementById("reading-state");
  function ask() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (bar) { bar.value = data.progress; bar.textContent = data.progress + "%"; }
        if (state) {
          state.textContent = state.textContent.replace(/\(\d+%\)/, "(" + data.progress + "%)");
        }
        if (data.done) { window.location.reload(); } else { window.setTimeout(ask, 1500); }
      })
      .catch(function () { window.setTimeout(ask, 5000); });
  }
  window.setTimeout(ask, 1000);
})();
