// "Use my location" for the events filter, where the browser can tell. The position is
// rounded to two decimals (about 1 km): enough to find what is near, without handing
// the server an exact address, and neighbours then ask the same question.
(function () {
  "use strict";
  var button = document.getElementById("near-me");
  var field = document.getElementById("near");
  if (!button || !field || !navigator.geolocation) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (where) {
        field.value = where.coords.latitude.toFixed(2) + "," + where.coords.longitude.toFixed(2);
        field.form.submit();
      },
      function () {
        button.disabled = false;
        button.textContent = "Location unavailable: type a place as lat,lon";
      },
      { maximumAge: 600000, timeout: 10000 }
    );
  });
})();
