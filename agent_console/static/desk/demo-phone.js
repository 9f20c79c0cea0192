// Sandbox mode: a simulated customer calls our number and presses keys, so the desk can be tried end to end.

import { postJSON } from "../api.js";
import { byTestId } from "../dom.js";

/** Wire the demo phone panel, when the page has one (sandbox mode only). */
export function setUpDemoPhone(root) {
  const form = root.querySelector('[data-testid="demo-call-form"]');
  if (!form) return;
  const from = byTestId("demo-from", form);
  const press = byTestId("demo-press", form);
  const status = byTestId("demo-status", form);
  const call = byTestId("demo-call", form);

  for (const key of form.querySelectorAll("[data-key]")) {
    key.addEventListener("click", () => {
      press.value += key.dataset.key;
    });
  }
  form.querySelector("[data-key-clear]").addEventListener("click", () => {
    press.value = "";
    press.focus();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!from.value.trim()) {
      status.textContent = "Type the caller's number first.";
      return from.focus();
    }
    call.disabled = true;
    status.textContent = "Dialling…";
    const answer = await postJSON("/console/demo-call", { from: from.value.trim(), press: press.value.trim() });
    call.disabled = false;
    status.dataset.ok = String(answer.ok);
    status.textContent = answer.ok
      ? `Calling: ${answer.data.call_sid}. Go Available to be offered the call.`
      : answer.data.message || "The demo call could not be placed.";
  });
}
