// The DDL dashboard page: state from /api/state and the server-sent events of /api/events.
"use strict";

const $ = (id) => document.getElementById(id);
const fmt = {
  bytes(n) {
    if (n == null) return "–";
    const u = ["B", "KiB", "MiB", "GiB", "TiB"]; let i = 0;
    while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return (i ? n.toFixed(1) : n) + " " + u[i];
  },
  secs(s) {
    if (s == null) return "–";
    s = Math.round(s);
    if (s < 60) return s + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
    return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
  },
  num(n, digits) { return n == null ? "–" : Number(n).toLocaleString("en", { maximumFractionDigits: digits || 0 }); },
  pct(r) { return r == null ? "–" : (100 * r).toFixed(0) + " %"; },
};
const text = (s) => { const t = document.createElement("span"); t.textContent = s == null ? "–" : String(s); return t.innerHTML; };

// --- charts (uPlot) ---
function chart(el, series, xLabel) {
  const opts = {
    width: Math.max(360, Math.min(640, (window.innerWidth - 120) / 2)), height: 260,
    scales: { x: { time: false } },
    series: [{ label: xLabel }].concat(series),
    axes: [{ label: xLabel }, {}],
    legend: { live: true },
  };
  return new uPlot(opts, [[]].concat(series.map(() => [])), el);
}
const lossChart = chart($("loss-chart"), [{ label: "batch loss", stroke: "#c0392b", width: 1 }], "epoch");
const epochChart = chart($("epoch-chart"), [
  { label: "test accuracy", stroke: "#27ae60", width: 2, points: { show: true } },
  { label: "test loss", stroke: "#8e44ad", width: 2, points: { show: true } },
  { label: "train loss", stroke: "#e67e22", width: 1, dash: [4, 4] },
], "epoch");
let compareChart = null;

// --- the running task ---
let run = null;      // summary of the followed run
let points = [];     // its [x, loss] step points
function drawRun() {
  $("run").dataset.status = run ? run.status : "none";
  if (!run) return;
  $("run-title").textContent = `${run.task || "?"} · ${run.id}${run.description ? " · " + run.description : ""}`;
  $("run-status").textContent = run.status + (run.error ? ": " + run.error : "");
  $("run-epoch").textContent = `${run.epoch || 0} / ${run.epochs || "?"}`;
  $("run-step").textContent = `${fmt.num(run.step)} / ${fmt.num(run.steps_per_epoch)}`;
  $("run-eta").textContent = run.status === "running" ? fmt.secs(run.eta_seconds) : "–";
  $("run-rate").textContent = run.status === "running" ? fmt.num(run.samples_per_second) : "–";
  $("run-loss").textContent = run.loss == null ? "–" : run.loss.toFixed(4);
  $("run-acc").textContent = run.test_accuracy == null ? "–" : run.test_accuracy.toFixed(4);
  $("run-live").textContent = run.live_workers == null ? "–" : `${run.live_workers} / ${(run.workers || []).length}`;
  const total = (run.epochs || 0) * (run.steps_per_epoch || 0);
  const done = ((run.epoch || 1) - 1) * (run.steps_per_epoch || 0) + (run.step || 0);
  $("run-progress").style.width = (total ? Math.min(100, 100 * done / total) : 0) + "%";
  if (run.compute_share != null) {
    $("split-compute").style.width = 100 * run.compute_share + "%";
    $("split-comm").style.width = 100 * run.communication_share + "%";
    $("split-master").style.width = 100 * run.master_share + "%";
    $("split-text").textContent = `compute ${fmt.pct(run.compute_share)}, communication ${fmt.pct(run.communication_share)}, master ${fmt.pct(run.master_share)}`;
  }
  const ev = run.worker_events || [];
  $("worker-events").innerHTML = ev.length
    ? ev.map((e) => `<li>${text((e.time || "").replace("T", " ").replace(/\..*/, ""))} ${text(e.message)}</li>`).join("")
    : '<li class="none">none</li>';
  lossChart.setData([points.map((p) => p[0]), points.map((p) => p[1])]);
  $("loss-chart").dataset.points = points.length;
  const epochs = run.epochs_done || [];
  epochChart.setData([epochs.map((e) => e.epoch), epochs.map((e) => e.test_accuracy),
    epochs.map((e) => e.test_loss), epochs.map((e) => e.train_loss)]);
  $("epoch-chart").dataset.points = epochs.length;
}

// --- workers ---
function drawWorkers(workers) {
  const up = workers.filter((w) => w.up).length;
  $("workers-summary").textContent = `${up} of ${workers.length} up`;
  $("workers").tBodies[0].innerHTML = workers.map((w) => `
    <tr data-address="${text(w.address)}" data-state="${w.up ? "up" : "down"}" title="${text(w.error || "")}">
      <td>${text(w.address)}</td><td class="state">${w.up ? "up" : "DOWN"}</td>
      <td>${w.last_seen_seconds_ago == null ? "never" : fmt.secs(w.last_seen_seconds_ago) + " ago"}</td>
      <td>${fmt.secs(w.uptime_seconds)}</td><td>${fmt.num(w.sessions)}</td><td>${fmt.num(w.calls_served)}</td>
      <td>${fmt.bytes(w.bytes_in)}</td><td>${fmt.bytes(w.bytes_out)}</td>
      <td>${w.heap_used_bytes == null ? "–" : fmt.bytes(w.heap_used_bytes) + " / " + fmt.bytes(w.heap_max_bytes)}</td>
      <td class="text">${text(w.device)}</td></tr>`).join("");
}

