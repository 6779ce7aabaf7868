// The events page counts days ("Today", "This weekend") in a zone. The server only
// knows UTC; here the browser tells it the reader's zone. The filter form carries it,
// and a page drawn in UTC for someone elsewhere is asked again, once, in their zone.
(function () {
  "use strict";
  var field = document.getElementById("tz");
  if (!field) return;
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  if (!zone) {
    // No zone name: the offset from UTC right now, as +HH:MM.
    var minutes = -new Date().getTimezoneOffset(), sign = minutes < 0 ? "-" : "+";
    minutes = Math.abs(minutes);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    zone = sign + pad(Math.floor(minutes / 60)) + ":" + pad(minutes % 60);
  }
  field.value = zone;
  var url = new URL(window.location.href);
  if (!url.searchParams.get("tz") && zone !== "UTC" && zone !== "Etc/UTC") {
    url.searchParams.set("tz", zone);
    window.location.replace(url.toString());
  }
})();
