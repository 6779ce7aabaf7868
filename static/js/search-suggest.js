// Suggestions under the header search box as you type. Without this script the box is a
// plain GET form to /search. Results are put in with textContent only: never as HTML.
(function () {
  "use strict";
  const input = document.querySelector("input[data-suggest]");
  if (!input) return;
  const list = document.createElement("ul");
  list.className = "suggestions";
  list.hidden = true;
  input.after(list);
  let timer = null;
  let latest = 0;

  function show(items) {
    list.replaceChildren();
    for (const item of items) {
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.title;
      const kind = document.createElement("small");
      kind.textContent = " " + item.type;
      li.append(link, kind);
      list.append(li);
    }
    list.hidden = items.length === 0;
  }

  async function fetchSuggestions(q) {
    const asked = ++latest;
    try {
      const resp = await fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (asked !== latest) return; // an older answer arriving late
      show(resp.ok ? (await resp.json()).items : []);
    } catch (err) {
      show([]);
    }
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) {
      show([]);
      return;
    }
    timer = setTimeout(function () { fetchSuggestions(q); }, 150);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Escape") show([]);
  });
})();
