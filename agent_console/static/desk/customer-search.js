// The customer search both desk forms use (find a customer between calls, link an unknown caller).

import { getJSON } from "../api.js";
import { fill } from "../dom.js";

/** On submit of `form`, search customers by `input`'s text, say how it went in `status`, and fill `results`
 * with `renderItem(customer)` for each customer found. */
export function searchCustomersOnSubmit(form, { input, status, results, renderItem }) {
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
    fill(results, found.map(renderItem));
  });
}
