// Wallboard: figures arrive over a WebSocket whenever the floor changes; if the socket
// drops, reconnect, and meanwhile the page still shows the last figures it had.
// Between events the clock and the waits keep running: each second they are worked out
// from the last snapshot's own time (the server's clock, simulated in training) plus the
// time elapsed in the browser since it arrived. A figure past its threshold gets the
// "alert" class and a text marker, so it does not rely on colour alone.
document.addEventListener("DOMContentLoaded", () => {
  const board = document.getElementById("wallboard");
  if (!board || !board.dataset.ws) return;
  const parse = (text, fallback) => { try { return JSON.parse(text); } catch (e) { return fallback; } };
  const labels = parse(board.dataset.queueLabels, {});
  const slTarget = Number(board.dataset.slTarget);
  const longestMax = Number(board.dataset.longestMax);
  const waitingMax = Number(board.dataset.waitingMax);
  const pct = v => v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%";
  const dur = s => Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  const set = (id, v) => { const el = document.getElementById(id); if (el) el.textContent = v; };
  const slMissed = v => v !== null && v !== undefined && v < slTarget;
  const flag = (id, on) => {
    const tile = document.getElementById(id + "-tile"), marker = document.getElementById(id + "-flag");
    if (tile) tile.classList.toggle("alert", on);
    if (marker) marker.hidden = !on;
  };
  const cell = (text, num, alert, marker) => {
    const td = document.createElement("td");
    td.textContent = text;
    if (num) td.className = "num";
    if (alert) {
      td.classList.add("alert");
      const em = document.createElement("em");
      em.className = "flag";
      em.textContent = "⚠ " + marker;
      td.append(" ", em);
    }
    return td;
  };

  let last = null;        // the newest snapshot
  let receivedAt = 0;     // Date.now() when it arrived
  const elapsed = () => Math.max(0, Math.floor((Date.now() - receivedAt) / 1000));
  // A wait grows only while someone is waiting; an empty queue has no wait to grow.
  const waitNow = (seconds, waiting) => waiting > 0 ? seconds + elapsed() : seconds;

  const tick = () => {
    if (!last) return;
    const at = new Date(new Date(last.at).getTime() + (Date.now() - receivedAt));
    set("wb-at", at.toLocaleTimeString("zh-CN", { hour12: false, timeZone: board.dataset.tz || undefined }));
    const longest = waitNow(last.longestWaitSeconds, last.waiting);
    set("wb-longest", dur(longest));
    flag("wb-longest", longest > longestMax);
    for (const row of document.querySelectorAll("#wb-queues tbody tr[data-queue]")) {
      const q = last.queues.find(x => x.queue === row.dataset.queue);
      if (!q) continue;
      const seconds = waitNow(q.longestWaitSeconds, q.waiting);
      const td = row.children[2];
      const over = seconds > longestMax;
      td.replaceWith(cell(seconds, true, over, "超标"));
    }
  };

  const apply = (s) => {
    last = s; receivedAt = Date.now();
    set("wb-waiting", s.waiting);
    set("wb-answered", s.answeredToday); set("wb-abandoned", s.abandonedToday);
    set("wb-sl", pct(s.serviceLevel)); set("wb-answer-rate", pct(s.answerRate)); set("wb-stage", s.emergency.stage);
    flag("wb-waiting", s.waiting > waitingMax);
    flag("wb-sl", slMissed(s.serviceLevel));
    const stage = document.getElementById("wb-stage");
    if (stage) stage.parentElement.classList.toggle("alert", s.emergency.stage > 0);
    for (const tile of document.querySelectorAll("#wb-states .tile")) {
      tile.querySelector("b").textContent = s.agentsByState[tile.dataset.state] ?? 0;
    }
    const body = document.querySelector("#wb-queues tbody");
    body.replaceChildren(...s.queues.map(q => {
      const tr = document.createElement("tr");
      tr.dataset.queue = q.queue;
      tr.append(
        cell(labels[q.queue] || q.queue, false, false),
        cell(q.waiting, true, q.waiting > waitingMax, "超标"),
        cell(q.longestWaitSeconds, true, q.longestWaitSeconds > longestMax, "超标"),
        cell(q.answered, true, false),
        cell(q.abandoned, true, false),
        cell(pct(q.serviceLevel), true, slMissed(q.serviceLevel), "未达标"),
        cell(pct(q.answerRate), true, false));
      return tr;
    }));
    tick();
  };

  // The figures the page was drawn with start the clock; `data-updated` is only set by
  // the socket, so a watcher can tell when live updates have begun.
  const initial = parse(board.dataset.snapshot, null);
  if (initial) { last = initial; receivedAt = Date.now(); }
  setInterval(tick, 1000);

  const connect = () => {
    const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + board.dataset.ws);
    ws.onmessage = (m) => {
      const s = parse(m.data, null);
      if (!s) return;
      apply(s);
      board.dataset.updated = s.at;
    };
    ws.onclose = () => setTimeout(connect, 2000);
  };
  connect();
});
