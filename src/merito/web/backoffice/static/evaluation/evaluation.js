/* SIMO back office: the "Avisos" dialog and the header box that marks a page of rows.
   Loaded as a static file because the Content-Security-Policy forbids inline scripts. */
(function () {
  "use strict";

  var dialog = document.getElementById("avisos-dialogo");
  var opener = document.getElementById("avisos-abrir");
  if (dialog && typeof dialog.showModal === "function") {
    var returnTo = null;
    var open = function () {
      returnTo = document.activeElement;
      dialog.showModal();
      var close = dialog.querySelector("[data-cerrar]");
      if (close) {
        close.focus();
      }
    };
    if (opener) {
      opener.addEventListener("click", function (event) {
        event.preventDefault();
        open();
      });
    }
    dialog.addEventListener("close", function () {
      if (returnTo && typeof returnTo.focus === "function") {
        returnTo.focus();
      } else if (opener) {
        opener.focus();
      }
    });
    if (dialog.getAttribute("data-abrir-al-cargar") === "true") {
      open();
    }
  }

  var pageBoxes = document.querySelectorAll("input[data-marcar-pagina]");
  Array.prototype.forEach.call(pageBoxes, function (box) {
    var name = box.getAttribute("data-marcar-pagina");
    var rows = box.form ? box.form.querySelectorAll('input[name="' + name + '"]') : [];
    box.hidden = false;
    box.disabled = false;
    box.addEventListener("change", function () {
      Array.prototype.forEach.call(rows, function (row) {
        row.checked = box.checked;
      });
    });
  });
})();

/* Folder distribution: the "Asignación masiva" dialog, and the list of automatic
   distribution jobs, which reloads itself while a job is pending or running. */
(function () {
  "use strict";

  var openers = document.querySelectorAll("[data-abrir-dialogo]");
  Array.prototype.forEach.call(openers, function (button) {
    var dialog = document.getElementById(button.getAttribute("data-abrir-dialogo"));
    if (!dialog || typeof dialog.showModal !== "function") {
      return;
    }
    button.addEventListener("click", function () {
      dialog.showModal();
      var first = dialog.querySelector("input");
      if (first) {
        first.focus();
      }
    });
    var cancel = dialog.querySelector("[data-cerrar-dialogo]");
    if (cancel) {
      cancel.addEventListener("click", function () {
        dialog.close();
        button.focus();
      });
    }
  });

  // The page of a long job: ask how far it has gone every two seconds and show it; when
  // it ends, load the page again, which then shows its result.
  var job = document.querySelector("[data-trabajo]");
  if (job && window.fetch) {
    var bar = job.querySelector("[data-trabajo-barra]");
    var text = job.querySelector("[data-trabajo-texto]");
    var label = job.querySelector("[data-trabajo-estado]");
    var poll = function () {
      window
        .fetch(job.getAttribute("data-trabajo"), { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (!data) {
            return;
          }
          if (data.finished) {
            window.location.reload();
            return;
          }
          bar.max = data.total || 1;
          bar.value = data.done;
          bar.textContent = data.percent + " %";
          text.textContent = data.text;
          label.textContent = data.state_label;
          window.setTimeout(poll, 2000);
        })
        .catch(function () {
          window.setTimeout(poll, 5000);
        });
    };
    window.setTimeout(poll, 2000);
  }

  var refresh = document.querySelector("[data-refrescar]");
  if (refresh) {
    var seconds = parseInt(refresh.getAttribute("data-refrescar"), 10) || 5;
    window.setTimeout(function () {
      window.location.reload();
    }, seconds * 1000);
  }
})();
