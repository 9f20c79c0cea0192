// The agent's own state: a badge, the time in state ticking, and the Available / Break / Offline buttons.

import { byTestId } from "../dom.js";
import { formatDuration, humanize, secondsSince } from "../format.js";

// States in which the desk decides, not the agent: a call is offered, running, or waiting for its outcome.
const BUSY_STATES = new Set(["ringing", "on_call", "wrap_up"]);

const BUSY_HINT = {
  ringing: "Accept or decline the offered call first",
  on_call: "You are on a call",
  wrap_up: "Save the call's outcome first",
};

export class StateBar {
  /** Wire the buttons of `root`; `onChoose(state, reason)` asks the server for a change. */
  constructor(root, { onChoose }) {
    this.badge = byTestId("agent-state", root);
    this.timer = byTestId("state-timer", root);
    this.reasonText = byTestId("state-reason", root);
    this.breakReason = byTestId("break-reason", root);
    this.buttons = [...root.querySelectorAll("[data-set-state]")];
    this.status = { state: "offline", since: Date.now() / 1000, reason: "" };
    for (const button of this.buttons) {
      button.addEventListener("click", () => {
        const state = button.dataset.setState;
        onChoose(state, state === "break" ? this.breakReason.value : "");
      });
    }
    this.breakReason.addEventListener("change", () => this.render());
    this.render();
  }

  /** The server's word on our state (`agent_state`). */
  update(status) {
    this.status = status;
    this.render();
  }

  get state() {
    return this.status.state;
  }

  render() {
    const { state, reason } = this.status;
    this.badge.dataset.state = state;
    this.badge.textContent = humanize(state);
    this.reasonText.textContent = reason ? `(${reason})` : "";
    const busy = BUSY_STATES.has(state);
    for (const button of this.buttons) {
      const current = button.dataset.setState === state && (state !== "break" || reason === this.breakReason.value);
      button.disabled = busy || current;
      button.setAttribute("aria-pressed", String(button.dataset.setState === state));
      button.title = busy ? BUSY_HINT[state] : "";
    }
    this.breakReason.disabled = busy;
    document.title = `${state === "ringing" ? "Incoming call" : humanize(state)} · Desk · Contact center`;
    this.tick();
  }

  /** Advance the time-in-state clock. */
  tick() {
    this.timer.textContent = formatDuration(secondsSince(this.status.since));
  }
}
