// The supervisors' floor: every agent's state with its time ticking, and the callers waiting in each queue.

import { connect } from "./socket.js";
import { byTestId, fill, h, show } from "./dom.js";
import { formatDuration, humanize, secondsSince } from "./format.js";

// The order agents are listed in: the ones a supervisor may need to act on first.
const STATE_ORDER = ["ringing", "on_call", "wrap_up", "available", "break", "offline"];

const agents = new Map();
const queues = new Map();
const socket = connect("/floor", byTestId("connection"));
const rows = byTestId("agent-rows");
const summary = byTestId("state-summary");
const queueList = byTestId("queues");

socket.on("snapshot", (snapshot) => {
  agents.clear();
  for (const agent of snapshot.agents || []) agents.set(agent.agent_id, agent);
  queues.clear();
  for (const [name, callSids] of Object.entries(snapshot.queues || {})) queues.set(name, callSids);
  renderAgents();
  renderQueues();
});

socket.on("agent_state", (agent) => {
  agents.set(agent.agent_id, agent);
  renderAgents();
});

socket.on("queue", ({ name, call_sids: callSids }) => {
  if (callSids?.length) queues.set(name, callSids);
  else queues.delete(name);
  renderQueues();
});

function renderAgents() {
  const sorted = [...agents.values()].sort((a, b) =>
    rank(a.state) - rank(b.state) || Number(a.since) - Number(b.since) || String(a.name).localeCompare(b.name));
  fill(rows, sorted.map((agent) => h("tr", { "data-testid": "agent-row", "data-agent-id": agent.agent_id },
    h("th", { scope: "row" }, agent.name || `Agent ${agent.agent_id}`),
    h("td", {}, h("span", { class: "state-badge", "data-state": agent.state }, humanize(agent.state))),
    h("td", { class: "num", "data-since": agent.since }, formatDuration(secondsSince(agent.since))),
    h("td", {}, agent.reason || ""),
    h("td", { class: "small muted" }, agent.call_sid || ""))));
  show(byTestId("no-agents"), agents.size === 0);
  const counts = new Map(STATE_ORDER.map((state) => [state, 0]));
  for (const agent of agents.values()) counts.set(agent.state, (counts.get(agent.state) || 0) + 1);
  fill(summary, [...counts].map(([state, count]) => h("li", { "data-testid": `count-${state}` },
    h("span", { class: "state-badge", "data-state": state }, humanize(state)), " ", h("strong", {}, count))));
}

function renderQueues() {
  const waiting = [...queues].filter(([, callSids]) => callSids.length);
  fill(queueList, waiting.map(([name, callSids]) => h("section", { class: "queue", "data-testid": "queue",
    "data-queue": name },
    h("h3", {}, name, " ", h("span", { class: "badge tone-warn", "data-testid": "queue-count" },
      `${callSids.length} waiting`)),
    h("ol", { class: "plain-list small muted" }, callSids.map((sid) => h("li", {}, sid))))));
  show(byTestId("no-queues"), waiting.length === 0);
}

function rank(state) {
  const index = STATE_ORDER.indexOf(state);
  return index < 0 ? STATE_ORDER.length : index;
}

setInterval(() => {
  for (const cell of rows.querySelectorAll("[data-since]")) {
    cell.textContent = formatDuration(secondsSince(cell.dataset.since));
  }
}, 1000);
