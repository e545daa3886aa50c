// LaneGuard web terminal: X25519 + HKDF-SHA256 + AES-256-GCM in WebCrypto, the same scheme as
// laneguard/adapters/crypto.py. The private key is generated non-extractable and kept in
// IndexedDB, so the page can use it but no script can read it out.
const T = JSON.parse(document.getElementById("texts").textContent);
const statusEl = document.getElementById("status");
const alertsEl = document.getElementById("alerts");
const enc = new TextEncoder();
const seen = new Set();

const b64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)));
const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

function setStatus(state, text) {
  statusEl.dataset.state = state;
  statusEl.textContent = text;
}

function db() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open("laneguard-terminal", 1);
    req.onupgradeneeded = () => req.result.createObjectStore("identity");
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function idb(mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const tx = d.transaction("identity", mode);
    const req = fn(tx.objectStore("identity"));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error);
  });
}

async function loadIdentity() {
  return idb("readonly", (s) => s.get("me"));
}

async function enrol(name, code) {
  const pair = await crypto.subtle.generateKey({ name: "X25519" }, false, ["deriveBits"]);
  const pub = await crypto.subtle.exportKey("raw", pair.publicKey);
  const res = await fetch("/api/terminals", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name, code, public_key: b64(pub) }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.detail || res.statusText);
  const me = {
    terminal_id: body.terminal_id, name: body.name,
    station_public_key: body.station_public_key, private_key: pair.privateKey,
  };
  // compare with the fingerprint on the operator's page, beside the code
  const shown = document.getElementById("station-fingerprint");
  shown.textContent = `${T.fingerprint} ${body.station_key_fingerprint}`;
  shown.hidden = false;
  await idb("readwrite", (s) => s.put(me, "me"));
  return me;
}

async function messageKey(me, kind, salt, usage) {
  const peer = await crypto.subtle.importKey(
    "raw", unb64(me.station_public_key), { name: "X25519" }, false, []);
  const shared = await crypto.subtle.deriveBits(
    { name: "X25519", public: peer }, me.private_key, 256);
  const hkdf = await crypto.subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt, info: enc.encode(`laneguard/v1/${kind}/${me.terminal_id}`) },
    hkdf, { name: "AES-GCM", length: 256 }, false, [usage]);
}

const aad = (kind, incident, terminal) => enc.encode(`laneguard/v1|${kind}|${incident}|${terminal}`);

async function openSealed(me, sealed) {
  const kind = sealed.kind;
  if (!["alert", "camera"].includes(kind) || sealed.terminal_id !== me.terminal_id) throw new Error("not for me");
  const key = await messageKey(me, kind, unb64(sealed.salt), "decrypt");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: unb64(sealed.nonce), additionalData: aad(kind, sealed.incident_id, me.terminal_id) },
    key, unb64(sealed.ciphertext));
  return JSON.parse(new TextDecoder().decode(plain));
}

async function openAlert(me, sealed) {
  if (sealed.kind !== "alert") throw new Error("not an alert");
  return openSealed(me, sealed);
}

// A camera stalled, failed or came back: a card without outcome buttons.
function renderCamera(notice) {
  const card = document.createElement("article");
  card.className = `alert camera ${notice.state}`;
  card.dataset.camera = notice.camera;
  const head = document.createElement("h2");
  head.textContent = `${T.camera} ${notice.camera} · ${T[`camera_${notice.state}`] || notice.state}`;
  const meta = document.createElement("p");
  meta.textContent = `${new Date(notice.at).toLocaleString(document.documentElement.lang || undefined)} · ${notice.station}`;
  card.append(head, meta);
  alertsEl.prepend(card);
  if (notice.state !== "ok") beep();
}

async function sealAck(me, incidentId, outcome) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const key = await messageKey(me, "ack", salt, "encrypt");
  const plain = enc.encode(JSON.stringify({
    incident_id: incidentId, terminal_id: me.terminal_id, outcome, at: new Date().toISOString(),
  }));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: nonce, additionalData: aad("ack", incidentId, me.terminal_id) }, key, plain);
  return { v: 1, kind: "ack", incident_id: incidentId, terminal_id: me.terminal_id,
           salt: b64(salt), nonce: b64(nonce), ciphertext: b64(ct) };
}

