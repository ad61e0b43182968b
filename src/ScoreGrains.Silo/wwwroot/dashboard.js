// ScoreGrains live dashboard: plain JS, live data by push (Server-Sent Events), nothing fetched from outside this silo.
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
// The subject page: the score now, its timeline (the journal, read newest page first, extended by the subject stream's
// score changes), its principal reasons and its disputes. Entries are keyed by their journal position (seq), so a
// change seen both on the stream and in a history page is drawn once.
const HISTORY_PAGE = 100;
const MAX_POINTS = 1000; // live changes beyond this drop the oldest points ("older entries" reads them again)
const TABLE_ROWS = 20;
const SVG_NS = "http://www.w3.org/2000/svg";
let subject = null; // the open subject: { kind, id, path, stream, entries, more, disputes, rereadAt, rereading }

const subjectPath = (kind, id) => `/v1/subjects/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`;
const scorePoints = (n) => `${fmt(Math.abs(n))} point${fmt(Math.abs(n)) === "1.0" ? "" : "s"}`;

function when(t) {
  if (!t) return "";
  const d = new Date(t);
  return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
}

function openSubject(kind, id) {
  $("search-kind").value = kind;
  $("search-id").value = id;
  if (subject) subject.stream.close();
  const current = { kind, id, path: subjectPath(kind, id), entries: new Map(), more: false, disputes: [], rereadAt: 0, rereading: false };
  subject = current;
  $("subject").hidden = true;
  $("subject").dataset.disputes = "loading";
  $("subject-message").textContent = "";
  $("subject-open-disputes").hidden = true;
  $("subject-reasons").replaceChildren();
  $("dispute-message").textContent = "";
  $("dispute-form").reset();
  $("subject-disputes").tBodies[0].replaceChildren();
  $("subject-disputes").hidden = true;
  $("disputes-none").hidden = true;
  showEntries(current);
  // Each `subject` event (the first, and one after every reconnect) comes after the stream's watch is in place, so the
  // history read then misses no change: whatever happened between the two arrives as a `score` event.
  current.stream = openStream(`${current.path}/stream`,
    {
      subject: (s) => { showSubject(s); loadHistory(current); },
      score: (change) => moveScore(current, change),
      dispute: () => { loadDisputes(current); rereadSoon(current); }, // opened or resolved, here or anywhere else
    },
    (state) => { if (state === "failed") $("subject-message").textContent = `could not follow ${kind}/${id}`; });
  readSubject(current);
  loadDisputes(current);
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
  showReasons(s.reasons || []);
  if (typeof s.openDisputes === "number") {
    const open = $("subject-open-disputes");
    open.hidden = s.openDisputes === 0;
    open.textContent = `${s.openDisputes} open dispute${s.openDisputes === 1 ? "" : "s"}`;
  }
}

function showReasons(reasons) {
  const list = $("subject-reasons");
  if (reasons.length === 0) {
    list.replaceChildren(el("li", "None: no signal moves this score now.", "muted"));
    return;
  }

  list.replaceChildren(...reasons.map((r) => {
    const li = el("li");
    li.dataset.code = r.code;
    const effect = r.impact >= 0 ? `raises the score by ${scorePoints(r.impact)}` : `lowers the score by ${scorePoints(r.impact)}`;
    li.append(el("span", r.description), " ", el("span", effect, r.impact >= 0 ? "up" : "down"), " ",
      el("span", r.signalId ? `${r.code} · signal ${r.signalId}` : r.code, "muted"));
    return li;
  }));
}

// The subject read carries what the stream's score changes do not: the principal reasons now and openDisputes. It is
// read again after changes, at most once a second (each read of a named subject is an audit event).
async function readSubject(current) {
  current.rereadAt = Date.now();
  try {
    const response = await api(current.path);
    if (subject === current && response.ok) showSubject(await response.json());
  } catch {
    // The stream still shows the score.
  }
}

function rereadSoon(current) {
  if (current.rereading) return;
  current.rereading = true;
  setTimeout(async () => {
    current.rereading = false;
    if (subject === current) await readSubject(current);
  }, Math.max(0, current.rereadAt + 1000 - Date.now()));
}

function moveScore(current, change) {
  $("subject-score").textContent = fmt(change.newScore);
  $("subject-band").textContent = change.band;
  const signals = Number($("subject-signals").textContent);
  if (!current.entries.has(change.journalSeq) && !Number.isNaN(signals)) $("subject-signals").textContent = signals + 1;
  current.entries.set(change.journalSeq, {
    seq: change.journalSeq, signalId: change.signalId, signalType: change.signalType, scoreBefore: change.oldScore,
    scoreAfter: change.newScore, bandAfter: change.band, recordedAt: change.recordedAt, fresh: true,
  });
  if (current.entries.size > MAX_POINTS) {
    current.entries.delete(Math.min(...current.entries.keys()));
    current.more = true;
  }

  showEntries(current);
  rereadSoon(current);
}

