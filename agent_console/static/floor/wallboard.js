// The wallboard half of the floor: today's figures, the queues, the campaigns dialing, the calls to review and
// the alerts, drawn from what the pacer publishes (`wallboard`) and kept current between two publications by
// the live `queue`, `campaign_progress` and `call_flagged` events.

import { byTestId, fill, h, show } from "../dom.js";
import { formatDateTime, formatDuration, humanize, secondsSince } from "../format.js";

const state = {
  board: null,
  liveQueues: new Map(), // queue -> call SIDs waiting, from the desk's live events
  campaigns: new Map(), // campaign id -> progress
  flagged: [],
  announced: new Set(), // alerts already read out: key and severity
};

/** The last published figures: everything the wallboard shows is redrawn from them. */
export function showWallboard(board) {
  if (!board) return;
  state.board = board;
  state.campaigns = new Map(board.campaigns.map((campaign) => [campaign.campaign_id, campaign]));
  state.flagged = board.flagged;
  renderKpis();
  renderQueues();
  renderCampaigns();
  renderFlagged();
  renderAlerts();
}

/** The callers waiting in each queue right now ({queue: [call SIDs]}), from the snapshot. */
export function showWaiting(queues) {
  state.liveQueues = new Map(Object.entries(queues || {}));
  renderQueues();
  renderKpis();
}

/** A queue's callers changed (a caller arrived, was offered to an agent or hung up). */
export function queueChanged(name, callSids) {
  state.liveQueues.set(name, callSids || []);
  renderQueues();
  renderKpis();
}

/** A campaign's progress, pushed by the pacer (or at once after a start, pause or stop). */
export function campaignChanged(progress) {
  state.campaigns.set(progress.campaign_id, progress);
  renderCampaigns();
}

/** A call was flagged for review (its outcome is missing): shown at once, before the next publication. */
export function callFlagged(flagged, agentName) {
  if (state.flagged.some((call) => call.call_sid === flagged.call_sid)) return;
  state.flagged = [{ ...flagged, agent: agentName, started_at: null }, ...state.flagged];
  renderFlagged();
}

/** Keep the longest waits ticking between two publications. */
export function tick() {
  for (const cell of document.querySelectorAll("[data-waiting-since]")) {
    cell.textContent = formatDuration(secondsSince(cell.dataset.waitingSince));
  }
}

function renderKpis() {
  const board = state.board;
  const counts = [...waitingByQueue().values()].filter(Boolean);
  const waiting = counts.reduce((sum, count) => sum + count, 0);
  setKpi("kpi-waiting", String(waiting), waiting ? `in ${counts.length} queue${counts.length > 1 ? "s" : ""}` : "");
  if (!board) return;
  const { totals, targets } = board;
  setKpi("kpi-service-level", percent(totals.service_level),
    `target ${percent(targets.service_level)} in ${targets.target_seconds} s`,
    totals.service_level !== null && totals.service_level < targets.service_level ? "bad" : "good");
  setKpi("kpi-abandon-rate", percent(totals.abandon_rate),
    `${totals.abandoned} of ${totals.offered} offered`);
  setKpi("kpi-asa", totals.asa_seconds === null ? "—" : formatDuration(totals.asa_seconds),
    `${totals.answered} answered`);
  byTestId("wallboard-updated").textContent = `Today's figures as of ${formatDateTime(board.at)}`;
}

function setKpi(testId, value, detail, tone = null) {
  const tile = byTestId(testId);
  tile.querySelector("[data-value]").textContent = value;
  tile.querySelector("[data-detail]").textContent = detail;
  if (tone) tile.dataset.tone = tone;
}

function waitingByQueue() {
  const counts = new Map();
  for (const queue of state.board?.queues || []) counts.set(queue.name, queue.waiting);
  for (const [name, callSids] of state.liveQueues) counts.set(name, callSids.length);
  return counts;
}

