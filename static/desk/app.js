// Show the chosen file's name in Persian pickers (the browser's own button speaks its UI
// language, not the page's).
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches || !input.matches(".file-picker input[type=file]")) { return; }
  var label = input.parentElement.querySelector(".file-name");
  var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
  label.textContent = names.length ? names.join("، ") : label.dataset.empty;
  label.classList.toggle("text-muted", !names.length);
});

// htmx requests that change something carry the CSRF token from its cookie (set by any page
// with a form), so pages need not mask a token into their markup: a public GET then renders
// without a token and without a Set-Cookie.
document.addEventListener("htmx:configRequest", function (event) {
  if (event.detail.verb === "get") { return; }
  var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) { event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]); }
});

// A second click while a form's POST is on its way would only resend the same form (the
// server answers with the same request): a submit button marked data-once is disabled once
// the form is sent. No inline script anywhere: the Content-Security-Policy forbids it.
document.addEventListener("submit", function (event) {
  var button = event.target.querySelector && event.target.querySelector("[data-once]");
  if (!button) { return; }
  setTimeout(function () {
    button.disabled = true;
    button.textContent = button.dataset.onceText || "در حال ثبت…";
  }, 0);
});

// Buttons that print the page (the receipt).
document.addEventListener("click", function (event) {
  var target = event.target.closest && event.target.closest("[data-print]");
  if (target) { window.print(); }
});

// The error summary takes focus, so a screen reader announces it and the keyboard starts there.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
});

// The bank's page is reached by a form the browser posts (Mellat, Saman): send it at once,
// with its button left for a browser that has no JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-autosubmit]");
  if (form) { form.submit(); }
});
