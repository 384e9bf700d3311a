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
