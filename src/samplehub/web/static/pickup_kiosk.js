// The pickup kiosk's keypad: keys type into the code field; a QR scanner (keyboard wedge) types
// into the same field and ends with Enter, which submits the form. Works without this file too.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const entry = document.getElementById("kiosk-entry");
  if (!entry) return;
  for (const key of document.querySelectorAll(".keypad .key")) {
    key.addEventListener("click", () => {
      const k = key.dataset.key;
      if (k === "clear") entry.value = "";
      else if (k === "back") entry.value = entry.value.slice(0, -1);
      else if (entry.value.length < 6 || entry.value.includes(":")) entry.value += k;
      entry.focus();
    });
  }
  // Keep the field focused so a scan always lands in it.
  document.addEventListener("click", (event) => {
    if (!event.target.closest("button, a, input")) entry.focus();
  });
});
