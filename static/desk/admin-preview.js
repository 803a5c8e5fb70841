// The service card's admin page: the citizen's form previewed beside it is drawn again as the
// agency admin types (the «پیش‌نمایش فرم» button does it without JavaScript). The same form is
// posted to the preview frame: nothing is saved. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var button = document.getElementById("preview-button");
  if (!button || !button.form || !button.form.requestSubmit) { return; }
  var form = button.form;
  var timer = null;
  function refresh(event) {
    if (event.target === button) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () { form.requestSubmit(button); }, 600);
  }
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  // Rows added or removed by the admin's inline buttons change the form too.
  form.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".add-row a, .inline-deletelink")) {
      refresh(event);
    }
  });
})();
