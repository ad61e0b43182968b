// ScoreGrains live dashboard: plain JS, push only (EventSource), nothing fetched from outside this silo.
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
  // The browser reconnects by itself and sends Last-Event-ID: the server replays what was missed.
  const source = new EventSource("/v1/crossings/stream");
  source.addEventListener("open", () => setStatus("live"));
  source.addEventListener("error", () => setStatus(source.readyState === EventSource.CLOSED ? "down" : "connecting"));
  source.addEventListener("crossing", (e) => addCrossing(JSON.parse(e.data)));
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
  const source = new EventSource("/v1/stats/stream");
  source.addEventListener("stats", (e) => showStats(JSON.parse(e.data)));
}

// --- one subject -----------------------------------------------------------------------------------
let subjectSource = null;

async function openSubject(kind, id) {
  $("search-kind").value = kind;
  $("search-id").value = id;
  if (subjectSource) subjectSource.close();
  $("subject").hidden = true;
  $("subject-message").textContent = "";
  subjectSource = new EventSource(`/v1/subjects/${encodeURIComponent(kind)}/${encodeURIComponent(id)}/stream`);
  subjectSource.addEventListener("subject", (e) => showSubject(JSON.parse(e.data)));
  subjectSource.addEventListener("score", (e) => moveScore(JSON.parse(e.data)));
  subjectSource.addEventListener("error", () => {
    if (subjectSource.readyState === EventSource.CLOSED) $("subject-message").textContent = `could not follow ${kind}/${id}`;
  });
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
    const response = await fetch(`/v1/subjects/${encodeURIComponent(kind)}/${encodeURIComponent(id)}/history?limit=20`);
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

// The Orleans Dashboard is served only when the silo was started with it (it costs CPU on every grain call).
fetch("/orleans/version").then((r) => { if (r.ok) $("orleans-link").hidden = false; }).catch(() => {});

followCrossings();
followStats();
