// The connected call's controls: hold and resume, and the cold transfer form (to an available agent or a queue).

import { byTestId, fill, h } from "../dom.js";
import { humanize } from "../format.js";

export class CallControls {
  /** Wire the buttons of the on-call card in `root`; `ask(event, data)` talks to the server, `notice(kind, text)`
   * tells the agent. */
  constructor(root, { ask, notice }) {
    this.ask = ask;
    this.notice = notice;
    this.holdButton = byTestId("hold", root);
    this.heldChip = byTestId("on-hold", root);
    this.dialing = byTestId("dialing", root);
    this.openButton = byTestId("transfer-open", root);
    this.form = byTestId("transfer-form", root);
    this.to = byTestId("transfer-to", root);
    this.note = byTestId("transfer-note", root);
    this.error = byTestId("transfer-error", root);
    this.submit = byTestId("transfer-submit", root);
    this.state = { connected: false, dialing: false, held: false };
    this.busy = false;
    this.holdButton.addEventListener("click", () => this.toggleHold());
    this.openButton.addEventListener("click", () => (this.form.hidden ? this.openTransfer() : this.closeTransfer()));
    byTestId("transfer-cancel", root).addEventListener("click", () => this.closeTransfer({ focus: true }));
    this.form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.closeTransfer({ focus: true });
      }
    });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.transfer();
    });
    this.render();
  }

  /** `connected`: the other party answered (hold and transfer make sense); `dialing`: a call the agent placed
   * rings; `held`: the caller is on hold. */
  update({ connected, dialing, held }) {
    this.state = { connected: Boolean(connected), dialing: Boolean(dialing), held: Boolean(held) };
    if (!this.state.connected) this.closeTransfer();
    this.render();
  }

  render() {
    const { connected, dialing, held } = this.state;
    this.heldChip.hidden = !held;
    this.dialing.hidden = !dialing;
    this.holdButton.disabled = this.busy || !connected;
    this.holdButton.setAttribute("aria-pressed", String(held));
    // the access key stays L: "Ho(l)d", then "Resume" on the same button
    this.holdButton.replaceChildren(...(held ? ["Resume"] : ["Ho", h("u", {}, "l"), "d"]));
    this.holdButton.title = held ? "Take the caller off hold (modifier + L)" : "Put the caller on hold (modifier + L)";
    this.openButton.disabled = this.busy || !connected;
  }

  async toggleHold() {
    if (this.busy || !this.state.connected) return;
    const focused = document.activeElement === this.holdButton;
    this.busy = true;
    this.render();
    const answer = await this.ask(this.state.held ? "resume" : "hold");
    this.busy = false;
    if (answer.ok) this.state.held = answer.held;
    else this.notice("error", `Could not ${this.state.held ? "resume" : "hold"} the call: ${answer.error}`);
    this.render();
    if (focused) this.holdButton.focus();  // disabled while busy, it lost the keyboard's focus
  }

  async openTransfer() {
    this.form.hidden = false;
    this.openButton.setAttribute("aria-expanded", "true");
    this.error.hidden = true;
    fill(this.to, h("option", { value: "" }, "Loading…"));
    this.to.focus();
    const answer = await this.ask("transfer_targets");
    if (!answer.ok) return this.fail(`Could not load the agents and queues: ${answer.error}`);
    const agents = answer.agents.map((a) => h("option", { value: `agent:${a.agent_id}`,
      disabled: a.state !== "available" }, a.state === "available" ? a.name : `${a.name} (${humanize(a.state)})`));
    fill(this.to, h("option", { value: "" }, "Choose an agent or a queue…"),
      h("optgroup", { label: "Agents" }, agents.length ? agents : h("option", { disabled: true }, "nobody else is on")),
      h("optgroup", { label: "Queues" }, answer.queues.map((q) => h("option", { value: `queue:${q}` }, `Queue: ${q}`))));
  }

  closeTransfer({ focus = false } = {}) {
    if (this.form.hidden) return;
    this.form.hidden = true;
    this.form.reset();
    this.openButton.setAttribute("aria-expanded", "false");
    if (focus) this.openButton.focus();
  }

  async transfer() {
    const [kind, value] = this.to.value.split(/:(.*)/s);
    if (!value) return this.fail("Choose whom to transfer the call to.");
    this.submit.disabled = true;
    const data = kind === "agent" ? { to_agent: Number(value) } : { queue: value };
    const answer = await this.ask("transfer", { ...data, note: this.note.value.trim() });
    this.submit.disabled = false;
    if (!answer.ok) return this.fail(answer.error);
    this.closeTransfer();  // the server's call_transferred frees the desk and says so
    return null;
  }

  fail(message) {
    this.error.textContent = message;
    this.error.hidden = false;
    this.to.focus();
    return null;
  }
}
