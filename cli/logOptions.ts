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

/** max-size and max-file from `--log-opt key=value` entries; undefined when none is given. */
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
    } else {
      throw new ValidationError(`unknown log opt '${key}' for json-file log driver`);
    }
  }
  return Object.keys(config).length ? config : undefined;
}
