// Settings forms with repeated rows (班次, 应急步骤, 语音导航按键): add, remove and reorder rows.
// Fields are named <prefix><n>_<field>; the server reads rows in the order of <n>, so a new
// row takes the next free number and moving a row renumbers its container.
document.addEventListener("DOMContentLoaded", () => {
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

  // The rows directly inside a container (not the rows of a nested container).
  const rowsOf = (container) => Array.from(container.querySelectorAll("[data-row]"))
    .filter((row) => row.parentElement.closest("[data-rows]") === container);

  const nextIndex = (container) => {
    const pattern = new RegExp("^" + escape(container.dataset.rows) + "(\\d+)_");
    let next = 0;
    for (const field of container.querySelectorAll("[name]")) {
      const m = pattern.exec(field.name);
      if (m) next = Math.max(next, Number(m[1]) + 1);
    }
    return next;
  };

  const renumber = (container) => {
    const pattern = new RegExp("^" + escape(container.dataset.rows) + "\\d+_");
    rowsOf(container).forEach((row, i) => {
      for (const field of row.querySelectorAll("[name]")) {
        field.name = field.name.replace(pattern, container.dataset.rows + i + "_");
      }
    });
  };

  document.addEventListener("click", (ev) => {
    const button = ev.target instanceof Element ? ev.target.closest("button") : null;
    if (!button) return;
    if (button.dataset.addRow !== undefined) {
      const template = document.getElementById(button.dataset.addRow);
      const container = document.getElementById(button.dataset.addTo);
      if (!template || !container) return;
      const index = String(nextIndex(container));
      const fragment = template.content.cloneNode(true);
      for (const el of fragment.querySelectorAll("*")) {
        for (const attr of Array.from(el.attributes)) {
          if (attr.value.includes("__i__")) el.setAttribute(attr.name, attr.value.split("__i__").join(index));
        }
      }
      const first = fragment.querySelector("input, select, textarea");
      container.appendChild(fragment);
      if (first) {
        const added = container.querySelector("[name='" + first.getAttribute("name") + "']");
        if (added) added.focus();
      }
    } else if (button.dataset.removeRow !== undefined) {
      const row = button.closest("[data-row]");
      if (row) row.remove();
    } else if (button.dataset.moveRow) {
      const row = button.closest("[data-row]");
      const container = row ? row.parentElement.closest("[data-rows]") : null;
      if (!row || !container) return;
      const rows = rowsOf(container);
      const at = rows.indexOf(row);
      if (button.dataset.moveRow === "up" && at > 0) rows[at - 1].before(row);
      if (button.dataset.moveRow === "down" && at < rows.length - 1) rows[at + 1].after(row);
      renumber(container);
    }
  });

  // IVR keys: the free-text box is for 播报内容 or a menu/queue not in the list, so it is
  // offered only when the chosen target needs it.
  const syncDetail = (select) => {
    const row = select.closest("[data-row]");
    const detail = row ? row.querySelector("[data-target-detail]") : null;
    if (!detail) return;
    const option = select.selectedOptions[0];
    const needs = option ? option.dataset.needsDetail !== undefined : false;
    detail.hidden = !needs && detail.value === "";
    if (option && option.dataset.detailHint) detail.placeholder = option.dataset.detailHint;
  };
  document.querySelectorAll("select[data-target-select]").forEach(syncDetail);
  document.addEventListener("change", (ev) => {
    if (ev.target instanceof HTMLSelectElement && ev.target.dataset.targetSelect !== undefined) syncDetail(ev.target);
  });
});
