/**
 * The HeartbeatStore (events/heartbeatStore.ts) in memory: the twin of nats/store/kvHeartbeats.ts.
 * A heartbeat not renewed within `expiryMs` of the clock `now` is gone, as the bucket's max age
 * makes it; a test moves the clock instead of waiting.
 */
import { decode, encode } from '../events/codec.js';
import { Heartbeat } from '../events/heartbeat.js';
import type { HeartbeatStore } from '../events/heartbeatStore.js';
import { HOST_LOST_MS } from '../events/subjects.js';

export class MemoryHeartbeatStore implements HeartbeatStore {
  private readonly beats = new Map<string, { data: Uint8Array; storedAt: number }>();

  constructor(readonly expiryMs = HOST_LOST_MS, private readonly now: () => number = Date.now) {}

  async put(heartbeat: Heartbeat): Promise<void> {
    this.beats.set(heartbeat.host, { data: encode(Heartbeat, heartbeat), storedAt: this.now() });
  }

  async delete(host: string): Promise<void> {
    this.beats.delete(host);
  }

  async readAll(): Promise<Heartbeat[]> {
    const live = [...this.beats.values()].filter((beat) => beat.storedAt + this.expiryMs > this.now());
    return live.sort((a, b) => a.storedAt - b.storedAt).map((beat) => decode(Heartbeat, beat.data));
  }
}
