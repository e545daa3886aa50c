// The kiosk page: idle timeout back to the start, photo size check, print button.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const kiosk = document.querySelector("[data-testid=kiosk]");
  if (!kiosk) return;
  const idleSeconds = Number(kiosk.dataset.idle || "180");
  const step = kiosk.dataset.step;
  let timer = null;
  const reset = () => {
    if (timer) window.clearTimeout(timer);
    // on the start screen there is nothing to abandon; elsewhere the session is dropped
    if (step === "start") return;
    timer = window.setTimeout(() => document.getElementById("kiosk-idle-form").submit(),
                              idleSeconds * 1000);
  };
  for (const name of ["pointerdown", "keydown", "input", "touchstart"]) {
    document.addEventListener(name, reset, { passive: true });
  }
  reset();
  // A photo over the limit is refused here already, with the same words the server uses.
  for (const input of document.querySelectorAll("input[type=file][data-max-bytes]")) {
    input.form.addEventListener("submit", (event) => {
      const file = input.files[0];
      if (file && file.size > Number(input.dataset.maxBytes)) {
        event.preventDefault();
        window.alert(input.dataset.tooBig);
      }
    });
  }
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
});
