// The acceptance form: "全部已收取", a live summary of what submitting will do, and
// one submission only (the server is idempotent as well: a hidden UUID per form).
(function () {
  const form = document.getElementById("accept-form");
  if (!form) return;
  const summary = document.getElementById("accept-summary");
  const rows = Array.from(form.querySelectorAll(".mat-row"));

  function update() {
    const reject = form.querySelector("input[name=decision][value=reject]:checked");
    let received = 0, missing = 0, open = 0;
    rows.forEach((row) => {
      const checked = row.querySelector("input[type=radio]:checked");
      if (!checked) open += 1;
      else if (checked.value === "received") received += 1;
      else if (checked.value === "missing") missing += 1;
    });
    if (reject) summary.textContent = "不予受理，出具退回件通知单";
    else if (open) summary.textContent = "还有 " + open + " 项材料未核对";
    else if (missing) summary.textContent = "需补正 " + missing + " 项：出具补办件通知单";
    else summary.textContent = "材料齐全：受理，出具受理通知单";
  }

  const all = form.querySelector("[data-all-received]");
  if (all) all.addEventListener("click", () => {
    rows.forEach((row) => { const r = row.querySelector("input[value=received]"); if (r) r.checked = true; });
    update();
  });
  // "改为受理": missing materials are a 补办件, not a refusal (002 篇5 §二4–5): the link
  // switches the decision back to 受理 and goes to the materials to mark them 需补正.
  form.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[data-decision]") : null;
    if (!link) return;
    const radio = form.querySelector(`input[name=decision][value="${link.getAttribute("data-decision")}"]`);
    if (radio) radio.checked = true;
    update();
  });
  form.addEventListener("change", update);
  form.addEventListener("submit", () => {
    const button = document.getElementById("submit-accept");
    if (button) setTimeout(() => { button.disabled = true; button.textContent = "正在登记…"; }, 0);
  });
  update();
})();
