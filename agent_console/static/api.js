// The CRM's JSON API from the console: the session cookie authenticates, the page's CSRF token guards changes.

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content || "";

/** Send a request; resolves to {ok, status, data} and never throws for an HTTP or network error. */
export async function request(method, url, body) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {
      method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, data: { message: "The server cannot be reached; check the network." } };
  }
  let data = {};
  try {
    data = await response.json();
  } catch {
    data = { message: `The server answered ${response.status}.` };
  }
  return { ok: response.ok, status: response.status, data };
}

export const getJSON = (url) => request("GET", url);
export const postJSON = (url, body) => request("POST", url, body);
