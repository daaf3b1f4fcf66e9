// incidentctl site: optional enhancements. Without this script every page is complete: times
// in UTC with the incident's own offset, ages as of the build, no search box.
(function () {
  "use strict";
  // The page's language (the repository's lang:) formats the times, not the browser's.
  var lang = document.documentElement.lang || "en";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function zoneName(d) {
    try {
      var parts = new Intl.DateTimeFormat(lang === "en" ? "en-US" : lang, { timeZoneName: "short" }).formatToParts(d);
      for (var i = 0; i < parts.length; i++) if (parts[i].type === "timeZoneName") return parts[i].value;
    } catch (e) {}
    return "";
  }
  // English pages keep the unambiguous 2026-11-23 10:02 GMT+9; other languages write dates
  // their own way (Japanese: 2026/11/23 10:02 JST).
  var dateFmt, timeFmt;
  if (lang !== "en") {
    try {
      dateFmt = new Intl.DateTimeFormat(lang, { year: "numeric", month: "2-digit", day: "2-digit" });
      timeFmt = new Intl.DateTimeFormat(lang, { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" });
    } catch (e) { dateFmt = timeFmt = undefined; }
  }
  function local(d, dateOnly) {
    if (timeFmt) return (dateOnly ? dateFmt : timeFmt).format(d);
    var s = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
    if (dateOnly) return s;
    return s + " " + pad(d.getHours()) + ":" + pad(d.getMinutes()) + " " + zoneName(d);
  }

  // Times in the reader's zone; the UTC text stays as the tooltip. A day without a time (a
  // follow-up's due date) has no zone and stays as written.
  var times = document.querySelectorAll("time[datetime]");
  for (var i = 0; i < times.length; i++) {
    var t = times[i], dt = t.getAttribute("datetime"), d = new Date(dt);
    if (isNaN(d) || dt.indexOf("T") < 0) continue;
    if (!t.title) t.title = t.textContent;
    t.textContent = local(d, t.hasAttribute("data-date"));
    var own = t.nextElementSibling;
    if (own && own.classList.contains("own")) own.hidden = true;
  }
  var note = document.querySelector(".times-note");
  if (note && note.getAttribute("data-local-note")) note.textContent = note.getAttribute("data-local-note").replace("{zone}", zone);

  // Ages and overdue marks stay current on a screen left open, in the page's words for days,
  // hours and minutes.
  var units = (document.body.getAttribute("data-units") || "{n} d |{n} h |{n} min").split("|");
  var durFmt = function (ms) {
    var m = Math.max(0, Math.round(ms / 60000)), d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60), r = m % 60, out = "";
    if (d) out += units[0].replace("{n}", d);
    if (h) out += units[1].replace("{n}", h);
    if (r || !out) out += units[2].replace("{n}", r);
    return out.trim();
  };
  function tick() {
    var now = Date.now();
    var ages = document.querySelectorAll("[data-since]");
    for (var i = 0; i < ages.length; i++) {
      var since = Date.parse(ages[i].getAttribute("data-since"));
      if (!isNaN(since)) ages[i].textContent = ages[i].getAttribute("data-label").replace("{age}", durFmt(now - since));
    }
  }
  tick();
  setInterval(tick, 30000);

  // Search: the box appears only with this script; the list loads when it is first used.
  var form = document.querySelector("form.search");
  if (!form) return;
  var input = form.querySelector("input"), out = document.getElementById("search-results"), root = form.getAttribute("data-root") || "";
  form.hidden = false;
  function load(then) {
    if (window.incidentctlSearch) return then();
    var s = document.createElement("script");
    s.src = form.getAttribute("data-index");
    s.onload = then;
    document.head.appendChild(s);
  }
  function show() {
    var q = input.value.trim().toLowerCase();
    out.textContent = "";
    if (!q) return;
    var words = q.split(/\s+/), hits = [], all = window.incidentctlSearch || [];
    for (var i = 0; i < all.length && hits.length < 50; i++) {
      var it = all[i], hay = (it.id + " " + it.t + " " + it.s + " " + it.st + " " + it.c + " " + it.i).toLowerCase(), ok = true;
      for (var w = 0; w < words.length; w++) if (hay.indexOf(words[w]) < 0) { ok = false; break; }
      if (ok) hits.push(it);
    }
    var p = document.createElement("p");
    p.textContent = !hits.length ? form.getAttribute("data-none") : hits.length === 1 ? form.getAttribute("data-result") : form.getAttribute("data-results").replace("{n}", hits.length);
    out.appendChild(p);
    if (!hits.length) return;
    var ul = document.createElement("ul");
    hits.forEach(function (it) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = root + it.h;
      a.textContent = it.t;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" — " + it.s + ", " + it.st + ", " + it.d + " (" + it.id + ")"));
      ul.appendChild(li);
    });
    out.appendChild(ul);
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); load(show); });
  input.addEventListener("input", function () { load(show); });
  var q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; load(show); }
})();
