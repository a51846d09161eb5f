/**
 * Self-fencing over the in-memory stores and the fake kernel: given host c running an `always`
 * container, when its lease runs out, then the container is frozen; when the lease comes back,
 * then it thaws if c was not fenced (a blip), and is killed frozen if it was, also when the
 * fence is written between c's read of its record and its own write.
 */
import t, { type Test as Tap } from 'tap';
import type { AnyEvent } from '../../events/all.js';
import type { StoredFence } from '../../events/fence.js';
import { eventSubject } from '../../events/subjects.js';
import { StoresClusterState } from '../../memory/clusterState.js';
import { MemoryEventStore } from '../../memory/eventStore.js';
import { MemoryFenceStore } from '../../memory/fenceStore.js';
import { MemoryHeartbeatStore } from '../../memory/heartbeatStore.js';
import { config, containerCreated, testHost } from '../../test/fakes/host.js';
import { statusText } from '../../client/views/ps.js';
import { containerView } from '../views.js';
import { Fencing } from './fencing.js';
import { LEASE_MS } from './selfFence.js';
import { SelfFencing } from './selfFencing.js';

const ID = 'c'.repeat(64);

function event(type: string, data: unknown): AnyEvent {
  const id = `${type}-${ID}`;
  return { id, host: 'c', kind: 'container', entity: ID, time: Date.now(), causation: id, correlation: id, attributes: {}, type, data } as AnyEvent;
}

/** A fence store whose next read is followed at once by a fencer's write (the race a lift must lose). */
class RacedFenceStore extends MemoryFenceStore {
  onRead: (() => Promise<unknown>) | null = null;
  override async read(host: string): Promise<StoredFence | null> {
    const read = await super.read(host);
    const fencer = this.onRead;
    this.onRead = null;
    await fencer?.();
    return read;
  }
}

async function hostC(t: Tap) {
  const store = new MemoryEventStore();
  const [created] = await store.append([containerCreated('c', ID, 'web', { restartPolicy: { name: 'always', maximumRetryCount: 0 } })], 0);
  await store.append([event('container.starting', {}), event('container.started', { pid: 10, shimPid: 11 })], created!.seq);
  const { host, kernel } = testHost('c', store);
  kernel.containers.set(ID, { started: { pid: 10, shimPid: 11 }, alive: true, exit: null });
  await host.start();
  t.teardown(() => host.stop());
  const fences = new RacedFenceStore();
  const cluster = new StoresClusterState(store, new MemoryHeartbeatStore(), fences);
  const fencing = new Fencing(fences, cluster, host, host.log, { steadySince: () => null });
  const lease = { from: performance.now() };
  const selfFencing = new SelfFencing(host, { acknowledgedSentAt: () => lease.from }, fences, fencing, host.log);
  const types = async () => {
    const out: string[] = [];
    for await (const stored of store.read(eventSubject('c', 'container', ID))) out.push(stored.event.type === 'container.self_fenced' ? `self_fenced ${(stored.event.data as { outcome: string }).outcome}` : stored.event.type);
    return out.slice(3);
  };
  return { host, kernel, fences, lease, selfFencing, types };
}

const fenceOfC = { host: 'c', state: 'fenced' as const, by: 'a', time: 1, reason: 'host lost', replacements: [{ container: ID, host: 'a', id: 'n'.repeat(64), config }] };

t.test('a blip: frozen when the lease runs out, thawed when it comes back unfenced, and recorded', async (t) => {
  const { host, kernel, fences, lease, selfFencing, types } = await hostC(t);
  await selfFencing.check();
  t.notOk(kernel.frozen.has(ID), 'within the lease nothing freezes');
  lease.from = performance.now() - LEASE_MS;
  await selfFencing.check();
  t.ok(kernel.frozen.has(ID), 'the lease ran out: frozen');
  const view = containerView(host.container(ID).state, host.worker.secrets, undefined, host.selfFenced.get(ID));
  t.equal(view.status, 'paused', 'shown as paused in ps and inspect');
  t.match(statusText(view), /\(Paused: self-fenced/, 'and why');
  lease.from = performance.now();
  await selfFencing.check();
  t.notOk(kernel.frozen.has(ID), 'the lease came back: thawed');
  t.equal(host.selfFenced.size, 0);
  t.match(await fences.read('c'), { revision: 1, record: { state: 'cleared', by: 'c' } }, 'its own record written cleared first, so no fence can be written at the revision a fencer read');
  t.same(await types(), ['self_fenced thawed'], 'the self-fence recorded, nothing else');
  t.equal(host.container(ID).state.status, 'running');
});

t.test('fenced while cut off: the duplicate stays frozen and is killed frozen, even when the fence lands during the lift', async (t) => {
  const { host, kernel, fences, lease, selfFencing, types } = await hostC(t);
  lease.from = performance.now() - LEASE_MS;
  await selfFencing.check();
  // when the lease comes back, the fencer's write lands just after c read its record
  fences.onRead = () => fences.write(fenceOfC, null);
  lease.from = performance.now();
  await selfFencing.check();
  t.ok(kernel.frozen.has(ID), 'c\'s write at the revision it read lost: still frozen, nothing thawed');
  t.notOk(kernel.calls.includes(`unpause ${ID}`));
  await selfFencing.check();
  t.ok(kernel.calls.includes(`kill frozen ${ID}`), 'the next check read the fence: killed while frozen');
  t.notOk(kernel.calls.includes(`unpause ${ID}`), 'never thawed to run');
  t.equal(host.container(ID).state.status, 'exited');
  t.same((await types()).slice(0, 2), ['self_fenced fenced', 'container.fenced'], 'the self-fence, then the fence');
  t.match(await fences.read('c'), { record: { state: 'cleared', by: 'a' } }, 'the fence acknowledged');
  t.equal(host.selfFenced.size, 0);
});
