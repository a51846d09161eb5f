/** `--log-opt` for the json-file log, read as Docker's json-file driver reads it. Pure. */
import { ValidationError } from '../events/errors.js';
import type { LogConfig } from '../events/hostConfig.js';

const DECIMAL: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15 };

/** Docker's units.FromHumanSize: decimal units (10m is 10,000,000 bytes), an optional i and b. */
export function parseHumanSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(text);
  if (!match) throw new ValidationError(`invalid size: '${text}'`);
  const bytes = Math.floor(Number(match[1]) * DECIMAL[(match[2] ?? '').toLowerCase()]!);
  if (!Number.isSafeInteger(bytes)) throw new ValidationError(`invalid size: '${text}': too large`);
  return bytes;
}

/** max-size, max-file, labels and env from `--log-opt key=value` entries; undefined when none is given. */
export function parseLogOpts(entries: readonly string[]): LogConfig | undefined {
  const config: LogConfig = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq < 1) throw new ValidationError(`invalid log opt "${entry}": use key=value`);
    const key = entry.slice(0, eq);
    const value = entry.slice(eq + 1);
    if (key === 'max-size') {
      const bytes = parseHumanSize(value);
      if (bytes <= 0) throw new ValidationError('max-size must be a positive number');
      config.maxSizeBytes = bytes;
    } else if (key === 'max-file') {
      if (!/^-?\d+$/.test(value)) throw new ValidationError(`invalid value "${value}" for max-file: want a number of files`);
      if (Number(value) < 1) throw new ValidationError('max-file cannot be less than 1');
      config.maxFiles = Number(value);
    } else if (key === 'labels' || key === 'env') {
      const names = value.split(',').filter(Boolean);
      if (names.length) config[key] = names;
    } else {
      throw new ValidationError(`unknown log opt '${key}' for json-file log driver`);
    }
  }
  return Object.keys(config).length ? config : undefined;
}

/**
 * What `logs --details` prints before each line: the labels and env variables the log options
 * name that the container has, as `key=value` joined by commas in key order, and a space; ''
 * when there are none (as Docker without those options).
 */
export function logDetails(config: LogConfig | undefined, labels: Record<string, string>, env: string[]): string {
  const attrs = new Map<string, string>();
  for (const name of config?.labels ?? []) if (name in labels) attrs.set(name, labels[name]!);
  for (const name of config?.env ?? []) {
    const entry = env.find((e) => e.startsWith(`${name}=`));
    if (entry !== undefined) attrs.set(name, entry.slice(name.length + 1));
  }
  if (attrs.size === 0) return '';
  return `${[...attrs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join(',')} `;
}
