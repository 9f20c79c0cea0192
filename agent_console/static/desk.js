// The agent desk: state controls, offers with the caller's history, the call (hold, transfer, hang up), its
// wrap-up, and calls the agent places from a customer's record between calls.
// The server's `agent_state` is the truth; the call in hand is kept in sessionStorage so a reload keeps it.

import { ask, connect } from "./socket.js";
import { getJSON } from "./api.js";
import { byTestId, fill, h, isTyping } from "./dom.js";
import { formatDuration, humanize } from "./format.js";
import { CallControls } from "./desk/call-controls.js";
import { CallPanel, callerName, partyNumber } from "./desk/call-panel.js";
import { setUpDemoPhone } from "./desk/demo-phone.js";
import { setUpFindCustomer } from "./desk/find-customer.js";
import { renderHistory } from "./desk/history.js";
import { offersCard } from "./desk/offers.js";
import { startSoftphone } from "./softphone.js";
import { StateBar } from "./desk/state-bar.js";
import { PreviewCard } from "./desk/preview.js";
import { renderUnknownCaller } from "./desk/unknown-caller.js";
import { WrapUpForm } from "./desk/wrap-up.js";

// One agent's call in hand per tab: another agent logging in on the same tab never sees it.
const STORE_KEY = `desk.call.${byTestId("state-bar").dataset.agentId}`;
const CALL_STATES = new Set(["ringing", "on_call", "wrap_up"]);
const NOTICE_SECONDS = 10;
const WRAP_UP_SECONDS = Number(byTestId("state-bar").dataset.wrapUpSeconds) || 0;

const socket = connect("/desk", byTestId("connection"));
const noticeElement = byTestId("notice");
const customerPane = byTestId("customer");
const placeholder = byTestId("customer-placeholder");
const dispositionLabels = new Map(
  [...byTestId("disposition").options].filter((o) => o.value).map((o) => [o.value, o.textContent.trim()]));

// The call in hand: {call, history, phase: "offered" | "dialing" | "connected" | "ended", expiresAt, seconds,
// talkStartedAt}.
let current = restore();
// A customer's record opened between calls (to call them): their history, or null.
let browsing = null;
// A campaign's lead given to this agent to call or skip (preview dialing): {lead, history}, or null.
let previewing = null;

const stateBar = new StateBar(byTestId("state-bar"), { onChoose: chooseState });
const callPanel = new CallPanel(document, { onAccept: accept, onDecline: decline, onHangUp: hangUp });
const callControls = new CallControls(document, { ask: (event, data) => ask(socket, event, data), notice });
const previewCard = new PreviewCard(document, { onCall: callPreview, onSkip: skipPreview });
const wrapUp = new WrapUpForm(byTestId("wrap-up"), { onSubmit: submitWrapUp });
const wrapUpTimeLeft = byTestId("wrap-up-time-left");
setUpDemoPhone(document);
setUpFindCustomer(document, { onOpen: openRecord });
startSoftphone(document.querySelector('[data-testid="softphone"]'), {
  shouldAnswer: () => Boolean(current && current.phase !== "ended"),
});
showCall({ focus: false });

// -- what the server tells us ---------------------------------------------------------------------------------

socket.on("agent_state", (status) => {
  stateBar.update(status);
  reconcile(status);
  showControls();
  if (status.state !== "preview" && previewing) previewing = null;
  if (previewing || !previewCard.card.hidden) showPreview({ focus: false });
});

socket.on("preview", (preview) => {
  previewing = preview;
  browsing = null;
  showPreview({ focus: !isTyping(document.activeElement) });
});

// The previewed lead was not called (the rules refused it, the campaign stopped): say why.
socket.on("preview_not_called", ({ lead, e164, why, reasons, lead_status: leadStatus }) => {
  const details = (reasons || []).map((r) => r.message).join("; ");
  const after = leadStatus === "closed" ? " The lead is closed." : leadStatus === "scheduled" ? " The lead will be due again later." : "";
  notice("error", `${lead || e164} was not called: ${why}${details ? ` (${details})` : ""}.${after}`);
});

// A call this agent placed (click-to-dial): the customer's history comes with it; it rings until they answer.
socket.on("outbound_call", (pop) => {
  current = { call: pop.call, history: pop.history || { known: false }, offers: pop.offers || [], phase: "dialing" };
  browsing = null;
  noticeElement.hidden = true;  // a refusal of an earlier attempt no longer applies
  save();
  showCustomer();
  showCall({ focus: false });
});

