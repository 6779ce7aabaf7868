// Progressive enhancement: pages list their events as plain HTML that works without
// JavaScript. Where Leaflet loaded and a tile server is configured, this shows the
// same events on a map. Titles go in as text nodes, never as HTML.
(function () {
  "use strict";
  var box = document.getElementById("events-map");
  if (!box || typeof L === "undefined") return;
  var points = Array.prototype.slice.call(document.querySelectorAll("[data-map-point]"));
  if (points.length === 0) return;
  box.hidden = false;
  var map = L.map(box, { scrollWheelZoom: false });
  L.tileLayer(box.dataset.tiles, {
    maxZoom: 19,
    attribution: box.dataset.attribution
  }).addTo(map);
  var bounds = [];
  points.forEach(function (item) {
    var lat = parseFloat(item.dataset.lat), lon = parseFloat(item.dataset.lon);
    if (isNaN(lat) || isNaN(lon)) return;
    var link = document.createElement("a");
    link.href = item.dataset.href;
    link.textContent = item.dataset.title;
    L.marker([lat, lon], { title: item.dataset.title }).bindPopup(link).addTo(map);
    bounds.push([lat, lon]);
  });
  if (bounds.length === 1) map.setView(bounds[0], 14);
  else map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
})();
