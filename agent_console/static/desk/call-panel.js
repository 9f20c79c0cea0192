// The call column: nothing, an offer with its countdown, or the call in progress; and this call's context.

import { byTestId, fill, h, show } from "../dom.js";
import { formatDateTime, formatDuration, humanize } from "../format.js";

/** The name to greet the caller by, or a plain description of an unknown caller. */
export function callerName(history) {
  return history?.known && history.customer ? history.customer.display_name : "Unknown caller";
}

/** The customer's side of the call: the caller of an inbound call, the callee of an outbound one. */
export function partyNumber(call) {
  return (call.direction === "inbound" ? call.from_number : call.to_number) || "number withheld";
}

// Context keys with rows of their own (or deliberately left out); any other plain value the IVR or the dialer
// stored is listed after them.
const SHOWN_CONTEXT = new Set(["order_number", "order_number_asked", "order_verified", "order_belongs_to_caller",
  "flow", "ivr", "caller_name", "campaign", "lead", "script", "skill", "transfer", "dialed_by", "campaign_id",
  "attempt_id", "lead_id", "lead_fields", "dispositions"]);

/** "Transferred by Ольга: wants a refund" for a call another agent passed on, or "". */
export function transferText(call) {
  const transfer = call?.transfer || call?.context?.transfer;
  if (!transfer?.by) return "";
  return `Transferred by ${transfer.by}${transfer.note ? `: ${transfer.note}` : ""}`;
}

/** The order the caller asked about, whether the IVR checked it, from the call's context. */
export function orderAskedAbout(context) {
  return String(context?.order_number || context?.order_number_asked || "");
}

export class CallPanel {
  /** Find the cards in `root`; the buttons call `onAccept`, `onDecline`, `onHangUp`. */
  constructor(root, { onAccept, onDecline, onHangUp }) {
    this.cards = {
      idle: byTestId("idle", root),
      offer: byTestId("offer", root),
      onCall: byTestId("on-call", root),
    };
    this.idleHint = byTestId("idle-hint", root);
    this.context = byTestId("call-context", root);
    this.facts = byTestId("call-context-facts", root);
    this.accept = byTestId("accept", root);
    this.decline = byTestId("decline", root);
    this.hangup = byTestId("hangup", root);
    this.countdown = byTestId("offer-countdown", root);
    this.progress = byTestId("offer-progress", root);
    this.talkTimer = byTestId("talk-timer", root);
    this.offerDeadline = null;
    this.talkStartedAt = null;
    this.accept.addEventListener("click", () => onAccept());
    this.decline.addEventListener("click", () => onDecline());
    this.hangup.addEventListener("click", () => onHangUp());
  }

  /** No call: say what the agent's state means for incoming calls. */
  showIdle(state) {
    this.only(null);
    this.cards.idle.hidden = false;
    fill(this.idleHint, state === "available"
      ? "You are available: the next caller will be offered to you."
      : ["Go ", h("strong", {}, "Available"), " to receive calls."]);
    show(this.context, false);
  }

  /** A call is offered: who, from where, and a countdown to `expiresAt` (epoch ms) out of `seconds`. */
  showOffer(call, history, { expiresAt, seconds, focus }) {
    this.only(this.cards.offer);
    byTestId("offer-caller", this.cards.offer).textContent = callerName(history);
    byTestId("offer-number", this.cards.offer).textContent = partyNumber(call);
    byTestId("offer-queue", this.cards.offer).textContent =
      [call.direction === "outbound" ? "Outbound call" : "Inbound call", call.queue && `queue ${call.queue}`,
        call.language && `language ${call.language.toUpperCase()}`].filter(Boolean).join(" · ");
    const transfer = byTestId("offer-transfer", this.cards.offer);
    transfer.textContent = transferText(call);
    transfer.hidden = !transfer.textContent;
    this.offerSeconds = Math.max(1, Number(seconds) || 1);
    this.offerDeadline = expiresAt;
    this.setBusy(false);
    this.showContext(call, history);
    this.tick();
    if (focus) this.accept.focus();
  }

