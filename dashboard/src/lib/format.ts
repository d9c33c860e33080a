export const DASH = "—";

export function fmtInt(n: number | null | undefined): string {
  return n === null || n === undefined ? DASH : Math.round(n).toLocaleString("en-US");
}

export function fmtNum(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || Number.isNaN(n)) return DASH;
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function fmtCompact(n: number | null | undefined): string {
  if (n === null || n === undefined) return DASH;
  return Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(n);
}

export function fmtPrice(n: number | string | null | undefined): string {
  if (n === null || n === undefined) return DASH;
  const v = typeof n === "string" ? Number(n) : n;
  return Number.isFinite(v) ? v.toFixed(3) : String(n);
}

export function fmtUsd(n: number | string | null | undefined): string {
  if (n === null || n === undefined) return DASH;
  const v = typeof n === "string" ? Number(n) : n;
  return "$" + v.toLocaleString("en-US", { maximumFractionDigits: 2, minimumFractionDigits: 2 });
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return DASH;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

export function fmtAge(secs: number | null | undefined): string {
  if (secs === null || secs === undefined) return DASH;
  const s = Math.abs(secs);
  const text =
    s < 60 ? `${Math.round(s)}s` : s < 3600 ? `${Math.round(s / 60)}m` : s < 86400 ? `${(s / 3600).toFixed(1)}h` : `${(s / 86400).toFixed(1)}d`;
  return secs < 0 ? `in ${text}` : `${text} ago`;
}

export function fmtHours(h: number | null | undefined): string {
  if (h === null || h === undefined) return DASH;
  if (Math.abs(h) < 1) return `${Math.round(h * 60)}m`;
  if (Math.abs(h) < 48) return `${h.toFixed(1)}h`;
  return `${(h / 24).toFixed(1)}d`;
}

/** Seconds from `iso` to `now` (both server times: the simulator's clock may run fast). */
export function secondsBetween(iso: string | null | undefined, now: string | undefined): number | null {
  if (!iso || !now) return null;
  return (Date.parse(now) - Date.parse(iso)) / 1000;
}

export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  return d.toLocaleString("en-GB", {
    month: "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
  });
}

export function fmtClock(ms: number): string {
  return new Date(ms).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false });
}

export function tierLabel(tier: number | null | undefined, none = DASH): string {
  return tier === null || tier === undefined ? none : `T${tier}`;
}
