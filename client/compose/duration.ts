/** A Go duration as Compose writes them (healthcheck intervals, stop_grace_period): 1m30s, 500ms, 1.5s. Pure. */
import { ComposeError } from './errors.js';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseGoDuration(text: string, where: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (text === '0') return 0;
  if (!parts.length || parts.map((part) => part[0]).join('') !== text) throw new ComposeError(`${where}: invalid duration "${text}"`);
  return Math.round(parts.reduce((total, [, value, unit]) => total + Number(value) * UNIT_MS[unit], 0));
}