function render(me, alert) {
  const card = document.createElement("article");
  card.className = "alert";
  card.dataset.incident = alert.incident_id;
  const when = new Date(alert.at).toLocaleString(document.documentElement.lang || undefined);
  const head = document.createElement("h2");
  head.textContent = `${alert.escalated ? `${T.escalated} · ` : ""}${T.lane} ${alert.lane} · ${T[alert.class] || alert.class}`;
  if (alert.escalated) card.classList.add("escalated");
  const meta = document.createElement("p");
  meta.textContent = `${when} · ${T.camera} ${alert.camera} · ${alert.station}`;
  card.append(head, meta);
  if (alert.snapshot_jpeg) {
    const img = document.createElement("img");
    img.alt = T.snapshot;
    img.src = `data:image/jpeg;base64,${alert.snapshot_jpeg}`;
    card.append(img);
  }
  const result = document.createElement("p");
  result.className = "outcome";
  for (const outcome of ["turned_back", "left_by_itself", "false_alarm"]) {
    const b = document.createElement("button");
    b.textContent = T[outcome];
    b.dataset.outcome = outcome;
    b.onclick = async () => {
      const res = await fetch("/api/acks", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(await sealAck(me, alert.incident_id, outcome)),
      });
      const body = await res.json();
      result.textContent = res.ok ? `${T.outcome}: ${T[body.outcome]}` : `${res.status}: ${body.detail}`;
      result.dataset.state = res.ok ? "closed" : "refused";
      if (res.ok) card.classList.add("closed");
    };
    card.append(b);
  }
  card.append(result);
  alertsEl.prepend(card);
  if (navigator.vibrate) navigator.vibrate([300, 100, 300]);
  beep();
}

let audio = null;
function beep() {
  // Two short tones; browsers may keep audio muted until the page has had a tap.
  try {
    audio = audio || new AudioContext();
    for (const [freq, start] of [[880, 0], [660, 0.25]]) {
      const osc = audio.createOscillator();
      osc.frequency.value = freq;
      osc.connect(audio.destination);
      osc.start(audio.currentTime + start);
      osc.stop(audio.currentTime + start + 0.2);
    }
  } catch (err) {
    console.debug("no sound", err);
  }
}

// Reconnects after any loss with back-off (1 s doubling to 30 s, reset once connected), and at
// once when the page comes back to the foreground or the network returns. On every connect the
// station sends the terminal's unacknowledged alerts; alerts already shown are dropped by id.
let socket = null;
let retryMs = 1000;
let retryTimer = null;

function reconnectSoon(me) {
  if (retryTimer) return;
  setStatus("reconnecting", `… ${Math.round(retryMs / 1000)} s`);
  retryTimer = setTimeout(() => { retryTimer = null; listen(me); }, retryMs);
  retryMs = Math.min(retryMs * 2, 30000);
}

function reconnectNow(me) {
  if (socket && socket.readyState <= WebSocket.OPEN) return;
  clearTimeout(retryTimer);
  retryTimer = null;
  retryMs = 1000;
  listen(me);
}

function listen(me) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}/ws/terminals/${me.terminal_id}`);
  socket = ws;
  ws.onopen = () => {
    retryMs = 1000;
    setStatus("listening", `${me.name} (${me.terminal_id}) ✓`);
  };
  ws.onmessage = async (ev) => {
    try {
      const sealed = JSON.parse(ev.data);
      if (sealed.kind === "camera") {
        if (seen.has(sealed.incident_id)) return;
        seen.add(sealed.incident_id);
        renderCamera(await openSealed(me, sealed));
        return;
      }
      const alert = await openAlert(me, sealed);
      // an escalation of an alert already shown comes again, marked; a replay does not
      const key = `${alert.incident_id}${alert.escalated ? "!" : ""}`;
      if (seen.has(key)) return;
      seen.add(key);
      render(me, alert);
    } catch (err) {
      console.warn("alert dropped", err);
    }
  };
  ws.onclose = (ev) => {
    if (socket !== ws) return;
    if (ev.code === 4403) {
      setStatus("refused", ev.reason || "revoked");
      return;
    }
    reconnectSoon(me);
  };
}

function keepListening(me) {
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") reconnectNow(me);
  });
  window.addEventListener("online", () => reconnectNow(me));
  listen(me);
}

async function main() {
  if (!window.isSecureContext || !crypto.subtle) {
    setStatus("unsupported", "WebCrypto needs HTTPS or localhost");
    return;
  }
  let me = await loadIdentity();
  if (!me) {
    const form = document.getElementById("enrol");
    form.hidden = false;
    setStatus("enrol", T.enrol);
    me = await new Promise((resolve) => {
      form.onsubmit = async (ev) => {
        ev.preventDefault();
        try {
          resolve(await enrol(form.name.value, form.code.value));
          form.hidden = true;
        } catch (err) {
          setStatus("refused", String(err.message || err));
        }
      };
    });
  }
  keepListening(me);
}

main();
