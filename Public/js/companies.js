// 公司与分公司: the IVR welcome's preview follows the template, name and hotline as they are
// typed. The same filling as the server's WelcomeText.fill; unknown placeholders stay as typed.
document.addEventListener("DOMContentLoaded", () => {
  const fill = (template, company, branch, hotline) =>
    template.split("{company}").join(company).split("{branch}").join(branch).split("{hotline}").join(hotline);

  for (const form of document.querySelectorAll("form.welcome-form")) {
    const template = form.querySelector("[data-welcome-template]");
    const preview = form.querySelector("[data-welcome-preview]");
    if (!template || !preview) continue;
    const value = (selector) => { const f = form.querySelector(selector); return f ? f.value : ""; };
    const companyName = () => {
      const select = form.querySelector("[data-welcome-company]");
      if (!select) return form.dataset.companyName || "";
      const option = select.options[select.selectedIndex];
      return option ? option.text.replace(/（[^）]*）$/, "") : "";
    };
    const update = () => {
      preview.textContent = fill(template.value, companyName(), value("[data-welcome-branch]"), value("[data-welcome-hotline]"));
    };
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  }
});
