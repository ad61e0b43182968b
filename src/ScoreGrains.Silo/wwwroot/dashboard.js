// ScoreGrains live dashboard: plain JS, push only (Server-Sent Events), nothing fetched from outside this silo.
"use strict";

const MAX_ROWS = 200;
const palette = ["#f85149", "#db6d28", "#d29922", "#3fb950", "#2ea043", "#58a6ff", "#a371f7"];
const $ = (id) => document.getElementById(id);
const fmt = (n, digits = 1) => Number(n).toFixed(digits);
const time = (t) => new Date(t).toLocaleTimeString();

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

// --- the API key -----------------------------------------------------------------------------------
// A silo in keys mode answers the dashboard's data only to a reader key. The page asks for one when the silo says
// 401/403, and keeps it in session storage: gone when the tab closes, never in a URL, a cookie or local storage.
const KEY_ITEM = "scoregrains.key";
let apiKey = sessionStorage.getItem(KEY_ITEM);

function headers(extra = {}) {
  return apiKey ? { ...extra, Authorization: `Bearer ${apiKey}` } : extra;
}

const api = (path) => fetch(path, { headers: headers(), cache: "no-store" });

function closeStreams() {
  streams.forEach((s) => s.close());
  streams.length = 0;
}

function askForKey(status) {
  closeStreams();
  setStatus("locked");
  $("key-form").hidden = false;
  $("key-message").textContent = apiKey === null ? "This silo needs a reader key."
    : status === 403 ? "That key does not hold the reader role."
    : "That key was not accepted (unknown or revoked).";
  $("key-input").focus();
}

$("key-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const entered = $("key-input").value.trim();
  if (!entered) return;
  apiKey = entered;
  start();
});

$("forget-key").addEventListener("click", () => {
  sessionStorage.removeItem(KEY_ITEM);
  apiKey = null;
  start();
});

// --- streams ---------------------------------------------------------------------------------------
// EventSource cannot send an Authorization header, so streams are read with fetch and parsed here (the
// text/event-stream format: event, data, id, retry). The key goes in the header like every other call; a ticket
// in the URL would land in access logs. Reconnects send Last-Event-ID, so the server replays what was missed.
const streams = [];

function openStream(path, handlers, onState = () => {}) {
  let lastId = null;
  let retry = 1000;
  let controller = null;
  let closed = false;

  async function run() {
    while (!closed) {
      controller = new AbortController();
      try {
        const extra = { Accept: "text/event-stream" };
        if (lastId !== null) extra["Last-Event-ID"] = lastId;
        const response = await fetch(path, { headers: headers(extra), signal: controller.signal, cache: "no-store" });
        if (response.status === 401 || response.status === 403) return askForKey(response.status);
        if (response.status >= 400 && response.status < 500) return onState("failed", response.status);
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        onState("open");
        await readEvents(response.body, (event) => {
          if (event.id !== null) lastId = event.id;
          if (event.retry !== null) retry = event.retry;
          if (event.data !== null && handlers[event.type]) handlers[event.type](JSON.parse(event.data));
        });
      } catch {
        // A dropped connection or a server restart: try again below.
      }

      if (closed) return;
      onState("connecting");
      await new Promise((resolve) => setTimeout(resolve, retry));
    }
  }

  run();
  const stream = { close() { closed = true; controller?.abort(); } };
  streams.push(stream);
  return stream;
}

async function readEvents(body, dispatch) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let event = { type: "message", data: null, id: null, retry: null };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, end).replace(/\r$/, "");
      buffer = buffer.slice(end + 1);
      if (line === "") {
        dispatch(event);
        event = { type: "message", data: null, id: null, retry: null };
        continue;
      }

      if (line.startsWith(":")) continue; // a keep-alive comment
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event.type = text;
      else if (field === "data") event.data = event.data === null ? text : `${event.data}\n${text}`;
      else if (field === "id") event.id = text;
      else if (field === "retry" && /^\d+$/.test(text)) event.retry = Number(text);
    }
  }
}

// --- crossings -------------------------------------------------------------------------------------
let crossingCount = 0;

function addCrossing(c) {
  const row = document.createElement("tr");
  row.className = "fresh";
  row.dataset.sequence = c.sequence;
  row.dataset.subject = `${c.kind}/${c.id}`;
  const subject = el("td", `${c.kind}/${c.id}`, "subject-link");
  subject.addEventListener("click", () => openSubject(c.kind, c.id));
  const direction = c.newScore >= c.oldScore ? "up" : "down";
  const reasons = (c.reasons || []).slice(0, 2).map((r) => `${r.description} (${fmt(r.impact)})`).join("; ");
  row.append(
    el("td", c.sequence),
    el("td", time(c.recordedAt)),
    subject,
    el("td", `${c.oldBand} → ${c.newBand}`, `band-change ${direction}`),
    el("td", `${fmt(c.oldScore)} → ${fmt(c.newScore)}`, direction),
    el("td", reasons));
  const body = $("crossings").tBodies[0];
  body.prepend(row);
  while (body.rows.length > MAX_ROWS) body.deleteRow(-1);
  crossingCount++;
  $("crossing-count").textContent = `(${crossingCount} since opened)`;
}

function followCrossings() {
  openStream("/v1/crossings/stream", { crossing: addCrossing }, (state) => setStatus(state === "open" ? "live" : state === "failed" ? "down" : state));
}

function setStatus(state) {
  const s = $("status");
  s.dataset.state = state;
  s.textContent = state;
}

