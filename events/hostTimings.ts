/**
 * The timings of host liveness, all derived from one value: the lost threshold, which is the
 * heartbeat bucket's max age (events/subjects.ts). Every host reads it from the bucket, so the
 * whole cluster agrees on it; `berth-cluster setup --host-lost` (or, for the bucket a daemon
 * creates itself, the daemon's `host-lost` setting) chooses it. Pure.
 *
 * - The lease (actors/fencing/selfFence.ts) ends SELF_FENCE_MARGIN_MS before the threshold:
 *   that margin is for the self-fence check's period, a late timer and the freeze itself, and
 *   it does not shrink with a shorter threshold.
 * - A heartbeat goes every half lease, so that one lost beat is tolerated, and at least every
 *   HEARTBEAT_INTERVAL_MS (2 s): the embedded nats-server's supervisor reads the beats' acks as
 *   JetStream's pulse and takes a minute of silence for a wedge (nats/server/storeHealth.ts), so
 *   a long threshold must not space them out.
 * - Fencing runs a round every threshold and judges others only once its own beats have gone
 *   in steadily for a threshold and an interval (actors/fencing/plan.ts).
 *
 * The default (6 s) gives the intervals berth always had: beats every 2 s, a 4 s lease.
 */
import { ValidationError } from './errors.js';
import { HEARTBEAT_INTERVAL_MS, HOST_LOST_MS } from './subjects.js';

export interface HostTimings {
  /** The lost threshold: the heartbeat bucket's max age. */
  hostLostMs: number;
  /** How often a daemon writes its heartbeat. */
  heartbeatIntervalMs: number;
  /** The lease, from the send of the last acknowledged heartbeat. */
  leaseMs: number;
  /** How often a host compares its lease with its clock. */
  selfFenceCheckMs: number;
}

/** What the lease leaves before the others can see the host lost. */
export const SELF_FENCE_MARGIN_MS = 2000;
/** How often a host compares its lease with its clock. */
export const SELF_FENCE_CHECK_MS = 250;
/** The shortest threshold: a 1 s lease, beats every 500 ms. */
export const MIN_HOST_LOST_MS = 3000;
/** The longest: an hour. */
export const MAX_HOST_LOST_MS = 3600_000;

/** The timings of a lost threshold; a threshold out of range (or not whole ms) is refused. */
export function hostTimings(hostLostMs: number = HOST_LOST_MS): HostTimings {
  if (!Number.isInteger(hostLostMs) || hostLostMs < MIN_HOST_LOST_MS || hostLostMs > MAX_HOST_LOST_MS) {
    throw new ValidationError(`invalid lost threshold ${hostLostMs} ms: want whole ms from ${MIN_HOST_LOST_MS / 1000} s to ${MAX_HOST_LOST_MS / 3600_000} h`);
  }
  const leaseMs = hostLostMs - SELF_FENCE_MARGIN_MS;
  return { hostLostMs, leaseMs, heartbeatIntervalMs: Math.min(Math.floor(leaseMs / 2), HEARTBEAT_INTERVAL_MS), selfFenceCheckMs: SELF_FENCE_CHECK_MS };
}

/** berth's default timings (a 6 s threshold). */
export const DEFAULT_TIMINGS: HostTimings = hostTimings();

/** A lost threshold as given (a config key, a flag): a duration like 6s or 4500ms, checked by hostTimings. */
export function parseHostLost(text: string, what = 'host-lost'): number {
  const match = /^(\d+)(ms|s)$/.exec(text.trim());
  if (!match) throw new ValidationError(`invalid value "${text}" for ${what}: use a duration like 6s or 4500ms`);
  const ms = Number(match[1]) * (match[2] === 's' ? 1000 : 1);
  try {
    return hostTimings(ms).hostLostMs;
  } catch (error) {
    throw new ValidationError(`invalid value "${text}" for ${what}: ${(error as Error).message}`);
  }
}
