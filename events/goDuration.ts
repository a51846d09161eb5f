/**
 * Go's duration syntax (time.ParseDuration), which Docker's API, Dockerfiles' HEALTHCHECK and
 * Compose files use: `1m30s`, `500ms`, `1.5s`, `0`. Pure.
 */
// µ written as \u00b5: the CLI's bundle stays ASCII, which its launcher reads as latin1 (scripts/bundle.mjs).
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, '\u00b5s': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The duration in milliseconds (fractions kept: the caller rounds to its unit), or null when the text is not one. */
export function goDurationMs(text: string): number | null {
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|\u00b5s|ms|s|m|h)/g)];
  if (!parts.length || parts.map((part) => part[0]).join('') !== text) return null;
  return parts.reduce((total, [, value, unit]) => total + Number(value) * UNIT_MS[unit!]!, 0);
}
