/* Show a block only while a control of its form has one of the given values:
   <fieldset data-show-when="frequency" data-show-values="weekly"> shows the
   weekdays only for a weekly rhythm. Progressive enhancement: without
   JavaScript every block shows, and the server ignores the ones that do not
   apply. */
(function () {
  "use strict";

  function update(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (block) {
      var control = form.elements[block.dataset.showWhen];
      if (!control) return;
      var values = (block.dataset.showValues || "").split(" ");
      block.hidden = values.indexOf(control.value) === -1;
    });
  }

  function start() {
    var forms = new Set();
    document.querySelectorAll("[data-show-when]").forEach(function (block) {
      var form = block.closest("form");
      if (form) forms.add(form);
    });
    forms.forEach(function (form) {
      form.addEventListener("change", function () { update(form); });
      update(form);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
