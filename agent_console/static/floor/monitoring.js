// Monitoring on the floor: a supervisor listens to, whispers to or barges into an agent's live call, and every
// supervisor sees who monitors which agent and how. The agent's console is never told.

import { ask } from "../socket.js";
import { h } from "../dom.js";

const MODES = [
  { mode: "listen", label: "Listen", doing: "Listening", to: (name) => `Listen to the call of ${name}` },
  { mode: "whisper", label: "Whisper", doing: "Whispering", to: (name) => `Whisper to ${name}` },
  { mode: "barge", label: "Barge", doing: "Barged in", to: (name) => `Barge into the call of ${name}` },
];

// agent id -> the monitorings of that agent's call ({supervisor_id, supervisor, mode, call_sid}), by supervisor
const monitored = new Map();
// When this supervisor last asked to join a call: their softphone rings within seconds of it.
let askedAt = -Infinity;
const RING_WITHIN_MS = 30000;

/** Whether a call ringing this supervisor's softphone is the monitoring they asked for. */
export function expectsMonitoringCall() {
  return performance.now() - askedAt < RING_WITHIN_MS;
}

/** Every call monitored when the supervisor connected (the snapshot's list). */
export function showMonitoring(list) {
  monitored.clear();
  for (const item of list || []) monitoringChanged(item);
}

/** A supervisor started, switched or stopped monitoring an agent's call (`mode` null: stopped). */
export function monitoringChanged(item) {
  const bySupervisor = monitored.get(item.agent_id) || new Map();
  if (item.mode) bySupervisor.set(item.supervisor_id, item);
  else bySupervisor.delete(item.supervisor_id);
  monitored.set(item.agent_id, bySupervisor);
}

/** Under the agent's call: who monitors it and how, and the buttons of this supervisor (`me`), which ask over
 * `socket`; a refusal goes to `onError` (null when asking again). */
export function monitoringControls(agent, { me, socket, onError }) {
  const here = [...(monitored.get(agent.agent_id) || new Map()).values()]
    .filter((item) => item.call_sid === agent.call_sid);
  const mine = here.find((item) => item.supervisor_id === me);
  const name = agent.name || `agent ${agent.agent_id}`;
  const talking = agent.state === "on_call" && agent.call_sid && !agent.held && !agent.dialing;
  return h("div", { class: "monitor", "data-testid": "monitor", title: "The agent is not told" },
    here.map((item) => h("span", { class: "monitor-badge", "data-mode": item.mode, "data-testid": "monitoring-mode" },
      `${doing(item.mode)} · ${item.supervisor_id === me ? "you" : item.supervisor || "a supervisor"}`)),
    talking ? MODES.map(({ mode, label, to }) => h("button", {
      type: "button", class: "button-small", "data-testid": `monitor-${mode}`, disabled: mine?.mode === mode,
      "aria-label": to(name),
      onclick: () => monitor(socket, agent, mode, onError),
    }, label)) : null,
    mine ? h("button", {
      type: "button", class: "button-small", "data-testid": "monitor-stop", "aria-label": `Stop monitoring ${name}`,
      onclick: () => stop(socket, agent, onError),
    }, "Stop") : null);
}

function doing(mode) {
  return MODES.find((item) => item.mode === mode)?.doing || mode;
}

async function monitor(socket, agent, mode, onError) {
  onError(null);
  askedAt = performance.now();
  const answer = await ask(socket, "monitor", { agent_id: agent.agent_id, mode });
  const name = agent.name || `agent ${agent.agent_id}`;
  if (!answer.ok) onError(`${MODES.find((item) => item.mode === mode).label} refused for ${name}: ${answer.error}`);
}

async function stop(socket, agent, onError) {
  onError(null);
  const answer = await ask(socket, "stop_monitoring");
  if (!answer.ok) onError(`Could not stop monitoring ${agent.name || `agent ${agent.agent_id}`}: ${answer.error}`);
}