socket.on("call_transferred", ({ call_sid: callSid, to }) => {
  if (endCall(callSid)) notice("info", `The call was transferred to ${to}. The next agent records its outcome.`);
});

socket.on("wrap_up_expired", ({ call_sid: callSid }) => {
  if (endCall(callSid)) {
    notice("warn", "The wrap-up time ran out: the call is flagged for a supervisor to review. You are available again.");
  }
});

socket.on("offer", (offer) => {
  const seconds = Number(offer.expires_in) || 15;
  current = { call: offer.call, history: offer.history || { known: false }, offers: offer.offers || [],
    phase: "offered", expiresAt: Date.now() + seconds * 1000, seconds };
  browsing = null;  // the caller's history takes the column
  save();
  showCustomer();
  showCall({ focus: !isTyping(document.activeElement) });
});

socket.on("offer_withdrawn", ({ call_sid: callSid }) => {
  if (endCall(callSid)) notice("warn", "The caller hung up before you answered.");
});

socket.on("offer_expired", ({ call_sid: callSid }) => {
  if (endCall(callSid)) notice("warn", "The call was not accepted in time and went to another agent.");
});

socket.on("call_connected", ({ call_sid: callSid }) => {
  if (current?.call.call_sid === callSid) setPhase("connected");
});

socket.on("call_ended", ({ call_sid: callSid, interaction_id: interactionId }) => {
  if (current?.call.call_sid !== callSid) return;
  if (interactionId) current.call.interaction_id = interactionId;
  setPhase("ended");
});

socket.on("wrapped_up", ({ interaction_id: interactionId, disposition }) => {
  if (current && current.call.interaction_id === interactionId) endCall(current.call.call_sid);
  // This page says so when the server acknowledges (the outcome is stored by then); this is another tab's.
  if (submittingWrapUp !== interactionId) notice("info", `Outcome saved: ${dispositionLabel(disposition)}.`);
});

socket.on("error", (error) => notice("error", error?.message || "Something went wrong."));

/** Bring the call in hand in line with the server's state (after any change, a reconnection or a reload). */
function reconcile({ state, call_sid: callSid, dialing }) {
  if (!CALL_STATES.has(state)) {
    if (current) endCall(current.call.call_sid);
    callPanel.showIdle(state);
    return;
  }
  if (!current || (callSid && current.call.call_sid !== callSid)) {
    if (state !== "ringing") {  // `ringing` comes with its offer (just after it); other states need the call
      notice("error", "You have a call in progress that this page does not know (was it opened in another tab?). "
        + "Finish it there.");
    }
    return;
  }
  if (state === "on_call" && current.phase === "offered") setPhase("connected");
  if (state === "on_call" && current.phase === "dialing" && dialing === false) setPhase("connected");
  if (state === "wrap_up" && current.phase !== "ended") setPhase("ended");
}

// -- what the agent does ----------------------------------------------------------------------------------------

async function chooseState(state, reason) {
  const answer = await ask(socket, "set_state", reason ? { state, reason } : { state });
  if (!answer.ok) notice("error", `Could not change your state: ${answer.error}`);
}

async function accept() {
  if (current?.phase !== "offered") return;
  callPanel.setBusy(true);
  const answer = await ask(socket, "accept", { call_sid: current.call.call_sid });
  callPanel.setBusy(false);
  if (!answer.ok) {
    notice("error", `Could not take the call: ${answer.error}`);
    return;
  }
  if (current?.phase === "offered") setPhase("connected");
}

async function callPreview() {
  if (!previewing) return;
  previewCard.setBusy(true);
  const answer = await ask(socket, "preview_call", {});
  if (!answer.ok) {
    previewCard.setBusy(false);
    notice("error", `Could not call the lead: ${answer.error}`);
  }
}

async function skipPreview() {
  if (!previewing) return;
  previewCard.setBusy(true);
  const answer = await ask(socket, "preview_skip", {});
  previewCard.setBusy(false);
  if (!answer.ok) notice("error", `Could not skip the lead: ${answer.error}`);
}

