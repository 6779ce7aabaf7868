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
  // The instant `text` (a local wall time) names. In the repeated autumn hour one wall
  // time names two instants and `new Date(text)` takes the first; when the value had an
  // offset that still gives this wall time, keep it, so 02:40 stays winter time if 02:30 was.
  function fromLocal(text, before) {
    var chosen = new Date(text);  // no zone given: read as the browser's local time
    var wall = new Date(text + "Z");  // the same digits, read as UTC
    if (before && !isNaN(wall)) {
      var kept = new Date(wall.getTime() + before.getTimezoneOffset() * 60000);
      if (localValue(kept) === utcValue(wall)) return kept;
    }
    return chosen;
  }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "your time zone";
  document.querySelectorAll("input[data-utc]").forEach(function (input) {
    // What the server wrote and what we show for it: a value left alone is sent back as
    // it came, never through a local reading that may name another instant.
    var sent = input.value, shown = null, before = null, converted = null;
    if (input.value) {
      var utc = new Date(input.value + "Z");
      if (!isNaN(utc)) {
        before = utc;
        input.value = shown = localValue(utc);
      }
    }
    var label = document.querySelector('label[for="' + input.id + '"]');
    if (label) label.textContent = label.textContent.replace("(UTC)", "(" + zone + ")");
    input.form.addEventListener("submit", function () {
      // Already UTC: a second submit, or a page come back from the history cache.
      if (!input.value || input.value === converted) return;
      if (input.value === shown) {
        input.value = converted = sent;
        return;
      }
      var local = fromLocal(input.value, before);
      if (!isNaN(local)) input.value = converted = utcValue(local);
    });
  });
})();
