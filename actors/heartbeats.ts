/**
 * The daemon's heartbeat: every HEARTBEAT_INTERVAL_MS it puts its capacity under its own key
 * of the heartbeat bucket. The bucket's max age is the lost threshold, so when the puts stop,
 * JetStream expires the key and the host reads as lost everywhere.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import { openBucket } from '../nats/store/buckets.js';
import { encode } from '../events/codec.js';
import { Heartbeat } from '../events/heartbeat.js';
import { HEARTBEAT_BUCKET, HEARTBEAT_INTERVAL_MS, HOST_LOST_MS } from '../events/subjects.js';
import type { Logger } from '../log/logger.js';

/** MemAvailable from /proc/meminfo, in bytes (os.freemem() leaves out the page cache). */
export function memAvailable(meminfo: string): number | null {
  const match = /^MemAvailable:\s+(\d+) kB$/m.exec(meminfo);
  return match ? Number(match[1]) * 1024 : null;
}

export interface HeartbeatSource {
  host: string;
  version: string;
  labels: Record<string, string>;
  /** Containers running or starting now. */
  containersRunning(): number;
  /** Where a failed beat is logged. */
  log: Logger;
}

export async function openHeartbeatBucket(nc: NatsConnection, replicas: number): Promise<KV> {
  return openBucket(nc, HEARTBEAT_BUCKET, { history: 1, replicas, ttl: HOST_LOST_MS });
}

export class Heartbeats {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly kv: KV, private readonly source: HeartbeatSource) {}

  async beat(): Promise<void> {
    const meminfo = await fs.readFile('/proc/meminfo', 'utf8').catch(() => '');
    const heartbeat: Heartbeat = {
      host: this.source.host,
      time: Date.now(),
      pid: process.pid,
      version: this.source.version,
      capacity: {
        cpus: os.availableParallelism(),
        memoryTotal: os.totalmem(),
        memoryFree: memAvailable(meminfo) ?? os.freemem(),
        containersRunning: this.source.containersRunning(),
      },
      labels: this.source.labels,
    };
    await this.kv.put(this.source.host, encode(Heartbeat, heartbeat));
  }

  /** Beats now and then every interval; a failed beat is logged and the next one tried. */
  async start(): Promise<void> {
    const beat = () => this.beat().catch((error: Error) => this.source.log.warn('heartbeat failed', { error }));
    await beat();
    this.timer = setInterval(beat, HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops beating; at a clean stop the key is deleted, so the host reads lost at once. */
  async stop(clean: boolean): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (clean) await this.kv.delete(this.source.host).catch((error: Error) => this.source.log.warn('deleting the heartbeat at stop failed', { error }));
  }
}
