// A known customer's history, readable at a glance: who they are, what needs attention, their orders and
// every earlier contact, newest first.

import { getJSON } from "../api.js";
import { append, fill, h } from "../dom.js";
import { formatDate, formatDateTime, formatDuration, formatMoney, humanize } from "../format.js";
import { orderAskedAbout } from "./call-panel.js";

// Order statuses grouped by how an agent should read them (the badge colour).
const ORDER_TONE = {
  new: "neutral", paid: "neutral", packed: "neutral",
  shipped: "progress", in_transit: "progress", out_for_delivery: "progress",
  delivered: "good", delayed: "bad", returned: "warn", cancelled: "muted",
};

/**
 * Render `history` (the screen-pop's `history`) for `call` into `container`.
 * `dispositionLabel(code)` names outcomes; `onLoaded(history)` hears about pages added by "Load more";
 * with `onDial(e164, customer)` (a record opened between calls) each phone number gets a Call button.
 */
export function renderHistory(container, history, call, { dispositionLabel, onLoaded, onDial }) {
  const askedAbout = orderAskedAbout(call?.context);
  const timeline = h("ol", { class: "timeline", "data-testid": "interactions" });
  const more = h("button", { type: "button", class: "button-quiet load-more", "data-testid": "load-more" }, "Load earlier contacts");
  const moreError = h("p", { class: "form-error", role: "alert", hidden: true });
  let cursor = history.next_cursor;

  // The call in progress is already on the timeline; the call column shows it, the timeline shows the past.
  const earlier = (interactions) => interactions.filter((i) => i.id !== call?.interaction_id);
  const addInteractions = (interactions) =>
    append(timeline, earlier(interactions).map((i) => interactionItem(i, dispositionLabel)));
  addInteractions(history.interactions || []);
  more.hidden = !cursor;
  more.addEventListener("click", async () => {
    more.disabled = true;
    const customerId = history.customer.id;
    const answer = await getJSON(`/api/customers/${encodeURIComponent(customerId)}/history?before=${encodeURIComponent(cursor)}`);
    more.disabled = false;
    if (!answer.ok) {
      moreError.textContent = answer.data.message || "Could not load more contacts.";
      moreError.hidden = false;
      return;
    }
    moreError.hidden = true;
    addInteractions(answer.data.interactions || []);
    cursor = answer.data.next_cursor;
    more.hidden = !cursor;
    history.interactions = [...(history.interactions || []), ...(answer.data.interactions || [])];
    history.next_cursor = cursor;
    onLoaded?.(history);
  });

  fill(container,
    h("article", { class: "customer", "data-testid": "customer-history", "data-customer-id": history.customer.id },
      profile(history, call, onDial),
      attention(history),
      orders(history.orders || [], askedAbout),
      h("section", { class: "card", "aria-labelledby": "timeline-title", "data-testid": "timeline" },
        h("h3", { id: "timeline-title" }, "Contact history"),
        earlier(history.interactions || []).length ? timeline : h("p", { class: "muted" }, "No earlier contact."),
        moreError, more)));
}

function profile(history, call, onDial) {
  const c = history.customer;
  const chips = [
    c.language && chip(c.language.toUpperCase(), "language", "Language"),
    c.segment && chip(c.segment, "segment", "Segment"),
    c.kind === "company" && chip("company", "neutral", "Customer kind"),
    consent("calls", c.consent_calls),
    consent("marketing", c.consent_marketing),
    consent("recording", c.consent_recording),
  ];
  const facts = [
    ["Email", c.email],
    ["Time zone", c.time_zone],
    ["Postal code", c.postal_code],
    ["Birthday", formatDate(c.birthday)],
    ["Customer since", formatDate(c.created_at)],
  ].filter(([, value]) => value);
  return h("header", { class: "card profile", "data-testid": "customer-profile" },
    h("h2", { "data-testid": "customer-name" }, c.display_name),
    h("ul", { class: "chips", "aria-label": "Profile" }, chips.filter(Boolean).map((item) => h("li", {}, item))),
    facts.length ? h("dl", { class: "facts inline" }, facts.map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)])) : null,
    phones(history, call, onDial));
}

function chip(text, tone, label) {
  return h("span", { class: `chip chip-${tone}`, title: label }, text);
}

function consent(what, given) {
  return h("span", { class: `chip ${given ? "chip-good" : "chip-bad"}`, "data-testid": `consent-${what}` },
    `${given ? "✓" : "✗"} ${what}`, h("span", { class: "visually-hidden" }, given ? " consent given" : " no consent"));
}

function phones(history, call, onDial) {
  const list = history.phones || [];
  if (!list.length) return null;
  const calling = history.phone || (call?.direction === "outbound" ? call?.to_number : call?.from_number);
  return h("ul", { class: "phones", "data-testid": "customer-phones", "aria-label": "Phone numbers" },
    list.map((p) => h("li", { class: p.e164 === calling ? "calling" : null },
      h("span", { class: "phone-number" }, p.e164),
      " ", h("span", { class: "muted" }, [humanize(p.kind), p.label].filter(Boolean).join(" · ")),
      p.is_primary ? h("span", { class: "chip chip-neutral" }, "primary") : null,
      p.e164 === calling ? h("span", { class: "chip chip-progress" }, "on this call") : null,
      onDial ? dialButton(p.e164, history.customer, onDial) : null)));
}

function dialButton(e164, customer, onDial) {
  const button = h("button", { type: "button", class: "button-quiet button-dial", "data-testid": "dial-phone",
    "data-phone": e164, "aria-label": `Call ${customer.display_name} on ${e164}` }, "Call");
  button.addEventListener("click", async () => {
    button.disabled = true;
    await onDial(e164, customer);
    button.disabled = false;
  });
  return button;
}

