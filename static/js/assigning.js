// The assigning screens (templates/office/assigning/): find a unit among dozens, see what is ticked,
// tick every item of the desk's page. Without script every unit and item is listed and works the same.
(() => {
  const norm = (text) => (text || "").toLowerCase().replace(/\s+/g, "");

  function setUpPicker(picker) {
    const box = picker.querySelector("[data-unit-filter-box]");
    const input = picker.querySelector("[data-unit-filter]");
    const count = picker.querySelector("[data-unit-count]");
    const none = picker.querySelector("[data-unit-none]");
    const summary = picker.querySelector("[data-unit-summary]");
    const rows = Array.from(picker.querySelectorAll("[data-unit-row]"));
    const groups = Array.from(picker.querySelectorAll("[data-unit-group]"));

    function filter() {
      const query = norm(input.value);
      let shown = 0;
      rows.forEach((row) => {
        const ticked = row.querySelector("input:checked") !== null;
        const match = !query || norm(row.dataset.unitName).includes(query) || ticked;
        row.hidden = !match;
        if (match) shown += 1;
      });
      groups.forEach((group) => {
        group.hidden = group.querySelector("[data-unit-row]:not([hidden])") === null;
      });
      if (none) none.hidden = shown > 0;
      if (count) count.textContent = query ? `${shown} / ${rows.length}` : "";
    }

    function summarise() {
      if (!summary) return;
      const names = (name) => Array.from(picker.querySelectorAll(`input[name="${name}"]:checked`)).map((el) => el.dataset.unit);
      const leads = names("lead_units");
      const cos = names("co_units");
      const parts = [];
      if (leads.length) parts.push(`${summary.dataset.leadLabel}: ${leads.join("、")}`);
      if (cos.length) parts.push(`${summary.dataset.coLabel}: ${cos.join("、")}`);
      summary.textContent = parts.length ? parts.join(" · ") : summary.dataset.noneLabel;
    }

    if (box && input) {
      box.hidden = false;
      input.addEventListener("input", filter);
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") event.preventDefault(); // Enter filters; it must not send the form
      });
    }
    picker.addEventListener("change", summarise);
    summarise();
  }

  function setUpDesk() {
    const all = document.querySelector("[data-select-all]");
    const boxes = Array.from(document.querySelectorAll('input[type="checkbox"][name="items"]'));
    const count = document.querySelector("[data-ticked-count]");
    const update = () => {
      const ticked = boxes.filter((box) => box.checked).length;
      if (count) count.textContent = count.dataset.template.replace("%(count)s", ticked);
      if (all) {
        all.checked = ticked > 0 && ticked === boxes.length;
        all.indeterminate = ticked > 0 && ticked < boxes.length;
      }
    };
    if (all) {
      all.hidden = false;
      all.addEventListener("change", () => {
        boxes.forEach((box) => { box.checked = all.checked; });
        update();
      });
    }
    boxes.forEach((box) => box.addEventListener("change", update));
    if (boxes.length) update();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-unit-picker]").forEach(setUpPicker);
    setUpDesk();
  });
})();
