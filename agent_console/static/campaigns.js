// Campaign pages: every [data-campaign-id] block keeps its [data-field] figures current from the pacer's
// `campaign_progress` updates on the supervisors' floor connection; start/pause/stop buttons follow the status.

import { connect } from "./socket.js";
import { byTestId } from "./dom.js";
import { formatDateTime } from "./format.js";

// The abandon rate shows as a warning from this share of the profile's limit.
const WARN_SHARE = 0.8;

const socket = connect("/floor", byTestId("connection"));
socket.on("campaign_progress", (progress) => {
  for (const block of document.querySelectorAll(`[data-campaign-id="${Number(progress.campaign_id)}"]`)) {
    show(block, progress);
  }
});

for (const time of document.querySelectorAll('time[data-field="estimated_finish"][datetime]:not([datetime=""])')) {
  time.textContent = formatDateTime(time.dateTime);
}

for (const button of document.querySelectorAll("button[data-confirm]")) {
  button.addEventListener("click", (event) => {
    if (!window.confirm(button.dataset.confirm)) event.preventDefault();
  });
}

const errors = document.querySelector('[data-testid="errors"]');
if (errors) errors.focus();

function show(block, progress) {
  const fields = {
    status: progress.status,
    mode: progress.mode,
    remaining: `${progress.remaining} of ${progress.leads}`,
    abandon: `${percent(progress.abandon_rate)} of ${percent(progress.abandon_limit)}`,
    estimated_finish: progress.estimated_finish ? formatDateTime(progress.estimated_finish)
      : progress.remaining === 0 ? "done" : "—",
  };
  for (const name of ["dialed", "answered", "human", "machine", "connected", "abandoned"]) {
    fields[name] = progress[name];
  }
  for (const element of block.querySelectorAll("[data-field]")) {
    const name = element.dataset.field;
    if (name in fields) element.textContent = String(fields[name]);
  }
  for (const badge of block.querySelectorAll('[data-field="status"]')) badge.dataset.status = progress.status;
  for (const time of block.querySelectorAll('time[data-field="estimated_finish"]')) {
    time.dateTime = progress.estimated_finish || "";
  }
  const rate = block.querySelector('[data-field="abandon"]');
  if (rate) {
    rate.classList.toggle("tone-bad", progress.abandon_exceeded);
    rate.classList.toggle("tone-warn", !progress.abandon_exceeded && progress.abandon_rate > 0
      && progress.abandon_rate >= WARN_SHARE * progress.abandon_limit);
  }
  for (const button of document.querySelectorAll("button[data-applies-to]")) {
    if (block.contains(button)) button.hidden = !button.dataset.appliesTo.split(" ").includes(progress.status);
  }
}

function percent(share) {
  return `${(Number(share) * 100).toFixed(1)} %`;
}
