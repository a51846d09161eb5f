/** `--log-driver` and `--log-opt` as a LogConfig (events/logDrivers.ts). Pure. */
import type { LogConfig } from '../events/hostConfig.js';
import { logOptionPairs, parseLogConfig } from '../events/logDrivers.js';

/**
 * The driver and its options from `--log-driver` and `--log-opt key=value` entries; undefined
 * when neither is given. Without a driver the daemon checks the options against its default.
 */
export function parseLogOpts(entries: readonly string[], driver?: string): LogConfig | undefined {
  return parseLogConfig(driver, logOptionPairs(entries));
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
