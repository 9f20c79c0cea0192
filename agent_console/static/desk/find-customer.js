// Between calls: find a customer and open their record, whose numbers can then be called (click-to-dial).

import { getJSON } from "../api.js";
import { byTestId, fill, h } from "../dom.js";

/** Wire the search form in `root`; `onOpen(customer)` shows the chosen customer's record. */
export function setUpFindCustomer(root, { onOpen }) {
  const form = byTestId("find-customer-form", root);
  const input = byTestId("find-customer-q", form);
  const status = byTestId("find-customer-status", form);
  const results = byTestId("find-customer-results", form);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const q = input.value.trim();
    if (!q) return input.focus();
    status.textContent = "Searching…";
    const answer = await getJSON(`/api/customers?q=${encodeURIComponent(q)}`);
    if (!answer.ok) {
      status.textContent = answer.data.message || "The search failed.";
      return fill(results);
    }
    const found = answer.data.customers || [];
    status.textContent = found.length ? `${found.length} found` : "Nobody found.";
    fill(results, found.map((customer) => {
      const open = h("button", { type: "button", class: "button-quiet", "data-testid": "open-customer" },
        "Open record");
      open.addEventListener("click", () => onOpen(customer));
      return h("li", { "data-testid": "find-customer-result", "data-customer-id": customer.id },
        h("div", {}, h("strong", {}, customer.display_name)),
        h("div", { class: "muted small" }, (customer.phones || []).map((p) => p.e164).join(" · ")),
        open);
    }));
  });
}
