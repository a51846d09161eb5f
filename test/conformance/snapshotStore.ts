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
    t.same((await store.load(host)).snapshots.map((s) => s.entity), [entityId(2)]);
  });
}
