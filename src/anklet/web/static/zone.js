// Sign-in, sign-up and password forms: fills the hidden browser_zone field with this
// browser's time zone, so "today" in Anklet is the person's day. Without it (no script, or
// no Intl) the field stays empty and the account's zone stays as it was.
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
