/**
 * The KV snapshot store's pages against a real nats-server: thousands of snapshots in a few
 * records; a host whose snapshots have their own keys (before pages) moves to pages at its
 * first checkpoint and loads the same; a page or an entry that does not read is said so, and
 * never hides an entity without a word. A cluster host, whose credentials may not purge the
 * stream, moves to pages too.
 */
import t from 'tap';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { encode } from '../../events/codec.js';
import { decodeSnapshotPage, encodeSnapshot, encodeSnapshotPage, type Snapshot } from '../../events/snapshots.js';
import { SCHEMA_VERSION } from '../../events/schema.js';
import { SNAPSHOT_BUCKET } from '../../events/subjects.js';
import { Checkpoint, KvSnapshotStore } from '../../nats/store/kvSnapshots.js';
import { takeCensus } from '../../nats/store/schemaCensus.js';
import { entityId, freshHost } from '../conformance/events.js';
import { startNats, startNatsWithUsers } from '../helpers/nats.js';
import { hostPermissions } from '../../nats/cluster/permissions.js';
import { hostInboxPrefix } from '../../events/subjects.js';
import { gateFile, requiresNats } from '../helpers/gates.js';

gateFile(requiresNats());

const nats = await startNats(t);
const nc = await nats.connect();
t.teardown(() => nc.close());
const snapshot = (i: number, seq = i): Snapshot => ({ kind: 'container', entity: entityId(i), seq, value: 'exited', context: { id: entityId(i), n: i } });
const loaded = (i: number, seq = i) => ({ ...snapshot(i, seq), schema: SCHEMA_VERSION });
const byEntity = (a: { entity: string }, b: { entity: string }) => a.entity.localeCompare(b.entity);

/** The keys a host has in the bucket (after `<host>.`). */
async function keysOf(host: string): Promise<string[]> {
  const jsm = await jetstreamManager(nc);
  const prefix = `$KV.${SNAPSHOT_BUCKET}.${host}.`;
  const { state } = await jsm.streams.info(`KV_${SNAPSHOT_BUCKET}`, { subjects_filter: `${prefix}>` });
  return Object.keys(state.subjects ?? {}).map((subject) => subject.slice(prefix.length)).sort();
}

t.test('3,000 snapshots are stored in a few dozen records, and a store that never loaded adds to them', async (t) => {
  const host = freshHost('pages');
  const store = await KvSnapshotStore.open(nc);
  for (let i = 1; i <= 3000; i++) await store.save(host, snapshot(i));
  await store.saveCheckpoint(host, 3000);
  const keys = await keysOf(host);
  t.ok(keys.length <= 65, `${keys.length} keys: pages and the checkpoint`);
  t.ok(keys.every((key) => /^_page\.\d+$/.test(key) || key === '_checkpoint'), 'nothing else');

  // Another store (another daemon process) that writes before it loads keeps what the pages hold.
  const other = await KvSnapshotStore.open(nc);
  await other.save(host, snapshot(3001));
  await other.saveCheckpoint(host, 3001);
  const back = await (await KvSnapshotStore.open(nc)).load(host);
  t.equal(back.snapshots.length, 3001, 'every one of them');
  t.same(back.snapshots.sort(byEntity).slice(0, 3), [loaded(1), loaded(2), loaded(3)].sort(byEntity));
  t.equal(back.checkpoint, 3001);
  const census = await takeCensus(nc, host);
  t.same(census.snapshots, { [SCHEMA_VERSION]: 3001 }, 'the schema census counts each snapshot of the pages');
  t.equal(census.checkpoint, 3001);
});

t.test('snapshots under their own keys (before pages) load, and move to pages at the next checkpoint', async (t) => {
  const host = freshHost('legacy');
  const kv = await new Kvm(nc).open(SNAPSHOT_BUCKET);
  for (let i = 1; i <= 100; i++) await kv.put(`${host}.container.${entityId(i)}`, encodeSnapshot(snapshot(i)));
  await kv.put(`${host}._checkpoint`, encode(Checkpoint, { seq: 100 }));
  const store = await KvSnapshotStore.open(nc);
  const first = await store.load(host);
  t.equal(first.checkpoint, 100);
  t.equal(first.snapshots.length, 100, 'the old keys are read');
  t.equal((await keysOf(host)).length, 101, 'and still there until a checkpoint');

  await store.save(host, snapshot(7, 150));
  await store.saveCheckpoint(host, 150);
  t.same(await keysOf(host), ['_checkpoint', '_page.0', '_page.1'], 'then only pages and the checkpoint are left');
  const second = await (await KvSnapshotStore.open(nc)).load(host);
  t.equal(second.checkpoint, 150);
  t.same(second.snapshots.sort(byEntity), Array.from({ length: 100 }, (_, k) => loaded(k + 1, k + 1 === 7 ? 150 : k + 1)).sort(byEntity), 'the same snapshots, the newer one of the entity saved');
});

