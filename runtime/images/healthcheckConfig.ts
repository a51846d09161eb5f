/**
 * A HEALTHCHECK instruction as the image config's `Healthcheck` (Docker's HealthConfig,
 * durations in nanoseconds): from a Dockerfile (runtime/build/stageState.ts) and from a
 * `commit --change` (configChanges.ts), read alike. Pure.
 */
import { goDurationMs } from '../../events/goDuration.js';
import { ValidationError } from '../../events/errors.js';

/** Docker's HealthConfig; a duration or Retries of 0 (or absent) means "inherit". */
export interface HealthcheckConfig {
  /** ["CMD", argv...], ["CMD-SHELL", command] or ["NONE"]; empty: inherit. */
  Test?: string[] | null;
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

const DURATION_FLAGS = { interval: 'Interval', timeout: 'Timeout', 'start-period': 'StartPeriod', 'start-interval': 'StartInterval' } as const;

/** A HEALTHCHECK duration flag (`30s`, `1m30s`) in nanoseconds: 0, or 1 ms at least, as Docker's builder checks. */
function durationNs(text: string, flag: string): number {
  const ms = goDurationMs(text);
  if (ms === null) throw new ValidationError(`invalid value for --${flag}: time: invalid duration "${text}"`);
  if (ms !== 0 && ms < 1) throw new ValidationError(`--${flag} cannot be less than 1ms`);
  return Math.round(ms * 1e6);
}

/**
 * The config of `HEALTHCHECK [--flags] CMD ...` (`test` its argv, already "CMD"/"CMD-SHELL"
 * prefixed) or of `HEALTHCHECK NONE` (`test` null). Flags: interval, timeout, start-period,
 * start-interval, retries.
 */
export function healthcheckConfig(test: string[] | null, flags: Record<string, string>): HealthcheckConfig {
  if (test === null) return { Test: ['NONE'] };
  const config: HealthcheckConfig = { Test: test };
  for (const [flag, value] of Object.entries(flags)) {
    if (flag === 'retries') {
      const retries = Number(value);
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(retries)) throw new ValidationError(`invalid value for --retries: "${value}" is not a non-negative integer`);
      config.Retries = retries;
    } else if (flag in DURATION_FLAGS) {
      config[DURATION_FLAGS[flag as keyof typeof DURATION_FLAGS]] = durationNs(value, flag);
    } else {
      throw new ValidationError(`HEALTHCHECK: unknown flag: --${flag}`);
    }
  }
  return config;
}

/** Docker's commit merge of a given Healthcheck over the container's: what the given one leaves empty or 0, the container's fills. */
export function mergeHealthcheck(given: HealthcheckConfig | null | undefined, container: HealthcheckConfig | null | undefined): HealthcheckConfig | null | undefined {
  if (!container) return given;
  if (!given) return container;
  const merged: HealthcheckConfig = { ...given, Test: given.Test?.length ? given.Test : (container.Test ?? null) };
  for (const key of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    if (!given[key] && container[key]) merged[key] = container[key];
  }
  return merged;
}
