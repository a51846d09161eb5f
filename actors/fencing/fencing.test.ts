/**
 * A fencing round over the in-memory stores and fake kernels, no server: given host b lost
 * with a running container whose policy is `always`, when the live hosts a and c run their
 * rounds at the same time, then exactly one fence record is written (created once, at no
 * revision), and the container runs again on exactly one of them.
 */
import t, { type Test as Tap } from 'tap';
import type { AnyEvent } from '../../events/all.js';
import type { Heartbeat } from '../../events/heartbeat.js';
import { eventSubject } from '../../events/subjects.js';
import { StoresClusterState } from '../../memory/clusterState.js';
import { MemoryEventStore } from '../../memory/eventStore.js';
import { MemoryFenceStore } from '../../memory/fenceStore.js';
import { MemoryHeartbeatStore } from '../../memory/heartbeatStore.js';
import { containerCreated, testHost } from '../../test/fakes/host.js';
import { Fencing } from './fencing.js';

const LOST_CONTAINER = 'c'.repeat(64);
const IMAGE = 'b'.repeat(64);

function event(host: string, kind: AnyEvent['kind'], entity: string, type: string, data: unknown): AnyEvent {
  const id = `${type}-${host}-${entity}`;
  return { id, host, kind, entity, time: Date.now(), causation: id, correlation: id, attributes: {}, type, data } as AnyEvent;
}

/** An observer whose own heartbeats have gone in steadily all along. */
const steadyBeats = { steadySince: () => 0 };

const heartbeat = (host: string): Heartbeat => ({
  host, time: Date.now(), pid: 1, version: 'test', labels: {},
  capacity: { cpus: 2, memoryTotal: 1 << 30, memoryFree: 1 << 29, containersRunning: 0 },
});

/** Hosts a, b and c; b is lost with a running `always` container; a and c observe with `beats`. */
async function clusterWithBLost(t: Tap, beats: { steadySince(): number | null }) {
  const store = new MemoryEventStore();
  for (const host of ['a', 'b', 'c']) await store.append([event(host, 'node', host, 'node.joined', {})], 0);
  // Host b's container, running when b was lost.
  const [created] = await store.append([containerCreated('b', LOST_CONTAINER, 'web', { restartPolicy: { name: 'always', maximumRetryCount: 0 } })], 0);
  await store.append([event('b', 'container', LOST_CONTAINER, 'container.starting', {}), event('b', 'container', LOST_CONTAINER, 'container.started', { pid: 10, shimPid: 11 })], created!.seq);
  // The image, on a and c.
  for (const host of ['a', 'c']) {
    await store.append([event(host, 'image', IMAGE, 'image.imported', {
      configDigest: `sha256:${IMAGE}`, diffIds: [], chainIds: [], size: 1, tags: ['busybox:latest'], env: [], cmd: ['sh'], entrypoint: [], workingDir: '', created: '2026-01-01T00:00:00Z',
    })], 0);
  }
  const heartbeats = new MemoryHeartbeatStore();
  await heartbeats.put(heartbeat('a'));
  await heartbeats.put(heartbeat('c'));
  const fences = new MemoryFenceStore();
  const cluster = new StoresClusterState(store, heartbeats, fences);
  const observers = await Promise.all(['a', 'c'].map(async (id) => {
    const { host, kernel } = testHost(id, store);
    await host.start();
    t.teardown(() => host.stop());
    return { host, kernel, fencing: new Fencing(fences, cluster, host, host.log, beats) };
  }));

  return { store, fences, observers };
}

t.test('given host b lost, when a and c fence at once, then one record is written and one replacement runs', async (t) => {
  const { store, fences, observers } = await clusterWithBLost(t, steadyBeats);

  await Promise.all(observers.map((o) => o.fencing.tick()));
  const records = await fences.readAll();
  t.equal(records.length, 1, 'one record');
  const [fence] = records;
  t.equal(fence!.revision, 1, 'created once, at no revision: the other writer lost');
  t.match(fence!.record, { host: 'b', state: 'fenced', reason: 'host lost' });
  t.ok(['a', 'c'].includes(fence!.record.by));
  const [replacement] = fence!.record.replacements;
  t.equal(replacement?.container, LOST_CONTAINER);

  await Promise.all(observers.map((o) => o.fencing.tick()));
  const holders = observers.filter((o) => o.host.containers.has(replacement!.id));
  t.equal(holders.length, 1, 'one host holds the replacement');
  t.equal(holders[0]!.host.id, replacement!.host, 'the host the plan placed it on');
  const running = await holders[0]!.host.container(replacement!.id).waitFor((s) => s.status === 'running', 5000);
  t.equal(running.config?.name, 'web', 'with the old container\'s name and config');
  t.ok(holders[0]!.kernel.calls.some((call) => call.startsWith(`start ${replacement!.id}`)), 'started through the worker');
  const types: string[] = [];
  for await (const stored of store.read(eventSubject(replacement!.host, 'container', replacement!.id))) types.push(stored.event.type);
  t.same(types.slice(0, 3), ['container.created', 'container.rescheduled', 'container.starting'], 'recorded as rescheduled from b');

  await Promise.all(observers.map((o) => o.fencing.tick()));
  t.equal((await fences.readAll())[0]!.revision, 1, 'a later round writes no record again');
});

t.test('given observers whose own beats only just went in (a leader came back), then nobody is fenced yet', async (t) => {
  const { fences, observers } = await clusterWithBLost(t, { steadySince: () => Date.now() });
  await Promise.all(observers.map((o) => o.fencing.tick()));
  t.same(await fences.readAll(), [], 'no record: the lost host may only not have beaten again yet');
  const failing = await clusterWithBLost(t, { steadySince: () => null });
  await Promise.all(failing.observers.map((o) => o.fencing.tick()));
  t.same(await failing.fences.readAll(), [], 'nor while its own last beat failed');
});
