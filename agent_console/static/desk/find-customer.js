// Between calls: find a customer and open their record, whose numbers can then be called (click-to-dial).

import { byTestId, h } from "../dom.js";
import { searchCustomersOnSubmit } from "./customer-search.js";

/** Wire the search form in `root`; `onOpen(customer)` shows the chosen customer's record. */
export function setUpFindCustomer(root, { onOpen }) {
  const form = byTestId("find-customer-form", root);
  const input = byTestId("find-customer-q", form);
  const status = byTestId("find-customer-status", form);
  const results = byTestId("find-customer-results", form);

  searchCustomersOnSubmit(form, { input, status, results, renderItem: (customer) => {
    const open = h("button", { type: "button", class: "button-quiet", "data-testid": "open-customer" },
      "Open record");
    open.addEventListener("click", () => onOpen(customer));
    return h("li", { "data-testid": "find-customer-result", "data-customer-id": customer.id },
      h("div", {}, h("strong", {}, customer.display_name)),
      h("div", { class: "muted small" }, (customer.phones || []).map((p) => p.e164).join(" · ")),
      open);
  } });
}
