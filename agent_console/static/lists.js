// The call-list upload: the file goes up with fetch, and the server streams the import's progress back over the
// floor's Socket.IO connection, so a supervisor watches a large list being read instead of a page that hangs.
// Without JavaScript the form posts as before and the report opens when the import is done.

import { connect } from "./socket.js";
import { byTestId, fill, h, show } from "./dom.js";

// How long an upload waits for the progress connection before it goes ahead without a live bar.
const CONNECT_WAIT_MS = 3000;
const HEADER_BYTES = 64 * 1024;
const DELIMITERS = [",", ";", "\t"];

const form = byTestId("upload-form");
const fileInput = form.elements.file;
const submitButton = byTestId("upload-submit");
const panel = byTestId("upload-progress");
const bar = byTestId("upload-bar");
const statusLine = byTestId("upload-status");
const errorLine = byTestId("upload-error");
const columnList = byTestId("file-columns");
const columnHint = byTestId("column-hint");
const count = new Intl.NumberFormat("en-GB");

const socket = connect("/floor");
let uploadId = null; // the upload in flight, whose progress events this page shows

socket.on("import_progress", (progress) => {
  if (progress.upload_id !== uploadId) return; // another supervisor's upload
  const percent = progress.total_bytes ? Math.floor((100 * progress.bytes_read) / progress.total_bytes) : 100;
  const rows = (progress.rows_imported || 0) + (progress.rows_rejected || 0);
  bar.value = percent;
  statusLine.textContent = `${count.format(rows)} rows, ${percent} %`;
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  upload();
});
fileInput.addEventListener("change", () => offerColumns());
form.elements.encoding.addEventListener("change", () => offerColumns());
form.elements.delimiter.addEventListener("change", () => offerColumns());
form.dataset.enhanced = "true"; // from here on the upload shows live progress (a click before posts plainly)

async function upload() {
  const data = new FormData(form); // carries the form's CSRF token
  uploadId = newUploadId();
  data.set("upload_id", uploadId);
  submitButton.disabled = true;
  show(errorLine, false);
  bar.removeAttribute("value"); // indeterminate until the server has read a first block
  statusLine.textContent = "Uploading the file…";
  show(panel);
  await connected(socket);
  const { ok, answer } = await post(form.action, data);
  if (ok && answer.report_url) {
    bar.value = 100;
    statusLine.textContent = "Imported: opening the report…";
    window.location.assign(answer.report_url);
    return;
  }
  uploadId = null;
  show(panel, false);
  fill(errorLine, answer.message || "The import failed.");
  show(errorLine);
  submitButton.disabled = false;
}

/** POST the form; resolves to {ok, answer} and never throws. */
async function post(url, data) {
  try {
    const response = await fetch(url, {
      method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" },
    });
    try {
      return { ok: response.ok, answer: await response.json() };
    } catch {
      return { ok: false, answer: { message: `The server answered ${response.status}.` } };
    }
  } catch {
    return { ok: false, answer: { message: "The server cannot be reached; check the network and try again." } };
  }
}

/** Resolve once the socket is connected, or after CONNECT_WAIT_MS (the import then runs without a live bar). */
function connected(socket) {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, CONNECT_WAIT_MS);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A random id naming this upload (crypto.randomUUID needs HTTPS; getRandomValues does not). */
function newUploadId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Offer the chosen file's header columns to the mapping fields, read in the browser before any upload. */
async function offerColumns() {
  const file = fileInput.files[0];
  fill(columnList);
  show(columnHint, false);
  if (!file) return;
  const head = new Uint8Array(await file.slice(0, HEADER_BYTES).arrayBuffer());
  const line = decode(head, form.elements.encoding.value).split(/\r?\n/, 1)[0].replace(/^\uFEFF/, "");
  const delimiter = form.elements.delimiter.value
    || DELIMITERS.reduce((best, d) => (line.split(d).length > line.split(best).length ? d : best));
  const names = line.split(delimiter).map((name) => name.trim().replace(/^"(.*)"$/, "$1")).filter(Boolean);
  if (!names.length) return;
  fill(columnList, names.map((name) => h("option", { value: name })));
  fill(columnHint, `Columns in ${file.name}: ${names.join(", ")}`);
  show(columnHint);
}

/** Text of the file's first bytes in the chosen encoding; "detect" tries UTF-8, then Windows-1251 (as the server). */
function decode(bytes, encoding) {
  if (encoding === "cp1251") return new TextDecoder("windows-1251").decode(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return new TextDecoder(encoding === "utf-8" ? "utf-8" : "windows-1251").decode(bytes);
  }
}
