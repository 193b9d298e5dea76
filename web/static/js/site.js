// A little help that the pages do not depend on: everything works without JavaScript.
(function () {
  "use strict";
  // Copy button for a caregiver invitation link.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-copy"));
      if (!target || !navigator.clipboard) { return; }
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        button.textContent = button.getAttribute("data-done") || button.textContent;
      });
    });
  });
  // Ask once before removing someone's access.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  // Move focus to the list of problems when a form comes back with errors.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
