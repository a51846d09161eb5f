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
  t.ok(loaded.snapshots.some((s) => s.value === 'removed'), 'removed containers keep a tombstone until compaction');

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
