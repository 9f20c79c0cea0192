// Next-best offers for the customer on the line: what to offer, why it fits them, and what they answered.

import { h } from "../dom.js";

const ANSWERS = [["accepted", "Accepted"], ["declined", "Declined"], ["not_offered", "Not offered"]];

/**
 * A card of the screen-pop's `offers`; `answers` maps an offer_id to the answer already logged, and
 * `onAnswer(offerId, response)` resolves to the server's acknowledgement.
 */
export function offersCard(offers, answers, { onAnswer }) {
  return h("section", { class: "card", "data-testid": "offers", "aria-labelledby": "offers-title" },
    h("h3", { id: "offers-title" }, "Suggested offers"),
    h("ul", { class: "offer-list" }, offers.map((offer) => offerItem(offer, answers[offer.offer_id], onAnswer))));
}

function offerItem(offer, logged, onAnswer) {
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const buttons = ANSWERS.map(([response, label]) =>
    h("button", { type: "button", "data-response": response, "data-testid": `offer-${response.replace("_", "-")}` }, label));
  const mark = (chosen) => {
    for (const button of buttons) button.setAttribute("aria-pressed", String(button.dataset.response === chosen));
  };
  mark(logged);
  for (const button of buttons) {
    button.addEventListener("click", async () => {
      for (const each of buttons) each.disabled = true;
      const answer = await onAnswer(offer.offer_id, button.dataset.response);
      for (const each of buttons) each.disabled = false;
      if (answer.ok) mark(button.dataset.response);
      error.textContent = answer.ok ? "" : `Could not save the answer: ${answer.error}`;
      error.hidden = answer.ok;
    });
  }
  return h("li", { "data-testid": "offer-suggestion", "data-offer-code": offer.code },
    h("strong", {}, offer.name),
    h("p", { "data-testid": "offer-text" }, offer.text),
    h("p", { class: "muted small", "data-testid": "offer-reason" }, `Why: ${offer.reason}`),
    h("div", { class: "button-row", role: "group", "aria-label": `The customer's answer to ${offer.name}` }, buttons),
    error);
}
