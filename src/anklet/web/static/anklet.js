// What the pages once did in inline attributes, which the Content-Security-Policy forbids:
// a read-only address field selects itself when focused (so it is easy to copy), and a
// "Print" button prints the page.
(function () {
  "use strict";
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (el instanceof HTMLInputElement && el.hasAttribute("data-select-on-focus")) el.select();
  });
  document.addEventListener("click", function (event) {
    var el = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (el) window.print();
  });
})();
