/**
 * The daemon's heartbeat: every heartbeatIntervalMs (events/hostTimings.ts) it puts its capacity in the heartbeat
 * store (events/heartbeatStore.ts). A heartbeat expires after the lost threshold, so when the
 * puts stop, the host reads as lost everywhere.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import type { Heartbeat } from '../events/heartbeat.js';
import type { HeartbeatStore } from '../events/heartbeatStore.js';
import { DEFAULT_TIMINGS, type HostTimings } from '../events/hostTimings.js';
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

export class Heartbeats {
  private timer: NodeJS.Timeout | null = null;
  /** Since when every beat has gone in, each within an interval; null after a failed one. */
  private steady: number | null = null;
  /**
   * When the last acknowledged put was sent (performance.now(), a monotonic clock): the bucket
   * stored it no earlier, so it expires no earlier than this plus the lost threshold. The
   * host's own lease (actors/fencing/selfFence.ts) is measured from it. Null before the first.
   */
  private acknowledged: number | null = null;

  constructor(private readonly store: HeartbeatStore, private readonly source: HeartbeatSource, private readonly timings: HostTimings = DEFAULT_TIMINGS) {}

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
    const sent = performance.now();
    try {
      await this.store.put(heartbeat);
      // Puts may overlap (a slow one and the next): the latest sent of those acknowledged counts.
      this.acknowledged = Math.max(this.acknowledged ?? sent, sent);
    } catch (error) {
      this.steady = null;
      throw error;
    }
    // A put slower than the interval means the bucket was struggling (a leader election):
    // steadiness starts again from now.
    const now = Date.now();
    if (this.steady === null || now - heartbeat.time > this.timings.heartbeatIntervalMs) this.steady = now;
  }

  /**
   * Since when this host's beats have gone in steadily (ms since the epoch), or null: while they
   * do not, the heartbeats it reads of other hosts say nothing about them (mayJudgeOthers).
   */
  steadySince(): number | null {
    return this.steady;
  }

  /** When the last acknowledged heartbeat was sent (performance.now()), or null before the first. */
  acknowledgedSentAt(): number | null {
    return this.acknowledged;
  }

  /** Beats now and then every interval; a failed beat is logged and the next one tried. */
  async start(): Promise<void> {
    const beat = () => this.beat().catch((error: Error) => this.source.log.warn('heartbeat failed', { error }));
    await beat();
    this.timer = setInterval(beat, this.timings.heartbeatIntervalMs);
    this.timer.unref();
  }

  /** Stops beating; at a clean stop the key is deleted, so the host reads lost at once. */
  async stop(clean: boolean): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (clean) await this.store.delete(this.source.host).catch((error: Error) => this.source.log.warn('deleting the heartbeat at stop failed', { error }));
  }
}
