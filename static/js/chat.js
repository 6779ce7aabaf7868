// The chat panel of a group or event page: history over HTTP, live messages over /ws
// (the session cookie signs it in), reconnect with replay from the newest id we have,
// typing, presence and the unread badge. Bodies are only ever set as textContent, so a
// "<script>" message is shown, never run. No inline script: the CSP forbids them.
(function () {
  "use strict";
  var panel = document.getElementById("chat");
  if (!panel || !window.WebSocket) return;
  var kind = panel.dataset.roomKind;
  var roomId = Number(panel.dataset.roomId);
  var me = Number(panel.dataset.me);
  var log = panel.querySelector("[data-log]");
  var status = panel.querySelector("[data-status]");
  var presence = panel.querySelector("[data-presence]");
  var typingLine = panel.querySelector("[data-typing]");
  var badge = panel.querySelector("[data-unread]");
  var form = panel.querySelector("[data-send]");
  var input = form.querySelector("textarea");
  var rows = new Map(); // message id -> <li>
  var newest = 0;
  var socket = null;
  var retry = 1000;
  var lastTyping = 0;
  var readTimer = null;
  var typingTimer = null;

  function room(frame) {
    frame[kind + "_id"] = roomId;
    return frame;
  }

  function ours(frame) {
    return frame[kind + "_id"] === roomId;
  }

  function say(text) {
    status.textContent = text;
  }

  function render(message) {
    var row = rows.get(message.id);
    if (!row) {
      row = document.createElement("li");
      var who = document.createElement("strong");
      var body = document.createElement("span");
      body.className = "chat-body";
      row.appendChild(who);
      row.appendChild(document.createTextNode(" "));
      row.appendChild(body);
      row.dataset.id = String(message.id);
      // Keep id order even when a live message overtakes another.
      var after = null;
      rows.forEach(function (other, id) {
        if (id > message.id && (after === null || id < Number(after.dataset.id))) after = other;
      });
      log.insertBefore(row, after);
      rows.set(message.id, row);
    }
    row.querySelector("strong").textContent = message.author.display_name + ":";
    row.querySelector(".chat-body").textContent = message.body;
    if (message.id > newest) newest = message.id;
    var pending = message.client_id && log.querySelector('[data-client-id="' + CSS.escape(message.client_id) + '"]');
    if (pending) pending.remove();
  }

  function markRead() {
    if (document.hidden || !socket || socket.readyState !== WebSocket.OPEN || !newest) return;
    clearTimeout(readTimer);
    readTimer = setTimeout(function () {
      socket.send(JSON.stringify(room({ type: "read", up_to_id: newest })));
    }, 500);
  }

  function onFrame(frame) {
    if (frame.type === "message" && ours(frame)) {
      render(frame);
      log.scrollTop = log.scrollHeight;
      markRead();
    } else if (frame.type === "message_edited" && ours(frame) && rows.has(frame.id)) {
      rows.get(frame.id).querySelector(".chat-body").textContent = frame.body;
    } else if (frame.type === "message_deleted" && ours(frame) && rows.has(frame.id)) {
      rows.get(frame.id).remove();
      rows.delete(frame.id);
    } else if (frame.type === "presence" && ours(frame)) {
      presence.textContent = frame.online.length + " online";
    } else if (frame.type === "typing" && ours(frame) && frame.user_id !== me) {
      typingLine.textContent = frame.display_name + " is typing…";
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typingLine.textContent = ""; }, 3000);
    } else if (frame.type === "unread" && ours(frame)) {
      badge.hidden = frame.count === 0;
      badge.textContent = frame.count > 99 ? "99+" : String(frame.count);
    } else if (frame.type === "error") {
      say(frame.code === "rate_limited" ? "Slow down: " + frame.detail : frame.detail);
    }
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws");
    socket.onopen = function () {
      retry = 1000;
      say("");
      // Replays whatever arrived after the newest message we show, in order.
      socket.send(JSON.stringify(room({ type: "subscribe", since_id: newest })));
      markRead();
    };
    socket.onmessage = function (event) {
      try { onFrame(JSON.parse(event.data)); } catch (e) { /* a frame we do not know */ }
    };
    socket.onclose = function (event) {
      if (event.code === 4401 || event.code === 4403) {
        say("Signed out of chat. Reload the page to sign in again.");
        return;
      }
      say("Reconnecting…");
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = input.value.trim();
    if (!body || !socket || socket.readyState !== WebSocket.OPEN) return;
    var clientId = Date.now().toString(36) + Math.random().toString(36).slice(2);
    var pending = document.createElement("li");
    pending.className = "pending";
    pending.dataset.clientId = clientId;
    pending.textContent = body;
    log.appendChild(pending);
    socket.send(JSON.stringify(room({ type: "message", body: body, client_id: clientId })));
    input.value = "";
  });

  input.addEventListener("input", function () {
    var now = Date.now();
    if (now - lastTyping > 2000 && socket && socket.readyState === WebSocket.OPEN) {
      lastTyping = now;
      socket.send(JSON.stringify(room({ type: "typing" })));
    }
  });

  document.addEventListener("visibilitychange", markRead);

  fetch(panel.dataset.history + "?limit=50", { credentials: "same-origin" })
    .then(function (answer) { return answer.ok ? answer.json() : { items: [] }; })
    .then(function (page) { page.items.slice().reverse().forEach(render); })
    .catch(function () { say("Could not load the history."); })
    .then(connect);
})();
