/**
 * Against a real nats-server: replay from snapshots plus the tail equals a full replay; racing
 * writers on one entity are caught by the expected-sequence check; a resent command has one effect.
 */
import t from 'tap';
import { createLogger } from '../../log/logger.js';
import type { ContainerCommand, ContainerConfig } from '../../events/container.js';
import { JetStreamEventStore } from '../../nats/store/jetStream.js';
import { KvSnapshotStore } from '../../nats/store/kvSnapshots.js';
import { eventSubject } from '../../events/subjects.js';
import type { ContainerState } from '../../actors/container/state.js';
import { Checkpointer } from '../../actors/checkpoints.js';
import { Entity } from '../../actors/entity.js';
import { replay } from '../../actors/replay.js';
import { containerRules, nameRules } from '../../actors/rules.js';
import type { NameCommand } from '../../events/name.js';
import { nameEntityId, type NameState } from '../../actors/name/state.js';
import { startNats } from '../helpers/nats.js';
import { gateFile, requiresNats } from '../helpers/gates.js';

gateFile(requiresNats());

const nats = await startNats(t);
const nc = await nats.connect();
const store = new JetStreamEventStore(nc);
const snapshots = await KvSnapshotStore.open(nc);

type Container = Entity<ContainerState, ContainerCommand>;
const config = (name: string): ContainerConfig => ({
  name, image: 'b'.repeat(64), imageRef: 'busybox', cmd: ['true'], env: [], workingDir: '', hostname: 'h', autoRemove: false, labels: {},
});
const hex = (n: number) => n.toString(16).padStart(64, '0');
let commandCount = 0;
const meta = () => ({ id: `cmd-${++commandCount}`, correlation: 'test' });

/** A random legal lifecycle step for a container, or null when it has none left. */
function nextCommand(state: ContainerState, random: () => number): ContainerCommand | null {
  const pick = <T>(options: T[]) => options[Math.floor(random() * options.length)]!;
  switch (state.status) {
    case 'none': return { type: 'Create', config: config(`c${state.id.slice(-4)}`) };
    case 'created': return pick([{ type: 'Start' }, { type: 'Remove', force: false }] as ContainerCommand[]);
    case 'starting': return pick([{ type: 'ReportStarted', pid: 100, shimPid: 99 }, { type: 'ReportStartFailed', exitCode: 127, error: 'x' }] as ContainerCommand[]);
    case 'running': return pick([{ type: 'Stop', timeoutSeconds: 1 }, { type: 'Kill', signal: 'SIGHUP' }, { type: 'ReportExited', exitCode: 3, signal: null, oomKilled: false }] as ContainerCommand[]);
    case 'stopping': return { type: 'ReportExited', exitCode: 143, signal: 15, oomKilled: false };
    case 'exited': return pick([{ type: 'Start' }, { type: 'Remove', force: false }] as ContainerCommand[]);
    case 'removing': return { type: 'ReportRemoved' };
    default: return null;
  }
}

function seeded(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

async function fold(host: string, withSnapshots: boolean): Promise<Map<string, ContainerState>> {
  const entities = new Map<string, Container>();
  await replay({
    host, store, snapshots: withSnapshots ? snapshots : undefined,
    entityFor: (_kind, id) => {
      if (!entities.has(id)) entities.set(id, new Entity(containerRules, id, host, store));
      return entities.get(id)! as Entity<unknown, unknown>;
    },
    has: (_kind, id) => entities.has(id),
    report: (message) => { throw new Error(`unexpected: ${message}`); },
  });
  return new Map([...entities].map(([id, e]) => [id, e.state]));
}

t.test('replay from snapshots plus the tail gives exactly the state of a full replay', async (t) => {
  const host = 'replayhost';
  const random = seeded(42);
  const live = new Map<string, Container>();
  const checkpointer = new Checkpointer({
    host, snapshots, entities: () => live.values() as Iterable<Entity<unknown, unknown>>,
    every: 1_000_000, idleMs: 1_000_000, log: createLogger(),
  });
  for (let i = 0; i < 30; i++) live.set(hex(i), new Entity(containerRules, hex(i), host, store, { appended: (e) => checkpointer.appended(e) }));
  const steps = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const entity = [...live.values()][Math.floor(random() * live.size)]!;
      const command = nextCommand(entity.state, random);
      if (command) await entity.execute(command, meta());
    }
  };
  await steps(300);
  await checkpointer.flush();
  await steps(200); // the tail after the checkpoint
  const loaded = await snapshots.load(host);
  t.ok(loaded.checkpoint > 0, 'a checkpoint was written');
  t.ok(loaded.snapshots.length > 0, 'snapshots were written');
  t.notOk(loaded.snapshots.some((s) => s.value === 'removed'), 'a load leaves the tombstones out');
  t.ok((await snapshots.allRetired(host)).snapshots.some((s) => s.value === 'removed'), 'removed containers keep a tombstone until compaction');

  const full = await fold(host, false);
  const fromSnapshots = await fold(host, true);
  const visible = (states: Map<string, ContainerState>) =>
    new Map([...states].filter(([, s]) => s.status !== 'removed' && s.status !== 'none'));
  t.same(visible(fromSnapshots), visible(full), 'the same state for every container that exists');
  t.same(visible(full), visible(new Map([...live].map(([id, e]) => [id, e.state]))), 'and both equal the live state');
});

