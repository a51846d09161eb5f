/**
 * Health checks as pure rules: the command a check runs, and how one probe's outcome moves the
 * status (Docker's: healthy after a success; unhealthy after `retries` consecutive failures,
 * where failures during the start period do not count).
 */
import type { HealthConfig, HealthStatus } from '../../events/health.js';
import type * as z from 'zod';
import type { Healthcheck } from '../../events/image.js';

export const DEFAULT_INTERVAL_MS = 30_000;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRIES = 3;

/** The argv a check runs, or null for ["NONE"] (checks disabled). */
export function probeCommand(test: string[]): string[] | null {
  const [kind, ...rest] = test;
  if (kind === 'NONE') return null;
  if (kind === 'CMD-SHELL') return ['/bin/sh', '-c', rest.join(' ')];
  if (kind === 'CMD') return rest.length ? rest : null;
  return test; // a bare command, as an image may write it
}

export interface HealthState {
  status: HealthStatus;
  failingStreak: number;
}

/** The state after one probe. `inStartPeriod`: failures then leave the status at starting. */
export function afterProbe(state: HealthState, passed: boolean, retries: number, inStartPeriod: boolean): HealthState {
  if (passed) return { status: 'healthy', failingStreak: 0 };
  if (inStartPeriod && state.status === 'starting') return state;
  const failingStreak = state.failingStreak + 1;
  return { status: failingStreak >= retries ? 'unhealthy' : state.status, failingStreak };
}

/** The check from the flags, falling back to the image's HEALTHCHECK (nanoseconds), or none. */
export function healthConfig(
  flags: { cmd?: string; intervalMs?: number; timeoutMs?: number; startPeriodMs?: number; retries?: number; none?: boolean },
  image: z.infer<typeof Healthcheck> | undefined,
): HealthConfig | undefined {
  if (flags.none) return undefined;
  const test = flags.cmd !== undefined ? ['CMD-SHELL', flags.cmd] : image?.test;
  if (!test || probeCommand(test) === null) return undefined;
  const ms = (ns: number | undefined) => (ns ? Math.round(ns / 1e6) : undefined);
  return {
    test,
    intervalMs: flags.intervalMs ?? ms(image?.interval) ?? DEFAULT_INTERVAL_MS,
    timeoutMs: flags.timeoutMs ?? ms(image?.timeout) ?? DEFAULT_TIMEOUT_MS,
    startPeriodMs: flags.startPeriodMs ?? ms(image?.startPeriod) ?? 0,
    retries: flags.retries ?? image?.retries ?? DEFAULT_RETRIES,
  };
}