async function decline() {
  if (current?.phase !== "offered") return;
  callPanel.setBusy(true);
  const callSid = current.call.call_sid;
  const answer = await ask(socket, "decline", { call_sid: callSid });
  callPanel.setBusy(false);
  if (answer.ok) endCall(callSid);
  else notice("error", `Could not decline: ${answer.error}`);
}

/** Show a customer's record between calls, with a Call button by each of their numbers. */
async function openRecord(customer) {
  const answer = await getJSON(`/api/customers/${encodeURIComponent(customer.id)}/history`);
  if (!answer.ok) {
    notice("error", answer.data.message || "The customer's record could not be loaded.");
    return;
  }
  if (current) return;  // a call arrived meanwhile: it has the column
  browsing = answer.data;
  showCustomer();
  customerPane.querySelector("[data-testid=dial-phone]")?.focus();
}

/** Click-to-dial: the server places the call (after the do-not-call check) and announces it with `outbound_call`. */
async function dial(number, customer) {
  const answer = await ask(socket, "dial", { number, customer_id: customer?.id });
  if (!answer.ok) notice("error", `Could not place the call: ${answer.error}`);
}

async function hangUp() {
  callPanel.setBusy(true);
  const answer = await ask(socket, "hangup", {});
  callPanel.setBusy(false);
  if (!answer.ok) notice("error", `Could not hang up: ${answer.error}`);
}

let submittingWrapUp = null;

async function submitWrapUp(payload) {
  submittingWrapUp = payload.interaction_id;
  const answer = await ask(socket, "wrap_up", payload);
  submittingWrapUp = null;
  if (answer.ok) {
    if (current?.call.interaction_id === payload.interaction_id) endCall(current.call.call_sid);
    notice("info", `Outcome saved: ${dispositionLabel(payload.disposition)}.`);
  }
  return answer;
}

/** Log the customer's answer to a suggested offer (the server accepts it from the agent holding the call). */
async function answerOffer(offerId, response) {
  if (!current) return { ok: false, error: "the call is over" };
  const answer = await ask(socket, "offer_response",
    { interaction_id: current.call.interaction_id, offer_id: offerId, response });
  if (answer.ok && current) {
    current.offerAnswers = { ...(current.offerAnswers || {}), [offerId]: response };
    save();
  }
  return answer;
}

/** Link the call to a customer (new or found) and show their history; resolves to an error message or null. */
async function linkCustomer(customer) {
  if (!current) return "There is no call to link.";
  const answer = await ask(socket, "link_customer",
    { interaction_id: current.call.interaction_id, customer_id: customer.id });
  if (!answer.ok) return `Could not link the call: ${answer.error}`;
  const history = await getJSON(`/api/customers/${encodeURIComponent(customer.id)}/history`);
  if (!history.ok) return history.data.message || "Linked, but the customer's history could not be loaded.";
  current.history = { ...history.data, phone: current.history.phone };
  save();
  showCustomer();
  showCall({ focus: false });
  notice("info", `This call is now linked to ${customer.display_name}.`);
  return null;
}

// Enter accepts an offered call unless the keyboard is in a field or on another button.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || event.repeat || event.altKey || event.ctrlKey || event.metaKey) return;
  if (!callPanel.offering || isTyping(event.target)) return;
  if (event.target instanceof Element && event.target.closest("button, a, summary, [role=button]")) return;
  event.preventDefault();
  callPanel.acceptOffer();
});

// -- showing it -------------------------------------------------------------------------------------------------

function setPhase(phase) {
  current.phase = phase;
  if (phase === "connected") current.talkStartedAt = Date.now();
  save();
  showCall({ focus: false });
}

/** The call column for the call in hand (or nothing). */
function showCall({ focus }) {
  if (!current) {
    wrapUp.close();
    callPanel.showIdle(stateBar.state);
    return;
  }
  const { call, history } = current;
  if (current.phase === "offered") {
    wrapUp.close();
    callPanel.showOffer(call, history, { expiresAt: current.expiresAt, seconds: current.seconds, focus });
  } else if (current.phase === "connected" || current.phase === "dialing") {
    wrapUp.close();
    callPanel.showOnCall(call, history, current.phase === "connected" ? current.talkStartedAt : null);
  } else {
    callPanel.showWrapUp(call, history);
    if (wrapUp.interactionId !== call.interaction_id || !wrapUp.isOpen) {
      wrapUp.open(call.interaction_id, `${callerName(history)}, ${partyNumber(call)}`, call.context?.dispositions || []);
    }
  }
  if (!customerPane.querySelector("[data-testid=customer-history], [data-testid=unknown-caller]")) showCustomer();
  showControls();
}