t.test('two writers racing on one entity: one wins, the other re-decides on the new state', async (t) => {
  const host = 'racehost';
  const id = hex(7);
  const a = new Entity(containerRules, id, host, store) as Container;
  await a.execute({ type: 'Create', config: config('raced') }, meta());
  const b = new Entity(containerRules, id, host, store) as Container;
  for await (const stored of store.read(eventSubject(host, 'container', id))) b.replay(stored);
  // Both see "created" and both ask to start it.
  const [first, second] = await Promise.all([a.execute({ type: 'Start' }, meta()), b.execute({ type: 'Start' }, meta())]);
  t.equal(first.length + second.length, 1, 'exactly one starting event was written');
  const types: string[] = [];
  for await (const stored of store.read(eventSubject(host, 'container', id))) types.push(stored.event.type);
  t.same(types, ['container.created', 'container.starting']);
  t.equal(a.state.status, 'starting');
  t.equal(b.state.status, 'starting', 'the loser caught up');
  // A rule the new state breaks is refused, not lost: remove without force while starting.
  await t.rejects(b.execute({ type: 'Remove', force: false }, meta()), { name: 'ConflictError' });
});

t.test('a resent command has exactly one effect, also after a restart', async (t) => {
  const host = 'dedupehost';
  const id = hex(9);
  const entity = new Entity(containerRules, id, host, store) as Container;
  const create = { id: 'request-1.create', correlation: 'request-1' };
  await entity.execute({ type: 'Create', config: config('once') }, create);
  t.same(await entity.execute({ type: 'Create', config: config('once') }, create), [], 'the same id again: nothing');
  const kill = { id: 'request-2.start', correlation: 'request-2' };
  await entity.execute({ type: 'Start' }, kill);
  const restarted = new Entity(containerRules, id, host, store) as Container;
  for await (const stored of store.read(eventSubject(host, 'container', id))) restarted.replay(stored);
  t.ok(restarted.hasHandled('request-1.create'));
  t.same(await restarted.execute({ type: 'Start' }, kill), [], 'after a restart, the replayed ids are known');
  let count = 0;
  for await (const _ of store.read(eventSubject(host, 'container', id))) count++;
  t.equal(count, 2, 'created and starting, once each');
});

