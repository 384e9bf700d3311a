// The hall display (R3.6): polls the hall's calls every two seconds (any server process
// answers; nothing is kept in one process's memory) and, once a person has switched the
// voice on, says each new call and recall in Chinese with the browser's speech synthesis.
document.addEventListener("DOMContentLoaded", () => {
  const board = document.getElementById("hall-display");
  if (!board || !board.dataset.source) return;
  const calls = document.querySelector("#hall-calls tbody");
  const waiting = document.querySelector("#hall-waiting tbody");
  const empty = document.getElementById("hall-empty");
  const live = document.getElementById("hall-announce");
  const voiceButton = document.getElementById("hall-voice");
  let voice = false;
  // What has been announced: ticket id → when. The calls on screen at load are not repeated.
  const said = new Map();
  calls.querySelectorAll("tr").forEach(tr => said.set(tr.dataset.id, tr.dataset.at));

  const speak = text => {
    live.textContent = text;
    if (!voice || !("speechSynthesis" in window)) return;
    const u = new SpeechSynthesisUtterance(text);
    u.lang = "zh-CN";
    u.rate = 0.9;
    window.speechSynthesis.speak(u);
  };
  voiceButton.addEventListener("click", () => {
    voice = !voice;
    voiceButton.setAttribute("aria-pressed", String(voice));
    voiceButton.textContent = voice ? "关闭语音播报" : "开启语音播报";
    if (voice) speak("语音播报已开启");
  });

  const row = (cells, cls) => {
    const tr = document.createElement("tr");
    cells.forEach(([text, c]) => { const td = document.createElement("td"); td.textContent = text; if (c) td.className = c; tr.append(td); });
    if (cls) tr.className = cls;
    return tr;
  };

  const show = state => {
    const fresh = [];
    calls.replaceChildren(...state.calls.map(c => {
      const isNew = said.get(c.id) !== c.at;
      if (isNew) { fresh.push(c); said.set(c.id, c.at); }
      const tr = row([[c.number, "hall-number"], [c.counter, "hall-counter"]], isNew ? "fresh" : "");
      tr.dataset.id = c.id; tr.dataset.at = c.at;
      return tr;
    }));
    empty.hidden = state.calls.length > 0;
    waiting.replaceChildren(...state.waiting.map(w => row([[w.name], [String(w.waiting), "num"], [w.expected + " 分钟", "num"]])));
    // Oldest first, so the hall hears them in the order they were called.
    fresh.reverse().forEach(c => speak(c.announcement));
  };

  const poll = async () => {
    try {
      const res = await fetch(board.dataset.source, { headers: { "Accept": "application/json" }, credentials: "same-origin" });
      if (res.ok) show(await res.json());
    } catch (e) { /* the next poll tries again; the screen keeps the last calls */ }
    setTimeout(poll, 2000);
  };
  setTimeout(poll, 2000);
});