function renderQueues() {
  const figures = new Map((state.board?.queues || []).map((queue) => [queue.name, queue]));
  const waiting = waitingByQueue();
  const names = [...new Set([...figures.keys(), ...waiting.keys()])]
    .filter((name) => waiting.get(name) || figures.get(name)?.offered).sort();
  const publishedAt = state.board ? Date.parse(state.board.at) / 1000 : null;
  const longWait = state.board?.targets.longest_wait_seconds;
  fill(byTestId("queue-rows"), names.map((name) => {
    const queue = figures.get(name) || {};
    const count = waiting.get(name) || 0;
    // The first caller in line started waiting this long before the publication; they may have left since.
    const since = count && queue.waiting && publishedAt ? publishedAt - queue.longest_wait_seconds : null;
    const longest = since === null ? null : secondsSince(since);
    return h("tr", { "data-testid": "queue-row", "data-queue": name },
      h("th", { scope: "row" }, name),
      h("td", { class: "num" }, h("span", { class: count ? "badge tone-warn" : "", "data-testid": "queue-count" },
        String(count))),
      h("td", { class: "num", "data-testid": "longest-wait", "data-waiting-since": since ?? false,
        "data-tone": longest !== null && longest >= longWait ? "bad" : false },
      longest === null ? "—" : formatDuration(longest)),
      h("td", { class: "num" }, percent(queue.service_level)),
      h("td", { class: "num" }, percent(queue.abandon_rate)),
      h("td", { class: "num" }, queue.asa_seconds === null || queue.asa_seconds === undefined ? "—"
        : formatDuration(queue.asa_seconds)));
  }));
  show(byTestId("no-queues"), names.length === 0);
}

function renderCampaigns() {
  const warning = state.board?.targets.campaign_abandon_warning ?? 0.025;
  const campaigns = [...state.campaigns.values()].sort((a, b) => String(a.name).localeCompare(b.name));
  fill(byTestId("campaign-rows"), campaigns.map((campaign) => {
    const tone = campaign.abandon_exceeded ? "bad"
      : campaign.abandon_rate && campaign.abandon_rate >= Math.min(warning, campaign.abandon_limit) ? "warn" : "good";
    return h("tr", { "data-testid": "campaign-row", "data-campaign-id": campaign.campaign_id },
      h("th", { scope: "row" },
        h("a", { href: `/supervisor/campaigns/${Number(campaign.campaign_id)}` }, campaign.name)),
      h("td", {}, humanize(campaign.status)),
      h("td", { class: "num" }, String(campaign.dialed)),
      h("td", { class: "num" }, `${campaign.remaining} of ${campaign.leads}`),
      h("td", { class: "num" }, h("span", { class: `badge tone-${tone}`, "data-testid": "campaign-abandon" },
        `${percent(campaign.abandon_rate)} of ${percent(campaign.abandon_limit)}`)));
  }));
  show(byTestId("no-campaigns"), campaigns.length === 0);
}

function renderFlagged() {
  fill(byTestId("flagged"), state.flagged.map((call) => h("li", { "data-testid": "flagged-call",
    "data-call-sid": call.call_sid },
  h("strong", {}, humanize(call.reason)), " · ", call.agent || "no agent",
  call.started_at ? h("span", { class: "muted" }, " · ", formatDateTime(call.started_at)) : null,
  h("br"), h("span", { class: "small muted" }, call.call_sid), " ",
  call.agent_id ? h("a", { class: "small", href: agentReportUrl(call.agent_id) },
    "Agent's day", h("span", { class: "visually-hidden" }, ` (${call.agent || "agent"})`)) : null)));
  show(byTestId("no-flagged"), state.flagged.length === 0);
}

function agentReportUrl(agentId) {
  const day = (state.board?.at || new Date().toISOString()).slice(0, 10);
  const query = new URLSearchParams({ agent: agentId, first_day: day, last_day: day });
  return `/supervisor/reports/agents?${query}`;
}

function renderAlerts() {
  const alerts = state.board.alerts;
  fill(byTestId("alerts"), alerts.map((alert) => h("li", { class: "wallboard-alert", "data-testid": "alert",
    "data-severity": alert.severity, "data-key": alert.key },
  h("strong", {}, alert.severity === "critical" ? "Alert" : "Warning"), ": ", alert.message)));
  show(byTestId("alerts-section"), alerts.length > 0);
  // Read out only what is new (a wait that grows from 1:05 to 1:08 is the same alert): once per key and severity.
  const current = new Set(alerts.map((alert) => `${alert.key}|${alert.severity}`));
  const fresh = alerts.filter((alert) => !state.announced.has(`${alert.key}|${alert.severity}`));
  state.announced = current;
  if (fresh.length) byTestId("announcer").textContent = fresh.map((alert) => alert.message).join(". ");
}

function percent(share) {
  if (share === null || share === undefined) return "—";
  return `${(share * 100).toFixed(1).replace(/\.0$/, "")} %`;
}
