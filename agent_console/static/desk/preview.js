// Preview dialing: the lead a campaign gives the agent to look at before deciding to call it or skip it.

import { byTestId, fill, h } from "../dom.js";
import { humanize } from "../format.js";

export class PreviewCard {
  /** Find the card in `root`; its buttons call `onCall` and `onSkip`. */
  constructor(root, { onCall, onSkip }) {
    this.card = byTestId("preview", root);
    this.call = byTestId("preview-call", root);
    this.skip = byTestId("preview-skip", root);
    this.call.addEventListener("click", () => onCall());
    this.skip.addEventListener("click", () => onSkip());
  }

  /** Show `lead` (the `preview` event's lead: campaign, name, number, list columns, script). */
  show(lead, { focus }) {
    byTestId("preview-campaign", this.card).textContent = `Campaign ${lead.campaign}`;
    byTestId("preview-lead", this.card).textContent = lead.lead || "Lead without a name";
    byTestId("preview-number", this.card).textContent = lead.e164;
    const rows = [
      ...Object.entries(lead.lead_fields || {}).map(([key, value]) => [humanize(key), String(value ?? "")]),
      ["Script", lead.script ? h("span", { class: "notes", "data-testid": "preview-script" }, lead.script) : null],
    ].filter(([, value]) => value !== null && value !== "");
    fill(byTestId("preview-facts", this.card), rows.map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]));
    this.setBusy(false);
    this.card.hidden = false;
    if (focus) this.call.focus();
  }

  hide() {
    this.card.hidden = true;
  }

  /** Disable the buttons while the server handles a click. */
  setBusy(busy) {
    this.call.disabled = busy;
    this.skip.disabled = busy;
  }
}
