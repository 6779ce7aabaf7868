// The notifications badge of every page, kept current over /ws for signed-in people.
// Pages work without it: the badge is rendered with the page.
(function () {
  "use strict";
  var region = document.getElementById("live-region");

  // Live updates are said once in the layout's aria-live="polite" region, so a screen
  // reader user hears them without losing their place. Other scripts use it too.
  function announce(text) {
    if (!region) { return; }
    region.textContent = "";
    // A fresh text node after a tick: saying the same words twice is still announced.
    setTimeout(function () { region.textContent = text; }, 50);
  }
  window.crewupAnnounce = announce;

  var bell = document.querySelector("a.bell");
  if (!bell || !window.WebSocket) { return; }
  var retry = 1000;
  var shownCount = null;

  function show(count) {
    var badge = bell.querySelector(".badge");
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "badge";
      bell.appendChild(document.createTextNode(" "));
      bell.appendChild(badge);
    }
    badge.hidden = count === 0;
    badge.textContent = count > 99 ? "99+" : String(count);
    bell.setAttribute("aria-label", count ? "Notifications, " + count + " unread" : "Notifications");
    if (shownCount !== null && count > shownCount) {
      announce(count === 1 ? "1 unread notification" : count + " unread notifications");
    }
    shownCount = count;
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws");
    socket.onopen = function () { retry = 1000; };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type === "notification" && typeof frame.unread === "number") {
        show(frame.unread);
      }
      // Other scripts of the page react to their frames (safety-banner.js).
      document.dispatchEvent(new CustomEvent("crewup:frame", { detail: frame }));
    };
    socket.onclose = function (event) {
      // 4401/4403: signed out or banned; nothing to keep current.
      if (event.code === 4401 || event.code === 4403) { return; }
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }
  connect();
})();
