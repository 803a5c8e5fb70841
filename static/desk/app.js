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
