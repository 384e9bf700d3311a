// Forms that create something: Enter does what the field is for, and a second click does
// not send the form again (the server refuses a repeat anyway, by the form's `_once` token).
document.addEventListener("DOMContentLoaded", () => {
  // Enter in a field submits with the button named by the field (data-enter-clicks) or by
  // the form (data-enter-submits), not with whichever submit button comes first.
  for (const form of document.querySelectorAll("form[data-enter-submits]")) {
    form.addEventListener("keydown", (ev) => {
      if (ev.key !== "Enter" || ev.isComposing || ev.keyCode === 229) return; // IME choosing characters
      const field = ev.target;
      if (!(field instanceof HTMLInputElement) || ["submit", "button", "checkbox", "radio", "file"].includes(field.type)) return;
      const button = document.getElementById(field.dataset.enterClicks || form.dataset.enterSubmits);
      if (!button) return;
      ev.preventDefault();
      if (form.requestSubmit) form.requestSubmit(button); else button.click();
    });
  }

  // After a form with a one-time token is sent, its buttons wait for the answer.
  for (const form of document.querySelectorAll("form")) {
    if (!form.querySelector("input[name=_once]")) continue;
    form.addEventListener("submit", () => {
      // Disabled on the next tick so the pressed button's own name and value still go out.
      setTimeout(() => form.querySelectorAll("button[type=submit], input[type=submit]").forEach(b => {
        if (!b.disabled) { b.disabled = true; b.dataset.onceDisabled = "1"; }
      }), 0);
    });
  }
  // Back to a page kept in the browser's cache: buttons work again (a repeat is still refused).
  window.addEventListener("pageshow", (ev) => {
    if (ev.persisted) document.querySelectorAll("[data-once-disabled]").forEach(b => { b.disabled = false; delete b.dataset.onceDisabled; });
  });
});
