/**
 * Keeps the embedded nats-server running: the daemon checks every second that its server is
 * alive and, once it died, starts it again on the same port, token, certificate and store
 * (runtime/nats/embedded.ts). While the port is held by another process the restart fails and
 * is tried again; the daemon's client never talks to that process (the certificate is pinned).
 */
import type { Layout } from '../../runtime/layout.js';
import { isEmbeddedServer, restartEmbeddedNats, type NatsInfo } from './embedded.js';

const CHECK_MS = 1000;
const MAX_BACKOFF_MS = 5000;

export interface NatsSupervisor {
  /** Whether the server is believed up (false from a death seen until it answers again). */
  readonly up: boolean;
  stop(): void;
}

export function superviseEmbeddedNats(layout: Layout, started: NatsInfo, log: (line: string) => void): NatsSupervisor {
  let current = started;
  let up = true;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | null = null;
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(check, ms);
    timer.unref();
  };
  const check = async () => {
    if (isEmbeddedServer(layout, current.pid)) return schedule(CHECK_MS);
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
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
