/**
 * When the embedded nats-server's JetStream must be started again. Debian's nats-server 2.9
 * wedges when a write to its store fails for want of disk space: the process lives and core
 * NATS answers, but JetStream answers nothing, even after space returns, and SIGTERM does not
 * end it (measured: docs/OPERATIONS.md, "A full disk"). Only a new process recovers it, and a new
 * process started while the disk is still full would wedge again at its first write.
 *
 * The daemon's heartbeat is a JetStream write every 2 s, so the time of the last one
 * acknowledged tells whether JetStream answers; the store's free space says whether it can.
 */

/** JetStream silent this long, after its disk was seen full: it is wedged, not slow. */
export const WEDGED_AFTER_FULL_MS = 5_000;
/** JetStream silent this long, full disk seen or not: nothing but a wedge keeps a single server silent for a minute. */
export const WEDGED_MS = 60_000;
/** Below this much free space the store counts as full (a write of a block may fail). */
export const FULL_BYTES = 1 << 20;
/** A restart waits for this much free space: a new server must not wedge again at once. */
export const RESTART_FREE_BYTES = 16 << 20;

export interface StoreObservation {
  /** Now, on the clock of `answeredAt` (performance.now()). */
  now: number;
  /** The last time JetStream was known to answer: the later of the last acknowledged heartbeat's send, the start of the watch, and the last restart. */
  answeredAt: number;
  /** The store's free space now, in bytes (null when it cannot be read). */
  freeBytes: number | null;
  /** Whether the store was seen full since `answeredAt`. */
  fullSeen: boolean;
}

export type StoreVerdict =
  | { kind: 'healthy' }
  | { kind: 'wait-for-space'; freeBytes: number; silentMs: number }
  | { kind: 'restart'; silentMs: number; reason: 'disk-full' | 'silent' };

export function judgeStore(o: StoreObservation): StoreVerdict {
  const silentMs = o.now - o.answeredAt;
  const wedged = (o.fullSeen && silentMs >= WEDGED_AFTER_FULL_MS) || silentMs >= WEDGED_MS;
  if (!wedged) return { kind: 'healthy' };
  if (o.freeBytes !== null && o.freeBytes < RESTART_FREE_BYTES) return { kind: 'wait-for-space', freeBytes: o.freeBytes, silentMs };
  return { kind: 'restart', silentMs, reason: o.fullSeen ? 'disk-full' : 'silent' };
}
