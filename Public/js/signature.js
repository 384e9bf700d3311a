// The customer's signature on the technician's phone (R8.2): drawn with a finger on a
// canvas, sent as a PNG in the form's hidden field. Without a signature the server refuses
// the completion and says why.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-signature]");
  const pad = document.getElementById("signature-pad");
  const field = document.getElementById("signature-data");
  if (!form || !pad || !field) return;
  const ctx = pad.getContext("2d");
  ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111";
  let drawing = false, drawn = false;
  const at = (e) => {
    const r = pad.getBoundingClientRect();
    return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height];
  };
  pad.addEventListener("pointerdown", (e) => {
    drawing = true; pad.setPointerCapture(e.pointerId);
    const [x, y] = at(e); ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x + 0.1, y + 0.1); ctx.stroke(); drawn = true;
    e.preventDefault();
  });
  pad.addEventListener("pointermove", (e) => {
    if (!drawing) return;
    const [x, y] = at(e); ctx.lineTo(x, y); ctx.stroke(); drawn = true;
    e.preventDefault();
  });
  const stop = () => { drawing = false; };
  pad.addEventListener("pointerup", stop); pad.addEventListener("pointercancel", stop); pad.addEventListener("pointerleave", stop);
  document.getElementById("signature-clear")?.addEventListener("click", () => {
    ctx.clearRect(0, 0, pad.width, pad.height); drawn = false; field.value = "";
  });
  form.addEventListener("submit", () => { field.value = drawn ? pad.toDataURL("image/png") : ""; });
});
