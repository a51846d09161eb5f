/** Parsing of flag values the way Docker reads them. Pure. */
import type { PlacementConstraint, RestartPolicy } from '../events/container.js';
import { ValidationError } from '../events/errors.js';

const UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** "512m", "1g", "1048576" -> bytes. */
export function parseBytes(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([bkmgt])?b?$/i.exec(text.trim());
  if (!match) throw new ValidationError(`invalid value "${text}" for ${flag}: use a size like 64m or 1g`);
  const bytes = Math.floor(Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]!);
  if (bytes <= 0) throw new ValidationError(`invalid value "${text}" for ${flag}: must be positive`);
  if (!Number.isSafeInteger(bytes)) throw new ValidationError(`invalid value "${text}" for ${flag}: too large`);
  return bytes;
}

export function parsePositiveInt(text: string, flag: string): number {
  if (!/^\d+$/.test(text) || Number(text) <= 0 || !Number.isSafeInteger(Number(text))) throw new ValidationError(`invalid value "${text}" for ${flag}: must be a positive integer`);
  return Number(text);
}

/** -e VAR=value stays; -e VAR takes VAR from the environment, and is dropped when unset. */
export function parseEnv(entries: string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.startsWith('=')) throw new ValidationError(`invalid environment variable: ${entry}`);
    if (entry.includes('=')) out.push(entry);
    else if (env[entry] !== undefined) out.push(`${entry}=${env[entry]}`);
  }
  return out;
}

/** KEY=VALUE pairs (labels, filters) into a list of [key, value]. */
export function parsePairs(entries: string[], flag: string): Array<[string, string]> {
  return entries.map((entry) => {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new ValidationError(`invalid ${flag} "${entry}": use key=value`);
    return [entry.slice(0, eq), entry.slice(eq + 1)];
  });
}

/** --constraint key=value entries. */
export function parseConstraints(entries: string[]): PlacementConstraint[] {
  return parsePairs(entries, '--constraint').map(([key, value]) => ({ key, value }));
}

/** --restart: "on-failure:3" -> { on-failure, 3 }; a ValidationError for anything else. */
export function parseRestartPolicy(text: string): RestartPolicy {
  const [name, count, extra] = text.split(':');
  if (extra !== undefined) throw new ValidationError(`invalid restart policy format: ${text}`);
  if (name === 'on-failure') {
    if (count !== undefined && !/^\d+$/.test(count)) throw new ValidationError(`maximum retry count must be an integer: ${text}`);
    return { name, maximumRetryCount: Number(count ?? 0) };
  }
  if (name === 'no' || name === 'always' || name === 'unless-stopped') {
    if (count !== undefined) throw new ValidationError(`maximum retry count cannot be used with restart policy '${name}'`);
    return { name, maximumRetryCount: 0 };
  }
  throw new ValidationError(`invalid restart policy '${text}': use no, on-failure[:max-retries], always or unless-stopped`);
}

/** A Go-style duration as Docker's --health-* flags take it: 30s, 1m30s, 500ms. Returns ms. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(text.trim());
  if (!match || !text.trim()) throw new ValidationError(`invalid value "${text}" for ${flag}: use a duration like 30s or 1m30s`);
  const [, h = '0', m = '0', s = '0', ms = '0'] = match;
  return Math.round(Number(h) * 3600_000 + Number(m) * 60_000 + Number(s) * 1000 + Number(ms));
}

/**
 * A point in time as Docker's --since/--until take it: RFC 3339, a Unix timestamp (seconds,
 * optionally with a fraction), or a duration back from now (10m, 1h30m). Returns ms.
 */
export function parseTime(text: string, flag: string, now = Date.now()): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const duration = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(text);
  if (duration && text) {
    const [, h = '0', m = '0', s = '0', ms = '0'] = duration;
    return now - (Number(h) * 3600_000 + Number(m) * 60_000 + Number(s) * 1000 + Number(ms));
  }
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) throw new ValidationError(`invalid value "${text}" for ${flag}: use RFC 3339, a Unix time or a duration like 10m`);
  return parsed;
}