  /** The call is connected; the talk timer starts at `startedAt` (epoch milliseconds). */
  showOnCall(call, history, startedAt) {
    this.only(this.cards.onCall);
    byTestId("on-call-caller", this.cards.onCall).textContent = callerName(history);
    byTestId("on-call-number", this.cards.onCall).textContent = partyNumber(call);
    this.talkStartedAt = startedAt;
    if (!startedAt) this.talkTimer.textContent = "0:00";
    this.setBusy(false);
    this.showContext(call, history);
    this.tick();
  }

  /** Hide the cards (the wrap-up form takes their place) but keep the context. */
  showWrapUp(call, history) {
    this.only(null);
    this.showContext(call, history);
  }

  get offering() {
    return !this.cards.offer.hidden;
  }

  /** Disable the buttons while the server handles a click, so a double click sends one request. */
  setBusy(busy) {
    for (const button of [this.accept, this.decline, this.hangup]) button.disabled = busy;
  }

  acceptOffer() {
    if (this.offering && !this.accept.disabled) this.accept.click();
  }

  /** Advance the countdown and the talk timer. */
  tick() {
    if (this.offering && this.offerDeadline !== null) {
      const left = Math.max(0, (this.offerDeadline - Date.now()) / 1000);
      this.countdown.textContent = left > 0 ? `${Math.ceil(left)} s to accept` : "Time is up…";
      this.progress.value = left / this.offerSeconds;
      this.cards.offer.classList.toggle("urgent", left < 5);
    }
    if (!this.cards.onCall.hidden && this.talkStartedAt) {
      this.talkTimer.textContent = formatDuration((Date.now() - this.talkStartedAt) / 1000);
    }
  }

  only(card) {
    for (const each of Object.values(this.cards)) each.hidden = each !== card;
  }

  showContext(call, history) {
    const context = call.context || {};
    const order = orderAskedAbout(context);
    const flow = context.flow || context.ivr?.flow;
    const rows = [
      ["Number", partyNumber(call)],
      ["Direction", humanize(call.direction)],
      ["Transfer", transferText(call) ? h("span", { "data-testid": "context-transfer" }, transferText(call)) : null],
      ["Dialled by", plain(context.dialed_by)],
      ["Queue", call.queue],
      ["Language", call.language && call.language.toUpperCase()],
      ["Caller said", history?.known ? null : plain(context.caller_name)],
      ["IVR path", (call.ivr_path || []).length
        ? h("span", { "data-testid": "ivr-path" }, call.ivr_path.join(" → ")) : null],
      ["IVR flow", flow ? [flow, context.ivr?.version ? ` (v${context.ivr.version})` : ""].join("") : null],
      ["Order asked about", order ? [h("strong", { "data-testid": "context-order" }, order),
        yes(context.order_verified) ? h("span", { class: "chip chip-good" }, "verified") : null,
        no(context.order_belongs_to_caller) ? h("span", { class: "chip chip-bad" }, "another customer's order") : null]
        : null],
      ["Campaign", plain(context.campaign)],
      ["Lead", plain(context.lead)],
      ...Object.entries(context.lead_fields || {}).map(([key, value]) =>
        [humanize(key), plain(value) === null ? null : h("span", { "data-testid": "lead-field" }, plain(value))]),
      ["Script", plain(context.script)
        ? h("span", { class: "notes", "data-testid": "context-script" }, context.script) : null],
      ["Skill", plain(context.skill)],
      ...Object.entries(context).filter(([key]) => !SHOWN_CONTEXT.has(key))
        .map(([key, value]) => [humanize(key), plain(value)]),
      ["Started", formatDateTime(call.started_at)],
    ];
    fill(this.facts, rows.filter(([, value]) => value !== null && value !== undefined && value !== "")
      .map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]));
    show(this.context, true);
  }
}

/** A context value as text; nested data is left to the pages made for it. */
function plain(value) {
  if (value === null || value === undefined || value === "" || typeof value === "object") return null;
  if (yes(value)) return "yes";
  if (no(value)) return "no";
  return String(value);
}

// Flow templates render flags as text, so both true and "True" mean yes.
function yes(value) {
  return value === true || ["true", "yes"].includes(String(value).toLowerCase());
}

function no(value) {
  return value === false || ["false", "no"].includes(String(value).toLowerCase());
}
