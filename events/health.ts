/**
 * Health checks: the check a container runs (from --health-* flags or the image's HEALTHCHECK),
 * the event that records each change of health status (Docker's action health_status), and the
 * command that reports a probe's outcome. Joined into ContainerEvent and ContainerCommand.
 */
import * as z from 'zod';
import { eventSchema } from './envelope.js';
import { lazySchema } from './lazySchema.js';

/** Docker's check, with durations in ms. `test` is ["CMD", ...], ["CMD-SHELL", "cmd"] or ["NONE"]. */
export const HealthConfig = lazySchema(() => z.object({
  test: z.array(z.string()).min(1),
  intervalMs: z.number().int().positive(),
  timeoutMs: z.number().int().positive(),
  startPeriodMs: z.number().int().nonnegative(),
  retries: z.number().int().positive(),
}));
export type HealthConfig = z.infer<typeof HealthConfig>;

export const HealthStatus = lazySchema(() => z.enum(['starting', 'healthy', 'unhealthy']));
export type HealthStatus = z.infer<typeof HealthStatus>;

export const ContainerHealthStatus = lazySchema(() => eventSchema('container.health_status', z.object({
  status: HealthStatus,
  /** Consecutive failed probes when it was decided. */
  failingStreak: z.number().int().nonnegative(),
  /** The output of the probe that changed it (trimmed). */
  output: z.string(),
})));

/** One probe as inspect shows it (Docker's State.Health.Log entry): times in ms, -1 for a timeout or a probe that could not run. */
export const HealthProbe = lazySchema(() => z.object({
  start: z.number(),
  end: z.number(),
  exitCode: z.number().int(),
  output: z.string(),
}));
export type HealthProbe = z.infer<typeof HealthProbe>;

/**
 * What ps and inspect show of a container's health: the status and failing streak as of the
 * last probe (the daemon's memory; the last recorded change after a daemon restart), and the
 * last probes since the daemon started (at most five, as Docker keeps).
 */
export const HealthView = lazySchema(() => z.object({
  status: z.string(),
  failingStreak: z.number(),
  log: z.array(HealthProbe).optional(),
}));
export type HealthView = z.infer<typeof HealthView>;

export const healthEvents = [ContainerHealthStatus] as const;

export const healthCommands = [
  lazySchema(() => z.object({
    type: z.literal('ReportHealth'),
    status: HealthStatus,
    failingStreak: z.number().int().nonnegative(),
    output: z.string(),
  })),
] as const;
