// What the pages once did in inline attributes, which the Content-Security-Policy forbids:
// a read-only address field selects itself when focused (so it is easy to copy), and a
// "Print" button prints the page. And every stored moment (a message's time, the audit)
// is shown on the reader's own clock: the page says it in UTC, and a <time data-format>
// is rewritten here in the browser's time zone, in the same format (Python's strftime
// codes %a %A %d %-d %b %B %Y %H %M, or "recent": today / yesterday / Fri 4 Dec, then the time).
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
  var DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"];
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function format(d, fmt) {
    return fmt.replace(/%(-?)([aAdbBYHM%])/g, function (_, dash, c) {
      switch (c) {
        case "a": return DAYS[d.getDay()].slice(0, 3);
        case "A": return DAYS[d.getDay()];
        case "d": return dash ? String(d.getDate()) : two(d.getDate());
        case "b": return MONTHS[d.getMonth()].slice(0, 3);
        case "B": return MONTHS[d.getMonth()];
        case "Y": return String(d.getFullYear());
        case "H": return two(d.getHours());
        case "M": return two(d.getMinutes());
        default: return "%";
      }
    });
  }
  function recent(d) {
    var now = new Date();
    var days = Math.round((new Date(now.getFullYear(), now.getMonth(), now.getDate()) -
                           new Date(d.getFullYear(), d.getMonth(), d.getDate())) / 86400000);
    var day = days === 0 ? "today" : days === 1 ? "yesterday" : format(d, "%a %-d %b");
    return day + " " + format(d, "%H:%M");
  }
  function localise(root) {
    var found = root.querySelectorAll ? root.querySelectorAll("time[data-format]") : [];
    Array.prototype.forEach.call(found, function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (isNaN(d.getTime())) return;
      var fmt = el.getAttribute("data-format");
      el.textContent = fmt === "recent" ? recent(d) : format(d, fmt);
      el.setAttribute("data-local", "1");
    });
  }
  localise(document);  // deferred: the page is parsed
  document.addEventListener("htmx:afterSettle", function (event) { localise(event.target); });
})();
