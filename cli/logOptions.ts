/** `--log-driver` and `--log-opt` as a LogConfig (events/logDrivers.ts). Pure. */
import type { LogConfig } from '../events/hostConfig.js';
import { logAttributes } from '../events/logAttributes.js';
import { logOptionPairs, parseLogConfig } from '../events/logDrivers.js';

/**
 * The driver and its options from `--log-driver` and `--log-opt key=value` entries; undefined
 * when neither is given. Without a driver the daemon checks the options against its default.
 */
export function parseLogOpts(entries: readonly string[], driver?: string): LogConfig | undefined {
  return parseLogConfig(driver, logOptionPairs(entries));
}

/**
 * What `logs --details` prints before each line: the attributes the log options name or match
 * that the container has (events/logAttributes.ts), as `key=value` joined by commas in key
 * order, and a space; '' when there are none (as Docker without those options).
 */
export function logDetails(config: LogConfig | undefined, labels: Record<string, string>, env: string[]): string {
  const attrs = Object.entries(logAttributes(config, labels, env));
  return attrs.length ? `${attrs.map(([k, v]) => `${k}=${v}`).join(',')} ` : '';
}
