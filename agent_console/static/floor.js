// The supervisors' floor: every agent's state with its time ticking (a supervisor may set it, and listen to,
// whisper to or barge into a live call), and the wallboard: today's figures, the queues, the campaigns dialing,
// the calls to review and the alerts.

import { ask, connect } from "./socket.js";
import { byTestId, fill, h, show } from "./dom.js";
import { formatDuration, humanize, secondsSince } from "./format.js";
import { callFlagged, campaignChanged, queueChanged, showWaiting, showWallboard, tick } from "./floor/wallboard.js";
import { expectsMonitoringCall, monitoringChanged, monitoringControls, showMonitoring } from "./floor/monitoring.js";
import { startSoftphone } from "./softphone.js";

// The order agents are listed in: the ones a supervisor may need to act on first.
const STATE_ORDER = ["ringing", "on_call", "wrap_up", "available", "break", "offline"];
// The states a supervisor may set (routing refuses them while the agent rings or talks).
const SETTABLE_STATES = ["available", "break", "offline"];

const agents = new Map();
const socket = connect("/floor", byTestId("connection"));
const rows = byTestId("agent-rows");
const summary = byTestId("state-summary");
const message = byTestId("floor-message");
const me = Number(rows.closest("[data-user-id]").dataset.userId);
startSoftphone(document.querySelector('[data-testid="softphone"]'), { shouldAnswer: expectsMonitoringCall });

socket.on("snapshot", (snapshot) => {
  agents.clear();
  for (const agent of snapshot.agents || []) agents.set(agent.agent_id, agent);
  showMonitoring(snapshot.monitoring);
  renderAgents();
  showWallboard(snapshot.wallboard);
  showWaiting(snapshot.queues);
});

socket.on("agent_state", (agent) => {
  agents.set(agent.agent_id, agent);
  renderAgents();
});

socket.on("monitoring", (item) => {
  monitoringChanged(item);
  renderAgents();
});

socket.on("queue", ({ name, call_sids: callSids }) => queueChanged(name, callSids));
socket.on("wallboard", showWallboard);
socket.on("campaign_progress", campaignChanged);
socket.on("call_flagged", (flagged) => callFlagged(flagged, agents.get(flagged.agent_id)?.name));

async function setState(agent, state) {
  show(message, false);
  const answer = await ask(socket, "force_state", { agent_id: agent.agent_id, state });
  if (!answer.ok) {
    showError(`${agent.name || `Agent ${agent.agent_id}`} could not be set ${humanize(state)}: ${answer.error}`);
  }
}

/** Show a refusal on the floor's message line (none: hide it). */
function showError(text) {
  message.textContent = text || "";
  show(message, Boolean(text));
}

function renderAgents() {
  const sorted = [...agents.values()].sort((a, b) =>
    rank(a.state) - rank(b.state) || Number(a.since) - Number(b.since) || String(a.name).localeCompare(b.name));
  fill(rows, sorted.map((agent) => h("tr", { "data-testid": "agent-row", "data-agent-id": agent.agent_id },
    h("th", { scope: "row" }, agent.name || `Agent ${agent.agent_id}`),
    h("td", {}, h("span", { class: "state-badge", "data-state": agent.state }, humanize(agent.state))),
    h("td", { class: "num", "data-since": agent.since }, formatDuration(secondsSince(agent.since))),
    h("td", {}, agent.reason || ""),
    h("td", {}, h("span", { class: "small muted" }, agent.call_sid || ""),
      monitoringControls(agent, { me, socket, onError: showError })),
    h("td", { class: "set-state" }, SETTABLE_STATES.map((state) => h("button", {
      type: "button", class: "button-small", "data-testid": `set-${state}`, disabled: agent.state === state,
      "aria-label": `Set ${agent.name || `agent ${agent.agent_id}`} ${humanize(state)}`,
      onclick: () => setState(agent, state),
    }, humanize(state)))))));
  show(byTestId("no-agents"), agents.size === 0);
  const counts = new Map(STATE_ORDER.map((state) => [state, 0]));
  for (const agent of agents.values()) counts.set(agent.state, (counts.get(agent.state) || 0) + 1);
  fill(summary, [...counts].map(([state, count]) => h("li", { "data-testid": `count-${state}` },
    h("span", { class: "state-badge", "data-state": state }, humanize(state)), " ", h("strong", {}, count))));
}

function rank(state) {
  const index = STATE_ORDER.indexOf(state);
  return index < 0 ? STATE_ORDER.length : index;
}

setInterval(() => {
  for (const cell of rows.querySelectorAll("[data-since]")) {
    cell.textContent = formatDuration(secondsSince(cell.dataset.since));
  }
  tick();
}, 1000);
