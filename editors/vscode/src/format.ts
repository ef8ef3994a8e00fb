/**
 * Sizes for people, as the server prints them (server/src/layers/size.rs): decimal units,
 * ranges `low–high`, `~` for estimates, `?` for unknown.
 */

/** A size estimate as the server serializes it. `low`/`high` may be null when unknown. */
export interface SizeEstimate {
  low: number | null;
  high: number | null;
  confidence: "unknown" | "estimated" | "exact";
  basis: string;
}

const UNITS = ["kB", "MB", "GB", "TB"] as const;

/** `0 B`, `912 B`, `12.4 kB`, `3.14 MB`, `148 MB`, `1.02 GB`. */
export function human(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) {
    return "?";
  }
  if (bytes < 1000) {
    return `${Math.round(bytes)} B`;
  }
  let v = bytes / 1000;
  let unit = 0;
  while (v >= 1000 && unit < UNITS.length - 1) {
    v /= 1000;
    unit += 1;
  }
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${UNITS[unit] ?? "TB"}`;
}

/** Whether nothing is known about the size. */
export function isUnknown(size: SizeEstimate): boolean {
  return size.confidence === "unknown" || size.low === null || size.high === null;
}

/** `852 B`, `~19.9 MB`, `361 MB–410 MB`, `unknown`. */
export function formatSize(size: SizeEstimate): string {
  if (isUnknown(size)) {
    return "unknown";
  }
  const low = size.low ?? 0;
  const high = size.high ?? low;
  if (low === high) {
    return size.confidence === "exact" ? human(low) : `~${human(low)}`;
  }
  return `${human(low)}–${human(high)}`;
}

/** A running total: like [`formatSize`], but an unknown part makes it a lower bound. */
export function formatTotal(size: SizeEstimate): string {
  if (size.confidence === "unknown") {
    return size.low === null || size.low === 0 ? "unknown" : `≥ ${human(size.low)}`;
  }
  return formatSize(size);
}
