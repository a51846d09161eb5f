/** What every SnapshotStore (events/snapshots.ts) does, run against each implementation. */
import type { Test } from 'tap';
import type { Snapshot, SnapshotStore } from '../../events/snapshots.js';
import { SCHEMA_VERSION } from '../../events/schema.js';
import { entityId, freshHost } from './events.js';

const snapshot = (entity: string, seq: number, value = 'created'): Snapshot => ({ kind: 'container', entity, seq, value, context: { id: entity, restartCount: seq } });

export function snapshotStoreConformance(t: Test, open: () => Promise<SnapshotStore>): void {
  t.test('a host\'s snapshots and checkpoint come back; the last save of an entity wins', async (t) => {
    const store = await open();
    const host = freshHost('snap');
    t.same(await store.load(host), { checkpoint: 0, snapshots: [] }, 'nothing yet');
    await store.save(host, snapshot(entityId(1), 3));
    await store.save(host, snapshot(entityId(1), 5, 'running'));
    await store.save(host, snapshot(entityId(2), 4));
    await store.save(freshHost('other'), snapshot(entityId(3), 6));
    await store.saveCheckpoint(host, 5);
    const loaded = await store.load(host);
    t.equal(loaded.checkpoint, 5);
    const written = [snapshot(entityId(1), 5, 'running'), snapshot(entityId(2), 4)].map((s) => ({ ...s, schema: SCHEMA_VERSION }));
    t.same(loaded.snapshots.sort((a, b) => a.entity.localeCompare(b.entity)), written, 'with the schema version they were written in');
  });

  t.test('a forgotten entity is not loaded again', async (t) => {
    const store = await open();
    const host = freshHost('forget');
    await store.save(host, snapshot(entityId(1), 3));
    await store.save(host, snapshot(entityId(2), 4));
    await store.forget(host, 'container', entityId(1));
    await store.saveCheckpoint(host, 4);
    t.same((await store.load(host)).snapshots.map((s) => s.entity), [entityId(2)]);
  });

  t.test('thousands of entities come back, each as last saved; forgetting some leaves the rest', async (t) => {
    const store = await open();
    const host = freshHost('many');
    const count = 3000;
    for (let i = 1; i <= count; i++) await store.save(host, snapshot(entityId(i), i));
    await store.saveCheckpoint(host, count);
    for (let i = 1; i <= count; i += 3) await store.save(host, snapshot(entityId(i), count + i, 'running'));
    for (let i = 2; i <= count; i += 3) await store.forget(host, 'container', entityId(i));
    await store.saveCheckpoint(host, 2 * count);
    const loaded = await store.load(host);
    t.equal(loaded.checkpoint, 2 * count);
    const expected = [];
    for (let i = 1; i <= count; i++) {
      if (i % 3 === 1) expected.push({ ...snapshot(entityId(i), count + i, 'running'), schema: SCHEMA_VERSION });
      else if (i % 3 === 0) expected.push({ ...snapshot(entityId(i), i), schema: SCHEMA_VERSION });
    }
    const byEntity = (a: Snapshot, b: Snapshot) => a.entity.localeCompare(b.entity);
    t.same(loaded.snapshots.sort(byEntity), expected.sort(byEntity), 'two thirds: the changed ones as changed');
  });

  t.test('a retired snapshot is left out of a load, found by a lookup and by allRetired, until it is live again or forgotten', async (t) => {
    const store = await open();
    const host = freshHost('retired');
    await store.save(host, snapshot(entityId(1), 3));
    await store.save(host, snapshot(entityId(2), 4, 'removed'), true);
    await store.save(host, snapshot(entityId(3), 5, 'removed'), true);
    await store.saveCheckpoint(host, 5);
    t.same((await store.load(host)).snapshots.map((s) => s.entity), [entityId(1)], 'the live one only');
    t.same(await store.retired(host, 'container', entityId(2)), { snapshot: { ...snapshot(entityId(2), 4, 'removed'), schema: SCHEMA_VERSION } });
    t.equal(await store.retired(host, 'container', entityId(1)), null, 'a live one is not retired');
    t.equal(await store.retired(host, 'container', entityId(9)), null, 'nor an unknown one');
    t.same((await store.allRetired(host)).snapshots.map((s) => s.entity).sort(), [entityId(2), entityId(3)].sort());
    // Retired, then live again (a name claimed again); another forgotten (compacted); a live one retired.
    await store.save(host, snapshot(entityId(2), 6, 'created'));
    await store.forget(host, 'container', entityId(3));
    await store.save(host, snapshot(entityId(1), 7, 'removed'), true);
    await store.saveCheckpoint(host, 7);
    t.same((await store.load(host)).snapshots.map((s) => `${s.entity}:${s.seq}`), [`${entityId(2)}:6`]);
    t.same((await store.allRetired(host)).snapshots.map((s) => `${s.entity}:${s.seq}`), [`${entityId(1)}:7`]);
    t.equal(await store.retired(host, 'container', entityId(3)), null, 'forgotten');
  });
}
