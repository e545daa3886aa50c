// Small progressive enhancements; every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Ask once before a transition that cannot be undone by the same role.
  const final = new Set(["reject", "collect"]);
  for (const form of document.querySelectorAll("form.action-form")) {
    form.addEventListener("submit", (event) => {
      const name = form.querySelector("input[name=transition]").value;
      const label = form.querySelector("button").textContent.trim();
      if (final.has(name) && !window.confirm(label + "?")) event.preventDefault();
    });
  }
  // Live update: reload the sample's page when the server says it changed, unless the user
  // is typing into one of its forms.
  const live = document.querySelector("[data-live]");
  if (live && window.EventSource) {
    const source = new EventSource(live.dataset.live);
    source.addEventListener("changed", () => {
      const typing = [...document.querySelectorAll("form.action-form input")].some((i) => i.value);
      if (!typing) window.location.reload();
    });
    source.addEventListener("gone", () => source.close());
  }
});
