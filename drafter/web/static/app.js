// Light progressive enhancement: every page works without this file.
(function () {
  // A running batch: refresh its page every second until it is done.
  var status = document.getElementById("batch-status");
  if (status && status.dataset.running) {
    setTimeout(function () { window.location.reload(); }, 1000);
  }
  // The case form: jump to the first field with an error.
  var invalid = document.querySelector(".field.invalid input, .field.invalid select, .field.invalid textarea");
  if (invalid) { invalid.scrollIntoView({ block: "center" }); invalid.focus({ preventScroll: true }); }
  // Warn before leaving the form with unsaved changes.
  var form = document.getElementById("case-form");
  if (form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (e) { if (dirty) { e.preventDefault(); e.returnValue = ""; } });
  }
})();
