// The safety banner, kept live: an alert that reaches me while a page is open appears at
// the top with its "I'm OK" / "On my way" buttons; a resolved one goes away. Pages work
// without it: the banner is rendered with every page (templates/safety/_banner.html).
(function () {
  "use strict";
  var main = document.querySelector("main");
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!main || !meta) { return; }

  function banner() {
    var section = document.querySelector("section.safety-banner");
    if (!section) {
      section = document.createElement("section");
      section.className = "safety-banner";
      // Not role="alert": the news is said once through the layout's live region.
      section.setAttribute("role", "region");
      section.setAttribute("aria-label", "Safety alerts");
      main.insertBefore(section, main.firstChild);
    }
    return section;
  }

  function button(value, label) {
    var b = document.createElement("button");
    b.type = "submit";
    b.name = "status";
    b.value = value;
    b.textContent = label;
    return b;
  }

  function card(frame) {
    var div = document.createElement("div");
    div.className = "card safety-alert severity-" + frame.severity;
    div.setAttribute("data-alert-id", String(frame.id));
    var p = document.createElement("p");
    var strong = document.createElement("strong");
    var severity = String(frame.severity);
    strong.textContent = severity.charAt(0).toUpperCase() + severity.slice(1) + " alert";
    p.appendChild(strong);
    p.appendChild(document.createTextNode(" from " + frame.author.display_name + ": "));
    var link = document.createElement("a");
    link.href = "/safety/alerts/" + frame.id;
    link.textContent = frame.message;
    p.appendChild(link);
    var form = document.createElement("form");
    form.method = "post";
    form.action = "/safety/alerts/" + frame.id + "/acknowledge";
    form.className = "inline";
    var token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrf_token";
    token.value = meta.getAttribute("content");
    form.appendChild(token);
    form.appendChild(button("ok", "I'm OK"));
    form.appendChild(document.createTextNode(" "));
    form.appendChild(button("on_my_way", "On my way"));
    div.appendChild(p);
    div.appendChild(form);
    return div;
  }

  function shown(id) {
    return document.querySelector('.safety-banner [data-alert-id="' + id + '"]') ||
      document.querySelector('.safety-banner form[action="/safety/alerts/' + id + '/acknowledge"]');
  }

  function say(text) {
    if (window.crewupAnnounce) { window.crewupAnnounce(text); }
  }

  document.addEventListener("crewup:frame", function (event) {
    var frame = event.detail;
    if (!frame || frame.type !== "safety_alert" || typeof frame.id !== "number") { return; }
    var existing = shown(frame.id);
    if (frame.status === "open" && !existing) {
      banner().insertBefore(card(frame), banner().firstChild);
      say("Safety alert from " + frame.author.display_name + ": " + frame.message);
    } else if (frame.status === "resolved" && existing) {
      var item = existing.closest(".safety-alert") || existing;
      item.parentNode.removeChild(item);
      say("A safety alert was resolved.");
    }
  });
})();
