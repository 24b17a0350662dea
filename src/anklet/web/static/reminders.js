// Reminders page: fills the hidden browser_zone field with this browser's time zone, used
// when the time zone field is left empty. The page works without it (then UTC).
(function () {
  "use strict";
  var field = document.getElementById("f-browser_zone");
  if (!field) { return; }
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) { field.value = zone; }
  } catch (e) { /* no Intl: the server uses UTC */ }
}());
