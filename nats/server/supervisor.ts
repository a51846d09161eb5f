/**
 * Keeps the embedded nats-server running: the daemon checks every second that its server is
 * alive and, once it died, starts it again on the same port, token, certificate and store
 * (runtime/nats/embedded.ts). While the port is held by another process the restart fails and
 * is tried again; the daemon's client never talks to that process (the certificate is pinned).
 *
 * It also ends a server whose JetStream wedged (storeHealth.ts: a write that found the disk
 * full), once there is room again, so that the same restart brings JetStream back.
 */
import fs from 'node:fs/promises';
import { HEARTBEAT_INTERVAL_MS } from '../../events/subjects.js';
import type { Layout } from '../../runtime/layout.js';
import { isEmbeddedServer, restartEmbeddedNats, type NatsInfo } from './embedded.js';
import { FULL_BYTES, judgeStore } from './storeHealth.js';

const CHECK_MS = 1000;
const MAX_BACKOFF_MS = 5000;

export interface NatsSupervisor {
  /** Whether the server is believed up (false from a death seen until it answers again). */
  readonly up: boolean;
  /**
   * Judges JetStream too from now on: `answeredAt` says when it last acknowledged a write
   * (performance.now(); the daemon's heartbeat, every 2 s), null before the first.
   */
  watchJetStream(answeredAt: () => number | null): void;
  stop(): void;
}

/** Free bytes on the filesystem holding `dir` (the root's reserve counts: nats-server runs as root). */
async function freeBytes(dir: string): Promise<number | null> {
  return fs.statfs(dir).then((s) => s.bfree * s.bsize, () => null);
}

export function superviseEmbeddedNats(layout: Layout, started: NatsInfo, log: (line: string) => void): NatsSupervisor {
  let current = started;
  let up = true;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | null = null;
  let answered: (() => number | null) | null = null;
  // The later of the watch's start and the last restart: JetStream is not judged on the time before.
  let judgedSince = 0;
  let fullSeen = false;
  let lastAck: number | null = null;
  let waitingLogged = false;
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(check, ms);
    timer.unref();
  };
  const judgeJetStream = async () => {
    if (!answered) return;
    const ack = answered();
    // A write acknowledged since the last look: whatever fullness was seen before did not wedge it.
    if (ack !== lastAck) fullSeen = false;
    lastAck = ack;
    const now = performance.now();
    const answeredAt = Math.max(ack ?? 0, judgedSince);
    // While heartbeats are acknowledged (HEARTBEAT_INTERVAL_MS apart), the disk does not matter: no statfs.
    if (now - answeredAt < HEARTBEAT_INTERVAL_MS + CHECK_MS) {
      waitingLogged = false;
      return;
    }
    const free = await freeBytes(layout.natsStoreDir);
    if (free !== null && free < FULL_BYTES) fullSeen = true;
    const verdict = judgeStore({ now, answeredAt, freeBytes: free, fullSeen });
    if (verdict.kind === 'healthy') {
      waitingLogged = false;
      return;
    }
    if (verdict.kind === 'wait-for-space') {
      if (!waitingLogged) log(`JetStream has not answered for ${Math.round(verdict.silentMs / 1000)} s and the disk holding ${layout.natsStoreDir} is full (${verdict.freeBytes} bytes free): nats-server is started again once there is room`);
      waitingLogged = true;
      return;
    }
    const why = verdict.reason === 'disk-full' ? 'since its disk filled' : 'for a minute';
    log(`JetStream has not answered ${why} (${Math.round(verdict.silentMs / 1000)} s); ending nats-server (pid ${current.pid}) to start it again`);
    // A wedged server ignores SIGTERM (measured); its acknowledged writes are in its files already.
    if (isEmbeddedServer(layout, current.pid)) process.kill(current.pid, 'SIGKILL');
    judgedSince = performance.now();
    fullSeen = false;
    waitingLogged = false;
  };
  const check = async () => {
    if (isEmbeddedServer(layout, current.pid)) {
      await judgeJetStream();
      return schedule(CHECK_MS);
    }
    if (up) log(`nats-server (pid ${current.pid}) is gone; starting it again on ${current.url}`);
    up = false;
    const restarted = await restartEmbeddedNats(layout, current).catch((error: Error) => {
      log(`cannot start nats-server: ${error.message}`);
      return null;
    });
    if (stopped) return;
    if (restarted) {
      current = restarted;
      up = true;
      failures = 0;
      judgedSince = performance.now();
      log(`nats-server started again (pid ${restarted.pid})`);
      return schedule(CHECK_MS);
    }
    failures++;
    if (failures === 1) log(`nats-server could not start on ${current.url} (is the port held by another process? see ${layout.natsStoreDir}.log); trying again`);
    schedule(Math.min(CHECK_MS * 2 ** failures, MAX_BACKOFF_MS));
  };
  schedule(CHECK_MS);
  return {
    get up() { return up; },
    watchJetStream(answeredAt) {
      answered = answeredAt;
      judgedSince = performance.now();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
