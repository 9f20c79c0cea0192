// The wrap-up form: the call's outcome, notes, and a callback time or ticket subject when the outcome needs one.

import { byTestId, isTyping } from "../dom.js";
import { localInputToIso } from "../format.js";

export class WrapUpForm {
  /** Wire the server-rendered form; `onSubmit(payload)` resolves to the server's acknowledgement. */
  constructor(form, { onSubmit }) {
    this.form = form;
    this.disposition = byTestId("disposition", form);
    this.notes = byTestId("notes", form);
    this.callbackAt = byTestId("callback-at", form);
    this.ticketSubject = byTestId("ticket-subject", form);
    this.error = byTestId("wrap-up-error", form);
    this.summary = byTestId("wrap-up-call", form);
    this.submit = byTestId("wrap-up-submit", form);
    this.interactionId = null;
    this.disposition.addEventListener("change", () => this.showExtraFields());
    form.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const payload = this.payload();
      if (!payload) return;
      this.submit.disabled = true;
      const answer = await onSubmit(payload);
      this.submit.disabled = false;
      if (!answer.ok) this.fail(answer.error, answer.field);
    });
  }

  /** Show an empty form for the interaction; `summary` says which call it is; a campaign call offers only the
   * campaign's outcomes (`allowed` codes; empty: every one). */
  open(interactionId, summary, allowed = []) {
    for (const option of this.disposition.options) {
      const offered = !option.value || !allowed.length || allowed.includes(option.value);
      option.hidden = !offered;
      option.disabled = !offered;
    }
    if (this.interactionId !== interactionId) {
      this.form.reset();
      this.clearError();
      this.showExtraFields();
    }
    this.interactionId = interactionId;
    this.summary.textContent = summary;
    this.form.hidden = false;
    if (!isTyping(document.activeElement)) this.disposition.focus();
  }

  close() {
    this.form.hidden = true;
    this.interactionId = null;
  }

  get isOpen() {
    return !this.form.hidden;
  }

  selected() {
    return this.disposition.selectedOptions[0];
  }

  showExtraFields() {
    const option = this.selected();
    const callback = Boolean(option?.hasAttribute("data-schedules-callback"));
    const ticket = Boolean(option?.hasAttribute("data-opens-ticket"));
    this.form.querySelector('[data-field="callback_at"]').hidden = !callback;
    this.form.querySelector('[data-field="ticket_subject"]').hidden = !ticket;
    this.callbackAt.required = callback;
    this.ticketSubject.required = ticket;
  }

  /** The wrap_up event's data, or null after pointing at the first missing field. */
  payload() {
    this.clearError();
    const option = this.selected();
    if (!this.disposition.value) return this.fail("Choose the call's outcome.", "disposition");
    const payload = { interaction_id: this.interactionId, disposition: this.disposition.value,
      notes: this.notes.value.trim() };
    if (option.hasAttribute("data-schedules-callback")) {
      const at = localInputToIso(this.callbackAt.value);
      if (!at) return this.fail("Choose when to call back.", "callback_at");
      if (new Date(at).getTime() <= Date.now()) return this.fail("The callback time must be in the future.", "callback_at");
      payload.callback_at = at;
    }
    if (option.hasAttribute("data-opens-ticket")) {
      if (!this.ticketSubject.value.trim()) return this.fail("Give the ticket a subject.", "ticket_subject");
      payload.ticket_subject = this.ticketSubject.value.trim();
    }
    return payload;
  }

  fail(message, field) {
    this.error.textContent = message || "The outcome could not be saved.";
    this.error.hidden = false;
    const input = field ? this.form.querySelector(`[name="${CSS.escape(field)}"]`) : null;
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
    return null;
  }

  clearError() {
    this.error.hidden = true;
    for (const input of this.form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  }
}
