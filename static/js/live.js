// deliberate's own small script: live sequence tracking, reconnect state, the timer and text size.
// Everything here is an enhancement: every action also works as a plain form without JavaScript.
(function () {
  "use strict";
  var lastSeq = null;

  // htmx events are named with "-" for ":" (htmx-config metaCharacter), so that its attributes, data-hx-ws-connect
  // and data-hx-headers-inherited, are valid HTML.

  // Resynchronise after a reconnect: tell the server the last update this page saw.
  document.addEventListener("htmx-ws-before-connection", function (evt) {
    var conn = evt.detail && evt.detail.connection;
    if (!conn || lastSeq === null) return;
    var url = conn.url.replace(/([?&])since=\d+&?/, "$1").replace(/[?&]$/, "");
    conn.url = url + (url.indexOf("?") >= 0 ? "&" : "?") + "since=" + lastSeq;
  });

  document.addEventListener("htmx-ws-before-message-incoming", function (evt) {
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

  document.addEventListener("htmx-ws-after-connection", function () { socketUp = true; setOnline(true); });
  document.addEventListener("htmx-ws-close", function (evt) {
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

  // A live refresh of a region (the console's queue) must not wipe what the facilitator is typing or has
  // chosen there: fields that differ from how the page drew them are put back after the swap, by id.
  var kept = null;
  function editsIn(root) {
    var out = {};
    root.querySelectorAll("input[id], textarea[id], select[id]").forEach(function (el) {
      if (el.type === "hidden") return;
      var changed = el.tagName === "SELECT"
        ? Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; })
        : (el.type === "checkbox" || el.type === "radio") ? el.checked !== el.defaultChecked
        : el.value !== el.defaultValue;
      if (changed || el === document.activeElement) {
        out[el.id] = { value: el.value, checked: el.checked, focused: el === document.activeElement };
      }
    });
    return out;
  }
  document.addEventListener("htmx-before-swap", function () {
    kept = {};
    document.querySelectorAll("[data-keep-edits]").forEach(function (root) {
      var e = editsIn(root);
      for (var id in e) kept[id] = e[id];
    });
  });
  document.addEventListener("htmx-after-swap", function () {
    if (!kept) return;
    for (var id in kept) {
      var el = document.getElementById(id), k = kept[id];
      if (!el || !el.closest("[data-keep-edits]")) continue;
      if (el.type === "checkbox" || el.type === "radio") el.checked = k.checked;
      else if (el.tagName !== "SELECT" || el.querySelector('option[value="' + CSS.escape(k.value) + '"]')) el.value = k.value;
      if (k.focused && document.activeElement !== el) el.focus({ preventScroll: true });
    }
    kept = null;
  });

  // The console's tabs are links to ?tab=... (a page each without JavaScript). Here a click only shows the
  // panel, by the data-tab of the box around the panels, and puts the tab in the address: a reload, or the
  // page a form's redirect leads to, opens the same panel (each form also names its panel).
  document.addEventListener("click", function (evt) {
    var link = evt.target.closest && evt.target.closest("[data-tab-link]");
    if (!link || evt.button !== 0 || evt.ctrlKey || evt.metaKey || evt.shiftKey || evt.altKey) return;
    var box = link.closest("[data-tab]");
    if (!box) return;
    evt.preventDefault();
    var key = link.getAttribute("data-tab-link");
    box.setAttribute("data-tab", key);
    box.querySelectorAll("[data-tab-link]").forEach(function (other) {
      if (other === link) other.setAttribute("aria-current", "page");
      else other.removeAttribute("aria-current");
    });
    var params = new URLSearchParams(window.location.search);
    params.set("tab", key);
    window.history.replaceState(null, "", window.location.pathname + "?" + params.toString());
  });

  // -- Presenter mode (issue 17, must 4) ------------------------------------------------------------------
  // The hall's screen cannot be scrolled and its text never shrinks to fit (40 px, 32 at the least: app.css).
  // A view that holds more than the screen shows it a page at a time, turning every PAGE_MS; a bar chart
  // ([data-pages="first"]) shows only the bars that fit. <main data-view> follows the view the console chose.
  var PAGE_MS = 10000, pageStart = {}, barWidths = {};
  function pagedBoxes() {
    return document.querySelectorAll(".projector [data-pages], .projector #leaders, .projector #projector-pledges");
  }
  function pageItems(box) {
    return Array.prototype.filter.call(box.children, function (el) { return !/^H[1-6]$/.test(el.tagName); });
  }
  // Show the items from `start` that fit in the box; answer the index of the first one that did not.
  function showPage(box, start) {
    var items = pageItems(box), limit = box.getBoundingClientRect().bottom + 1, next = items.length;
    items.forEach(function (el, i) { el.hidden = i < start; });
    for (var i = start; i < items.length; i++) {
      if (next < items.length) { items[i].hidden = true; continue; }
      if (items[i].getBoundingClientRect().bottom > limit && i > start) { items[i].hidden = true; next = i; }
    }
    box.classList.toggle("paged", start > 0 || next < items.length);
    return next;
  }
  function paginate(turn) {
    pagedBoxes().forEach(function (box, n) {
      var key = box.id || "box" + n, items = pageItems(box).length, start = pageStart[key] || 0;
      if (start >= items) start = 0;
      var next = showPage(box, start);
      if (turn && box.getAttribute("data-pages") !== "first" && (start > 0 || next < items)) {
        start = next < items ? next : 0;
        showPage(box, start);
      }
      pageStart[key] = start;
    });
  }
  // Bars grow from the width they had to the new one (the live redraw replaces them; their ids stay).
  function growBars() {
    document.querySelectorAll(".bar[data-share]").forEach(function (bar) {
      var id = bar.closest("[id]").id, share = bar.getAttribute("data-share") + "%";
      if (bar.style.width === share) return;
      if (!bar.style.width) {
        bar.style.width = barWidths[id] || "0%";
        void bar.offsetWidth;  // commit the old width, so the change to the new one is animated
      }
      bar.style.width = share;
      barWidths[id] = share;
    });
  }
  function followView() {
    var stage = document.getElementById("stage"), main = document.getElementById("main");
    if (stage && main) main.setAttribute("data-view", stage.getAttribute("data-view"));
  }
  var arranging = false;
  function arrange() {
    if (arranging) return;
    arranging = true;
    window.requestAnimationFrame(function () { arranging = false; followView(); paginate(false); growBars(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var screen = document.querySelector(".projector .screen");
    if (!screen) return;
    arrange();
    new MutationObserver(arrange).observe(screen, { childList: true, subtree: true, characterData: true });
    window.addEventListener("resize", arrange);
    if (document.fonts) document.fonts.ready.then(arrange);
    setInterval(function () { paginate(true); }, PAGE_MS);
  });

  // The console's keys: each presses a button of the presenter panel (staff/_presenter.html), never while
  // the facilitator types in a field.
  function press(form, button) {
    if (!form || (button && button.disabled)) return;
    var b = button || form.querySelector("button");
    if (!b || b.disabled) return;
    if (form.requestSubmit) form.requestSubmit(b); else b.click();
  }
  document.addEventListener("keydown", function (evt) {
    var panel = document.querySelector("[data-presenter]");
    if (!panel || evt.ctrlKey || evt.metaKey || evt.altKey || evt.repeat) return;
    var t = evt.target;
    if (t && t.closest && t.closest("input, textarea, select, [contenteditable]")) return;
    var views = panel.querySelector("[data-screen-form]"), buttons = views.querySelectorAll("[data-screen-view]");
    var key = evt.key.length === 1 ? evt.key.toLowerCase() : evt.key;
    if (key === "n" || key === "ArrowRight") {
      var now = document.getElementById("screen-now"), current = now && now.getAttribute("data-view"), at = 0;
      buttons.forEach(function (b, i) { if (b.value === current) at = i; });
      press(views, buttons[(at + 1) % buttons.length]);
    } else if (/^[1-9]$/.test(key) && buttons[parseInt(key, 10) - 1]) {
      press(views, buttons[parseInt(key, 10) - 1]);
    } else if (key === "r" || key === "t" || key === "s") {
      press(panel.querySelector('[data-shortcut="' + key + '"]'));
    } else {
      return;
    }
    evt.preventDefault();
  });
  // Another console (or the API) changed the view: the buttons say which is on now.
  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.getElementById("presenter");
    if (!panel) return;
    new MutationObserver(function () {
      var now = document.getElementById("screen-now");
      if (!now) return;
      panel.querySelectorAll("[data-screen-view]").forEach(function (b) {
        b.setAttribute("aria-pressed", b.value === now.getAttribute("data-view") ? "true" : "false");
      });
    }).observe(panel, { childList: true, subtree: true });
  });

  // Larger text, remembered on this phone. This script runs in <head>, not deferred, so the class is on
  // <html> before the first paint: the page never flashes small and then jumps.
  function largeText() {
    try { return localStorage.getItem("dlb-large-text") === "1"; } catch (e) { return false; }
  }
  function applySize() {
    var big = largeText();
    document.documentElement.classList.toggle("large-text", big);
    document.querySelectorAll("[data-text-size]").forEach(function (b) {
      b.setAttribute("aria-pressed", big ? "true" : "false");
    });
  }
  document.addEventListener("click", function (evt) {
    var b = evt.target.closest && evt.target.closest("[data-text-size]");
    if (!b) return;
    try { localStorage.setItem("dlb-large-text", largeText() ? "0" : "1"); } catch (e) { /* private mode */ }
    applySize();
  });
  applySize();
  document.addEventListener("DOMContentLoaded", applySize);

  // -- The room (issue 17) ------------------------------------------------------------------------------------
  // A live message says the room moved on (a round opened, closed or was revealed, a new phase, the spotlight):
  // on a phone it carries the "now" card with a stand-in for this phone's own part, which the phone asks for
  // after a random wait of up to data-now-spread ms, so a whole hall does not ask in the same instant. On the
  // projector and the console it carries #round-signal: the projector redraws its stage (results grow as votes
  // come in), the console its voting panel when the round itself changed.
  function nowFetch(stub) {
    if (stub.getAttribute("data-now-pending")) return;
    stub.setAttribute("data-now-pending", "1");
    var spread = parseInt(stub.getAttribute("data-now-spread") || "0", 10) || 0;
    var page = /\/vote\/?$/.test(window.location.pathname) ? "vote" : "board";
    var url = stub.getAttribute("data-now-src") + "?page=" + page;
    setTimeout(function () {
      // A newer card may have replaced this one meanwhile: it asks for itself.
      if (!document.body.contains(stub) || !window.htmx) return;
      window.htmx.ajax("GET", url, { source: stub, target: "#now", swap: "outerHTML" });
    }, Math.floor(Math.random() * spread));
  }
  var lastRound = null;
  function roundSignal(sig) {
    var key = sig.getAttribute("data-round") + "/" + sig.getAttribute("data-state") + "/" + sig.getAttribute("data-phase");
    var extra = document.getElementById("projector-extra");
    if (extra && extra.getAttribute("data-hx-get") && window.htmx) {
      window.htmx.ajax("GET", extra.getAttribute("data-hx-get"), { source: extra, target: extra, swap: "outerHTML" });
    }
    var voting = document.getElementById("console-voting");
    if (voting && key !== lastRound && window.htmx) refreshVoting();
    lastRound = key;
  }
  // The console's voting panel is drawn again when the round moves, but never under the facilitator's hands: while
  // a form in it is open or has the focus (a new round half set up, a paper pile being counted) the redraw waits.
  function votingBusy(voting) {
    return !!(voting.querySelector("details[open]") || voting.contains(document.activeElement) &&
      document.activeElement !== document.body);
  }
  var votingWait = null;
  function refreshVoting() {
    var voting = document.getElementById("console-voting");
    if (!voting || !window.htmx) return;
    if (votingBusy(voting)) {
      if (!votingWait) votingWait = setTimeout(function () { votingWait = null; refreshVoting(); }, 2000);
      return;
    }
    window.htmx.ajax("GET", window.location.href, { source: voting, target: voting, select: "#console-voting", swap: "outerHTML" });
  }
  // The page was drawn with the round as it was: a signal that only says so again redraws nothing.
  document.addEventListener("DOMContentLoaded", function () {
    var sig = document.getElementById("round-signal");
    if (sig && sig.hasAttribute("data-phase")) {
      lastRound = sig.getAttribute("data-round") + "/" + sig.getAttribute("data-state") + "/" + sig.getAttribute("data-phase");
    }
  });
  function roomIn(node) {
    if (node.nodeType !== 1) return;
    if (node.matches("[data-now-src]")) nowFetch(node);
    else if (node.id === "round-signal") roundSignal(node);
    node.querySelectorAll("[data-now-src]").forEach(nowFetch);
  }
  // A card whose key is the one this phone shows already (a reconnect's snapshot, a message that only moved the
  // spotlight) keeps the phone's own part, the very elements, so a ranking half chosen is not wiped; only a
  // new key asks for a new part.
  function keepMine(old, card) {
    var mine = old.querySelector("#now-mine:not([data-now-src])");
    var stub = card.querySelector("#now-mine[data-now-src]");
    if (!mine || !stub || old.getAttribute("data-key") !== card.getAttribute("data-key")) return false;
    stub.replaceWith(mine);
    return true;
  }
  new MutationObserver(function (changes) {
    var old = null;
    changes.forEach(function (c) {
      c.removedNodes.forEach(function (n) { if (n.nodeType === 1 && n.id === "now") old = n; });
    });
    changes.forEach(function (c) {
      c.addedNodes.forEach(function (n) {
        if (old && n.nodeType === 1 && n.id === "now" && keepMine(old, n)) return;
        roomIn(n);
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();

// -- A rotating join code (issue 18) ---------------------------------------------------------------------------
// The projector's view carries data-rotate-at while the session's join code rotates: when the code turns, the
// view (the join slide's QR and code) and the strip's small QR are drawn again, so the hall always scans a link
// that admits.
(function () {
  "use strict";
  var timer = null;
  function schedule() {
    if (timer) { clearTimeout(timer); timer = null; }
    var stage = document.querySelector("#stage[data-rotate-at]");
    if (!stage || !window.htmx) return;
    var wait = parseInt(stage.getAttribute("data-rotate-at"), 10) - Date.now() + 1000;
    timer = setTimeout(function () {
      window.htmx.ajax("GET", window.location.pathname + "?part=view", { target: "#stage", swap: "outerHTML" });
      var qr = document.querySelector("img.bar-qr");
      if (qr) qr.src = qr.src.split("?")[0] + "?t=" + Date.now();
    }, Math.max(1000, wait));
  }
  document.addEventListener("DOMContentLoaded", schedule);
  document.addEventListener("htmx-after-swap", schedule);
})();
