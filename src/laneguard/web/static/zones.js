// Zone editor: polygons for lane zones and masks, and four image/ground point pairs for the
// ground-plane homography, drawn on a camera snapshot in the image's own pixel coordinates.
// The server checks everything again; this page only collects points and shows its answer.
(function () {
  "use strict";
  const script = document.currentScript;
  const camera = script.dataset.camera;
  const T = JSON.parse(document.getElementById("zone-texts").textContent);
  const canvas = document.getElementById("zone-canvas");
  const ctx = canvas.getContext("2d");
  const status = document.getElementById("status");
  const errors = document.getElementById("errors");
  const api = "/api/cameras/" + encodeURIComponent(camera);
  let layout = { zones: [], masks: [], homography: null };
  let current = [];
  let imagePoints = [];
  let snapshot = null;

  function mode() {
    return document.querySelector("input[name=mode]:checked").value;
  }

  function round(v) {
    return Math.round(v); // whole image pixels: finer than anyone can click
  }

  function polygon(points, stroke, fill, closed) {
    if (!points.length) return;
    ctx.beginPath();
    ctx.moveTo(points[0][0], points[0][1]);
    for (const p of points.slice(1)) ctx.lineTo(p[0], p[1]);
    if (closed) ctx.closePath();
    if (fill) { ctx.fillStyle = fill; ctx.fill(); }
    ctx.strokeStyle = stroke;
    ctx.lineWidth = 2;
    ctx.stroke();
    for (const p of points) { ctx.fillStyle = stroke; ctx.fillRect(p[0] - 3, p[1] - 3, 6, 6); }
  }

  function draw() {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (snapshot) {
      ctx.drawImage(snapshot, 0, 0);
    } else {
      ctx.fillStyle = "#455a64";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.fillStyle = "#fff";
      ctx.font = "16px sans-serif";
      ctx.fillText(T.ze_no_snapshot, 12, 24);
    }
    for (const z of layout.zones) {
      polygon(z.polygon, "#ffd600", "rgba(255,214,0,0.15)", true);
      ctx.fillStyle = "#ffd600";
      ctx.font = "15px sans-serif";
      ctx.fillText(z.name, z.polygon[0][0] + 4, z.polygon[0][1] + 16);
    }
    for (const m of layout.masks) polygon(m, "#b0bec5", "rgba(0,0,0,0.35)", true);
    polygon(current, "#00e5ff", null, false);
    imagePoints.forEach(function (p, i) {
      ctx.fillStyle = "#ff1744";
      ctx.beginPath();
      ctx.arc(p[0], p[1], 5, 0, 2 * Math.PI);
      ctx.fill();
      ctx.font = "bold 15px sans-serif";
      ctx.fillText(String(i + 1), p[0] + 7, p[1] - 7);
    });
  }

  function item(list, text, onRemove) {
    const li = document.createElement("li");
    li.textContent = text + " ";
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = T.ze_remove;
    b.addEventListener("click", onRemove);
    li.appendChild(b);
    list.appendChild(li);
  }

  function showLists() {
    const zones = document.getElementById("zone-list");
    const masks = document.getElementById("mask-list");
    zones.replaceChildren();
    masks.replaceChildren();
    layout.zones.forEach(function (z, i) {
      const lane = z.lane ? " · " + T.ze_lane + " " + z.lane : "";
      item(zones, z.name + lane + " (" + z.polygon.length + " " + T.ze_points + ")", function () {
        layout.zones.splice(i, 1); refresh();
      });
    });
    layout.masks.forEach(function (m, i) {
      item(masks, "#" + (i + 1) + " (" + m.length + " " + T.ze_points + ")", function () {
        layout.masks.splice(i, 1); refresh();
      });
    });
    document.querySelectorAll("#homography .image-xy").forEach(function (cell, i) {
      const p = imagePoints[i];
      cell.textContent = p ? p[0] + ", " + p[1] : "—";
    });
  }

  function refresh() { showLists(); draw(); }

  function say(text, ok) {
    status.textContent = text;
    status.className = ok ? "ok" : "";
  }

  canvas.addEventListener("click", function (ev) {
    const rect = canvas.getBoundingClientRect();
    // image pixels = CSS pixels inside the border, scaled by how much the canvas was shrunk
    const x = round((ev.clientX - rect.left - canvas.clientLeft) * canvas.width / canvas.clientWidth);
    const y = round((ev.clientY - rect.top - canvas.clientTop) * canvas.height / canvas.clientHeight);
    if (mode() === "homography") {
      if (imagePoints.length >= 4) imagePoints = [];
      imagePoints.push([x, y]);
    } else {
      current.push([x, y]);
    }
    refresh();
  });

  document.getElementById("undo-point").addEventListener("click", function () {
    if (mode() === "homography") imagePoints.pop(); else current.pop();
    refresh();
  });

  document.getElementById("finish-shape").addEventListener("click", function () {
    if (current.length < 3) { say(T.ze_need_points, false); return; }
    if (mode() === "mask") {
      layout.masks.push(current);
    } else {
      const name = document.getElementById("zone-name").value.trim();
      if (!name) { say(T.ze_need_name, false); return; }
      const lane = document.getElementById("zone-lane").value.trim();
      const same = layout.zones.find(function (z) { return z.name === name; });
      if (same) { same.polygon = current; if (lane) same.lane = lane; }
      else layout.zones.push({ name: name, lane: lane, polygon: current });
    }
    current = [];
    say("", true);
    refresh();
  });

  function ground() {
    const xs = document.querySelectorAll("#homography .ground-x");
    const ys = document.querySelectorAll("#homography .ground-y");
    const out = [];
    for (let i = 0; i < 4; i++) {
      if (xs[i].value === "" || ys[i].value === "") continue;
      out.push([Number(xs[i].value), Number(ys[i].value)]);
    }
    return out;
  }

  document.getElementById("save").addEventListener("click", async function () {
    errors.replaceChildren();
    const g = ground();
    const body = {
      zones: layout.zones,
      masks: layout.masks,
      homography: imagePoints.length || g.length ? { image: imagePoints, ground: g } : null,
    };
    const r = await fetch(api + "/zones", {
      method: "PUT",
      headers: {
        "Content-Type": "application/json",
        "X-CSRF-Token": document.querySelector("meta[name=csrf-token]").content,
      },
      body: JSON.stringify(body),
    });
    const answer = await r.json();
    if (r.ok) {
      say((answer.applies === "now" ? T.ze_saved_live : T.ze_saved) + answer.saved, true);
      return;
    }
    say(T.ze_invalid, false);
    const problems = Array.isArray(answer.detail) ? answer.detail : [{ field: "", value: null, allowed: String(answer.detail) }];
    for (const p of problems) {
      const li = document.createElement("li");
      li.textContent = p.field + ": " + JSON.stringify(p.value) + " — " + p.allowed;
      li.dataset.field = p.field;
      errors.appendChild(li);
    }
  });

  async function load() {
    const r = await fetch(api + "/zones");
    if (r.ok) {
      const answer = await r.json();
      layout = {
        zones: answer.layout.zones || [],
        masks: answer.layout.masks || [],
        homography: answer.layout.homography || null,
      };
      if (layout.homography) {
        imagePoints = layout.homography.image.slice();
        const xs = document.querySelectorAll("#homography .ground-x");
        const ys = document.querySelectorAll("#homography .ground-y");
        layout.homography.ground.forEach(function (p, i) { xs[i].value = p[0]; ys[i].value = p[1]; });
      }
    }
    const img = new Image();
    img.onload = function () {
      snapshot = img;
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      canvas.dataset.ready = "snapshot";
      refresh();
    };
    img.onerror = function () { canvas.dataset.ready = "blank"; refresh(); };
    img.src = api + "/snapshot.jpg?t=" + Date.now();
    refresh();
  }

  load();
})();
