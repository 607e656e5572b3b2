// The item list's batch actions (templates/items/list.html): "tick all on this page" and how many are ticked.
// Without script every row still has its checkbox and every button works; only the tick-all box stays hidden.
(() => {
  function setUp(form) {
    const boxes = Array.from(document.querySelectorAll(`input[name="items"][form="${form.id}"]`));
    const all = document.querySelector("[data-tick-all]");
    const count = form.querySelector("[data-ticked-count]");

    function update() {
      const ticked = boxes.filter((box) => box.checked).length;
      if (all) {
        all.checked = ticked > 0 && ticked === boxes.length;
        all.indeterminate = ticked > 0 && ticked < boxes.length;
      }
      if (count) count.textContent = ticked ? count.dataset.template.replace("%(count)s", ticked) : "";
    }

    if (all) {
      all.hidden = false;
      all.addEventListener("change", () => {
        boxes.forEach((box) => { box.checked = all.checked; });
        update();
      });
    }
    boxes.forEach((box) => box.addEventListener("change", update));
    update();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("items-batch");
    if (form) setUp(form);
  });
})();
