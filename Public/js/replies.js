// Canned replies in the chat box (R6.3): type "/" and a few letters of a reply's shortcut or
// title; arrow keys choose, Enter or Tab (or a click) puts the reply in, filled in for this
// chat by the server; Escape closes. The text box keeps the focus and points at the list and
// its active option (aria-controls, aria-activedescendant: what a textarea may carry).
(() => {
  const text = document.getElementById("chat-text");
  if (!text || !text.dataset.replies) return;
  let replies = null, matches = [], active = 0, open = false;
  const list = document.createElement("ul");
  list.id = "reply-picker";
  list.className = "reply-picker";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "快捷回复");
  list.hidden = true;
  text.after(list);
  text.setAttribute("aria-controls", list.id);
  text.setAttribute("aria-autocomplete", "list");

  const load = () => replies ? Promise.resolve(replies)
    : fetch(text.dataset.replies, { headers: { Accept: "application/json" } })
      .then(r => r.ok ? r.json() : []).then(r => (replies = r)).catch(() => []);
  // The "/word" being typed: a slash at the start or after a space, up to the caret.
  const token = () => {
    const upto = text.value.slice(0, text.selectionStart);
    const m = upto.match(/(^|\s)\/(\S*)$/);
    return m ? { start: upto.length - m[2].length - 1, query: m[2] } : null;
  };
  const close = () => {
    list.hidden = true; open = false;
      text.removeAttribute("aria-activedescendant");
  };
  const render = () => {
    list.replaceChildren();
    matches.forEach((r, i) => {
      const li = document.createElement("li");
      li.id = "reply-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", i === active ? "true" : "false");
      const code = document.createElement("b");
      code.textContent = "/" + r.shortcut;
      const body = document.createElement("span");
      body.className = "muted";
      body.textContent = r.text;
      li.append(code, " " + r.title + (r.shared ? "（共享）" : "") + " ", body);
      li.addEventListener("mousedown", ev => { ev.preventDefault(); pick(i); });
      list.appendChild(li);
    });
    text.setAttribute("aria-activedescendant", "reply-option-" + active);
    list.hidden = false; open = true;
  };
  const update = () => {
    const t = token();
    if (!t) return close();
    load().then(all => {
      const q = t.query.toLowerCase();
      matches = all.filter(r => r.shortcut.toLowerCase().startsWith(q) || (q && r.title.includes(t.query))).slice(0, 8);
      active = 0;
      if (matches.length) render(); else close();
    });
  };
  const pick = (i) => {
    const t = token(), r = matches[i];
    close();
    if (!t || !r) return;
    const end = text.selectionStart;
    text.value = text.value.slice(0, t.start) + r.text + text.value.slice(end);
    const caret = t.start + r.text.length;
    text.setSelectionRange(caret, caret);
    text.focus();
    // The chat box checks the language of what is typed: the reply too.
    text.dispatchEvent(new Event("input", { bubbles: true }));
  };
  text.addEventListener("input", update);
  text.addEventListener("keydown", ev => {
    if (!open) return;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      active = (active + (ev.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length;
      render();
    } else if (ev.key === "Enter" || ev.key === "Tab") {
      pick(active);
    } else if (ev.key === "Escape") {
      close();
    } else {
      return;
    }
    ev.preventDefault();
  });
  text.addEventListener("blur", () => setTimeout(close, 150));
})();
