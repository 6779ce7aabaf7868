// Forms with a place (an event, a group's home area) take it as two number fields,
// which work without scripts. Here a click on the map fills them, and "Use my
// location" asks the browser where it is; typing in the fields moves the marker.
(function () {
  "use strict";
  var lat = document.getElementById("f-lat");
  var lon = document.getElementById("f-lon");
  if (!lat || !lon) return;
  var status = document.querySelector("[data-place-status]");
  var box = document.querySelector("[data-place-picker]");
  var map = null, marker = null;

  function say(text) { if (status) status.textContent = text; }
  function current() {
    var a = parseFloat(lat.value), b = parseFloat(lon.value);
    return isNaN(a) || isNaN(b) || Math.abs(a) > 90 || Math.abs(b) > 180 ? null : [a, b];
  }
  function show(point, zoom) {
    if (!map) return;
    if (marker) marker.setLatLng(point);
    else marker = L.marker(point, { title: "The place" }).addTo(map);
    if (zoom) map.setView(point, Math.max(map.getZoom(), zoom));
  }
  // Five decimals is about a metre: more only looks precise.
  function fill(a, b, why) {
    lat.value = a.toFixed(5);
    lon.value = b.toFixed(5);
    show([a, b], 0);
    say(why + ": " + lat.value + ", " + lon.value);
  }

  if (box && typeof L !== "undefined") {
    box.hidden = false;
    var hint = document.querySelector("[data-place-hint]");
    if (hint) hint.hidden = false;
    map = L.map(box, { scrollWheelZoom: false });
    L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution })
      .addTo(map);
    var start = current();
    var centre = (box.dataset.center || "").split(",").map(parseFloat);
    if (start) { map.setView(start, 14); show(start, 0); }
    else if (centre.length === 2 && !isNaN(centre[0]) && !isNaN(centre[1])) map.setView(centre, 12);
    else map.setView([20, 0], 2);
    map.on("click", function (e) {
      var p = e.latlng.wrap();
      fill(p.lat, p.lng, "Place set from the map");
    });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () {
        var point = current();
        if (point) show(point, 12);
      });
    });
  }

  var button = document.querySelector("[data-use-location]");
  if (!button || !navigator.geolocation) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    say("Asking your browser where you are…");
    navigator.geolocation.getCurrentPosition(
      function (where) {
        button.disabled = false;
        fill(where.coords.latitude, where.coords.longitude, "Place set to your location");
        if (map) map.setView([where.coords.latitude, where.coords.longitude], 15);
      },
      function () {
        button.disabled = false;
        say("Your location is not available: click the map or type the numbers.");
      },
      { maximumAge: 60000, timeout: 10000 }
    );
  });
})();
