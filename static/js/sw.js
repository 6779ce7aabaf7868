// The service worker: shows CrewUp's pushes and opens the page a notification is about.
// Only same-site paths are opened, whatever a payload says.
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
  var url = typeof data.url === "string" && data.url.charAt(0) === "/" && data.url.charAt(1) !== "/"
    ? data.url : "/notifications";
  event.waitUntil(self.registration.showNotification(data.title || "CrewUp", {
    body: data.body || "",
    data: { url: url },
    tag: url,
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/notifications";
  event.waitUntil(self.clients.openWindow(url));
});
