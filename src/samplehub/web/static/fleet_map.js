// The live fleet map: SVG drawn from /api/fleet/snapshot, moved by /api/fleet/events (SSE).
// A file of its own, as the app's Content-Security-Policy allows no inline script.
"use strict";
// The words it writes come from the catalogue, in the page's language, as a JSON block the
// page renders (#fleet-texts); the script itself holds no language.
const T = JSON.parse(document.getElementById("fleet-texts").textContent);
const LANG = encodeURIComponent(document.documentElement.lang);  // alerts and history in it too
const SVG = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;",
  ">": "&gt;", '"': "&quot;"}[c]));
let nodes = {};

function el(tag, attrs, parent) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}
const py = (y) => -y;

function drawSite(site) {
  nodes = Object.fromEntries(site.nodes.map((n) => [n.id, n]));
  const xs = site.nodes.map((n) => n.x), ys = site.nodes.map((n) => py(n.y));
  const pad = 8;
  $("map").setAttribute("viewBox", [Math.min(...xs) - pad, Math.min(...ys) - pad,
    Math.max(...xs) - Math.min(...xs) + 2 * pad, Math.max(...ys) - Math.min(...ys) + 2 * pad]);
  for (const lane of site.lanes) {
    const a = nodes[lane.a], b = nodes[lane.b];
    el("line", {x1: a.x, y1: py(a.y), x2: b.x, y2: py(b.y),
      class: "lane" + (lane.one_way ? " oneway" : "")}, $("lanes"));
  }
  for (const n of site.nodes) {
    if (n.kind === "rack_access") {
      const r = el("rect", {x: n.x - 2.2, y: py(n.y) - 2.2, width: 4.4, height: 4.4,
        class: "rack", id: "rack-" + n.id, fill: "#eee"}, $("nodes"));
      r.addEventListener("click", () => showRack(n.id));
    } else {
      el("circle", {cx: n.x, cy: py(n.y), r: n.kind === "waypoint" ? 0.7 : 1.6,
        class: (n.kind === "waypoint" ? "node" : "node station") + " kind-" + n.kind},
        $("nodes"));
    }
    if (n.kind !== "waypoint") {
      el("text", {x: n.x + 2.4, y: py(n.y) - 2, class: "label"}, $("nodes")).textContent = n.id;
    }
  }
}

function occupancyColor(used, slots) {
  const f = slots ? used / slots : 0;
  return `hsl(${Math.round(120 - 120 * f)}, 70%, 55%)`;
}

function drawRobots(data) {
  $("robots").replaceChildren(); $("routes").replaceChildren();
  for (const r of data.robots) {
    if (r.route && r.route.length > 1) {
      el("polyline", {class: "route", points: [[r.x, r.y], ...r.route.slice(1)
        .map((id) => [nodes[id].x, nodes[id].y])].map(([x, y]) => `${x},${py(y)}`).join(" ")},
        $("routes"));
    }
    const g = el("g", {class: `robot ${r.online ? "" : "offline"} ${r.purpose}` +
      (r.stopped ? " stopped" : ""),
      id: "robot-" + r.serial, transform: `translate(${r.x},${py(r.y)})`}, $("robots"));
    el("circle", {r: 2}, g);
    if (r.load) el("rect", {x: 1, y: -2.6, width: 1.8, height: 1.8, class: "load"}, g);
    el("text", {}, g).textContent = r.serial.replace(/^R0?/, "");
    el("title", {}, g).textContent = `${r.serial} ${stateText(r)} ${T.battery} ${r.battery}%`;
    g.addEventListener("click", () => showRobot(r.serial));
  }
  for (const rack of data.racks || []) {
    const rect = $("rack-" + rack.node);
    if (rect) rect.setAttribute("fill", occupancyColor(rack.used, rack.slots));
  }
}

function historyHtml(items) {
  return "<h2>" + T.history + "</h2><ul>" + (items || []).slice(-10).reverse().map((h) =>
    `<li>${new Date(h.t * 1000).toISOString().slice(11, 19)} ${esc(h.text)}</li>`).join("") +
    "</ul>";
}

function stateText(r) {  // in the page's language; a state the texts lack, as it comes
  const purpose = T[r.purpose] || r.purpose;
  return r.stopped ? `${purpose} · ${T.stopped} (${r.stopped})` : purpose;
}

async function showRobot(serial) {
  const r = await (await fetch("/api/fleet/robots/" + encodeURIComponent(serial) +
    "?lang=" + LANG)).json();
  $("detail").innerHTML = `<b id="detail-title">${esc(r.serial)}</b><table>
    <tr><td>${T.purpose}</td><td>${esc(stateText(r))}</td></tr>
    <tr><td>${T.battery}</td><td>${r.battery}%</td></tr>
    <tr><td>${T.load}</td><td>${esc(r.load || T.none)}</td></tr>
    <tr><td>${T.route}</td><td>${esc((r.route || []).join(" → "))}</td></tr></table>` +
    historyHtml(r.history);
}

async function showRack(node) {
  const slots = await (await fetch("/api/fleet/racks/" + encodeURIComponent(node))).json();
  $("detail").innerHTML = `<b id="detail-title">${esc(node)}</b><table>` + slots.map((s) =>
    `<tr><td>${esc(s.address)}</td><td>${s.blocked ? "⛔" : esc(s.occupant ||
      (s.reserved_for ? "→ " + s.reserved_for : T.empty))}</td></tr>`).join("") + "</table>";
}

function drawLists(snap) {
  $("inflight").innerHTML = snap.in_flight.map((t) => `<li>${esc(t.robot)}: ${esc(t.kind)}
    ${esc(t.load.slice(-6))} ${esc(t.from)} → ${esc(t.to)}${t.loaded ? " ▣" : ""}</li>`).join("");
  $("alerts").innerHTML = snap.alerts.slice(-8).reverse().map((a) =>
    `<li class="alert">${esc(a.message)}</li>`).join("") +
    snap.capacity_warnings.map((w) =>
      `<li class="alert">${esc(w.area)} ≥ ${w.level}% (${w.used}/${w.capacity})</li>`).join("");
  $("stats").textContent = `${snap.robots.length} ${T.robots} · ${snap.stats.completed} ${T.done}`;
}

async function refresh() {
  const snap = await (await fetch("/api/fleet/snapshot?lang=" + LANG)).json();
  drawLists(snap);
  return snap;
}

(async () => {
  const snap = await refresh();
  drawSite(snap.site);
  drawRobots(snap);
  const events = new EventSource("/api/fleet/events");
  events.addEventListener("positions", (e) => {
    const data = JSON.parse(e.data);
    drawRobots(data);
    $("clock").textContent = new Date(data.time * 1000).toISOString().slice(11, 19) + " UTC";
  });
  setInterval(refresh, 3000);
})();