/** Hold and transfer need a connected call; the server's state says whether the caller is on hold. */
function showControls() {
  callControls.update({ connected: current?.phase === "connected" && stateBar.state === "on_call",
    dialing: current?.phase === "dialing", held: Boolean(stateBar.status.held) });
}

/** The previewed lead in the call column and its customer's history beside it (or neither). */
function showPreview({ focus }) {
  if (previewing && !current) {
    byTestId("idle").hidden = true;
    previewCard.show(previewing.lead, { focus });
  } else {
    previewCard.hide();
    if (!current) callPanel.showIdle(stateBar.state);
  }
  showCustomer();
}

/** The customer column: the caller's history, or the forms for an unknown caller. */
function showCustomer() {
  if (!current && previewing) {
    if (previewing.history.known && previewing.history.customer) {
      renderHistory(customerPane, previewing.history, null, { dispositionLabel });
    } else {
      fill(customerPane, h("div", { class: "card placeholder" },
        h("p", { class: "muted" }, "No customer record has this lead's number.")));
    }
    return;
  }
  if (!current && browsing) {
    renderHistory(customerPane, browsing, null, { dispositionLabel, onDial: dial });
    const close = h("button", { type: "button", class: "button-quiet", "data-testid": "close-record" }, "Close record");
    close.addEventListener("click", () => {
      browsing = null;
      showCustomer();
      byTestId("find-customer-q").focus();
    });
    customerPane.prepend(h("div", { class: "record-bar" }, close));
    return;
  }
  if (!current) {
    fill(customerPane, placeholder);
    return;
  }
  const { call, history } = current;
  if (history.known && history.customer) {
    renderHistory(customerPane, history, call, { dispositionLabel, onLoaded: save });
    if (current.offers?.length) {
      customerPane.prepend(offersCard(current.offers, current.offerAnswers || {}, { onAnswer: answerOffer }));
    }
  } else {
    renderUnknownCaller(customerPane, history, call, { onChosen: linkCustomer });
  }
}

/** Forget the call `callSid` if it is the one in hand; true when it was. */
function endCall(callSid) {
  if (!current || current.call.call_sid !== callSid) return false;
  current = null;
  save();
  wrapUp.close();
  callPanel.showIdle(stateBar.state);
  showCustomer();
  showControls();
  return true;
}

let noticeTimer = null;

/** Tell the agent something: kind is "info", "warn" or "error" (errors stay until the next notice). */
function notice(kind, text) {
  clearTimeout(noticeTimer);
  noticeElement.dataset.kind = kind;
  fill(noticeElement, h("span", {}, text),
    h("button", { type: "button", class: "button-quiet notice-close", "aria-label": "Dismiss",
      onclick: () => { noticeElement.hidden = true; } }, "×"));
  noticeElement.hidden = false;
  if (kind !== "error") noticeTimer = setTimeout(() => { noticeElement.hidden = true; }, NOTICE_SECONDS * 1000);
}

function dispositionLabel(code) {
  return dispositionLabels.get(code) || humanize(code);
}

function save() {
  try {
    if (current) sessionStorage.setItem(STORE_KEY, JSON.stringify(current));
    else sessionStorage.removeItem(STORE_KEY);
  } catch {
    // A full or disabled storage only costs the reload recovery.
  }
}

function restore() {
  try {
    return JSON.parse(sessionStorage.getItem(STORE_KEY) || "null");
  } catch {
    return null;
  }
}

/** How long the agent has left to save the outcome (then the call goes to a supervisor for review). */
function tickWrapUp() {
  if (!WRAP_UP_SECONDS || !wrapUp.isOpen || stateBar.state !== "wrap_up") {
    wrapUpTimeLeft.textContent = "";
    return;
  }
  const left = stateBar.status.since + WRAP_UP_SECONDS - Date.now() / 1000;
  wrapUpTimeLeft.textContent = left > 0 ? `Time left: ${formatDuration(left)}.` : "Time is up.";
}

setInterval(() => {
  stateBar.tick();
  callPanel.tick();
  tickWrapUp();
}, 250);
