// The outbox: a participant's writes survive a weak network.
//
// Every write (a form posted to /s/...) gets an idempotency key when the person acts, and keeps it through
// every retry, so the server counts it once however often it arrives. When a write cannot get through (no
// network, a timeout, a 502/503/504 from a proxy) it waits here, in localStorage so a reload keeps it, shown
// as "waiting to send" by the thing acted on; it is sent again, in order and with the same key, when the
// network returns, the live socket reconnects, or a retry timer fires (backing off up to a minute).
// Plain forms are sent through htmx too, swapping the page's <main> as the redirect leaves it; without
// JavaScript they post as ordinary forms. A form is busy from the tap until its answer is in: its buttons are
// disabled and a second submit is dropped, so a double tap sends once. Once the server has accepted it, the
// form is reset to the fresh one the server drew, so what is typed next is a new post with a new key (never
// a retry of the old one, nor added to its text), and the confirmation by its button is scrolled into view.
(function () {
  "use strict";
  var STORE = "dlb-outbox";
  var RETRY_STATUS = [502, 503, 504];
  var TIMEOUT_MS = 15000;
  var BACKOFF_MS = [2000, 4000, 8000, 16000, 30000, 60000];
  var SENT_SHOWN_MS = 4000;
  // English defaults; the page gives them in its language (participant/_outbox.html).
  var text = { pending: "Waiting to send", sending: "Sending…", sent: "Sent.", failed: "Not sent:",
               failed_generic: "Please try again.", count: "{n} waiting to send", retry: "Send now" };
  var queue = load();
  var inflight = {};  // a write's signature -> its key, while it is on its way: a double tap reuses the key
  var flushing = false, retryTimer = null, attempt = 0;

  // crypto.randomUUID exists only in secure contexts (and not in old Android WebViews): a venue server on
  // plain http still gets a random version-4 UUID from getRandomValues.
  function newKey() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === "function") return c.randomUUID();
    var b = new Uint8Array(16), i;
    if (c && c.getRandomValues) c.getRandomValues(b);
    else for (i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = "";
    for (i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1);
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function load() {
    try {
      var q = JSON.parse(localStorage.getItem(STORE) || "[]");
      return Array.isArray(q) ? q : [];
    } catch (e) { return []; }
  }
  function save() {
    try { localStorage.setItem(STORE, JSON.stringify(queue)); } catch (e) { /* private mode: memory only */ }
  }

  function pathOf(url) {
    try { return new URL(url, location.href).pathname; } catch (e) { return ""; }
  }
  // A participant's write: a POST to the session's pages, other than joining.
  function isWrite(method, url) {
    var u;
    try { u = new URL(url, location.href); } catch (e) { return false; }
    return String(method).toUpperCase() === "POST" && u.origin === location.origin &&
      u.pathname.indexOf("/s/") === 0 && !/\/join$/.test(u.pathname);
  }
  function params(body) {
    return new URLSearchParams(body instanceof FormData ? Array.from(body.entries()) : body || "");
  }
  function signature(url, body) {
    var p = params(body);
    p.delete("csrf_token");
    return pathOf(url) + "?" + p.toString();
  }
  // The marker goes by the form itself when it has an id, else by its nearest ancestor with one.
  function anchorOf(el) {
    var a = el && el.closest ? (el.id ? el : el.closest("[id]")) : null;
    return a && a.id !== "main" ? a.id : null;
  }
  function csrfToken() {
    var input = document.querySelector("input[name=csrf_token]");
    if (input && input.value) return input.value;
    try {  // a page with no form: the token htmx sends with every request
      return JSON.parse(document.body.getAttribute("data-hx-headers-inherited") || "{}")["X-CSRF-Token"] || "";
    } catch (e) { return ""; }
  }

  // -- markers -------------------------------------------------------------------------------------------------
  function marker(key) {
    return document.querySelector('.outbox-marker[data-outbox="' + key + '"]');
  }
  function showMarker(key, anchorId, state, message) {
    var el = marker(key);
    var home = anchorId && document.getElementById(anchorId);
    if (!el) {
      if (!home) return;
      el = document.createElement("p");
      el.className = "outbox-marker";
      el.setAttribute("data-outbox", key);
      el.setAttribute("role", state === "failed" ? "alert" : "status");
      home.appendChild(el);
    }
    el.className = "outbox-marker is-" + state;
    el.textContent = state === "failed" ? text.failed + " " + (message || text.failed_generic)
      : state === "sent" ? text.sent : state === "sending" ? text.sending : text.pending;
    if (state === "sent") setTimeout(function () { if (el.parentNode) el.remove(); }, SENT_SHOWN_MS);
  }
  // Swaps and live updates replace parts of the page: put back the markers of what is still waiting.
  function renderMarkers() {
    var here = location.pathname;
    queue.forEach(function (e) {
      if (e.page === here && !marker(e.key)) showMarker(e.key, e.anchor, flushing && e === queue[0] ? "sending" : "pending");
    });
    renderCount();
  }
  function renderCount() {
    var el = document.getElementById("outbox-count");
    if (!el) {
      if (!queue.length) return;
      el = document.createElement("button");
      el.type = "button";
      el.id = "outbox-count";
      el.className = "outbox-count";
      el.title = text.retry;
      el.addEventListener("click", function () { attempt = 0; flush(); });
      document.body.appendChild(el);
    }
    el.hidden = !queue.length;
    el.textContent = text.count.replace("{n}", String(queue.length));
  }

  // -- queueing ------------------------------------------------------------------------------------------------
  function hold(url, body, key, source) {
    var sig = signature(url, body);
    var known = queue.some(function (e) { return e.sig === sig; });
    if (!known) {
      queue.push({ key: key, url: pathOf(url), body: params(body).toString(), sig: sig, page: location.pathname,
                   anchor: anchorOf(source), at: Date.now() });
      save();
    }
    renderMarkers();
    schedule();
    return new Response(null, { status: 204, headers: { "X-Outbox": "queued" } });
  }

  function schedule(now) {
    clearTimeout(retryTimer);
    if (!queue.length) return;
    var wait = now ? 0 : BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
    retryTimer = setTimeout(flush, wait);
  }

  // The message a refused write came back with: the form's error in the page the server rendered.
  function refusal(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var el = doc.querySelector("#main [role=alert], #main .field-error, #main .form-error, .error-page .lead");
    return el ? el.textContent.trim() : "";
  }

  function send(entry) {
    var ctl = window.AbortController ? new AbortController() : null;
    var timer = ctl && setTimeout(function () { ctl.abort(); }, TIMEOUT_MS);
    var token = csrfToken(), body = new URLSearchParams(entry.body);
    if (token) body.set("csrf_token", token);  // the page's token may be newer than the one queued with it
    return fetch(entry.url, {
      method: "POST", body: body, credentials: "same-origin", signal: ctl ? ctl.signal : undefined,
      headers: { "Idempotency-Key": entry.key, "X-CSRF-Token": token, "Accept": "text/html" }
    }).finally(function () { clearTimeout(timer); });
  }

  // Send what waits, oldest first, one at a time; stop at the first that still cannot get through.
  function flush() {
    if (flushing || !queue.length) return;
    flushing = true;
    clearTimeout(retryTimer);
    var sentHere = false;
    function next() {
      var entry = queue[0];
      if (!entry) return done(true);
      if (entry.page === location.pathname) showMarker(entry.key, entry.anchor, "sending");
      send(entry).then(function (resp) {
        if (RETRY_STATUS.indexOf(resp.status) >= 0) return done(false);
        return resp.text().then(function (html) {
          queue.shift();
          save();
          var here = entry.page === location.pathname;
          if (resp.ok) {
            sentHere = sentHere || here;
            if (here) { showMarker(entry.key, entry.anchor, "sent"); resetSent(entry); }
          } else if (here) {
            showMarker(entry.key, entry.anchor, "failed", refusal(html));
          }
          attempt = 0;
          renderCount();
          next();
        });
      }, function () { done(false); });
    }
    function done(emptied) {
      flushing = false;
      if (!emptied) {
        attempt += 1;
        if (queue[0] && queue[0].page === location.pathname) showMarker(queue[0].key, queue[0].anchor, "pending");
        renderMarkers();
        schedule();
        return;
      }
      renderCount();
      // What was sent changed this page: fetch it again and morph it in, keeping the markers and the socket.
      if (sentHere && window.htmx) {
        window.htmx.ajax("GET", location.pathname + location.search,
                         { target: "#main", select: "#main > *", swap: "innerMorph" });
      }
    }
    next();
  }

  // -- forms ---------------------------------------------------------------------------------------------------
  function formOf(el) {
    return el ? el.form || (el.closest && el.closest("form")) || null : null;
  }
  // The confirmation by the form's button (shared/_sent.html): in the form, or in its part of the page.
  function sentNote(form) {
    var part = form.querySelector(".sent-note") ? form : form.closest("[id]");
    var el = part && part.querySelector(".sent-note");
    return el ? el.id : null;
  }
  // What the person has typed: a form is reset after its post only if this is still what was sent.
  function typed(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.tagName === "TEXTAREA" ||
        (el.tagName === "INPUT" && !/^(hidden|radio|checkbox|submit|button)$/.test(el.type));
    }).map(function (el) { return el.value; }).join("\u0000");
  }
  function busy(form) {
    form.setAttribute("aria-busy", "true");
    Array.prototype.forEach.call(form.querySelectorAll("button, input[type=submit]"), function (b) {
      if (!b.disabled) { b.disabled = true; b.setAttribute("data-outbox-held", ""); }
    });
    var note = document.getElementById(sentNote(form) || "");
    if (note) note.textContent = "";  // cleared, so the confirmation of this post is heard when it comes
  }
  // After the answer was swapped in. A morph has already given the buttons the state the server drew (and
  // dropped the held mark); buttons it did not touch are released here.
  function release(form, accepted, noteId, sent) {
    form.removeAttribute("aria-busy");
    Array.prototype.forEach.call(form.querySelectorAll("[data-outbox-held]"), function (b) {
      b.removeAttribute("data-outbox-held");
      b.disabled = false;
    });
    if (!accepted) return;  // refused or waiting to send: the text stays for the person to fix or see go
    // To the defaults the server drew (empty text fields), unless the person typed on while it was sent.
    if (form.isConnected && typed(form) === sent) form.reset();
    var note = noteId && document.getElementById(noteId);
    if (note && note.textContent.trim()) note.scrollIntoView({ block: "nearest" });
  }
  // A write that waited was sent later: if its form still holds exactly what was sent, start it afresh.
  function resetSent(entry) {
    var part = entry.anchor && document.getElementById(entry.anchor);
    if (!part) return;
    var forms = part.tagName === "FORM" ? [part] : Array.prototype.slice.call(part.querySelectorAll("form"));
    forms.forEach(function (f) {
      if (pathOf(f.action) === entry.url && signature(f.action, new FormData(f)) === entry.sig) f.reset();
    });
  }
  // A tap on a busy form's button (or Enter in its field) sends nothing more: stopped before htmx sees it.
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (form instanceof HTMLFormElement && form.getAttribute("aria-busy") === "true") {
      evt.preventDefault();
      evt.stopImmediatePropagation();
    }
  }, true);

  // -- htmx requests -------------------------------------------------------------------------------------------
  document.addEventListener("htmx-config-request", function (evt) {
    var ctx = evt.detail && evt.detail.ctx, req = ctx && ctx.request;
    if (!req || !isWrite(req.method, req.action)) return;
    var source = ctx.sourceElement;
    var sig = signature(req.action, req.body);
    var waiting = queue.filter(function (e) { return e.sig === sig; })[0];
    var key = req.headers["Idempotency-Key"] || inflight[sig] || (waiting && waiting.key) || newKey();
    req.headers["Idempotency-Key"] = key;
    if (req.timeout == null) req.timeout = TIMEOUT_MS;
    var full = ctx.target && ctx.target.id === "main";
    var form = formOf(source), noteId = form && sentNote(form), sent = form && typed(form), accepted = false;
    if (form) {
      busy(form);
      source.addEventListener("htmx-finally-request", function finished(e) {
        if (e.detail && e.detail.ctx !== ctx) return;
        source.removeEventListener("htmx-finally-request", finished);
        release(form, accepted, noteId, sent);
      });
    }
    ctx.fetch = function (url, init) {
      // Older writes still waiting go first: this one waits behind them.
      if (queue.length) { setTimeout(flush); return Promise.resolve(hold(url, init.body, key, source)); }
      inflight[sig] = key;
      return fetch(url, init).then(function (resp) {
        delete inflight[sig];
        if (RETRY_STATUS.indexOf(resp.status) >= 0) return hold(url, init.body, key, source);
        if (resp.status >= 400 && !full) {
          // A refusal that comes back as a whole page (the error page) is shown by the form, not swapped in.
          return resp.clone().text().then(function (html) {
            if (!/^\s*<!doctype|^\s*<html/i.test(html)) return resp;
            showMarker(key, anchorOf(source), "failed", refusal(html));
            return new Response(null, { status: 204 });
          });
        }
        accepted = resp.ok;
        return resp;
      }, function (err) {
        delete inflight[sig];
        // A request htmx itself called off (a newer one replaced it) is not a network failure.
        if (init.signal && init.signal.aborted && init.signal.reason !== "timeout") throw err;
        return hold(url, init.body, key, source);
      });
    };
  });

  // Plain forms: sent through htmx, the answer (the page the redirect leads to, or the page with the error)
  // morphed into <main>, so the write can be queued like any other.
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (evt.defaultPrevented || !window.htmx || !(form instanceof HTMLFormElement)) return;
    if (form.matches("[hx-post],[data-hx-post],[hx-action],[data-hx-action]")) return;
    var action = (evt.submitter && evt.submitter.getAttribute("formaction")) || form.getAttribute("action") || "";
    var method = (evt.submitter && evt.submitter.getAttribute("formmethod")) || form.getAttribute("method") || "get";
    if (!isWrite(method, action) || !document.getElementById("main")) return;
    evt.preventDefault();
    var parts = action.split("#"), waiting = queue.length;
    window.htmx.ajax("POST", parts[0], { source: form, event: evt, target: "#main", select: "#main > *",
                                         swap: "innerMorph" }).then(function () {
      var el = parts[1] && document.getElementById(parts[1]);
      if (el && queue.length === waiting) el.scrollIntoView({ block: "start" });  // sent, not queued
    });
  });

  document.addEventListener("htmx-after-swap", renderMarkers);
  window.addEventListener("online", function () { attempt = 0; schedule(true); });
  document.addEventListener("htmx-ws-after-connection", function () { attempt = 0; schedule(true); });
  window.addEventListener("storage", function (evt) { if (evt.key === STORE) { queue = load(); renderMarkers(); } });

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("outbox-text");
    try {
      var given = JSON.parse(el ? el.textContent : "{}");
      Object.keys(given).forEach(function (k) { text[k] = given[k]; });
    } catch (e) { /* keep the defaults */ }
    renderMarkers();
    // Live updates swap parts of <main> without htmx swap events: watch for markers they removed.
    var main = document.getElementById("main"), pending = false;
    if (main && window.MutationObserver) {
      new MutationObserver(function () {
        if (pending || !queue.length) return;
        pending = true;
        setTimeout(function () { pending = false; renderMarkers(); }, 50);
      }).observe(main, { childList: true, subtree: true });
    }
    if (queue.length) schedule(true);
  });
})();
