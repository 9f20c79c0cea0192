// An unknown caller: create them as a new customer (number prefilled) or find and link an existing one.

import { postJSON } from "../api.js";
import { fill, h } from "../dom.js";
import { partyNumber } from "./call-panel.js";
import { searchCustomersOnSubmit } from "./customer-search.js";

/**
 * Render the forms for an unknown caller of `call` into `container`.
 * `onChosen(customer)` links the call to the created or chosen customer and shows their history; it
 * resolves to an error message or null.
 */
export function renderUnknownCaller(container, history, call, { onChosen }) {
  const number = history.phone || (call.direction === "inbound" ? call.from_number : call.to_number) || "";
  fill(container,
    h("section", { class: "card", "aria-labelledby": "unknown-title", "data-testid": "unknown-caller" },
      h("h2", { id: "unknown-title" }, "Unknown caller"),
      h("p", {}, number ? [h("span", { class: "phone-number" }, number), " is not in the CRM yet."]
        : `The number (${partyNumber(call)}) could not be matched.`),
      newCustomerForm(number, call, onChosen)),
    h("section", { class: "card", "aria-labelledby": "search-title", "data-testid": "customer-search" },
      h("h2", { id: "search-title" }, "Or link an existing customer"),
      searchForm(onChosen)));
}

function field(id, label, input) {
  return h("div", { class: "field" }, h("label", { for: id }, label), input);
}

function newCustomerForm(number, call, onChosen) {
  const error = h("p", { class: "form-error", role: "alert", "data-testid": "new-customer-error", hidden: true });
  const language = h("select", { id: "nc-language", name: "language", "data-testid": "new-customer-language" },
    h("option", { value: "ru" }, "Russian"), h("option", { value: "en" }, "English"));
  language.value = call.language === "en" ? "en" : "ru";
  const form = h("form", { class: "grid-form", "data-testid": "new-customer-form", novalidate: true },
    field("nc-first-name", "First name", h("input", { id: "nc-first-name", name: "first_name", maxlength: 100,
      autocomplete: "off", "data-testid": "new-customer-first-name" })),
    field("nc-last-name", "Last name", h("input", { id: "nc-last-name", name: "last_name", maxlength: 100,
      autocomplete: "off", "data-testid": "new-customer-last-name" })),
    field("nc-phone", "Phone", h("input", { id: "nc-phone", name: "phone", type: "tel", value: number,
      autocomplete: "off", "data-testid": "new-customer-phone" })),
    field("nc-email", "Email", h("input", { id: "nc-email", name: "email", type: "email", maxlength: 254,
      autocomplete: "off", "data-testid": "new-customer-email" })),
    field("nc-language", "Language", language),
    h("div", { class: "field checkbox" },
      h("input", { id: "nc-consent-calls", name: "consent_calls", type: "checkbox" }),
      h("label", { for: "nc-consent-calls" }, "Agrees to be called back")),
    error,
    h("div", { class: "button-row" },
      h("button", { type: "submit", class: "button-primary", "data-testid": "new-customer-submit" },
        "Create customer and link this call")));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = { first_name: data.get("first_name").trim(), last_name: data.get("last_name").trim(),
      language: data.get("language"), consent_calls: data.get("consent_calls") === "on" };
    if (data.get("phone").trim()) body.phones = [data.get("phone").trim()];
    if (data.get("email").trim()) body.email = data.get("email").trim();
    if (!body.first_name && !body.last_name) {
      return showError(form, error, "Give the customer's first or last name.", "first_name");
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    const answer = await postJSON("/api/customers", body);
    if (!answer.ok) {
      button.disabled = false;
      return showError(form, error, answer.data.message || "The customer could not be created.", answer.data.field);
    }
    const problem = await onChosen(answer.data);
    button.disabled = false;
    if (problem) showError(form, error, problem);
  });
  return form;
}

function showError(form, error, message, fieldName) {
  error.textContent = message;
  error.hidden = false;
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  // The API names fields as it received them: "phones[0]" is the phone input.
  const name = String(fieldName || "").startsWith("phones") ? "phone" : fieldName;
  const input = name ? form.querySelector(`[name="${CSS.escape(name)}"]`) : null;
  if (input) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }
}

function searchForm(onChosen) {
  const input = h("input", { id: "customer-search-q", name: "q", type: "search", required: true, maxlength: 100,
    accesskey: "s", autocomplete: "off", placeholder: "Name, phone or order number", "data-testid": "customer-search-q" });
  const results = h("ul", { class: "search-results", "data-testid": "search-results", "aria-live": "polite" });
  const status = h("p", { class: "muted small", role: "status" });
  const form = h("form", { role: "search", class: "search-form", "data-testid": "customer-search-form" },
    h("label", { for: "customer-search-q", class: "visually-hidden" }, "Search customers"),
    input, h("button", { type: "submit", "data-testid": "customer-search-submit" }, "Search"));

  searchCustomersOnSubmit(form, { input, status, results,
    renderItem: (customer) => resultItem(customer, onChosen, status) });
  return [form, status, results];
}

function resultItem(customer, onChosen, status) {
  const link = h("button", { type: "button", class: "button-quiet", "data-testid": "link-customer" }, "Link to this call");
  link.addEventListener("click", async () => {
    link.disabled = true;
    const problem = await onChosen(customer);
    link.disabled = false;
    if (problem) status.textContent = problem;
  });
  return h("li", { "data-testid": "search-result", "data-customer-id": customer.id },
    h("div", {}, h("strong", {}, customer.display_name),
      customer.language ? h("span", { class: "chip chip-language" }, customer.language.toUpperCase()) : null),
    h("div", { class: "muted small" },
      [...(customer.phones || []).map((p) => p.e164), customer.email].filter(Boolean).join(" · ")),
    link);
}