// --- figures ---------------------------------------------------------------------------------------
function showStats(stats) {
  const kinds = stats.kinds || [];
  $("ingest-rate").textContent = fmt(kinds.reduce((a, k) => a + k.signalsPerSecond, 0), 0);
  $("crossing-rate").textContent = fmt(kinds.reduce((a, k) => a + k.crossingsPerSecond, 0), 0);
  $("silos").textContent = stats.silos;
  const root = $("distribution");
  root.replaceChildren(...kinds.map(kindBars));
}

function kindBars(kind) {
  const total = kind.bands.reduce((a, b) => a + b.subjects, 0);
  const box = el("div", undefined, "kind");
  box.dataset.kind = kind.kind;
  box.append(el("div", `${kind.kind} · ${total} active · ${fmt(kind.signalsPerSecond, 0)} signals/s · ${kind.crossings} crossings`, "legend"));
  const bars = el("div", undefined, "bars");
  kind.bands.forEach((b, i) => {
    if (b.subjects === 0) return;
    const bar = el("div", `${b.band} ${b.subjects}`);
    bar.style.width = `${(100 * b.subjects) / total}%`;
    bar.style.background = palette[Math.round((i * (palette.length - 1)) / Math.max(1, kind.bands.length - 1))];
    bar.title = `${b.band}: ${b.subjects}`;
    bars.append(bar);
  });
  box.append(bars);
  return box;
}

function followStats() {
  openStream("/v1/stats/stream", { stats: showStats });
}

// --- one subject -----------------------------------------------------------------------------------
let subjectSource = null;

async function openSubject(kind, id) {
  $("search-kind").value = kind;
  $("search-id").value = id;
  if (subjectSource) subjectSource.close();
  $("subject").hidden = true;
  $("subject-message").textContent = "";
  subjectSource = openStream(
    `/v1/subjects/${encodeURIComponent(kind)}/${encodeURIComponent(id)}/stream`,
    { subject: showSubject, score: moveScore },
    (state) => { if (state === "failed") $("subject-message").textContent = `could not follow ${kind}/${id}`; });
  loadHistory(kind, id);
}

function showSubject(s) {
  $("subject").hidden = false;
  $("subject-key").textContent = `${s.kind}/${s.id}`;
  $("subject-score").textContent = fmt(s.score);
  $("subject-band").textContent = s.band;
  $("subject-model").textContent = s.modelVersion;
  $("subject-signals").textContent = s.signalCount;
  const dims = $("subject-dimensions").tBodies[0];
  dims.replaceChildren(...s.dimensions.map((d) => {
    const r = document.createElement("tr");
    r.append(el("td", d.name), el("td", `${fmt(d.points)} / ${fmt(d.cap, 0)}`), el("td", fmt(d.weight, 2)), el("td", fmt(d.contribution)));
    return r;
  }));
  $("subject-reasons").replaceChildren(...s.reasons.map((r) => el("li", `${r.code}: ${r.description} (${fmt(r.impact)})`)));
}

function moveScore(change) {
  $("subject-score").textContent = fmt(change.newScore);
  $("subject-band").textContent = change.band;
  const signals = Number($("subject-signals").textContent);
  if (!Number.isNaN(signals)) $("subject-signals").textContent = signals + 1;
  historyRow({ recordedAt: change.recordedAt, signalType: change.signalType, scoreBefore: change.oldScore, scoreAfter: change.newScore, bandAfter: change.band }, true);
}

function historyRow(h, fresh) {
  const r = document.createElement("tr");
  if (fresh) r.className = "fresh";
  r.append(el("td", time(h.recordedAt)), el("td", h.signalType),
    el("td", `${fmt(h.scoreBefore)} → ${fmt(h.scoreAfter)}`, h.scoreAfter >= h.scoreBefore ? "up" : "down"), el("td", h.bandAfter));
  const body = $("subject-history").tBodies[0];
  if (fresh) body.prepend(r); else body.append(r);
  while (body.rows.length > 20) body.deleteRow(-1);
}

async function loadHistory(kind, id) {
  $("subject-history").tBodies[0].replaceChildren();
  try {
    const response = await api(`/v1/subjects/${encodeURIComponent(kind)}/${encodeURIComponent(id)}/history?limit=20`);
    if (!response.ok) return;
    const json = await response.json();
    const entries = Array.isArray(json) ? json : (json.entries || json.items || []);
    entries.forEach((h) => historyRow(h, false));
  } catch {
    // History is optional on this page.
  }
}

$("search").addEventListener("submit", (e) => {
  e.preventDefault();
  const id = $("search-id").value.trim();
  if (id) openSubject($("search-kind").value, id);
});

// Checks the key (or that none is needed) once, then follows the streams.
async function start() {
  closeStreams();
  setStatus("connecting");
  let probe;
  try {
    probe = await api("/v1/stats");
  } catch {
    setStatus("down");
    setTimeout(start, 2000);
    return;
  }

  if (probe.status === 401 || probe.status === 403) return askForKey(probe.status);
  if (apiKey) sessionStorage.setItem(KEY_ITEM, apiKey);
  $("key-form").hidden = true;
  $("key-input").value = "";
  $("forget-key").hidden = !apiKey;
  followCrossings();
  followStats();

  // The Orleans Dashboard is served only when the silo was started with it (it costs CPU on every grain call).
  api("/orleans/version").then((r) => { if (r.ok) $("orleans-link").hidden = false; }).catch(() => {});
}

start();
