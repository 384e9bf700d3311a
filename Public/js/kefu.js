// Small conveniences only; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Transfer form: the department and deadline only matter for a supervision order.
  const form = document.getElementById("transfer-form");
  if (form) {
    const sync = () => {
      const toLead = form.querySelector("input[name=target]:checked")?.value === "shift_lead";
      form.querySelectorAll("select[name=departmentId], input[name=deadline]").forEach(el => { el.disabled = toLead; });
    };
    form.querySelectorAll("input[name=target]").forEach(r => r.addEventListener("change", sync));
    sync();
  }
});

// Chat: poll new lines; the agent's send box checks each line before it goes out and asks
// for confirmation when it contains a forbidden phrase (the server enforces the same rule).
document.addEventListener("DOMContentLoaded", () => {
  const log = document.getElementById("chat-log");
  if (log && log.dataset.poll) {
    const render = (messages) => {
      const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 20;
      log.replaceChildren(...messages.map(m => {
        const div = document.createElement("div");
        div.className = "msg " + m.speaker;
        const span = document.createElement("span");
        span.className = "bubble";
        span.textContent = m.text;
        div.appendChild(span);
        return div;
      }));
      if (atBottom) log.scrollTop = log.scrollHeight;
    };
    const poll = () => fetch(log.dataset.poll, { headers: { Accept: "application/json" } })
      .then(r => r.ok ? r.json() : null).then(m => { if (m) render(m); }).catch(() => {});
    log.scrollTop = log.scrollHeight;
    setInterval(poll, 2000);
  }

  const form = document.getElementById("chat-send-form");
  if (form) {
    const text = form.querySelector("textarea[name=text]");
    const box = document.getElementById("check-warning");
    const csrf = form.querySelector("input[name=_csrf]").value;
    let confirmedFor = form.querySelector("input[name=confirm]") ? text.value : null;
    const show = (result) => {
      box.replaceChildren();
      if (!result.findings.length) { box.hidden = true; return; }
      const head = document.createElement("p");
      const b = document.createElement("b");
      b.textContent = result.blocked ? "这句话含有服务忌语，确认仍要发送吗？" : "提示：";
      head.appendChild(b);
      box.appendChild(head);
      // The sentence with each finding's span marked (offsets are Unicode code points).
      const chars = Array.from(text.value);
      const p = document.createElement("p");
      let i = 0;
      for (const f of [...result.findings].sort((a, b) => a.start - b.start)) {
        if (f.start < i) continue;
        p.append(chars.slice(i, f.start).join(""));
        const mark = document.createElement("mark");
        mark.dataset.rule = f.rule;
        mark.textContent = chars.slice(f.start, f.end).join("");
        p.appendChild(mark);
        i = f.end;
      }
      p.append(chars.slice(i).join(""));
      box.appendChild(p);
      const ul = document.createElement("ul");
      for (const f of result.findings) {
        const li = document.createElement("li");
        li.dataset.rule = f.rule;
        li.textContent = f.label + " “" + f.text + "”";
        if (f.suggestion) {
          li.append("，建议改说：");
          const s = document.createElement("span");
          s.className = "suggest";
          s.textContent = f.suggestion;
          s.title = "点击替换为建议用语";
          s.addEventListener("click", () => {
            const cs = Array.from(text.value);
            text.value = cs.slice(0, f.start).join("") + f.suggestion + cs.slice(f.end).join("");
            box.hidden = true; confirmedFor = null;
          });
          li.appendChild(s);
        }
        ul.appendChild(li);
      }
      box.appendChild(ul);
      if (result.blocked) {
        const note = document.createElement("p");
        note.className = "muted";
        note.textContent = "再次点击“发送”即确认发送，此次确认将记录并供质检复核。";
        box.appendChild(note);
      }
      box.hidden = false;
    };
    const check = () => fetch(form.dataset.check, {
      method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ _csrf: csrf, text: text.value })
    }).then(r => r.ok ? r.json() : { findings: [], blocked: false });
    let timer = null;
    text.addEventListener("input", () => {
      confirmedFor = null;
      clearTimeout(timer);
      timer = setTimeout(() => { if (text.value.trim()) check().then(show); else box.hidden = true; }, 400);
    });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!text.value.trim()) return;
      const result = await check();
      if (result.blocked && confirmedFor !== text.value) {
        show(result);
        confirmedFor = text.value;
        return;
      }
      const res = await fetch(form.action, {
        method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ _csrf: csrf, text: text.value, confirm: result.blocked ? "1" : "0" })
      });
      if (res.ok) {
        text.value = ""; confirmedFor = null; box.hidden = true;
        location.replace(location.pathname);
      } else if (res.status === 409) {
        const body = await res.json();
        if (body.findings) { show(body); confirmedFor = text.value; }
        else { alert(body.reason || "发送失败"); }
      } else {
        const body = await res.json().catch(() => ({}));
        alert(body.reason || "发送失败");
      }
    });
  }
});