t.test('an entry that does not decode names its entity; a page that does not decode means reading the whole log', async (t) => {
  const host = freshHost('broken');
  const store = await KvSnapshotStore.open(nc);
  for (let i = 1; i <= 200; i++) await store.save(host, snapshot(i));
  await store.saveCheckpoint(host, 200);
  const kv = await new Kvm(nc).open(SNAPSHOT_BUCKET);
  const pages = (await keysOf(host)).filter((key) => key.startsWith('_page.'));
  t.ok(pages.length >= 2, `${pages.length} pages`);

  // One entry of the first page is no snapshot: that entity is unreadable, by name.
  const entries = decodeSnapshotPage((await kv.get(`${host}.${pages[0]}`))!.value, 'it').map((entry) => entry.snapshot!);
  const victim = entries[0]!;
  await kv.put(`${host}.${pages[0]}`, encodeSnapshotPage([{ ...victim, seq: 'x' as unknown as number }, ...entries.slice(1)]));
  const withBadEntry = await (await KvSnapshotStore.open(nc)).load(host);
  t.equal(withBadEntry.checkpoint, 200, 'the checkpoint holds');
  t.match(withBadEntry.unreadable, [{ kind: 'container', entity: victim.entity }], 'the entity is named: replay rebuilds it from its events');
  t.equal(withBadEntry.snapshots.length, 199, 'the others are loaded');

  // The second page is garbage: its entities are unknown, so the whole log is read.
  await kv.put(`${host}.${pages[1]}`, new Uint8Array([0xc1, 0x00]));
  const reader = await KvSnapshotStore.open(nc);
  const withBadPage = await reader.load(host);
  t.equal(withBadPage.checkpoint, 0, 'checkpoint 0: a start reads the whole log');
  t.ok(withBadPage.snapshots.length < 199 && withBadPage.snapshots.length > 0, 'the other pages are still used');
  await reader.saveCheckpoint(host, 200);
  const rewritten = await (await KvSnapshotStore.open(nc)).load(host);
  t.equal(rewritten.checkpoint, 200, 'the next checkpoint writes the pages again');
  t.same(rewritten.unreadable, undefined, 'and every page reads');
});

t.test('a cluster host, which may not purge the stream, moves to pages through the bucket', async (t) => {
  const host = 'h7';
  const server = await startNatsWithUsers(t, { operator: { password: 'o' }, [host]: { password: 'h', permissions: hostPermissions(host) } });
  const operator = await server.connectAs('operator');
  const kv = await new Kvm(operator).create(SNAPSHOT_BUCKET, { history: 1 });
  for (let i = 1; i <= 100; i++) await kv.put(`${host}.container.${entityId(i)}`, encodeSnapshot(snapshot(i)));
  await kv.put(`${host}._checkpoint`, encode(Checkpoint, { seq: 100 }));
  const jsm = await jetstreamManager(await server.connectAs(host, hostInboxPrefix(host)));
  await t.rejects(jsm.streams.purge(`KV_${SNAPSHOT_BUCKET}`, { filter: `$KV.${SNAPSHOT_BUCKET}.${host}.>` }), /permission/i, 'the host may not purge');

  const store = await KvSnapshotStore.open(await server.connectAs(host, hostInboxPrefix(host)));
  t.equal((await store.load(host)).snapshots.length, 100);
  await store.saveCheckpoint(host, 100);
  const again = await (await KvSnapshotStore.open(await server.connectAs(host, hostInboxPrefix(host)))).load(host);
  t.same(again.snapshots.sort(byEntity), Array.from({ length: 100 }, (_, k) => loaded(k + 1)).sort(byEntity), 'the same snapshots, from pages');
  t.equal(again.checkpoint, 100);
  const values = [];
  for await (const key of await kv.keys(`${host}.container.*`)) values.push(key);
  t.same(values, [], 'the old keys hold no value any more');
});
