// The "raise an alert" form: fill latitude and longitude from the browser's location when
// the person allows it. Without scripts (or without permission) the fields are typed in.
(function () {
  "use strict";
  var form = document.querySelector("form[data-locate]");
  if (!form || !navigator.geolocation) { return; }
  var lat = form.querySelector("input[name=lat]");
  var lon = form.querySelector("input[name=lon]");
  var status = form.querySelector("[data-locate-status]");
  if (!lat || !lon || (lat.value && lon.value)) { return; }

  function say(text) {
    if (status) { status.hidden = false; status.textContent = text; }
  }

  say("Finding your location\u2026");
  navigator.geolocation.getCurrentPosition(function (position) {
    lat.value = position.coords.latitude.toFixed(6);
    lon.value = position.coords.longitude.toFixed(6);
    say("Location filled in from your browser (within about " +
        Math.round(position.coords.accuracy) + " m).");
  }, function () {
    say("Your location is not available: type the latitude and longitude.");
  }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
})();
