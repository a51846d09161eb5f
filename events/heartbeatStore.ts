/**
 * The contract of the heartbeats (events/heartbeat.ts): one value per host that expires when it
 * is not renewed within the lost threshold, for every observer alike. nats/store/kvHeartbeats.ts
 * implements it over a KV bucket with a max age, memory/heartbeatStore.ts in memory.
 */
import type { Heartbeat } from './heartbeat.js';

export interface HeartbeatStore {
  /** The lost threshold: how long a heartbeat lives unless renewed (events/hostTimings.ts derives the rest from it). */
  readonly expiryMs: number;
  /** Stores the host's heartbeat, replacing its last one and renewing its expiry. */
  put(heartbeat: Heartbeat): Promise<void>;
  /** Removes the host's heartbeat (a clean stop): the host reads as lost at once. */
  delete(host: string): Promise<void>;
  /** Every heartbeat that has not expired; an unreadable one counts as none. */
  readAll(): Promise<Heartbeat[]>;
}