const historyPage = (current, before) =>
  api(`${current.path}/history?limit=${HISTORY_PAGE}${before === undefined ? "" : `&before=${before}`}`);

// The newest page; entries newer than it (changes that came on the stream meanwhile) are kept.
async function loadHistory(current) {
  try {
    const response = await historyPage(current);
    if (subject !== current || !response.ok) return;
    const page = await response.json();
    const newest = page.entries.length ? page.entries[0].seq : -1;
    const kept = [...current.entries.values()].filter((e) => e.seq > newest);
    current.entries = new Map([...page.entries, ...kept].map((e) => [e.seq, e]));
    current.more = page.before !== null && page.before !== undefined;
    showEntries(current);
  } catch {
    // The timeline then shows the live changes only.
  }
}

async function loadOlder(current) {
  if (current.entries.size === 0) return;
  try {
    const response = await historyPage(current, Math.min(...current.entries.keys()));
    if (subject !== current || !response.ok) return;
    const page = await response.json();
    page.entries.forEach((e) => current.entries.set(e.seq, e));
    current.more = page.before !== null && page.before !== undefined;
    showEntries(current);
  } catch {
    // Try again with the button.
  }
}

const journalOrder = (current) => [...current.entries.values()].sort((a, b) => a.seq - b.seq);

function showEntries(current) {
  const entries = journalOrder(current);
  drawTimeline(entries);
  $("timeline-older").hidden = !current.more;
  const disputed = new Map([...current.disputes].reverse().map((d) => [d.signalId, d])); // the newest dispute of each signal
  const body = $("subject-history").tBodies[0];
  body.replaceChildren(...entries.slice(-TABLE_ROWS).reverse().map((h) => historyRow(h, disputed.get(h.signalId))));
  entries.forEach((h) => { h.fresh = false; });
}

function historyRow(h, dispute) {
  const r = document.createElement("tr");
  if (h.fresh) r.className = "fresh";
  r.dataset.seq = h.seq;
  r.dataset.signalId = h.signalId;
  const action = el("td");
  if (dispute) action.append(el("span", dispute.status, `dispute-status ${dispute.status}`), " ");
  // The journal's own entries ($retraction) are no signal to contest, and a retracted signal no longer counts.
  if (!h.signalType.startsWith("$") && (!dispute || dispute.status === "upheld")) {
    const button = el("button", "Dispute", "dispute-open");
    button.type = "button";
    button.addEventListener("click", () => {
      $("dispute-signal").value = h.signalId;
      $("dispute-reason").focus();
    });
    action.append(button);
  }

  const signal = h.signalType === "$retraction" ? `retraction of ${h.signalId.replace(/^\$retraction:/, "")}` : h.signalType;
  r.append(el("td", when(h.recordedAt)), el("td", signal),
    el("td", `${fmt(h.scoreBefore)} → ${fmt(h.scoreAfter)}`, h.scoreAfter >= h.scoreBefore ? "up" : "down"), el("td", h.bandAfter), action);
  return r;
}

function svg(tag, attributes, text) {
  const e = document.createElementNS(SVG_NS, tag);
  Object.entries(attributes).forEach(([name, value]) => e.setAttribute(name, value));
  if (text !== undefined) e.textContent = text;
  return e;
}

// One point per journal entry, in journal order and evenly spaced (a burst of signals stays readable); the line starts
// at the oldest entry's score before it.
function drawTimeline(entries) {
  const box = $("subject-timeline");
  if (entries.length === 0) {
    box.replaceChildren(el("p", "No journal entries.", "muted"));
    return;
  }

  const width = Math.max(320, box.clientWidth); // drawn at the box's own width: text keeps its size
  const [height, left, right, top, bottom] = [170, 44, 12, 10, 22];
  const scores = [entries[0].scoreBefore, ...entries.map((e) => e.scoreAfter)];
  let lo = Math.min(...scores);
  let hi = Math.max(...scores);
  if (hi - lo < 10) [lo, hi] = [(lo + hi) / 2 - 5, (lo + hi) / 2 + 5];
  const x = (i) => left + (i * (width - left - right)) / entries.length;
  const y = (s) => top + ((hi - s) * (height - top - bottom)) / (hi - lo);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `score over ${entries.length} journal entries` });
  [hi, lo].forEach((s) => chart.append(
    svg("line", { x1: left, x2: width - right, y1: y(s), y2: y(s), class: "grid" }),
    svg("text", { x: left - 4, y: y(s) + 4, "text-anchor": "end" }, fmt(s, 0))));
  chart.append(svg("polyline", { points: scores.map((s, i) => `${x(i)},${y(s)}`).join(" "), class: "score-line" }));
  entries.forEach((e, i) => {
    const before = i === 0 ? e.bandBefore : entries[i - 1].bandAfter;
    const dot = svg("circle", {
      cx: x(i + 1), cy: y(e.scoreAfter), r: 3.5,
      class: `${e.scoreAfter >= e.scoreBefore ? "up" : "down"}${before && before !== e.bandAfter ? " crossing" : ""}`,
      "data-seq": e.seq, "data-signal-id": e.signalId, "data-score": fmt(e.scoreAfter),
    });
    dot.append(svg("title", {}, `${when(e.recordedAt)} · ${e.signalType} · ${fmt(e.scoreBefore)} → ${fmt(e.scoreAfter)} (${e.bandAfter})`));
    chart.append(dot);
  });
  chart.append(
    svg("text", { x: left, y: height - 6 }, when(entries[0].recordedAt)),
    svg("text", { x: width - right, y: height - 6, "text-anchor": "end" }, when(entries[entries.length - 1].recordedAt)));
  box.replaceChildren(chart);
}

