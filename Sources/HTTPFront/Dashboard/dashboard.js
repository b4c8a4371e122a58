/* Beacon dashboard: log in with an API key, then each card loads its own data from the API
 * (same origin, header x-api-key). Cards never wait for one another and a failing card shows
 * its error inside itself. Charts come from charts.js (window.BeaconCharts). */
(function (window, document) {
  "use strict";

  const Charts = window.BeaconCharts;
  const formatNumber = Charts.formatNumber;
  const KEY_STORAGE = "beacon_api_key";
  const FUNNEL_MIN_STEPS = 2;
  const FUNNEL_MAX_STEPS = 10;
  const SEGMENT_DEBOUNCE_MS = 300;
  const LIVE_RETRY_MIN_MS = 5000;
  const LIVE_RETRY_MAX_MS = 60000;
  const NUDGE_AUDIENCE_LOOKUPS = 50;
  // Cohorts and periods asked for per retention granularity (values the API accepts as aliases).
  const RETENTION_PLANS = {
    day: { periods: 14, range: "14d", label: "Day" },
    week: { periods: 8, range: "56d", label: "Week" },
    month: { periods: 6, range: "180d", label: "Month" },
  };
  const SEGMENT_EXAMPLE = { rules: [{ type: "did_event", event: "page_view", within_days: 30 }] };

  const state = {
    key: null,
    // Bumped on every login and logout, so answers meant for an earlier session are dropped.
    generation: 0,
    // Per-card request counters: only the answer to the newest request of a card is drawn.
    tickets: {},
    eventTypes: [],
    liveSource: null,
    liveRetryTimer: null,
    liveRetryDelay: LIVE_RETRY_MIN_MS,
    liveAsOf: "",
    segmentTimer: null,
    segmentAbort: null,
  };

  // ---------------------------------------------------------------- DOM helpers

  function byId(id) {
    return document.getElementById(id);
  }

  /** Creates an element: attrs may hold `text`, `class`, `style` (an object) or attributes. */
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "text") node.textContent = String(value);
      else if (name === "class") node.className = value;
      else if (name === "style") Object.assign(node.style, value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function clearNode(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  /** Replaces a table's body with one full-width row of text. */
  function setTableMessage(table, text, className) {
    const columns = Math.max(1, table.querySelectorAll("thead th").length);
    const body = tableBody(table);
    clearNode(body);
    body.append(h("tr", { class: "message-row" }, h("td", { colspan: columns, class: className || "muted", text })));
  }

  function tableBody(table) {
    return table.tBodies[0] || table.appendChild(document.createElement("tbody"));
  }

  // ---------------------------------------------------------------- formatting

  function parseDay(day) {
    return new Date(String(day).slice(0, 10) + "T00:00:00Z");
  }

  function formatDay(day, long) {
    const options = long ? { weekday: "short", year: "numeric", month: "short", day: "numeric", timeZone: "UTC" }
                         : { month: "short", day: "numeric", timeZone: "UTC" };
    return parseDay(day).toLocaleDateString("en-US", options);
  }

  function formatMinute(iso) {
    return new Date(iso).toLocaleTimeString("en-US", { hour: "2-digit", minute: "2-digit" });
  }

  function formatInstant(iso) {
    if (!iso) return "—";
    return new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" });
  }

  function formatPercent(rate) {
    if (typeof rate !== "number" || !Number.isFinite(rate)) return "—";
    if (rate === 0 || rate === 1) return Math.round(rate * 100) + "%";
    return (rate * 100).toFixed(1) + "%";
  }

  function ratio(part, whole) {
    return whole > 0 ? part / whole : 0;
  }

  // ---------------------------------------------------------------- API access

  class ApiError extends Error {
    constructor(status, code, message, field) {
      super(message);
      this.name = "ApiError";
      this.status = status;
      this.code = code;
      this.field = field;
    }
  }

  /** Thrown for an answer that arrived after a logout or a new login. */
  class StaleAnswer extends Error {
    constructor() {
      super("stale answer");
      this.name = "StaleAnswer";
    }
  }

  function isIgnorable(error) {
    return error instanceof StaleAnswer || (error && error.name === "AbortError");
  }

  /** The body as JSON; `undefined` when it is not JSON (an empty body is null). */
  async function readJSON(response) {
    const text = await response.text();
    if (!text) return null;
    try { return JSON.parse(text); } catch (_) { return undefined; }
  }

  function errorFrom(status, payload) {
    const envelope = payload && payload.error;
    if (envelope && typeof envelope === "object") {
      return new ApiError(status, envelope.code || "http_error", envelope.message || "HTTP " + status, envelope.field);
    }
    return new ApiError(status, "http_error", "The server answered HTTP " + status);
  }

  /**
   * Calls the API with the session's key. options: method, body (sent as JSON), headers,
   * signal. A 401 sends the person back to the login form.
   */
  async function api(path, options = {}) {
    const generation = state.generation;
    const headers = Object.assign({ "x-api-key": state.key || "", accept: "application/json" }, options.headers);
    const init = { method: options.method || "GET", headers, signal: options.signal, credentials: "same-origin" };
    if (options.body !== undefined) {
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(options.body);
    }
    let response;
    try {
      response = await window.fetch(path, init);
    } catch (error) {
      if (isIgnorable(error)) throw error;
      throw new ApiError(0, "network", "The server could not be reached.");
    }
    const payload = await readJSON(response);
    if (generation !== state.generation) throw new StaleAnswer();
    if (!response.ok) {
      const error = errorFrom(response.status, payload);
      if (response.status === 401) handleUnauthorized(error.message);
      throw error;
    }
    if (payload === undefined) throw new ApiError(response.status, "invalid_answer", "The server's answer was not JSON.");
    return payload;
  }

  function describeError(error) {
    if (!error) return "Something went wrong.";
    let text = error.message || String(error);
    if (error.field && !text.startsWith(error.field)) text = error.field + ": " + text;
    if (error.status === 429) text += " (rate limited; try again shortly)";
    return text;
  }

  function takeTicket(name) {
    state.tickets[name] = (state.tickets[name] || 0) + 1;
    return state.tickets[name];
  }

  function isCurrent(name, ticket) {
    return state.tickets[name] === ticket;
  }

  // ---------------------------------------------------------------- card errors

  function cardErrorBox(cardId) {
    const card = byId(cardId);
    return card ? card.querySelector(".card-error") : null;
  }

  function showCardError(cardId, error) {
    // A 401 already sent the person to the login form; stale answers belong to no one.
    if (isIgnorable(error) || (error && error.status === 401)) return;
    const box = cardErrorBox(cardId);
    if (!box) return;
    box.textContent = describeError(error);
    box.hidden = false;
  }

  function clearCardError(cardId) {
    const box = cardErrorBox(cardId);
    if (!box) return;
    box.textContent = "";
    box.hidden = true;
  }

  /** Runs one card's loader, showing any failure inside that card only. */
  function runCard(cardId, task) {
    clearCardError(cardId);
    return Promise.resolve().then(task).catch((error) => showCardError(cardId, error));
  }

  // ---------------------------------------------------------------- login and session

  function readStoredKey() {
    try { return window.sessionStorage.getItem(KEY_STORAGE); } catch (_) { return null; }
  }

  function storeKey(key) {
    try {
      if (key) window.sessionStorage.setItem(KEY_STORAGE, key);
      else window.sessionStorage.removeItem(KEY_STORAGE);
    } catch (_) { /* storage may be disabled; the session then lasts as long as the page */ }
  }

  function showLogin(message) {
    stopLive();
    state.generation += 1;
    state.key = null;
    storeKey(null);
    byId("app").hidden = true;
    byId("login-view").hidden = false;
    byId("login-error").textContent = message || "";
    byId("api-key-input").focus();
  }

  function handleUnauthorized(message) {
    if (state.key === null) return;
    showLogin("Your API key was refused (" + (message || "unauthorized") + "). Log in again.");
  }

  function logout() {
    byId("api-key-input").value = "";
    showLogin("");
  }

  /** Checks a key with GET /api/live, whose answer also paints the live card at once. */
  async function checkKey(key) {
    let response;
    try {
      response = await window.fetch("/api/live", { headers: { "x-api-key": key, accept: "application/json" }, credentials: "same-origin" });
    } catch (_) {
      throw new Error("The server could not be reached.");
    }
    const payload = await readJSON(response);
    if (response.status === 401) throw new Error("That API key was not accepted: " + errorFrom(401, payload).message + ".");
    // Other failures (a recovering tenant, a rate limit) are the live card's to show.
    return response.ok ? payload : null;
  }

  async function onLoginSubmit(event) {
    event.preventDefault();
    const input = byId("api-key-input");
    const button = byId("login-button");
    const key = input.value.trim();
    const errorLine = byId("login-error");
    if (!key) { errorLine.textContent = "Enter an API key."; return; }
    errorLine.textContent = "";
    button.disabled = true;
    try {
      const firstLive = await checkKey(key);
      storeKey(key);
      enterApp(key, firstLive);
    } catch (error) {
      errorLine.textContent = error.message;
    } finally {
      button.disabled = false;
    }
  }

  function enterApp(key, firstLive) {
    state.generation += 1;
    state.key = key;
    state.eventTypes = [];
    byId("login-error").textContent = "";
    byId("login-view").hidden = true;
    byId("app").hidden = false;
    startCards(firstLive);
  }

  /** Starts every card at once; none waits for another. */
  function startCards(firstLive) {
    startLive(firstLive);
    loadTenant();
    loadActiveUsers();
    loadTopEvents();
    loadTopPages();
    resetFunnel();
    runRetention();
    scheduleSegmentEstimate(0);
    loadNudges();
    loadAccounts();
  }

  // ---------------------------------------------------------------- header: tenant

  async function loadTenant() {
    const label = byId("tenant-name");
    label.textContent = "";
    try {
      const health = await api("/health");
      const tenants = (health && health.tenants) || [];
      const tenant = tenants.length === 1 ? tenants[0] : await findOwnTenant(tenants);
      if (tenant) label.textContent = tenant.name && tenant.name !== tenant.id ? tenant.name + " (" + tenant.id + ")" : tenant.id;
    } catch (_) {
      // The tenant's name is a nicety; the header works without it.
    }
  }

  /** /health lists every tenant; the X-Workspace-ID check (403 for another one) tells which is the key's. */
  async function findOwnTenant(tenants) {
    const probes = tenants.slice(0, 10).map((tenant) =>
      api("/api/segments/folders", { headers: { "X-Workspace-ID": tenant.id } }).then(() => tenant, () => null));
    const results = await Promise.all(probes);
    return results.find(Boolean) || null;
  }

  // ---------------------------------------------------------------- live users

  function setLiveStatus(status) {
    const badge = byId("live-status");
    badge.textContent = status;
    badge.dataset.state = status;
  }

  function renderLive(answer) {
    if (!answer) return;
    // The first GET and the stream race at start-up: never draw an older answer over a newer one.
    if (answer.as_of && state.liveAsOf && answer.as_of < state.liveAsOf) return;
    if (answer.as_of) state.liveAsOf = answer.as_of;
    const count = byId("live-count");
    count.textContent = formatNumber(answer.active_users);
    count.dataset.value = String(answer.active_users);
    if (answer.window_minutes) byId("live-window").textContent = String(answer.window_minutes);
    const points = Array.isArray(answer.sparkline) ? answer.sparkline : [];
    const svg = byId("live-sparkline");
    Charts.sparkline(svg, points.map((p) => p.users),
      points.map((p) => formatMinute(p.minute) + ": " + formatNumber(p.users) + " users"));
    svg.dataset.points = String(points.length);
    if (answer.as_of) svg.dataset.asOf = answer.as_of;
  }

  function startLive(firstLive) {
    stopLive();
    state.liveRetryDelay = LIVE_RETRY_MIN_MS;
    state.liveAsOf = "";
    clearCardError("card-live");
    if (firstLive) renderLive(firstLive);
    else runCard("card-live", async () => renderLive(await api("/api/live")));
    openLiveStream();
  }

  /** The server pushes each change over Server-Sent Events; EventSource reconnects by itself. */
  function openLiveStream() {
    state.liveRetryTimer = null;
    if (!state.key) return;
    if (!("EventSource" in window)) { setLiveStatus("unsupported"); return; }
    const source = new window.EventSource("/api/live/stream?key=" + encodeURIComponent(state.key));
    state.liveSource = source;
    setLiveStatus("connecting");
    source.addEventListener("open", () => {
      if (source !== state.liveSource) return;
      state.liveRetryDelay = LIVE_RETRY_MIN_MS;
      setLiveStatus("live");
    });
    source.addEventListener("live", (event) => onLiveMessage(source, event));
    source.addEventListener("error", () => onLiveError(source));
  }

  function onLiveMessage(source, event) {
    if (source !== state.liveSource) return;
    let answer;
    try { answer = JSON.parse(event.data); } catch (_) { return; }
    clearCardError("card-live");
    setLiveStatus("live");
    renderLive(answer);
  }

  function onLiveError(source) {
    if (source !== state.liveSource) return;
    setLiveStatus("reconnecting");
    // CONNECTING means EventSource retries by itself; CLOSED means the server refused the stream.
    if (source.readyState === window.EventSource.CLOSED) {
      source.close();
      state.liveSource = null;
      recoverLiveStream();
    }
  }

  /** After a refused stream: find out why with one GET (a 401 logs out), then retry with backoff. */
  async function recoverLiveStream() {
    const generation = state.generation;
    try {
      renderLive(await api("/api/live"));
    } catch (error) {
      showCardError("card-live", error);
    }
    if (generation !== state.generation || !state.key) return;
    state.liveRetryTimer = window.setTimeout(openLiveStream, state.liveRetryDelay);
    state.liveRetryDelay = Math.min(state.liveRetryDelay * 2, LIVE_RETRY_MAX_MS);
  }

  function stopLive() {
    if (state.liveSource) state.liveSource.close();
    state.liveSource = null;
    if (state.liveRetryTimer) window.clearTimeout(state.liveRetryTimer);
    state.liveRetryTimer = null;
  }

  // ---------------------------------------------------------------- active users

  function metricUrl(metric, range, breakdown) {
    let url = "/api/v1/metrics/" + metric + "?range=" + encodeURIComponent(range) + "&granularity=daily";
    if (breakdown) url += "&breakdown=" + encodeURIComponent(breakdown) + "&breakdown_limit=8";
    return url;
  }

  /** Aligns named point lists ({date, value}) on the union of their dates. */
  function alignSeries(named) {
    const dates = new Set();
    for (const item of named) for (const point of item.points) dates.add(point.date);
    const labels = Array.from(dates).sort();
    const series = named.map((item, index) => {
      const byDate = new Map(item.points.map((p) => [p.date, p.value]));
      return { name: item.name, color: Charts.color(index), values: labels.map((d) => (byDate.has(d) ? byDate.get(d) : null)) };
    });
    return { labels, series };
  }

  async function fetchActiveTotals(range) {
    const metrics = [["dau", "DAU"], ["wau", "WAU"], ["mau", "MAU"]];
    const answers = await Promise.allSettled(metrics.map(([metric]) => api(metricUrl(metric, range))));
    const named = [];
    let failure = null;
    answers.forEach((answer, i) => {
      if (answer.status === "fulfilled") named.push({ name: metrics[i][1], points: answer.value.data || [] });
      else if (!failure) failure = { name: metrics[i][1], error: answer.reason };
    });
    if (named.length === 0) throw failure.error;
    return Object.assign(alignSeries(named), { failure });
  }

  function dimensionName(value) {
    if (value === null || value === undefined) return "(not set)";
    if (value === "") return "(empty)";
    return String(value);
  }

  /** One DAU line per breakdown value, biggest first, the API's "other" line last. */
  async function fetchActiveBreakdown(range, breakdown) {
    const answer = await api(metricUrl("dau", range, breakdown));
    const groups = new Map();
    for (const point of answer.data || []) {
      const name = dimensionName(point.dimension);
      if (!groups.has(name)) groups.set(name, []);
      groups.get(name).push(point);
    }
    const total = (points) => points.reduce((sum, p) => sum + (p.value || 0), 0);
    const named = Array.from(groups, ([name, points]) => ({ name, points, total: total(points) }));
    named.sort((a, b) => (a.name === "other") - (b.name === "other") || b.total - a.total || a.name.localeCompare(b.name));
    return Object.assign(alignSeries(named), { failure: null });
  }

  function renderLegend(series) {
    const legend = byId("active-users-legend");
    clearNode(legend);
    for (const line of series) {
      const latest = [...line.values].reverse().find((v) => v !== null && v !== undefined);
      legend.append(h("li", { class: "legend-item", "data-series": line.name, title: "Latest: " + formatNumber(latest) },
        h("span", { class: "swatch", style: { background: line.color } }), line.name));
    }
  }

  function showPartialFailure(failure) {
    if (isIgnorable(failure.error)) return;
    const error = new Error(failure.name + " could not be loaded: " + describeError(failure.error));
    error.status = failure.error.status;
    showCardError("card-active-users", error);
  }

  function loadActiveUsers() {
    const ticket = takeTicket("active");
    const range = byId("range-select").value;
    const breakdown = byId("breakdown-select").value;
    const svg = byId("active-users-chart");
    clearCardError("card-active-users");
    Charts.message(svg, "Loading…");
    clearNode(byId("active-users-legend"));
    const request = breakdown && breakdown !== "none" ? fetchActiveBreakdown(range, breakdown) : fetchActiveTotals(range);
    request.then((chart) => {
      if (!isCurrent("active", ticket)) return;
      svg.dataset.breakdown = breakdown;
      svg.dataset.range = range;
      Charts.lineChart(svg, { labels: chart.labels, series: chart.series, formatX: formatDay });
      renderLegend(chart.series);
      if (chart.failure) showPartialFailure(chart.failure);
    }).catch((error) => {
      if (!isCurrent("active", ticket) || isIgnorable(error)) return;
      Charts.message(svg, "Could not load active users");
      showCardError("card-active-users", error);
    });
  }

  // ---------------------------------------------------------------- top events and pages

  /** Rows {name, count, users}; users may be undefined (shown as a dash). */
  function renderRankTable(table, rows, emptyText) {
    if (rows.length === 0) { setTableMessage(table, emptyText); return; }
    const body = tableBody(table);
    clearNode(body);
    const max = Math.max(1, ...rows.map((r) => r.count));
    for (const row of rows) {
      body.append(h("tr", { "data-name": row.name, "data-count": row.count },
        h("td", { class: "name", title: row.name, text: row.name }),
        h("td", { class: "num", text: formatNumber(row.count) }),
        h("td", { class: "num", text: row.users === undefined ? "—" : formatNumber(row.users) }),
        h("td", { class: "bar-cell" }, h("span", { class: "row-bar", style: { width: (100 * ratio(row.count, max)).toFixed(1) + "%" } }))));
    }
  }

  function loadTopEvents() {
    const table = byId("top-events");
    setTableMessage(table, "Loading…");
    clearCardError("card-top-events");
    api("/api/events?days=30").then((answer) => {
      const types = (answer && answer.event_types) || [];
      state.eventTypes = types.map((t) => t.event_type);
      fillFunnelSelects();
      renderRankTable(table, types.slice(0, 10).map((t) => ({ name: t.event_type, count: t.count, users: t.users })), "No events in the last 30 days");
    }).catch((error) => {
      if (isIgnorable(error)) return;
      setTableMessage(table, "Could not load events", "error");
      showCardError("card-top-events", error);
      fillFunnelSelects("No event types");
      // The funnel's steps are chosen among these event types.
      showCardError("card-funnel", new Error("Event types could not be loaded: " + describeError(error)));
    });
  }

  function loadTopPages() {
    const table = byId("top-pages");
    setTableMessage(table, "Loading…");
    runCard("card-top-pages", async () => {
      try {
        const answer = await api("/api/pages?days=30&limit=10");
        const pages = (answer && answer.pages) || [];
        // The pages route counts views only; it gives no distinct users.
        renderRankTable(table, pages.map((p) => ({ name: p.page_url, count: p.views, users: p.users })), "No page views in the last 30 days");
      } catch (error) {
        if (!isIgnorable(error)) setTableMessage(table, "Could not load pages", "error");
        throw error;
      }
    });
  }

  // ---------------------------------------------------------------- funnel builder

  function funnelRows() {
    return Array.from(byId("funnel-steps").querySelectorAll(".funnel-step"));
  }

  function fillSelect(select, fallbackIndex, placeholder) {
    const current = select.value;
    clearNode(select);
    if (state.eventTypes.length === 0) {
      select.append(h("option", { value: "", text: placeholder || "Loading event types…" }));
      return;
    }
    for (const name of state.eventTypes) select.append(h("option", { value: name, text: name }));
    const wanted = current && state.eventTypes.includes(current) ? current : state.eventTypes[Math.min(fallbackIndex, state.eventTypes.length - 1)];
    select.value = wanted;
  }

  function fillFunnelSelects(placeholder) {
    funnelRows().forEach((row, index) => fillSelect(row.querySelector(".funnel-step-select"), index, placeholder));
  }

  function addFunnelStep() {
    const container = byId("funnel-steps");
    if (funnelRows().length >= FUNNEL_MAX_STEPS) return;
    const select = h("select", { class: "funnel-step-select", "aria-label": "Funnel step" });
    const remove = h("button", { type: "button", class: "funnel-step-remove secondary", title: "Remove this step", "aria-label": "Remove step", text: "✕" });
    const row = h("div", { class: "funnel-step" }, h("span", { class: "funnel-step-number" }), select, remove);
    remove.addEventListener("click", () => removeFunnelStep(row));
    container.append(row);
    fillSelect(select, funnelRows().length - 1);
    refreshFunnelControls();
  }

  function removeFunnelStep(row) {
    if (funnelRows().length <= FUNNEL_MIN_STEPS) return;
    row.remove();
    refreshFunnelControls();
  }

  function refreshFunnelControls() {
    const rows = funnelRows();
    rows.forEach((row, index) => {
      row.querySelector(".funnel-step-number").textContent = String(index + 1);
      row.querySelector(".funnel-step-remove").disabled = rows.length <= FUNNEL_MIN_STEPS;
    });
    byId("funnel-add-step").disabled = rows.length >= FUNNEL_MAX_STEPS;
  }

  function resetFunnel() {
    takeTicket("funnel");
    clearNode(byId("funnel-steps"));
    for (let i = 0; i < FUNNEL_MIN_STEPS; i++) addFunnelStep();
    clearCardError("card-funnel");
    const result = byId("funnel-result");
    clearNode(result);
    result.append(h("p", { class: "muted small", text: "Pick the steps, then run the funnel." }));
  }

  function runFunnel() {
    const ticket = takeTicket("funnel");
    const result = byId("funnel-result");
    const steps = funnelRows().map((row) => row.querySelector(".funnel-step-select").value).filter(Boolean);
    clearCardError("card-funnel");
    clearNode(result);
    if (steps.length < FUNNEL_MIN_STEPS) {
      showCardError("card-funnel", new Error("Pick an event for at least two steps."));
      return;
    }
    result.append(h("p", { class: "muted small", text: "Running…" }));
    api("/api/funnels", { method: "POST", body: { steps, days: 30 } }).then((answer) => {
      if (isCurrent("funnel", ticket)) renderFunnel(answer);
    }).catch((error) => {
      if (!isCurrent("funnel", ticket) || isIgnorable(error)) return;
      clearNode(result);
      showCardError("card-funnel", error);
    });
  }

  function funnelBar(step, firstUsers) {
    const share = typeof step.conversion_from_first === "number" ? step.conversion_from_first : ratio(step.users, firstUsers);
    const title = step.event_type + ": " + formatNumber(step.users) + " users, " + formatPercent(share) + " of step 1" +
      (step.step > 1 ? ", " + formatPercent(step.conversion_from_previous) + " of the previous step" : "");
    return h("div", { class: "funnel-bar", "data-count": step.users, "data-step": step.step, "data-event": step.event_type, title },
      h("span", { class: "funnel-bar-name", text: step.step + ". " + step.event_type }),
      h("span", { class: "funnel-bar-track" }, h("span", { class: "funnel-bar-fill", style: { width: (100 * ratio(step.users, firstUsers)).toFixed(1) + "%" } })),
      h("span", { class: "funnel-bar-label", text: formatNumber(step.users) + " · " + formatPercent(share) }));
  }

  function renderFunnel(answer) {
    const result = byId("funnel-result");
    clearNode(result);
    const steps = (answer && answer.steps) || [];
    const firstUsers = steps.length ? steps[0].users : 0;
    for (const step of steps) result.append(funnelBar(step, firstUsers));
    result.append(h("p", { class: "muted small funnel-summary",
      text: "Overall conversion " + formatPercent(answer.overall_conversion) + " · " + formatDay(answer.start) + " – " + formatDay(answer.end) + " · window " + answer.window_days + " days" }));
  }

  // ---------------------------------------------------------------- retention

  function addPeriods(day, count, granularity) {
    const date = parseDay(day);
    if (granularity === "month") date.setUTCMonth(date.getUTCMonth() + count);
    else date.setUTCDate(date.getUTCDate() + count * (granularity === "week" ? 7 : 1));
    return date.toISOString().slice(0, 10);
  }

  function retentionShade(rate) {
    const alpha = 0.06 + 0.84 * Math.max(0, Math.min(1, rate));
    return "rgba(37, 99, 235, " + alpha.toFixed(3) + ")";
  }

  function retentionCell(cohort, k, granularity, lastDay) {
    // Periods that have not begun yet are left blank: that makes the triangle.
    if (addPeriods(cohort.date, k, granularity) > lastDay) return h("td", { class: "retention-cell retention-future" });
    const rate = cohort.rates[k] !== undefined ? cohort.rates[k] : ratio(cohort.retained[k], cohort.users);
    const retained = cohort.retained[k] || 0;
    return h("td", {
      class: "retention-cell" + (rate >= 0.5 ? " dark" : ""),
      "data-rate": rate, "data-retained": retained, "data-period": k,
      title: formatNumber(retained) + " of " + formatNumber(cohort.users) + " users (" + formatPercent(rate) + ")",
      style: { background: retentionShade(rate) },
      text: formatPercent(rate),
    });
  }

  function renderRetention(answer, granularity) {
    const table = byId("retention-table");
    clearNode(table);
    const cohorts = (answer && answer.cohorts) || [];
    const periods = answer.periods || (cohorts[0] ? cohorts[0].retained.length : 0);
    const label = (RETENTION_PLANS[granularity] || RETENTION_PLANS.week).label;
    const head = h("tr", {}, h("th", { text: "Cohort" }), h("th", { class: "num", text: "Users" }));
    for (let k = 0; k < periods; k++) head.append(h("th", { class: "num", text: label + " " + k }));
    table.append(h("thead", {}, head));
    const body = h("tbody");
    table.append(body);
    if (cohorts.length === 0) {
      body.append(h("tr", { class: "message-row" }, h("td", { colspan: periods + 2, class: "muted", text: "No cohorts in this range" })));
      return;
    }
    const lastDay = answer.range && answer.range.to ? answer.range.to : new Date().toISOString().slice(0, 10);
    for (const cohort of cohorts) {
      const row = h("tr", { "data-cohort": cohort.date, "data-users": cohort.users },
        h("th", { class: "cohort", text: formatDay(cohort.date) }), h("td", { class: "num", text: formatNumber(cohort.users) }));
      for (let k = 0; k < periods; k++) row.append(retentionCell(cohort, k, granularity, lastDay));
      body.append(row);
    }
  }

  function runRetention() {
    const ticket = takeTicket("retention");
    const granularity = byId("retention-granularity").value;
    const plan = RETENTION_PLANS[granularity] || RETENTION_PLANS.week;
    const table = byId("retention-table");
    clearCardError("card-retention");
    clearNode(table);
    table.append(h("tbody", {}, h("tr", { class: "message-row" }, h("td", { class: "muted", text: "Loading…" }))));
    api("/api/v1/retention", { method: "POST", body: { granularity, periods: plan.periods, range: plan.range } }).then((answer) => {
      if (isCurrent("retention", ticket)) renderRetention(answer, granularity);
    }).catch((error) => {
      if (!isCurrent("retention", ticket) || isIgnorable(error)) return;
      clearNode(table);
      showCardError("card-retention", error);
    });
  }

  // ---------------------------------------------------------------- segment editor

  /** The estimate's body from the editor: {"rules":[...]}, a bare array of nodes, or one node. */
  function parseSegmentBody(text) {
    let value;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { error: "Invalid JSON: " + error.message };
    }
    if (Array.isArray(value)) return { body: { rules: value, sample_size: 0 } };
    if (value && typeof value === "object") {
      if ("rules" in value) return { body: Object.assign({ sample_size: 0 }, value) };
      return { body: { rules: [value], sample_size: 0 } };
    }
    return { error: "A segment is a JSON object such as {\"rules\": [...]}." };
  }

  function setSegmentSize(answer) {
    const size = byId("segment-size");
    const share = byId("segment-share");
    if (!answer) {
      size.textContent = "";
      size.dataset.value = "";
      share.textContent = "";
      return;
    }
    size.textContent = formatNumber(answer.size);
    size.dataset.value = String(answer.size);
    share.textContent = typeof answer.share === "number" ? "(" + formatPercent(answer.share) + " of " + formatNumber(answer.total_users) + " users)" : "";
  }

  function setSegmentError(error) {
    const box = byId("segment-error");
    box.textContent = error ? describeError(error) : "";
    box.dataset.code = (error && error.code) || "";
    box.dataset.field = (error && error.field) || "";
  }

  /** Every keystroke supersedes the request before it: its answer, if any, is ignored. */
  function scheduleSegmentEstimate(delay) {
    window.clearTimeout(state.segmentTimer);
    if (state.segmentAbort) state.segmentAbort.abort();
    state.segmentAbort = null;
    const ticket = takeTicket("segment");
    state.segmentTimer = window.setTimeout(() => estimateSegment(ticket), delay);
  }

  function estimateSegment(ticket) {
    if (!isCurrent("segment", ticket) || !state.key) return;
    const parsed = parseSegmentBody(byId("segment-rule").value);
    if (parsed.error) {
      setSegmentSize(null);
      setSegmentError({ code: "invalid_json", message: parsed.error });
      return;
    }
    const controller = new AbortController();
    state.segmentAbort = controller;
    byId("segment-size").classList.add("pending");
    api("/api/segments/estimate", { method: "POST", body: parsed.body, signal: controller.signal }).then((answer) => {
      if (!isCurrent("segment", ticket)) return;
      setSegmentSize(answer);
      setSegmentError(null);
    }).catch((error) => {
      if (!isCurrent("segment", ticket) || isIgnorable(error)) return;
      setSegmentSize(null);
      setSegmentError(error);
    }).finally(() => {
      if (isCurrent("segment", ticket)) byId("segment-size").classList.remove("pending");
    });
  }

  // ---------------------------------------------------------------- nudges

  function nudgeFunnelSteps(stats) {
    const steps = [
      { key: "audience", label: "In audience", value: stats.audience, base: null },
      { key: "shown", label: "Shown", value: stats.shown, base: "audience" },
      { key: "clicked", label: "Clicked", value: stats.clicked, base: "shown" },
      { key: "dismissed", label: "Dismissed", value: stats.dismissed, base: "shown" },
      { key: "progressed", label: "Progressed", value: stats.progressed, base: "shown" },
    ];
    return steps.filter((step) => typeof step.value === "number");
  }

  function renderNudgeFunnel(card, stats, audience) {
    const funnel = card.querySelector(".nudge-funnel");
    const note = card.querySelector(".nudge-note");
    clearNode(funnel);
    if (!stats) { funnel.append(h("p", { class: "muted small", text: "No audience figures." })); return; }
    const steps = nudgeFunnelSteps(stats);
    const max = Math.max(1, ...steps.map((s) => s.value));
    for (const step of steps) {
      const share = step.base && typeof stats[step.base] === "number" ? " · " + formatPercent(ratio(step.value, stats[step.base])) + " of " + step.base : "";
      funnel.append(h("div", { class: "nudge-bar", "data-step": step.key, "data-count": step.value },
        h("span", { class: "nudge-bar-name", text: step.label }),
        h("span", { class: "nudge-bar-track" }, h("span", { class: "nudge-bar-fill", style: { width: (100 * ratio(step.value, max)).toFixed(1) + "%" } })),
        h("span", { class: "nudge-bar-label", text: formatNumber(step.value) + share })));
    }
    const facts = ["entered " + formatNumber(stats.entered), "impressions " + formatNumber(stats.impressions), "clicks " + formatNumber(stats.clicks)];
    if (audience) facts.push("exits " + formatNumber(audience.exits_total));
    note.textContent = facts.join(" · ");
  }

  function nudgeCard(nudge) {
    const status = nudge.status || "unknown";
    const audienceText = nudge.audience_type === "segment" ? "segment #" + nudge.target_segment_id : "everyone";
    const card = h("article", { class: "nudge-card", "data-nudge-id": nudge.id, "data-status": status },
      h("div", { class: "nudge-head" },
        h("h3", { class: "nudge-title", text: nudge.title }),
        h("span", { class: "badge nudge-status status-" + status, text: status })),
      h("div", { class: "nudge-meta muted small" },
        h("span", { class: "nudge-type", text: nudge.nudge_type }), " · ",
        h("span", { text: nudge.target_page_url }), " · ",
        h("span", { text: audienceText }),
        nudge.goal_event ? " · goal " + nudge.goal_event : ""),
      h("div", { class: "nudge-funnel" }),
      h("div", { class: "nudge-note muted small" }));
    renderNudgeFunnel(card, nudge.stats, null);
    return card;
  }

  /** The audience route gives the funnel with exits; the list's stats are drawn until it answers. */
  function loadNudgeAudience(card, nudge) {
    api("/api/nudges/" + encodeURIComponent(nudge.id) + "/audience?limit=0").then((answer) => {
      if (card.isConnected) renderNudgeFunnel(card, answer.stats, answer);
    }).catch((error) => {
      if (isIgnorable(error) || error.status === 401) return;
      card.querySelector(".nudge-note").textContent = "Audience could not be loaded: " + describeError(error);
    });
  }

  function loadNudges() {
    const list = byId("nudges-list");
    clearNode(list);
    list.append(h("p", { class: "muted small", text: "Loading…" }));
    runCard("card-nudges", async () => {
      let answer;
      try {
        answer = await api("/api/nudges");
      } catch (error) {
        clearNode(list);
        throw error;
      }
      const nudges = (answer && answer.nudges) || [];
      clearNode(list);
      if (nudges.length === 0) { list.append(h("p", { class: "muted small", text: "No nudges yet." })); return; }
      nudges.forEach((nudge, index) => {
        const card = nudgeCard(nudge);
        list.append(card);
        if (index < NUDGE_AUDIENCE_LOOKUPS) loadNudgeAudience(card, nudge);
      });
    });
  }

  // ---------------------------------------------------------------- accounts

  /** The account listing carries no health score today; one is shown if the answer grows one. */
  function healthScore(account) {
    const props = account.properties || {};
    const candidates = [account.health_score, account.health, props.health_score];
    for (const value of candidates) {
      if (typeof value === "number") return Number.isInteger(value) ? formatNumber(value) : value.toFixed(1);
      if (typeof value === "string" && value.trim() !== "") return value;
    }
    return "—";
  }

  function accountRow(account) {
    return h("tr", { "data-account-id": account.account_id },
      h("td", { class: "name", title: account.account_id, text: account.account_id }),
      h("td", { class: "num", text: formatNumber(account.users) }),
      h("td", { class: "num", text: formatNumber(account.active_users) }),
      h("td", { class: "num", text: formatNumber(account.events) }),
      h("td", { text: formatInstant(account.last_seen) }),
      h("td", { class: "name", text: account.owner_email || "—" }),
      h("td", { class: "num health-score", text: healthScore(account) }));
  }

  function loadAccounts() {
    const table = byId("accounts-table");
    setTableMessage(table, "Loading…");
    runCard("card-accounts", async () => {
      let answer;
      try {
        answer = await api("/api/accounts?days=30&sort=events&limit=25");
      } catch (error) {
        if (!isIgnorable(error)) setTableMessage(table, "Could not load accounts", "error");
        throw error;
      }
      const accounts = (answer && answer.accounts) || [];
      if (accounts.length === 0) { setTableMessage(table, "No accounts yet"); setAccountsCaption(table, ""); return; }
      const body = tableBody(table);
      clearNode(body);
      for (const account of accounts) body.append(accountRow(account));
      setAccountsCaption(table, "Showing " + formatNumber(accounts.length) + " of " + formatNumber(answer.total) + " accounts");
    });
  }

  function setAccountsCaption(table, text) {
    const caption = table.caption || table.createCaption();
    caption.textContent = text;
  }

  // ---------------------------------------------------------------- start-up

  function bindControls() {
    byId("login-form").addEventListener("submit", onLoginSubmit);
    byId("logout-button").addEventListener("click", logout);
    byId("range-select").addEventListener("change", loadActiveUsers);
    byId("breakdown-select").addEventListener("change", loadActiveUsers);
    byId("funnel-add-step").addEventListener("click", addFunnelStep);
    byId("funnel-run").addEventListener("click", runFunnel);
    byId("retention-run").addEventListener("click", runRetention);
    byId("segment-rule").addEventListener("input", () => scheduleSegmentEstimate(SEGMENT_DEBOUNCE_MS));
  }

  function init() {
    bindControls();
    byId("segment-rule").value = JSON.stringify(SEGMENT_EXAMPLE, null, 2);
    resetFunnel();
    const stored = readStoredKey();
    if (stored) {
      enterApp(stored, null);
    } else {
      byId("app").hidden = true;
      byId("login-view").hidden = false;
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})(window, document);
