// With real Twilio, the browser is the phone: the Voice JS SDK (installed from npm, served by the app) registers as
// the user's <Client> (an agent's desk, or a supervisor's floor for monitoring), takes the calls the platform
// connects to it, and renews its token in time.

import { getJSON } from "./api.js";

/** Start the softphone if the page loaded the SDK; `statusElement` tells its state, `shouldAnswer()` whether an
 * incoming leg is the page's (an accepted, dialled or resumed call; a monitoring asked for) rather than a stray one. */
export async function startSoftphone(statusElement, { shouldAnswer }) {
  if (!statusElement) return null;
  const show = (state, text) => {
    statusElement.dataset.softphone = state;
    statusElement.textContent = `Softphone: ${text}`;
  };
  const Device = window.Twilio?.Device;
  if (!Device) {
    show("unavailable", "not loaded");
    return null;
  }
  const token = async () => {
    const answer = await getJSON("/console/softphone-token");
    if (!answer.ok) show("unavailable", answer.data.message || "no access token");
    return answer.ok ? answer.data.token : null;
  };
  const first = await token();
  if (!first) return null;
  const device = new Device(first, { closeProtection: true, codecPreferences: ["opus", "pcmu"] });
  device.on("registered", () => show("ready", "ready"));
  device.on("unregistered", () => show("offline", "offline"));
  device.on("error", (error) => show("error", error?.message || "error"));
  device.on("tokenWillExpire", async () => {
    const renewed = await token();
    if (renewed) device.updateToken(renewed);
  });
  device.on("incoming", (call) => {
    if (!shouldAnswer()) {
      call.reject();
      return;
    }
    call.accept();
    show("in-call", "in a call");
    call.on("disconnect", () => show("ready", "ready"));
  });
  show("starting", "registering…");
  await device.register();
  return device;
}
