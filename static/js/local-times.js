// The server writes every time in UTC; where scripts run, show each one in the
// reader's own time zone instead, and let forms take times in it too (they are sent
// back as UTC, which is all the server ever reads).
(function () {
  "use strict";
  var styles = {
    long: { weekday: "short", day: "2-digit", month: "short", year: "numeric",
            hour: "2-digit", minute: "2-digit", timeZoneName: "short" },
    short: { day: "2-digit", month: "short", hour: "2-digit", minute: "2-digit",
             timeZoneName: "short" },
    date: { day: "2-digit", month: "short", year: "numeric" },
    time: { hour: "2-digit", minute: "2-digit", timeZoneName: "short" }
  };
  document.querySelectorAll("time[data-local]").forEach(function (el) {
    var when = new Date(el.getAttribute("datetime"));
    var style = styles[el.dataset.local];
    if (isNaN(when) || !style) return;
    el.title = el.textContent;  // the UTC reading stays one hover away
    el.textContent = new Intl.DateTimeFormat(document.documentElement.lang || undefined, style).format(when);
  });

  // <input type="datetime-local" data-utc>: the value is UTC wall-clock time.
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function localValue(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes());
  }
  function utcValue(date) {
    return date.getUTCFullYear() + "-" + pad(date.getUTCMonth() + 1) + "-" +
      pad(date.getUTCDate()) + "T" + pad(date.getUTCHours()) + ":" + pad(date.getUTCMinutes());
  }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "your time zone";
  document.querySelectorAll("input[data-utc]").forEach(function (input) {
    if (input.value) {
      var utc = new Date(input.value + "Z");
      if (!isNaN(utc)) input.value = localValue(utc);
    }
    var label = document.querySelector('label[for="' + input.id + '"]');
    if (label) label.textContent = label.textContent.replace("(UTC)", "(" + zone + ")");
    input.form.addEventListener("submit", function () {
      if (!input.value) return;
      var local = new Date(input.value);  // no zone given: read as the browser's local time
      if (!isNaN(local)) input.value = utcValue(local);
    });
  });
})();
