// Fills every hidden browser_zone field (input[data-browser-zone]) with this browser's time
// zone: on the sign-in, sign-up and password forms, so "today" in Anklet is the person's day,
// and on the reminders page, used when its time zone field is left empty. Without it (no
// script, or no Intl) the field stays empty: the account's zone stays as it was, and
// reminders use UTC.
(function () {
  "use strict";
  var fields = document.querySelectorAll("input[data-browser-zone]");
  if (!fields.length) { return; }
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) { return; }
  for (var i = 0; i < fields.length; i += 1) { fields[i].value = zone; }
}());
