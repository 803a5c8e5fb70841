// The admin's change lists: Django's actions.js redraws «N از M انتخاب شده‌اند» in Latin digits
// as boxes are ticked; this keeps it in Persian digits. Loaded by templates/admin/base_site.html.
(function () {
  "use strict";
  var digits = "۰۱۲۳۴۵۶۷۸۹";
  function persian(text) {
    return text.replace(/[0-9]/g, function (d) { return digits.charAt(Number(d)); });
  }
  function keepPersian(element) {
    var redraw = function () {
      // Text nodes only: the elements (a link among them) stay as Django's script drew them.
      var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (var node = walker.nextNode(); node; node = walker.nextNode()) {
        var shown = persian(node.nodeValue);
        if (shown !== node.nodeValue) { node.nodeValue = shown; }
      }
    };
    new MutationObserver(redraw).observe(element, { childList: true, characterData: true, subtree: true });
    redraw();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".actions .action-counter, .actions .all, .actions .question")
      .forEach(keepPersian);
  });
})();