// --- past runs ---
const chosen = [];
async function loadRuns() {
  const r = await fetch("api/runs");
  if (!r.ok) return;
  const runs = (await r.json()).runs;
  const body = $("runs").tBodies[0];
  if (!runs.length) { body.innerHTML = '<tr><td colspan="9" class="none">no run yet</td></tr>'; return; }
  body.innerHTML = runs.map((x) => `
    <tr data-run="${text(x.id)}"><td><input type="checkbox" ${chosen.includes(x.id) ? "checked" : ""}
      ${x.has_curves ? "" : "disabled title='this record has no curves'"}></td>
      <td class="text">${text(x.id)}</td><td class="text">${text(x.mode)}</td><td class="text">${text(x.model)}</td>
      <td>${fmt.num(x.workers)}</td><td>${fmt.num(x.epochs)}</td>
      <td>${x.final_test_accuracy == null ? "–" : Number(x.final_test_accuracy).toFixed(4)}</td>
      <td>${fmt.num(x.samples_per_second)}</td><td>${fmt.secs(x.wall_seconds)}</td></tr>`).join("");
  body.querySelectorAll("input").forEach((box) => box.addEventListener("change", () => {
    const id = box.closest("tr").dataset.run;
    const at = chosen.indexOf(id);
    if (box.checked && at < 0) { chosen.push(id); if (chosen.length > 2) chosen.shift(); }
    if (!box.checked && at >= 0) chosen.splice(at, 1);
    body.querySelectorAll("input").forEach((b) => { b.checked = chosen.includes(b.closest("tr").dataset.run); });
    compare();
  }));
}

async function compare() {
  if (!chosen.length) { $("compare").classList.add("hidden"); return; }
  const runs = await Promise.all(chosen.map((id) => fetch("api/runs/" + encodeURIComponent(id)).then((r) => r.json())));
  const colours = [["#27ae60", "#e67e22"], ["#2c3e8f", "#c0392b"]];
  const series = [], tables = [];
  runs.forEach((r, i) => {
    const rec = r.record || {};
    const acc = rec.test_accuracy || [], loss = rec.train_loss || [];
    const xs = acc.map((_, k) => k + 1);
    tables.push([xs, acc, loss]);
    series.push({ label: `${r.id} test accuracy`, stroke: colours[i][0], width: 2, points: { show: true } });
    series.push({ label: `${r.id} train loss`, stroke: colours[i][1], width: 1, dash: [4, 4] });
  });
  const data = tables.length === 1 ? tables[0] : uPlot.join(tables);
  $("compare").classList.remove("hidden");
  if (compareChart) compareChart.destroy();
  const el = $("compare-chart");
  compareChart = new uPlot({ width: Math.min(900, el.parentElement.clientWidth || 800), height: 280,
    scales: { x: { time: false } }, series: [{ label: "epoch" }].concat(series), axes: [{ label: "epoch" }, {}] }, data, el);
  const keys = ["task", "mode", "model", "workers", "epochs", "batch_per_worker", "lr", "lr_schedule", "momentum",
    "grad_dtype", "allreduce", "train_rows", "final_test_accuracy", "samples_per_second", "compute_share",
    "communication_share", "wall_seconds"];
  $("compare-params").innerHTML = `<tr><th></th>${runs.map((r) => `<th>${text(r.id)}</th>`).join("")}</tr>` +
    keys.map((k) => `<tr><th>${k}</th>${runs.map((r) => `<td>${text((r.record || {})[k])}</td>`).join("")}</tr>`).join("");
}

// --- the live stream ---
function applyRun(delta, full) {
  if (!run || run.id !== delta.id || full) {
    const finishedBefore = run && run.status !== "running";
    points = (full ? delta.points : delta.new_points) || [];
    if (run && run.id !== delta.id && !finishedBefore) loadRuns();
  } else if (delta.new_points) {
    points = points.concat(delta.new_points);
  }
  const wasRunning = run && run.status === "running";
  run = delta;
  if (wasRunning && run.status !== "running") loadRuns();
  drawRun();
}

function connect() {
  const source = new EventSource("api/events");
  source.addEventListener("state", (e) => {
    const s = JSON.parse(e.data);
    $("config").textContent = s.config;
    drawWorkers(s.workers);
    if (s.run) applyRun(s.run, true);
    $("live").dataset.state = "live"; $("live").textContent = "live";
  });
  source.addEventListener("workers", (e) => drawWorkers(JSON.parse(e.data).workers));
  source.addEventListener("run", (e) => applyRun(JSON.parse(e.data), false));
  source.onerror = () => { $("live").dataset.state = "offline"; $("live").textContent = "dashboard unreachable, retrying…"; };
}

connect();
loadRuns();
