/**
 * Replay and schema versions, over the in-memory stores: snapshots older than the version a
 * berth writes are not used (their entities are rebuilt from the whole log, to the same state),
 * and anything a newer berth wrote stops the replay with one line naming it.
 */
import t from 'tap';
import { Packr } from 'msgpackr';
import type { ContainerCommand, ContainerConfig } from '../events/container.js';
import { SCHEMA_VERSION } from '../events/schema.js';
import { eventSubject } from '../events/subjects.js';
import { createLogger } from '../log/logger.js';
import { MemoryEventStore } from '../memory/eventStore.js';
import { MemorySnapshotStore } from '../memory/snapshotStore.js';
import { Checkpointer } from './checkpoints.js';
import type { ContainerState } from './container/state.js';
import { Entity } from './entity.js';
import { replay, type ReplayStats } from './replay.js';
import { containerRules } from './rules.js';

type Container = Entity<ContainerState, ContainerCommand>;
const host = 'h1';
const hex = (n: number) => n.toString(16).padStart(64, '0');
const config = (name: string): ContainerConfig => ({
  name, image: 'b'.repeat(64), imageRef: 'busybox', cmd: ['true'], env: [], workingDir: '', hostname: 'h', autoRemove: false, labels: {},
});
let commands = 0;
const meta = () => ({ id: `cmd-${++commands}`, correlation: 'test' });

/** Three containers (created, running, exited), snapshots and a checkpoint, then one more event in the tail. */
async function history(): Promise<{ store: MemoryEventStore; snapshots: MemorySnapshotStore; live: Map<string, Container> }> {
  const store = new MemoryEventStore();
  const snapshots = new MemorySnapshotStore();
  const live = new Map<string, Container>();
  const checkpointer = new Checkpointer({ host, snapshots, entities: () => live.values() as Iterable<Entity<unknown, unknown>>, every: 1e6, idleMs: 1e6, log: createLogger({ level: 'error' }) });
  for (let i = 0; i < 3; i++) live.set(hex(i), new Entity(containerRules, hex(i), host, store, { appended: (e) => checkpointer.appended(e) }) as Container);
  const [a, b, c] = [...live.values()] as [Container, Container, Container];
  for (const [i, e] of [a, b, c].entries()) await e.execute({ type: 'Create', config: config(`c${i}`) }, meta());
  for (const e of [b, c]) {
    await e.execute({ type: 'Start' }, meta());
    await e.execute({ type: 'ReportStarted', pid: 100, shimPid: 99 }, meta());
  }
  await checkpointer.flush();
  await c.execute({ type: 'ReportExited', exitCode: 3, signal: null, oomKilled: false }, meta());
  return { store, snapshots, live };
}

async function fold(store: MemoryEventStore, snapshots: MemorySnapshotStore | undefined, schema?: number): Promise<{ states: Map<string, ContainerState>; stats: ReplayStats }> {
  const entities = new Map<string, Container>();
  const stats = await replay({
    host, store, snapshots, schema,
    entityFor: (_kind, id) => {
      if (!entities.has(id)) entities.set(id, new Entity(containerRules, id, host, store) as Container);
      return entities.get(id)! as Entity<unknown, unknown>;
    },
    has: (_kind, id) => entities.has(id),
    report: (message) => { throw new Error(`unexpected: ${message}`); },
  });
  return { states: new Map([...entities].map(([id, e]) => [id, e.state])), stats };
}

t.test('snapshots of an older version are not used: their entities are rebuilt from the whole log', async (t) => {
  const { store, snapshots, live } = await history();
  const current = await fold(store, snapshots);
  t.equal(current.stats.snapshots, 3, 'today: the snapshots are used');
  t.equal(current.stats.events, 1, 'and only the tail is read');
  // The same log read by a berth one version on: every snapshot is older than what it writes.
  const next = await fold(store, snapshots, SCHEMA_VERSION + 1);
  t.equal(next.stats.outdated, 3);
  t.equal(next.stats.snapshots, 0);
  t.equal(next.stats.events, 8, 'every event, from the start of the log');
  const expected = new Map([...live].map(([id, e]) => [id, e.state]));
  t.same(next.states, expected, 'the same state as the live entities');
  t.same(current.states, expected);
});

t.test('an event written by a newer berth stops the replay, naming it', async (t) => {
  const { store, snapshots } = await history();
  const packr = new Packr({ useRecords: false, moreTypes: false });
  const subject = eventSubject(host, 'container', hex(0));
  const seq = store.publishRaw(subject, packr.pack({ schema: SCHEMA_VERSION + 1, type: 'container.reshaped', shape: 'unknown here' }));
  for (const withSnapshots of [snapshots, undefined]) {
    await t.rejects(fold(store, withSnapshots), {
      name: 'NewerSchemaError',
      message: `the event at seq ${seq} on ${subject} was written by a newer berth in schema version ${SCHEMA_VERSION + 1}; this berth reads versions up to ${SCHEMA_VERSION}: upgrade berth to read this log (docs/OPERATIONS.md, Upgrades)`,
    });
  }
});

t.test('a snapshot written by a newer berth stops the replay, naming it', async (t) => {
  const { store, snapshots } = await history();
  const packr = new Packr({ useRecords: false, moreTypes: false });
  snapshots.saveRaw(host, 'container', hex(1), packr.pack({ schema: SCHEMA_VERSION + 1, kind: 'container', entity: hex(1), seq: 5, state: 'other' }));
  await t.rejects(fold(store, snapshots), { name: 'NewerSchemaError', message: new RegExp(`^the snapshot of container ${hex(1).slice(0, 12)} was written by a newer berth`) });
});

t.test('a live follower hands a newer event to its onInvalid, never misreads it', async (t) => {
  const { store } = await history();
  const packr = new Packr({ useRecords: false, moreTypes: false });
  const problems: string[] = [];
  const types: string[] = [];
  const follower = await store.follow(eventSubject(host, 'container', hex(0)), {}, (stored) => types.push(stored.event.type), (invalid) => problems.push(invalid.error.message));
  store.publishRaw(eventSubject(host, 'container', hex(0)), packr.pack({ schema: SCHEMA_VERSION + 1, type: 'x' }));
  await follower.stop();
  t.same(types, ['container.created']);
  t.match(problems, [/^it was written by a newer berth in schema version/]);
});
