// Nothing typed is lost (issue 13). Pages work without this script; with it:
// - a step form is kept as a draft on the server a few seconds after each change, and in this
//   tab's sessionStorage at every change and on Save, so a Save after the idle time-out (which
//   ends on the sign-in page) loses nothing: after signing in again the step page gets it back;
// - a warning with "Stay signed in" comes before the idle time-out.
(function () {
  "use strict";
  var PREFIX = "crossroads.draft.";
  var SEND_AFTER = 3000; // ms after a change before the draft goes to the server

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }
  function readLocal(key) {
    var s = storage();
    if (!s) { return null; }
    try { return JSON.parse(s.getItem(PREFIX + key) || "null"); } catch (e) { return null; }
  }
  function writeLocal(key, value) {
    var s = storage();
    if (!s) { return; }
    try {
      if (value === null) { s.removeItem(PREFIX + key); } else { s.setItem(PREFIX + key, JSON.stringify(value)); }
    } catch (e) { /* storage full or switched off: the server draft still helps */ }
  }
  function anyPending() {
    var s = storage();
    if (!s) { return false; }
    for (var i = 0; i < s.length; i++) {
      var name = s.key(i);
      if (name && name.indexOf(PREFIX) === 0) {
        try { if ((JSON.parse(s.getItem(name)) || {}).pending) { return true; } } catch (e) { /* skip */ }
      }
    }
    return false;
  }
  function token() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  // POST form fields; the answer is JSON, or a redirect to sign-in when the session has ended.
  function post(url, pairs) {
    var body = new URLSearchParams();
    body.append("csrfmiddlewaretoken", token());
    pairs.forEach(function (pair) { body.append(pair[0], pair[1]); });
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 302 || response.status === 0) {
        idleTimer.ended();
        throw new Error("signed out");
      }
      if (!response.ok) { throw new Error("status " + response.status); }
      return response.json();
    });
  }
  function formPairs(form) {
    var out = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") { out.push([name, value]); }
    });
    return out;
  }
  function timeText(date) {
    var lang = document.documentElement.lang || "en";
    try { return date.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" }); } catch (e) { return date.toTimeString().slice(0, 5); }
  }

  // -- the idle time-out warning -------------------------------------------------------------
  var idleTimer = (function () {
    var box = document.getElementById("idle-warning");
    var warnAt = null, endAt = null, over = false;
    if (!box) { return { contact: function () {}, ended: function () {} }; }
    var lead = parseInt(box.getAttribute("data-lead"), 10) || 60;
    var form = box.querySelector("form");
    function show() {
      if (over || !box.hidden) { return; }
      box.hidden = false;
      var button = box.querySelector("button");
      if (button) { button.focus(); }
    }
    function ended() {
      if (over) { return; }
      over = true;
      window.clearTimeout(warnAt);
      window.clearTimeout(endAt);
      ["idle-title", "idle-text"].forEach(function (id) {
        var el = document.getElementById(id);
        if (el && el.getAttribute("data-ended")) { el.textContent = el.getAttribute("data-ended"); }
      });
      if (form) { form.hidden = true; }
      var again = box.querySelector(".idle-signin");
      if (again) { again.hidden = false; }
      box.hidden = false;
      box.setAttribute("data-state", "ended");
      var link = box.querySelector(".idle-signin a");
      if (link) { link.focus(); }
    }
    function contact(remaining) {
      if (over) { return; }
      window.clearTimeout(warnAt);
      window.clearTimeout(endAt);
      box.hidden = true;
      warnAt = window.setTimeout(show, Math.max(0, remaining - lead) * 1000);
      // a second late, so that the server has certainly ended the session
      endAt = window.setTimeout(ended, (remaining + 1) * 1000);
    }
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        post(form.getAttribute("action"), []).then(function (answer) {
          contact(answer.remaining);
        }).catch(function () { /* ended() already shown when signed out */ });
      });
    }
    contact(parseInt(box.getAttribute("data-remaining"), 10) || 0);
    return { contact: contact, ended: ended };
  })();

  // -- drafts of a step form --------------------------------------------------------------------
  var form = document.querySelector("form[data-draft-url]");
  if (!form) {
    var kept = document.getElementById("draft-kept");
    if (kept && anyPending()) { kept.hidden = false; }
    return;
  }
  var key = form.getAttribute("data-draft-key");
  var url = form.getAttribute("data-draft-url");
  var status = document.getElementById("draft-status");
  var timer = null;

  function keepLocal(pending) {
    writeLocal(key, { pending: pending, fields: formPairs(form), at: Date.now() });
  }
  function send() {
    timer = null;
    var pairs = formPairs(form);
    return post(url, pairs).then(function (answer) {
      var local = readLocal(key);
      if (local && JSON.stringify(local.fields) === JSON.stringify(pairs)) {
        local.pending = false;
        writeLocal(key, local);
      }
      idleTimer.contact(answer.remaining);
      if (status) {
        status.textContent = status.getAttribute("data-text").replace("{time}", timeText(new Date()));
        status.hidden = false;
      }
    });
  }
  function changed() {
    keepLocal(true);
    if (timer === null) { timer = window.setTimeout(function () { send().catch(function () {}); }, SEND_AFTER); }
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  // On Save, keep a copy first: if the session has ended, the POST lands on the sign-in page.
  // A draft still waiting to be sent is not sent: the Save carries the same typing.
  form.addEventListener("submit", function () {
    if (timer !== null) { window.clearTimeout(timer); timer = null; }
    keepLocal(true);
  });

  if (form.hasAttribute("data-draft-cleared") || form.hasAttribute("data-draft-posted")) {
    // Saved (nothing left to restore), or the page came back from a Save with the typing in it,
    // which the server has kept as a draft.
    writeLocal(key, null);
    return;
  }
  var local = readLocal(key);
  if (local && local.pending && JSON.stringify(local.fields) !== JSON.stringify(formPairs(form))) {
    // Typing the server never got (the session ended first): give it to the server now, then
    // show the page again with it restored.
    post(url, local.fields).then(function (answer) {
      local.pending = false;
      writeLocal(key, local);
      // not kept: the copy is older than this person's own save, so there is nothing to show
      if (answer.kept !== false) { window.location.reload(); }
    }).catch(function () { /* still signed out: kept for the next try */ });
  }
})();
