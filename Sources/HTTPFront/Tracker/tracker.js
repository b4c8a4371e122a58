/* Beacon's in-page tracker, served at /tracker.js.
 *
 *   <script src="https://beacon.example.com/tracker.js"></script>
 *   <script>beacon.init({ key: "PUBLIC_KEY", host: "https://beacon.example.com" })</script>
 *
 * beacon.track(event, props), beacon.identify(email, traits), beacon.page(), beacon.flush().
 * Page views are sent on load and on every history change (single-page apps), clicks on links
 * and buttons with a stable selector and their text; events are batched, sent with an
 * Idempotency-Key (a retry never counts twice) and retried with backoff; on page hide what is
 * left goes out with sendBeacon. Eligible nudges are shown on each page and their impressions,
 * clicks and dismissals reported, and a poll's answer sent as a `poll_response` event.
 */
(function (window, document) {
  "use strict";
  if (window.beacon && window.beacon.version) return;

  var ANON_KEY = "beacon_anonymous_id", USER_KEY = "beacon_user", PENDING_KEY = "beacon_pending";
  var config = null, queue = [], pending = [], timer = null, retryDelayMs = 1000, lastPage = null, sending = false;

  function randomID() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return "x" + Math.random().toString(36).slice(2) + Date.now().toString(36);
  }

  function stored(key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } }
  function store(key, value) { try { window.localStorage.setItem(key, value); } catch (e) { /* private mode: memory only */ } }

  /* The visitor before identify: "anon-..." is what Beacon counts as anonymous. */
  function anonymousID() {
    var id = stored(ANON_KEY);
    if (!id) { id = "anon-" + randomID(); store(ANON_KEY, id); }
    return id;
  }

  function currentUser() { return stored(USER_KEY) || anonymousID(); }

  function url(path) { return config.host.replace(/\/+$/, "") + path; }

  function headers(extra) {
    var h = { "content-type": "application/json", "x-api-key": config.key };
    for (var k in extra || {}) h[k] = extra[k];
    return h;
  }

  /* Flat text properties, as Beacon keeps them. */
  function flat(props) {
    var out = {};
    for (var k in props || {}) {
      var v = props[k];
      if (v === null || v === undefined || typeof v === "object") continue;
      out[k] = String(v).slice(0, 1024);
    }
    return out;
  }

  function enqueue(eventType, props, page) {
    if (!config) return;
    var event = { event_type: eventType, user_email: currentUser(), timestamp: new Date().toISOString(), properties: flat(props) };
    var p = page || window.location.pathname;
    if (p) event.page_url = p;
    queue.push(event);
    if (queue.length >= config.batchSize) flush(); else schedule(config.flushIntervalMs);
  }

  function schedule(ms) {
    if (timer) return;
    timer = window.setTimeout(function () { timer = null; flush(); }, ms);
  }

  /* Moves the queue into a batch with its own Idempotency-Key, kept until the server takes it. */
  function seal() {
    if (!queue.length) return;
    pending.push({ key: "bt-" + randomID(), events: queue.splice(0, queue.length) });
    store(PENDING_KEY, JSON.stringify(pending));
  }

  function flush() {
    seal();
    if (sending || !pending.length) return Promise.resolve();
    sending = true;
    var batch = pending[0];
    return window.fetch(url("/ingest"), {
      method: "POST", headers: headers({ "idempotency-key": batch.key }), body: JSON.stringify({ events: batch.events }), keepalive: true
    }).then(function (response) {
      sending = false;
      // 4xx other than 429 will not get better by retrying: drop the batch rather than loop.
      if (response.ok || (response.status >= 400 && response.status < 500 && response.status !== 429 && response.status !== 409)) {
        pending.shift();
        store(PENDING_KEY, JSON.stringify(pending));
        retryDelayMs = 1000;
        if (pending.length || queue.length) return flush();
        return;
      }
      retryLater(response.headers.get("retry-after"));
    }, function () { sending = false; retryLater(null); });
  }

  function retryLater(retryAfter) {
    var wait = retryAfter ? Math.max(1000, parseInt(retryAfter, 10) * 1000) : retryDelayMs;
    retryDelayMs = Math.min(retryDelayMs * 2, 30000);
    window.setTimeout(flush, wait);
  }

  /* What is left when the page goes away: sendBeacon cannot set headers, so the key rides in the query. */
  function flushOnHide() {
    seal();
    if (!pending.length || !window.navigator.sendBeacon) return;
    var target = url("/ingest?key=" + encodeURIComponent(config.key));
    // The batch in flight goes on by itself (keepalive): sending it again could count it twice.
    var first = sending ? 1 : 0;
    while (pending.length > first) {
      var blob = new Blob([JSON.stringify({ events: pending[first].events })], { type: "text/plain" });
      if (!window.navigator.sendBeacon(target, blob)) break;
      pending.splice(first, 1);
    }
    store(PENDING_KEY, JSON.stringify(pending));
  }

  /* A selector that stays the same across visits: an id, a data attribute, or a short path of tags and classes. */
  function selectorOf(element) {
    var parts = [];
    for (var el = element; el && el.nodeType === 1 && parts.length < 5; el = el.parentElement) {
      if (el.id) { parts.unshift("#" + el.id); break; }
      var tracked = el.getAttribute("data-beacon") || el.getAttribute("data-testid");
      if (tracked) { parts.unshift("[" + (el.hasAttribute("data-beacon") ? "data-beacon" : "data-testid") + '="' + tracked + '"]'); break; }
      var part = el.tagName.toLowerCase();
      var classes = (el.getAttribute("class") || "").trim().split(/\s+/).filter(function (c) { return c && !/\d{3,}/.test(c); }).slice(0, 2);
      if (classes.length) part += "." + classes.join(".");
      var parent = el.parentElement;
      if (parent) {
        var same = Array.prototype.filter.call(parent.children, function (c) { return c.tagName === el.tagName; });
        if (same.length > 1) part += ":nth-of-type(" + (same.indexOf(el) + 1) + ")";
      }
      parts.unshift(part);
    }
    return parts.join(" > ");
  }

  function onClick(e) {
    var target = e.target && e.target.closest && e.target.closest("a, button, [role=button], input[type=submit], input[type=button], [data-beacon]");
    if (!target || target.closest("[data-beacon-nudge]")) return;
    var props = { selector: selectorOf(target), text: (target.innerText || target.value || "").trim().slice(0, 100), tag: target.tagName.toLowerCase() };
    if (target.href) props.href = target.href;
    enqueue("click", props);
  }

  function page() {
    var path = window.location.pathname;
    enqueue("page_view", { title: document.title, url: window.location.href, referrer: document.referrer || "" }, path);
    lastPage = path;
    showNudges(path);
  }

  function onHistoryChange() {
    if (window.location.pathname !== lastPage) page();
  }

  function patchHistory() {
    ["pushState", "replaceState"].forEach(function (name) {
      var original = window.history[name];
      window.history[name] = function () {
        var result = original.apply(this, arguments);
        window.setTimeout(onHistoryChange, 0);
        return result;
      };
    });
    window.addEventListener("popstate", onHistoryChange);
  }

  /* Sends first what is queued, so the server judges eligibility on the events that led here. */
  function showNudges(path) {
    if (!config.nudges) return;
    var user = currentUser();
    flush().then(function () {
      return window.fetch(url("/api/nudges/eligible?user_email=" + encodeURIComponent(user) + "&page_url=" + encodeURIComponent(path)), { headers: headers() });
    }).then(function (response) { return response && response.ok ? response.json() : null; })
      .then(function (answer) {
        var nudge = answer && answer.nudges && answer.nudges[0];
        if (nudge && window.location.pathname === path) render(nudge, user);
      }, function () { /* nudges are optional: a failure shows none */ });
  }

  function report(nudge, action, user) {
    return window.fetch(url("/api/nudges/" + nudge.id + "/track"), {
      method: "POST", headers: headers(), body: JSON.stringify({ event_type: action, user_email: user }), keepalive: true
    }).catch(function () {});
  }

  function render(nudge, user) {
    var old = document.querySelector("[data-beacon-nudge]");
    if (old) old.remove();
    var box = document.createElement("div");
    box.setAttribute("data-beacon-nudge", String(nudge.id));
    box.setAttribute("role", "dialog");
    var floating = nudge.nudge_type !== "banner";
    box.style.cssText = "position:fixed;z-index:2147483647;font:14px/1.4 system-ui,sans-serif;background:#1f2937;color:#fff;" +
      "box-shadow:0 4px 16px rgba(0,0,0,.25);padding:14px 40px 14px 16px;" +
      (floating ? "right:20px;bottom:20px;max-width:320px;border-radius:8px;" : "left:0;right:0;top:0;");
    var title = document.createElement("strong");
    title.className = "beacon-nudge-title";
    title.textContent = nudge.title;
    box.appendChild(title);
    if (nudge.body) {
      var body = document.createElement("div");
      body.className = "beacon-nudge-body";
      body.textContent = nudge.body;
      box.appendChild(body);
    }
    if (nudge.button_text) {
      var button = document.createElement("button");
      button.className = "beacon-nudge-button";
      button.textContent = nudge.button_text;
      button.style.cssText = "margin-top:8px;background:#fff;color:#1f2937;border:0;border-radius:4px;padding:6px 12px;cursor:pointer;";
      button.addEventListener("click", function () { report(nudge, "click", user); box.remove(); });
      box.appendChild(button);
    }
    (nudge.choices || []).forEach(function (choice) {
      /* A poll's answer is an event the Pendo API's poll sources read, and a click on the nudge. */
      var option = document.createElement("button");
      option.className = "beacon-nudge-choice";
      option.textContent = choice;
      option.style.cssText = "margin:8px 6px 0 0;background:#fff;color:#1f2937;border:0;border-radius:4px;padding:6px 10px;cursor:pointer;";
      option.addEventListener("click", function () {
        enqueue("poll_response", { guideId: String(nudge.id), pollId: String(nudge.id), response: choice });
        report(nudge, "click", user);
        box.remove();
      });
      box.appendChild(option);
    });
    var close = document.createElement("button");
    close.className = "beacon-nudge-dismiss";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "\u00d7";
    close.style.cssText = "position:absolute;top:6px;right:8px;background:none;border:0;color:#fff;font-size:20px;cursor:pointer;";
    close.addEventListener("click", function () { report(nudge, "dismiss", user); box.remove(); });
    box.appendChild(close);
    document.body.appendChild(box);
    report(nudge, "impression", user);
  }

  var beacon = {
    version: "1",
    init: function (options) {
      if (config) return beacon;
      if (!options || !options.key) throw new Error("beacon.init: key is required");
      config = {
        key: options.key, host: options.host || "", batchSize: options.batchSize || 20,
        flushIntervalMs: options.flushIntervalMs || 1000, nudges: options.nudges !== false
      };
      try { pending = JSON.parse(stored(PENDING_KEY) || "[]"); } catch (e) { pending = []; }
      if (options.capturePageviews !== false) {
        patchHistory();
        if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", page); else page();
      }
      if (options.captureClicks !== false) document.addEventListener("click", onClick, true);
      document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") flushOnHide(); });
      window.addEventListener("pagehide", flushOnHide);
      if (pending.length) flush();
      return beacon;
    },
    track: function (event, props) { enqueue(String(event), props); },
    page: page,
    /* Merges the anonymous visitor into the user and sets traits (Segment's identify route does both). */
    identify: function (email, traits) {
      if (!config || !email) return Promise.resolve();
      var anonymous = anonymousID();
      return flush().then(function () {
        store(USER_KEY, String(email));
        return window.fetch(url("/v1/identify"), {
          method: "POST", headers: headers(),
          body: JSON.stringify({ userId: String(email), anonymousId: anonymous.replace(/^anon-/, ""), traits: flat(traits), messageId: "id-" + randomID() })
        });
      });
    },
    reset: function () { try { window.localStorage.removeItem(USER_KEY); window.localStorage.removeItem(ANON_KEY); } catch (e) {} },
    flush: flush,
    user: currentUser
  };
  window.beacon = beacon;
})(window, document);
