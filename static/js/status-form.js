// The Appendix's in-place status form (htmx swaps it into a row's Status cell), made roomy and
// quick for editors. Without this script the form still works where htmx puts it; without
// JavaScript at all, the Edit link opens the form's own page.
// - The form opens in a row of its own under the item's row, the table's full width; what comes
//   back (the cell after a save or a cancel) goes back to the Status cell, focus on its Edit link.
// - Each wording box follows the status until the editor types in it (also on a focal point's
//   proposal form, marked data-follow-status).
// - Escape cancels.
(function () {
  "use strict";

  function formRowFor(form) {
    const cell = form.closest("td");
    const row = cell && cell.closest("tr");
    if (!row || row.classList.contains("status-form-row")) return;
    const wide = document.createElement("tr");
    wide.className = "status-form-row";
    const td = document.createElement("td");
    td.colSpan = [...row.cells].reduce((sum, c) => sum + c.colSpan, 0);
    wide.append(td);
    row.after(wide);
    cell.classList.add("editing");
    td.append(form);
  }

  function backToItsRow(statusCell) {
    const wide = statusCell.closest("tr.status-form-row");
    if (!wide) return;
    const row = wide.previousElementSibling;
    const cell = row && row.querySelector("td.editing");
    if (!cell) return;
    cell.classList.remove("editing");
    cell.append(statusCell);
    wide.remove();
  }

  function focusAutofocus(element) {
    const target = element.matches("[autofocus]") ? element : element.querySelector("[autofocus]");
    if (target) target.focus();
  }

  function followStatus(form) {
    const status = form.querySelector("select[name=status]");
    if (!status) return;
    const boxes = [...form.querySelectorAll("[data-status-names]")];
    const started = { status: status.value, wordings: boxes.map((box) => box.value) };
    boxes.forEach((box) => box.addEventListener("input", () => { box.dataset.typed = "true"; }));
    status.addEventListener("change", () => {
      boxes.forEach((box, i) => {
        if (box.dataset.typed) return;
        box.value = status.value === started.status
          ? started.wordings[i]
          : JSON.parse(box.dataset.statusNames)[status.value] || "";
      });
    });
  }

  document.addEventListener("htmx:load", (event) => {
    const element = event.detail.elt;
    if (!(element instanceof Element)) return;
    if (element.matches("form.status-form")) {
      formRowFor(element);
      followStatus(element);
      focusAutofocus(element);
    } else if (element.matches(".status-cell")) {
      backToItsRow(element);
      focusAutofocus(element);
    }
  });

  // Forms of a page of their own (a focal point's proposal): deferred, so the page is parsed.
  document.querySelectorAll("form[data-follow-status]").forEach(followStatus);

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const form = event.target.closest && event.target.closest("form.status-form");
    const cancel = form && form.querySelector("a.cancel");
    if (cancel) {
      event.preventDefault();
      cancel.click();
    }
  });
})();