// Wallboard: see wallboard.js (loaded by the wallboard page only).

// Agent desk: a new call (or its end) reloads the workspace with the screen pop; while the
// caller is on hold a timer runs and prompts at 30 s (R2.3's limit) and every minute after.
document.addEventListener("DOMContentLoaded", () => {
  const seat = document.getElementById("seat");
  if (!seat) return;
  const shown = seat.dataset.call || "";
  setInterval(() => {
    fetch("/workspace/call.json", { headers: { Accept: "application/json" } })
      .then(r => r.ok ? r.json() : null)
      .then(s => { if (s && (s.callId || "") !== shown) location.reload(); })
      .catch(() => {});
  }, 3000);
  // R2.9: the agent never hangs up first — ending the call asks once more.
  const bar = document.getElementById("call-bar");
  if (bar) bar.addEventListener("submit", (ev) => {
    if (ev.submitter && ev.submitter.value === "complete" && !confirm(bar.dataset.hangupWarning + "\n客户已挂机或已同意结束通话？")) ev.preventDefault();
  });
  const pop = document.getElementById("screen-pop");
  const since = pop && Number(pop.dataset.holdSince);
  if (since) {
    const timer = document.getElementById("hold-timer"), prompt = document.getElementById("hold-prompt");
    const tick = () => {
      const s = Math.max(0, Math.floor((Date.now() - since) / 1000));
      timer.hidden = false;
      timer.textContent = "保持 " + s + " 秒";
      if (s >= 60) { prompt.hidden = false; prompt.textContent = pop.dataset.holdReminder; }
      else if (s >= 30) { prompt.hidden = false; prompt.textContent = pop.dataset.holdLimit; }
    };
    tick();
    setInterval(tick, 1000);
  }
});

// Roster grid: clicking a cell fills the lead's edit form with that person, day and shift.
document.addEventListener("DOMContentLoaded", () => {
  const grid = document.getElementById("roster-grid");
  const form = document.getElementById("cell-form");
  if (!grid || !form) return;
  grid.addEventListener("click", (ev) => {
    const cell = ev.target.closest("td.rc");
    if (!cell) return;
    document.getElementById("cell-work-id").value = cell.parentElement.dataset.workId;
    document.getElementById("cell-day").value = cell.dataset.day;
    document.getElementById("cell-shift").value = cell.dataset.shift || "";
    const role = cell.classList.contains("reserve") ? "reserve" : cell.classList.contains("standby") ? "standby" : "regular";
    document.getElementById("cell-role").value = role;
    form.scrollIntoView({ behavior: "smooth", block: "nearest" });
  });
});

// Error page: "返回上一页" goes back when there is a page to go back to (the link's own
// target, the home page, works without JavaScript).
document.addEventListener("click", (e) => {
  const link = e.target.closest && e.target.closest("a[data-history-back]");
  if (link && window.history.length > 1) {
    e.preventDefault();
    window.history.back();
  }
});

// A ticket (and any page with a print button) prints from a plain button.
document.addEventListener("click", (e) => {
  if (e.target.closest && e.target.closest("button[data-print]")) window.print();
});