t.test('two creators racing for one name on two copies of its entity: exactly one claims it', async (t) => {
  const host = 'namehost';
  const id = nameEntityId('container', 'raced');
  type Name = Entity<NameState, NameCommand>;
  const claim = (owner: string): NameCommand => ({ type: 'Claim', namespace: 'container', name: 'raced', owner });
  for (let round = 0; round < 5; round++) {
    // Two writers that both see the name free (two daemons' views, or a stale one).
    const a = new Entity(nameRules, id, host, store) as Name;
    const b = new Entity(nameRules, id, host, store) as Name;
    for (const entity of [a, b]) for await (const stored of store.read(eventSubject(host, 'name', id))) entity.replay(stored);
    const outcomes = await Promise.allSettled([a.execute(claim(hex(100 + round)), meta()), b.execute(claim(hex(200 + round)), meta())]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    t.equal(won.length, 1, `round ${round}: one claim wins`);
    t.match(outcomes.find((o) => o.status === 'rejected'), { reason: { name: 'ConflictError' } }, 'the other is a conflict');
    t.equal(a.state.owner, b.state.owner, 'both copies agree on the holder');
    const holder = a.state.owner!;
    await a.execute({ type: 'Release', owner: holder }, meta());
  }
  const replayed = new Entity(nameRules, id, host, store) as Name;
  for await (const stored of store.read(eventSubject(host, 'name', id))) replayed.replay(stored);
  t.equal(replayed.state.status, 'released', 'replay gives the same state');
});

t.test('retired entities stay out of the load; an event after the checkpoint reads theirs back, and a bare entity catches up on its first command', async (t) => {
  const host = 'retiredhost';
  type Name = Entity<NameState, NameCommand>;
  const live = new Map<string, Entity<unknown, unknown>>();
  const checkpointer = new Checkpointer({
    host, snapshots, entities: () => live.values(), every: 1_000_000, idleMs: 1_000_000, log: createLogger(),
  });
  const hooks = { appended: (e: Entity<unknown, unknown>) => checkpointer.appended(e) };
  const container = (n: number) => live.get(`container.${hex(n)}`) as Container
    ?? (live.set(`container.${hex(n)}`, new Entity(containerRules, hex(n), host, store, hooks) as Entity<unknown, unknown>).get(`container.${hex(n)}`) as Container);
  const name = (text: string) => live.get(`name.${text}`) as Name
    ?? (live.set(`name.${text}`, new Entity(nameRules, nameEntityId('container', text), host, store, hooks) as Entity<unknown, unknown>).get(`name.${text}`) as Name);
  const removeAll = async (c: Container) => {
    await c.execute({ type: 'Remove', force: false }, meta());
    await c.execute({ type: 'ReportRemoved' }, meta());
  };
  // Before the checkpoint: container 1 created and removed, its name claimed and released; container 2 exists.
  await container(1).execute({ type: 'Create', config: config('one') }, meta());
  await name('one').execute({ type: 'Claim', namespace: 'container', name: 'one', owner: hex(1) }, meta());
  await removeAll(container(1));
  await name('one').execute({ type: 'Release', owner: hex(1) }, meta());
  await container(2).execute({ type: 'Create', config: config('two') }, meta());
  await name('two').execute({ type: 'Claim', namespace: 'container', name: 'two', owner: hex(2) }, meta());
  await checkpointer.flush();
  // After it: the released name is claimed again (an event for a retired entity), container 2 is removed.
  await name('one').execute({ type: 'Claim', namespace: 'container', name: 'one', owner: hex(3) }, meta());
  await removeAll(container(2));

  const loaded = await snapshots.load(host);
  t.same(loaded.snapshots.map((s) => `${s.kind}.${s.value}`).sort(), ['container.created', 'name.claimed'], 'the load has container 2 and name two; the tombstones are left out');
  t.same((await snapshots.allRetired(host)).snapshots.map((s) => `${s.kind}.${s.value}`).sort(), ['container.removed', 'name.released']);

  const fold = async (withSnapshots: boolean) => {
    const entities = new Map<string, Entity<unknown, unknown>>();
    const stats = await replay({
      host, store, snapshots: withSnapshots ? snapshots : undefined,
      entityFor: (kind, id) => {
        if (!entities.has(`${kind}.${id}`)) entities.set(`${kind}.${id}`, (kind === 'name' ? new Entity(nameRules, id, host, store) : new Entity(containerRules, id, host, store)) as Entity<unknown, unknown>);
        return entities.get(`${kind}.${id}`)!;
      },
      has: (kind, id) => entities.has(`${kind}.${id}`),
      report: (message) => { throw new Error(`unexpected: ${message}`); },
    });
    return { entities, stats };
  };
  const full = await fold(false);
  const partial = await fold(true);
  const one = `name.${nameEntityId('container', 'one')}`;
  t.same(partial.entities.get(one)?.state, full.entities.get(one)!.state, 'the name claimed again: its retired snapshot, then the tail');
  t.equal((partial.entities.get(one)!.state as NameState).owner, hex(3));
  t.same(partial.entities.get(`container.${hex(2)}`)?.state, full.entities.get(`container.${hex(2)}`)!.state, 'removed after the checkpoint: from its snapshot and the tail');
  t.notOk(partial.entities.has(`container.${hex(1)}`), 'the container removed before the checkpoint is not loaded at all');
  t.equal(partial.stats.snapshots, 2);

  // A bare entity for a retired one (a name nobody loaded): its first command catches up on the whole history.
  const bare = new Entity(nameRules, nameEntityId('container', 'one'), host, store) as Name;
  await t.rejects(bare.execute({ type: 'Claim', namespace: 'container', name: 'one', owner: hex(4) }, meta()), { name: 'ConflictError' }, 'the name is held: the append expecting an empty subject failed, the history was read, and the claim decided again');
  t.equal(bare.state.owner, hex(3));

  // The next checkpoint moves container 2 to the retired pages and name one out of them.
  await checkpointer.flush();
  const after = await (await KvSnapshotStore.open(nc)).load(host);
  t.same(after.snapshots.map((s) => `${s.kind}.${s.value}`).sort(), ['name.claimed', 'name.claimed']);
  const retired = await (await KvSnapshotStore.open(nc)).allRetired(host);
  t.same(retired.snapshots.map((s) => `${s.kind}.${s.entity === hex(1) ? 1 : 2}.${s.value}`).sort(), ['container.1.removed', 'container.2.removed']);
});
