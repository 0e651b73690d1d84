// The loopgate dashboard: one EventSource on /api/v1/stream feeds everything; only an open Output panel polls (its
// command's log, once a second).
"use strict";

const MAX_ROWS = 500;
const state = { services: [], requests: [], signedIn: false, selected: null, logs: {} };
const $ = (id) => document.getElementById(id);

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.entries(props || {}).forEach(([k, v]) => {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("data-") || k.startsWith("aria-")) node.setAttribute(k, v);
    else node[k] = v;
  });
  children.flat().forEach((c) => c != null && node.append(c));
  return node;
}

function millis(v) {
  if (v == null) return "–";
  return v < 10 ? v.toFixed(1) + " ms" : v < 1000 ? Math.round(v) + " ms" : (v / 1000).toFixed(2) + " s";
}

function clock(iso) {
  return new Date(iso).toLocaleTimeString([], { hour12: false });
}

function statusText(r) {
  return r.status === 0 ? "broken" : String(r.status);
}

// Services ------------------------------------------------------------------------------------------------------

function renderServices(data) {
  state.services = data.services;
  $("config").textContent = data.config ? "config " + data.config : "";
  $("config-error").hidden = !data.config_error;
  $("config-error-text").textContent = data.config_error || "";
  const notices = data.notices || [];
  $("notices").hidden = notices.length === 0;
  $("notices-list").replaceChildren(...notices.map((n) => el("li", { text: n })));
  $("no-services").hidden = data.services.length > 0;
  $("services").hidden = data.services.length === 0;
  const body = $("services").tBodies[0];
  body.replaceChildren(...data.services.map(serviceRow));
  updateServiceFilter();
}

function serviceRow(s) {
  const urls = el("td", { class: "url" }, s.urls.map((u) => el("div", {}, el("a", { href: u, text: u }))));
  const backends = el("td", {}, s.process ? processLines(s) : [], s.backends.map((b) => backendLine(s, b)));
  const st = s.stats || {};
  const errors = st.requests ? Math.round(st.error_ratio * 1000) / 10 + "%" : "–";
  return el("tr", { "data-service": s.name },
    el("th", { scope: "row" }, s.name, el("div", { class: "muted", text: s.source })),
    urls, backends,
    el("td", { class: "num", text: st.requests ? String(st.per_second) : "–" }),
    el("td", { class: "num" + (st.error_ratio > 0 ? " status-5" : ""), text: errors }),
    el("td", { class: "num", text: millis(st.p95_ms) }));
}

function backendLine(service, b) {
  const line = el("div", { class: "backend", "data-backend": b.id },
    el("span", { class: "health " + b.health, text: b.health, title: b.last_check ? "checked " + clock(b.last_check) : "not checked yet" }),
    el("code", { text: b.url }),
    el("span", { class: "muted", text: b.source + (b.latency_ms != null ? " · " + millis(b.latency_ms) : "") }));
  if (b.source === "api") {
    const remove = el("button", { type: "button", class: "remove", text: "Remove",
      "aria-label": "Remove backend " + b.id + " of " + service.name, disabled: !state.signedIn,
      title: state.signedIn ? "Unregister this backend" : "Sign in with 'loopgate dashboard' to change things" });
    remove.addEventListener("click", () => change("DELETE",
      "/api/v1/services/" + encodeURIComponent(service.name) + "/backends/" + encodeURIComponent(b.id),
      "removed " + b.id));
    line.append(remove);
  }
  if (b.last_error && b.health !== "up") line.append(el("span", { class: "error-text", text: b.last_error }));
  return line;
}

// A command loopgate runs: its state, start/stop, and its output while the panel is open (fetched each second, as
// it is written; the panel survives the re-rendering of the table).
function processLines(s) {
  const p = s.process;
  const what = p.state + (p.pid ? " · pid " + p.pid : "") + " · port " + p.port
    + (p.restarts ? " · " + p.restarts + " restart" + (p.restarts > 1 ? "s" : "") : "")
    + (p.exit_code != null ? " · last exit " + p.exit_code : "");
  const line = el("div", { class: "backend process", "data-process": s.name },
    el("span", { class: "health " + (p.state === "running" ? "up" : p.state === "crashed" ? "down" : "unknown"), text: p.state }),
    el("code", { text: p.command, title: what }),
    el("span", { class: "muted", text: what }));
  const running = p.state === "running" || p.state === "starting";
  const act = el("button", { type: "button", class: "remove", text: running ? "Stop" : "Start", disabled: !state.signedIn,
    title: state.signedIn ? "" : "Sign in with 'loopgate dashboard' to change things" });
  act.addEventListener("click", () => change("POST", "/api/v1/services/" + encodeURIComponent(s.name) + (running ? "/stop" : "/start"),
    (running ? "stopping " : "starting ") + s.name));
  line.append(act);
  if (p.problem) line.append(el("span", { class: "error-text", text: p.problem }));
  const log = state.logs[s.name] || (state.logs[s.name] = { open: false, next: 0, lines: [] });
  const pre = el("pre", { class: "output", "data-output": s.name, text: log.lines.join("\n") });
  const details = el("details", { open: log.open }, el("summary", { text: "Output" }), pre);
  details.addEventListener("toggle", () => { log.open = details.open; if (log.open) followOutput(s.name); });
  return [line, details];
}

