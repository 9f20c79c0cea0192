// One Socket.IO connection per page, authenticated by the session cookie, with acknowledged requests and a
// visible connection status.

import { io } from "./vendor/socket.io.esm.min.js";
import { fill, h } from "./dom.js";

const ACK_TIMEOUT_MS = 10000;

const STATUS_TEXT = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Connection lost, reconnecting…",
  refused: "Signed out: log in again",
};

/** Connect to a namespace ("/desk", "/floor") and keep `statusElement` telling the connection's state. */
export function connect(namespace, statusElement) {
  const socket = io(namespace, { withCredentials: true });
  const showStatus = (status) => {
    if (!statusElement) return;
    statusElement.dataset.connection = status;
    fill(statusElement, status === "refused" ? h("a", { href: "/login" }, STATUS_TEXT[status]) : STATUS_TEXT[status]);
  };
  socket.on("connect", () => showStatus("connected"));
  socket.on("disconnect", (reason) => {
    // A disconnection by the server (a logout elsewhere, a closed account) is final; anything else retries.
    showStatus(reason === "io server disconnect" ? "refused" : "reconnecting");
  });
  socket.on("connect_error", () => {
    // The server refuses a connection without a valid session; the client then stops retrying by itself.
    showStatus(socket.active ? "reconnecting" : "refused");
  });
  return socket;
}

/** Emit an event and wait for the server's acknowledgement ({ok: true, ...} or {ok: false, error, field?}). */
export async function ask(socket, event, data = {}) {
  try {
    const answer = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, data);
    return answer && typeof answer === "object" ? answer : { ok: false, error: "unexpected answer from the server" };
  } catch {
    return { ok: false, error: "the server did not answer in time; please try again" };
  }
}
