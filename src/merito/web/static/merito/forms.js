// Warn before leaving a form with unsaved changes (seed 000: "antes de suspender, guarde").
// Forms opt in with data-warn-unsaved="message". No inline script: the CSP forbids it.
(function () {
  "use strict";
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
    var dirty = false;
    var message = form.getAttribute("data-warn-unsaved");
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) { return undefined; }
      event.preventDefault();
      event.returnValue = message;
      return message;
    });
  });
})();