async function followOutput(name) {
  const log = state.logs[name];
  while (log.open) {
    const res = await fetch("/api/v1/services/" + encodeURIComponent(name) + "/logs?" + (log.next ? "after=" + log.next : "n=200"));
    if (res.ok) {
      const body = await res.json();
      log.lines = log.lines.concat(body.lines.map((l) => (l.stream === "loopgate" ? "[loopgate] " : "") + l.text)).slice(-1000);
      log.next = body.next;
      const pre = document.querySelector('pre[data-output="' + CSS.escape(name) + '"]');
      if (pre && body.lines.length) { pre.textContent = log.lines.join("\n"); pre.scrollTop = pre.scrollHeight; }
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function updateServiceFilter() {
  const select = $("filter-service");
  const names = new Set(state.services.map((s) => s.name));
  state.requests.forEach((r) => names.add(r.service));
  const current = select.value;
  const options = [...names].filter(Boolean).sort();
  const existing = [...select.options].slice(1).map((o) => o.value);
  if (existing.join() === options.join()) return;
  select.replaceChildren(el("option", { value: "", text: "all" }), ...options.map((n) => el("option", { value: n, text: n })));
  select.value = current;
}

// Requests ------------------------------------------------------------------------------------------------------

function matches(r) {
  const service = $("filter-service").value;
  const status = $("filter-status").value;
  return (!service || r.service === service) && (!status || Math.floor(r.status / 100) + "xx" === status);
}

function requestRow(r) {
  const row = el("tr", { tabIndex: 0, "data-id": r.id, "aria-selected": String(state.selected === r.id) },
    el("td", { class: "muted", text: clock(r.time) }),
    el("td", { text: r.method }),
    el("td", { class: "url", text: r.host + r.path }),
    el("td", { class: "num status-" + Math.floor(r.status / 100), text: statusText(r) }),
    el("td", { class: "num", text: millis(r.duration_ms) }),
    el("td", { class: "muted", text: r.backend && r.backend !== "-" ? r.service + " → " + r.backend : r.service }));
  row.addEventListener("click", () => showDetail(r.id));
  row.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); showDetail(r.id); } });
  return row;
}

function addRequests(list) {
  state.requests = list.slice().reverse().concat(state.requests).slice(0, MAX_ROWS);
  renderRequests();
  updateServiceFilter();
}

function renderRequests() {
  const shown = state.requests.filter(matches);
  $("requests").tBodies[0].replaceChildren(...shown.map(requestRow));
  $("no-requests").hidden = shown.length > 0;
  $("no-requests").textContent = state.requests.length ? "No requests match the filter." : "No requests yet. Open one of the URLs above.";
}

async function showDetail(id) {
  state.selected = id;
  renderRequests();
  const res = await fetch("/api/v1/requests/" + id);
  const panel = $("detail");
  if (!res.ok) {
    $("detail-title").textContent = "Request " + id + " is no longer recorded";
    $("detail-summary").replaceChildren();
    fillHeaders("detail-request-headers", []);
    fillHeaders("detail-response-headers", []);
    panel.hidden = false;
    return;
  }
  const r = await res.json();
  $("detail-title").textContent = r.method + " " + r.host + r.path;
  const rows = [
    ["Status", statusText(r) + (r.aborted ? " (broken off)" : "")],
    ["Service", r.service], ["Backend", r.backend || "–"], ["Client", r.client], ["Time", new Date(r.time).toLocaleString()],
    ["Connect", millis(r.connect_ms)], ["First byte", millis(r.ttfb_ms)], ["Total", millis(r.duration_ms)],
    ["Bytes in / out", r.bytes_in + " / " + r.bytes_out],
  ];
  $("detail-summary").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]));
  fillHeaders("detail-request-headers", r.request_headers);
  fillHeaders("detail-response-headers", r.response_headers);
  panel.hidden = false;
}

function fillHeaders(id, headers) {
  $(id).tBodies[0].replaceChildren(...headers.map(([k, v]) => el("tr", {}, el("td", { text: k }), el("td", { class: "mono", text: v }))));
}

// Changes and sign-in -------------------------------------------------------------------------------------------

async function change(method, path, done) {
  const res = await fetch(path, { method, credentials: "same-origin" });
  if (res.ok) {
    say(done);
  } else {
    const body = await res.json().catch(() => ({}));
    say(res.status === 401 ? "sign in first: run 'loopgate dashboard'" : body.error || "failed: " + res.status);
  }
}

function say(text) {
  $("action-message").textContent = text;
}

async function loadSession() {
  const res = await fetch("/api/v1/session");
  state.signedIn = res.ok && (await res.json()).signed_in;
  $("session-text").textContent = state.signedIn ? "signed in" : "read only · run 'loopgate dashboard' to sign in";
  $("sign-out").hidden = !state.signedIn;
  $("clear").disabled = !state.signedIn;
  $("clear").title = state.signedIn ? "" : "Sign in with 'loopgate dashboard' to clear";
  if (state.services.length) renderServices({ ...lastServices });
}

let lastServices = null;

function connect() {
  const events = new EventSource("/api/v1/stream");
  const live = $("live");
  events.onopen = () => { live.dataset.state = "live"; live.textContent = "live"; };
  events.onerror = () => { live.dataset.state = "down"; live.textContent = "gateway unreachable, retrying…"; };
  events.addEventListener("services", (e) => { lastServices = JSON.parse(e.data); renderServices(lastServices); });
  events.addEventListener("requests", (e) => addRequests(JSON.parse(e.data).requests));
  events.addEventListener("cleared", () => { state.requests = []; renderRequests(); });
}

document.addEventListener("DOMContentLoaded", () => {
  $("filter-service").addEventListener("change", renderRequests);
  $("filter-status").addEventListener("change", renderRequests);
  $("clear").addEventListener("click", () => change("DELETE", "/api/v1/requests", "cleared"));
  $("detail-close").addEventListener("click", () => { $("detail").hidden = true; state.selected = null; renderRequests(); });
  $("sign-out").addEventListener("click", async () => {
    await fetch("/api/v1/session", { method: "DELETE" });
    loadSession();
  });
  loadSession();
  connect();
});