// --- a subject's disputes --------------------------------------------------------------------------
// A silo without the disputes API answers 404 for its route: the section then says so and offers no button.
async function loadDisputes(current) {
  let response;
  try {
    response = await api(`${current.path}/disputes`);
  } catch {
    response = null;
  }

  if (subject !== current) return;
  if (!response || !response.ok) {
    $("subject").dataset.disputes = "unavailable";
    $("disputes-unavailable").textContent = !response ? "Disputes could not be read (the silo did not answer)."
      : response.status === 404 ? "Disputes are not available on this silo."
      : response.status === 401 || response.status === 403 ? "This key may not read disputes."
      : `Disputes could not be read (HTTP ${response.status}).`;
    return;
  }

  current.disputes = (await response.json()).disputes || [];
  if (subject !== current) return;
  $("subject").dataset.disputes = "available";
  $("subject-disputes").tBodies[0].replaceChildren(...current.disputes.map(disputeRow));
  $("subject-disputes").hidden = current.disputes.length === 0;
  $("disputes-none").hidden = current.disputes.length > 0;
  showEntries(current);
}

function disputeRow(d) {
  const r = document.createElement("tr");
  r.dataset.id = d.id;
  r.dataset.signalId = d.signalId;
  r.dataset.status = d.status;
  const status = el("td", d.overdue ? `${d.status}, overdue` : d.status, `dispute-status ${d.status}${d.overdue ? " overdue" : ""}`);
  const resolution = d.resolvedAt ? `${when(d.resolvedAt)} by ${d.resolvedBy}${d.note ? `: ${d.note}` : ""}` : "";
  r.append(el("td", when(d.openedAt)), el("td", d.signalId), el("td", d.reason), status, el("td", when(d.dueAt)), el("td", resolution));
  return r;
}

// Problem details as one line: the title, then each field the validation names.
async function problemText(response) {
  try {
    const problem = await response.json();
    const fields = Object.entries(problem.errors || {}).map(([field, messages]) => `${field}: ${[].concat(messages).join(" ")}`);
    return [problem.title, problem.detail, ...fields].filter(Boolean).join(" · ") || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

async function openDispute(current, signalId, reason) {
  const message = $("dispute-message");
  message.textContent = "opening…";
  let response;
  try {
    response = await fetch(`${current.path}/disputes`, {
      method: "POST",
      headers: headers({ "Content-Type": "application/json" }),
      body: JSON.stringify({ signalId, reason }),
      cache: "no-store",
    });
  } catch {
    message.textContent = "The silo did not answer; the dispute may not be open.";
    return;
  }

  if (subject !== current) return;
  if (response.status === 201 || response.status === 200) {
    const d = await response.json();
    message.textContent = response.status === 201 ? `Dispute opened on signal ${d.signalId}, due ${when(d.dueAt)}.`
      : `Signal ${d.signalId} already has an open dispute (opened ${when(d.openedAt)}).`;
    $("dispute-form").reset();
    await Promise.all([loadDisputes(current), readSubject(current)]);
  } else {
    message.textContent = response.status === 401 || response.status === 403 ? "This key may not open disputes."
      : await problemText(response);
  }
}

$("dispute-form").addEventListener("submit", (e) => {
  e.preventDefault();
  if (subject) openDispute(subject, $("dispute-signal").value.trim(), $("dispute-reason").value.trim());
});

$("timeline-older").addEventListener("click", () => { if (subject) loadOlder(subject); });
window.addEventListener("resize", () => { if (subject) drawTimeline(journalOrder(subject)); });

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
