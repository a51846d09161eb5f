/**
 * Self-fencing, the pure rules (docs/MULTIHOST.md, "Self-fencing"). A host bounds its own
 * lease: the heartbeat bucket expires a value the lost threshold after the server stored it, and it
 * stored it no earlier than the host sent it, so the rest of the cluster cannot see the host
 * lost before `sent + hostLostMs`, where `sent` is when the host sent its last acknowledged
 * put. When no later put has been acknowledged by `sent + leaseMs`, the host freezes every
 * container that fencing would reschedule (plan.ts's rule), before anyone may start a
 * replacement. When a put is acknowledged again, it lifts: the duplicates of a fence record
 * stay frozen until they are stopped, the rest thaw.
 */
import type { FenceRecord } from '../../events/fence.js';
import { DEFAULT_TIMINGS, SELF_FENCE_CHECK_MS } from '../../events/hostTimings.js';
import type { ContainerState } from '../container/state.js';
import { duplicatesToStop, reschedulable } from './plan.js';

/**
 * The lease by default (events/hostTimings.ts), from the send of the last acknowledged heartbeat.
 * It leaves the lost threshold minus the lease (SELF_FENCE_MARGIN_MS, 2 s at any threshold)
 * before the others can see the host lost, for: the check's period (SELF_FENCE_CHECK_MS), a late
 * timer in a busy event loop, the freeze itself (tens of ms), and the two clocks' rates (100 ppm
 * over 6 s is under 1 ms). One lost beat (half a lease apart) is tolerated: the lease runs out
 * after the second.
 */
export const LEASE_MS = DEFAULT_TIMINGS.leaseMs;
export { SELF_FENCE_CHECK_MS };

/** The statuses whose process may run now: a start appended before a cut still runs its process. */
const RUNS = new Set<ContainerState['status']>(['running', 'starting']);

/** Whether the lease (`leaseMs` long) has run out at `now` (both on the same monotonic clock); `leaseFrom` is the last acknowledged send. */
export function leaseExpired(leaseFrom: number, now: number, leaseMs = LEASE_MS): boolean {
  return now - leaseFrom >= leaseMs;
}

export type SelfFenceStep =
  /** Nothing to do. */
  | { type: 'hold' }
  /** The lease ran out: freeze these (running, reschedulable, not frozen yet). */
  | { type: 'freeze'; ids: string[] }
  /** The lease is back while containers are frozen: lift the self-fence (planLift). */
  | { type: 'lift' };

/**
 * One check: `frozen` are the containers this host froze itself. While the lease has run out,
 * any reschedulable container that runs is frozen (again each check: one starting when the
 * link was cut runs its process later).
 */
export function decideSelfFence(leaseFrom: number, now: number, containers: Iterable<ContainerState>, frozen: ReadonlySet<string>, leaseMs = LEASE_MS): SelfFenceStep {
  if (leaseExpired(leaseFrom, now, leaseMs)) {
    // Read only when the lease ran out: the check runs four times a second on every host.
    const ids = [...containers].filter((c) => RUNS.has(c.status) && reschedulable(c) && !frozen.has(c.id)).map((c) => c.id);
    return ids.length > 0 ? { type: 'freeze', ids } : { type: 'hold' };
  }
  return frozen.size > 0 ? { type: 'lift' } : { type: 'hold' };
}

export interface Lift {
  /** Rescheduled elsewhere while the host was cut off: they stay frozen until fencing stops them. */
  stop: string[];
  /** Not rescheduled (no fence, or no replacement for them): they run on. */
  thaw: string[];
}

/** How a self-fence ends, given the host's fence record as read once the lease is back (null or cleared: not fenced). */
export function planLift(frozen: ReadonlySet<string>, own: FenceRecord | null, containers: ContainerState[]): Lift {
  const fenced = own?.state === 'fenced' ? duplicatesToStop(own, containers).map((d) => d.id) : [];
  const stop = fenced.filter((id) => frozen.has(id));
  return { stop, thaw: [...frozen].filter((id) => !stop.includes(id)) };
}

/**
 * What a host writes to its own fence key when it lifts a self-fence without having been fenced:
 * the record it read, as cleared (or a new cleared one), at the revision read. A fencer that saw
 * the host lost writes at that same revision, so of the two exactly one wins: the host never
 * thaws a container that a fence record, written meanwhile, rescheduled.
 */
export function liftRecord(host: string, read: FenceRecord | null, now: number): FenceRecord {
  if (read) return { ...read, state: 'cleared', clearedAt: read.clearedAt ?? now };
  return { host, state: 'cleared', by: host, time: now, reason: 'self-fence lifted: the lease came back before any fencing', replacements: [], clearedAt: now };
}
