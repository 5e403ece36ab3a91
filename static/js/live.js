// deliberate's own small script: live sequence tracking, reconnect state, the timer and text size.
// Everything here is an enhancement: every action also works as a plain form without JavaScript.
(function () {
  "use strict";
  var lastSeq = null;

  // Resynchronise after a reconnect: tell the server the last update this page saw.
  document.addEventListener("htmx:ws:before:connection", function (evt) {
    var conn = evt.detail && evt.detail.connection;
    if (!conn || lastSeq === null) return;
    var url = conn.url.replace(/([?&])since=\d+&?/, "$1").replace(/[?&]$/, "");
    conn.url = url + (url.indexOf("?") >= 0 ? "&" : "?") + "since=" + lastSeq;
  });

  document.addEventListener("htmx:ws:before:message:incoming", function (evt) {
    var data = evt.detail && evt.detail.message && evt.detail.message.data;
    if (typeof data !== "string") return;
    var m = data.match(/data-seq="(\d+)"/);
    if (m) lastSeq = parseInt(m[1], 10);
    // A card about to be appended replaces any copy already on the page.
    data.replace(/data-replace="(proposal-\d+)"/g, function (_, id) {
      var old = document.getElementById(id);
      if (old) old.remove();
      return _;
    });
  });

  function setOnline(on) {
    var el = document.getElementById("net-status");
    if (el) el.hidden = on;
  }

  // When the websocket cannot connect (a venue proxy, a captive portal), ask for the same updates over
  // plain HTTP every few seconds until it can. The server answers 204 while nothing changed.
  var socketUp = false, socketDownSince = Date.now(), polling = false;
  var POLL_AFTER_MS = 6000, POLL_EVERY_MS = 5000;
  function seenSeq() {
    var el = document.getElementById("live-seq");
    var s = el && el.getAttribute("data-seq");
    return s ? parseInt(s, 10) : lastSeq;
  }
  function poll() {
    var live = document.querySelector("[data-poll]");
    if (!live || socketUp || !window.htmx) { polling = false; return; }
    polling = true;
    var seq = seenSeq();
    var url = live.getAttribute("data-poll") + (seq !== null ? "&since=" + seq : "");
    var again = function () { setTimeout(poll, POLL_EVERY_MS); };
    window.htmx.ajax("GET", url, { source: live, target: live, swap: "none" }).then(function () {
      lastSeq = seenSeq();
      setOnline(true);
      again();
    }, function () { setOnline(false); again(); });
  }
  setInterval(function () {
    if (!socketUp && !polling && Date.now() - socketDownSince > POLL_AFTER_MS) poll();
  }, 1000);

  document.addEventListener("htmx:ws:after:connection", function () { socketUp = true; setOnline(true); });
  document.addEventListener("htmx:ws:close", function (evt) {
    if (socketUp) socketDownSince = Date.now();
    socketUp = false;
    if (evt.detail && evt.detail.reason === "closed") setOnline(false);
  });
  window.addEventListener("offline", function () { setOnline(false); });
  // Back online is not yet connected: keep the notice until the socket (or a poll) answers again.
  window.addEventListener("online", function () { if (socketUp) setOnline(true); });

  // Countdown, redrawn every second from the end time the server gave.
  function tick() {
    document.querySelectorAll(".timer[data-ends]").forEach(function (el) {
      var ends = Date.parse(el.getAttribute("data-ends"));
      var out = el.querySelector(".timer-left");
      if (!ends || !out) return;
      var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      out.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      el.classList.toggle("timer-done", left === 0);
    });
  }
  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);

  // Larger text, remembered on this phone.
  function applySize() {
    var big = localStorage.getItem("dlb-large-text") === "1";
    document.documentElement.classList.toggle("large-text", big);
    document.querySelectorAll("[data-text-size]").forEach(function (b) {
      b.setAttribute("aria-pressed", big ? "true" : "false");
    });
  }
  document.addEventListener("click", function (evt) {
    var b = evt.target.closest && evt.target.closest("[data-text-size]");
    if (!b) return;
    localStorage.setItem("dlb-large-text", localStorage.getItem("dlb-large-text") === "1" ? "0" : "1");
    applySize();
  });
  document.addEventListener("DOMContentLoaded", applySize);
})();
