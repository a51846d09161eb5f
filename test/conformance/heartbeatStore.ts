/** What every HeartbeatStore (events/heartbeatStore.ts) does, run against each implementation. */
import type { Test } from 'tap';
import type { Heartbeat } from '../../events/heartbeat.js';
import type { HeartbeatStore } from '../../events/heartbeatStore.js';
import { freshHost } from './events.js';

const beat = (host: string, containersRunning = 0): Heartbeat => ({
  host, pid: process.pid, version: 'test', time: Date.now(), labels: { zone: 'a' },
  capacity: { cpus: 2, memoryTotal: 1 << 30, memoryFree: 1 << 29, containersRunning },
});

export interface HeartbeatStoreUnderTest {
  store: HeartbeatStore;
  /** Lets time pass beyond the store's expiry for `host` (a clock moved, or waiting on the server); fails if it never comes. */
  expire(host: string): Promise<void>;
}

/** `open()` gives a store whose heartbeats expire (all the suite's hosts in it are its own). */
export function heartbeatStoreConformance(t: Test, open: () => Promise<HeartbeatStoreUnderTest>): void {
  t.test('the last heartbeat of each host is read; a deleted one is gone', async (t) => {
    const { store } = await open();
    const [one, two] = [freshHost('beat'), freshHost('beat')];
    await store.put(beat(one, 1));
    await store.put(beat(one, 2));
    await store.put(beat(two));
    const read = await store.readAll();
    t.same(read.filter((h) => h.host === one).map((h) => h.capacity.containersRunning), [2], 'one heartbeat a host, the last');
    t.ok(read.some((h) => h.host === two));
    await store.delete(two);
    t.notOk((await store.readAll()).some((h) => h.host === two), 'deleted at a clean stop');
  });

  t.test('a heartbeat not renewed expires', async (t) => {
    const { store, expire } = await open();
    const host = freshHost('expiring');
    await store.put(beat(host));
    t.ok((await store.readAll()).some((h) => h.host === host));
    await expire(host);
    t.notOk((await store.readAll()).some((h) => h.host === host), 'gone after the expiry');
  });
}