function attention(history) {
  const tickets = history.open_tickets || [];
  const callbacks = history.pending_callbacks || [];
  if (!tickets.length && !callbacks.length) return null;
  return h("section", { class: "card attention", "aria-labelledby": "attention-title", "data-testid": "attention" },
    h("h3", { id: "attention-title" }, "Needs attention"),
    tickets.length ? h("div", { "data-testid": "open-tickets" },
      h("h4", {}, `Open tickets (${tickets.length})`),
      h("ul", { class: "plain-list" }, tickets.map((t) => h("li", { "data-testid": "ticket" },
        h("span", { class: `badge priority-${t.priority}` }, humanize(t.priority)), " ",
        h("strong", {}, `#${t.id} `), t.subject,
        h("span", { class: "muted" }, ` · ${humanize(t.status)}`,
          t.escalation_level ? ` · escalation level ${t.escalation_level}` : "",
          t.created_at ? ` · opened ${formatDate(t.created_at)}` : ""))))) : null,
    callbacks.length ? h("div", { "data-testid": "pending-callbacks" },
      h("h4", {}, `Pending callbacks (${callbacks.length})`),
      h("ul", { class: "plain-list" }, callbacks.map((t) => h("li", { "data-testid": "callback" },
        h("strong", {}, formatDateTime(t.due_at)), " ", t.phone || "",
        t.note ? h("span", { class: "muted" }, ` · ${t.note}`) : null)))) : null);
}

function orders(list, askedAbout) {
  const section = h("section", { class: "card", "aria-labelledby": "orders-title", "data-testid": "orders" },
    h("h3", { id: "orders-title" }, `Orders (${list.length})`));
  if (!list.length) return append(section, h("p", { class: "muted" }, "No orders."));
  return append(section, h("div", { class: "table-scroll" }, h("table", { class: "table orders" },
    h("thead", {}, h("tr", {}, ["Order", "Status", "Items", "Total", "Delivery", "Last event"]
      .map((title) => h("th", { scope: "col" }, title)))),
    h("tbody", {}, list.map((order) => orderRow(order, askedAbout))))));
}

function orderRow(o, askedAbout) {
  const asked = askedAbout && o.number === askedAbout;
  const event = o.last_event;
  return h("tr", { class: asked ? "asked-about" : null, "data-testid": "order", "data-order-number": o.number },
    h("th", { scope: "row" }, h("span", { class: "order-number" }, o.number),
      asked ? h("span", { class: "chip chip-progress" }, "asked about") : null,
      h("div", { class: "muted small" }, formatDate(o.placed_at))),
    h("td", {}, h("span", { class: `badge tone-${ORDER_TONE[o.status] || "neutral"}`, "data-testid": "order-status" },
      humanize(o.status))),
    h("td", {}, h("ul", { class: "plain-list small" }, (o.items || []).map((item) => h("li", {}, itemText(item))))),
    h("td", { class: "num" }, formatMoney(o.total_minor, o.currency)),
    h("td", { class: "small" }, delivery(o)),
    h("td", { class: "small" },
      event ? [h("div", {}, event.description || humanize(event.status)),
        h("div", { class: "muted" }, [event.location, formatDateTime(event.occurred_at)].filter(Boolean).join(" · "))] : "",
      o.carrier || o.tracking_number
        ? h("div", { class: "muted" }, [o.carrier, o.tracking_number].filter(Boolean).join(" "))
        : null));
}

function itemText(item) {
  if (item === null || typeof item !== "object") return String(item);
  const name = item.name || item.sku || "item";
  return item.qty && item.qty !== 1 ? `${name} ×${item.qty}` : name;
}

function delivery(o) {
  if (o.delivered_at) return `Delivered ${formatDateTime(o.delivered_at)}`;
  const lines = [];
  if (o.promised_delivery) lines.push(h("div", {}, `Promised ${formatDate(o.promised_delivery)}`));
  if (o.estimated_delivery && o.estimated_delivery !== o.promised_delivery) {
    const late = o.promised_delivery && o.estimated_delivery > o.promised_delivery;
    lines.push(h("div", { class: late ? "late" : null }, `Expected ${formatDate(o.estimated_delivery)}`,
      late ? " (late)" : ""));
  }
  return lines;
}

function interactionItem(i, dispositionLabel) {
  const what = i.channel === "note" ? "Note" : `${humanize(i.channel)} · ${humanize(i.direction)}`;
  const missed = i.channel === "voice" && i.status && i.status !== "completed";
  return h("li", { class: `interaction channel-${i.channel}`, "data-testid": "interaction", "data-interaction-id": i.id },
    h("div", { class: "interaction-head" },
      h("time", { datetime: i.started_at }, formatDateTime(i.started_at)),
      h("span", {}, what),
      i.disposition ? h("span", { class: "badge tone-outcome", "data-testid": "interaction-disposition" },
        dispositionLabel(i.disposition)) : null,
      missed ? h("span", { class: "badge tone-warn" }, humanize(i.status)) : null,
      i.agent ? h("span", { class: "muted" }, i.agent) : null,
      i.duration_seconds ? h("span", { class: "muted", title: "Duration" }, formatDuration(i.duration_seconds)) : null),
    i.notes ? h("p", { class: "notes", "data-testid": "interaction-notes" }, i.notes) : null,
    (i.ivr_path || []).length ? h("p", { class: "muted small" }, `IVR: ${i.ivr_path.join(" → ")}`) : null);
}
