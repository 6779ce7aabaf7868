// Web push for this browser, on the notification settings page. The server keeps one
// subscription per browser; turning push off here removes only this browser's.
(function () {
  "use strict";
  var section = document.getElementById("push");
  var state = section && section.querySelector("[data-push-state]");
  var on = section && section.querySelector("[data-push-on]");
  var off = section && section.querySelector("[data-push-off]");
  var csrf = document.querySelector('meta[name="csrf-token"]');
  if (!section || !("serviceWorker" in navigator) || !("PushManager" in window)) return;
  section.hidden = false;

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function send(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf ? csrf.content : "" },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (!response.ok) throw new Error("the server said " + response.status);
    });
  }

  function show(subscription, message) {
    on.hidden = !!subscription;
    off.hidden = !subscription;
    state.textContent = message || (subscription
      ? "Push is on for this browser."
      : "Push is off for this browser.");
  }

  function fail(error) {
    state.textContent = "Push could not be changed: " + error.message;
    on.disabled = off.disabled = false;
  }

  navigator.serviceWorker.register("/sw.js").then(function (registration) {
    return registration.pushManager.getSubscription().then(function (subscription) {
      show(subscription);

      on.addEventListener("click", function () {
        on.disabled = true;
        Notification.requestPermission().then(function (permission) {
          if (permission !== "granted") {
            on.disabled = false;
            show(null, "This browser blocks notifications from CrewUp; allow them in its site settings.");
            return;
          }
          return fetch("/api/v1/push/vapid-key")
            .then(function (response) { return response.json(); })
            .then(function (key) {
              return registration.pushManager.subscribe({
                userVisibleOnly: true,
                applicationServerKey: keyBytes(key.public_key),
              });
            })
            .then(function (created) {
              return send("/settings/push-subscriptions", created.toJSON()).then(function () {
                on.disabled = false;
                show(created);
              });
            });
        }).catch(fail);
      });

      off.addEventListener("click", function () {
        off.disabled = true;
        registration.pushManager.getSubscription().then(function (current) {
          if (!current) return show(null);
          return send("/settings/push-subscriptions/remove", { endpoint: current.endpoint })
            .then(function () { return current.unsubscribe(); })
            .then(function () { off.disabled = false; show(null); });
        }).catch(fail);
      });
    });
  }).catch(function (error) {
    state.textContent = "Push is not available here: " + error.message;
  });
})();
