// How dates, durations, money and codes read on the console. Data arrives in ISO 8601 and minor units.

const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium" });

/** "12 Jun 2026, 14:05" in the agent's time zone; "" for nothing. */
export function formatDateTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : dateTime.format(date);
}

/** "12 Jun 2026" for a calendar date ("2026-06-12") without shifting it by the time zone. */
export function formatDate(iso) {
  if (!iso) return "";
  const [year, month, day] = String(iso).slice(0, 10).split("-").map(Number);
  if (!year || !month || !day) return String(iso);
  return dateOnly.format(new Date(year, month - 1, day));
}

/** "4:05" or "1:02:03" for a number of seconds. */
export function formatDuration(seconds) {
  const total = Math.max(0, Math.floor(Number(seconds) || 0));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** Money from minor units and an ISO currency code, in the browser's locale ("3 490,00 ₽"). */
export function formatMoney(minor, currency) {
  if (minor === null || minor === undefined) return "";
  const amount = Number(minor) / 100;
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency: currency || "RUB", currencyDisplay: "narrowSymbol" })
      .format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency || ""}`.trim();
  }
}

/** "out for delivery" from "out_for_delivery". */
export function humanize(code) {
  return code ? String(code).replaceAll("_", " ") : "";
}

/** An ISO 8601 string with the browser's UTC offset ("2026-06-12T15:00:00+03:00") for a datetime-local value. */
export function localInputToIso(value) {
  const date = new Date(value);
  if (!value || Number.isNaN(date.getTime())) return null;
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  return `${value.length === 16 ? `${value}:00` : value}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

/** Seconds since an epoch timestamp from the server, never negative (clocks drift a little). */
export function secondsSince(epochSeconds) {
  return Math.max(0, Date.now() / 1000 - Number(epochSeconds || 0));
}
