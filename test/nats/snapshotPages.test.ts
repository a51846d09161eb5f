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
import { decode, encode } from '../../events/codec.js';
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

const retiredOne = (i: number, seq = i): Snapshot => ({ kind: 'container', entity: entityId(i), seq, value: 'removed', context: { id: entityId(i), n: i } });

t.test('retired snapshots have pages of their own: a load leaves them out, a lookup or compaction reads them', async (t) => {
  const host = freshHost('retired');
  const store = await KvSnapshotStore.open(nc);
  for (let i = 1; i <= 100; i++) await store.save(host, snapshot(i));
  for (let i = 101; i <= 400; i++) await store.save(host, retiredOne(i), true);
  await store.saveCheckpoint(host, 400);
  const keys = await keysOf(host);
  t.ok(keys.some((key) => /^_retired\.\d+\.\d+$/.test(key)), 'retired pages');
  t.ok(keys.every((key) => /^_page\.\d+$/.test(key) || /^_retired\.\d+\.\d+$/.test(key) || key === '_checkpoint'), 'and nothing else');
  const record = decode(Checkpoint, (await (await new Kvm(nc).open(SNAPSHOT_BUCKET)).get(`${host}._checkpoint`))!.value);
  t.equal(record.seq, 400);
  t.ok(record.retired && record.retired.pages >= 4, `the checkpoint names the retired pages (${JSON.stringify(record.retired)}): 300 outgrew one page`);
  t.same(keys.filter((key) => key.startsWith('_retired.')).map((key) => Number(key.split('.')[1])).filter((g, i, all) => all.indexOf(g) === i), [record.retired!.generation], 'one generation: the ones before it were purged');

  const reader = await KvSnapshotStore.open(nc);
  const loaded = await reader.load(host);
  t.equal(loaded.snapshots.length, 100, 'the load has the live ones only');
  t.same(await reader.retired(host, 'container', entityId(150)), { snapshot: { ...retiredOne(150), schema: SCHEMA_VERSION } }, 'a lookup finds a retired one');
  t.equal(await reader.retired(host, 'container', entityId(50)), null, 'a live one is not retired');
  t.equal(await reader.retired(host, 'container', entityId(999)), null, 'nor is an unknown one');
  t.equal((await reader.allRetired(host)).snapshots.length, 300, 'compaction sees every one');

  // Live again (a name claimed again), forgotten (compacted), retired (removed): the pages follow.
  await reader.save(host, snapshot(150, 500));
  await reader.forget(host, 'container', entityId(151));
  await reader.save(host, retiredOne(50, 501), true);
  await reader.saveCheckpoint(host, 501);
  const third = await KvSnapshotStore.open(nc);
  const again = await third.load(host);
  t.same(again.snapshots.map((s) => s.entity).sort(), [...Array.from({ length: 100 }, (_, k) => k + 1).filter((n) => n !== 50), 150].map((n) => entityId(n)).sort());
  t.equal(await third.retired(host, 'container', entityId(150)), null, 'live again: no longer retired');
  t.equal(await third.retired(host, 'container', entityId(151)), null, 'forgotten');
  t.same(await third.retired(host, 'container', entityId(50)), { snapshot: { ...retiredOne(50, 501), schema: SCHEMA_VERSION } }, 'retired now');
  t.equal((await third.allRetired(host)).snapshots.length, 299);
  const census = await takeCensus(nc, host);
  t.same(census.snapshots, { [SCHEMA_VERSION]: 100 + 299 }, 'the census counts the retired ones too');
});

t.test('retired pages a checkpoint does not name (a write cut short) are not read, and are purged', async (t) => {
  const host = freshHost('retiredcut');
  const store = await KvSnapshotStore.open(nc);
  await store.save(host, snapshot(1));
  await store.save(host, retiredOne(2), true);
  await store.saveCheckpoint(host, 2);
  // A later generation written by a daemon that crashed before its checkpoint.
  const kv = await new Kvm(nc).open(SNAPSHOT_BUCKET);
  await kv.put(`${host}._retired.9.0`, encodeSnapshotPage([{ ...retiredOne(3), schema: SCHEMA_VERSION }]));
  const reader = await KvSnapshotStore.open(nc);
  await reader.load(host);
  t.same((await reader.allRetired(host)).snapshots.map((s) => s.entity), [entityId(2)], 'the generation the checkpoint names');
  await reader.save(host, retiredOne(4), true);
  await reader.saveCheckpoint(host, 4);
  t.notOk((await keysOf(host)).includes('_retired.9.0'), 'the other one is purged at the next checkpoint');
  t.same((await (await KvSnapshotStore.open(nc)).allRetired(host)).snapshots.map((s) => s.entity).sort(), [entityId(2), entityId(4)].sort());
});

t.test('a retired page that does not decode: its entities are said unusable, and the checkpoint is 0 until a start that read the whole log writes it again', async (t) => {
  const host = freshHost('retiredbad');
  const store = await KvSnapshotStore.open(nc);
  await store.save(host, snapshot(1));
  await store.save(host, retiredOne(2), true);
  await store.saveCheckpoint(host, 2);
  const kv = await new Kvm(nc).open(SNAPSHOT_BUCKET);
  const page = (await keysOf(host)).find((key) => key.startsWith('_retired.'))!;
  await kv.put(`${host}.${page}`, new Uint8Array([0xc1, 0x00]));

  const reader = await KvSnapshotStore.open(nc);
  t.equal((await reader.load(host)).checkpoint, 2, 'a start does not read it');
  t.match(await reader.retired(host, 'container', entityId(2)), { problem: /does not decode/ }, 'a lookup says so: the entity is rebuilt from its events');
  t.match(await reader.retired(host, 'container', entityId(7)), { problem: /does not decode/ }, 'for any entity of that page: whose it held is unknown');
  await reader.saveCheckpoint(host, 3);
  const next = await KvSnapshotStore.open(nc);
  t.equal((await next.load(host)).checkpoint, 0, 'the checkpoint is 0: the next start reads the whole log');
  // That start rebuilt every entity and saves the retired ones again: the page is written anew.
  await next.save(host, retiredOne(2, 3), true);
  await next.saveCheckpoint(host, 3);
  const fixed = await KvSnapshotStore.open(nc);
  t.equal((await fixed.load(host)).checkpoint, 3, 'then the checkpoint is back');
  t.same(await fixed.retired(host, 'container', entityId(2)), { snapshot: { ...retiredOne(2, 3), schema: SCHEMA_VERSION } });
});

t.test('a cluster host, which may not purge the stream, purges an older generation of retired pages key by key', async (t) => {
  const host = 'h8';
  const server = await startNatsWithUsers(t, { operator: { password: 'o' }, [host]: { password: 'h', permissions: hostPermissions(host) } });
  const operator = await server.connectAs('operator');
  const kv = await new Kvm(operator).create(SNAPSHOT_BUCKET, { history: 1 });
  const store = await KvSnapshotStore.open(await server.connectAs(host, hostInboxPrefix(host)));
  await store.save(host, retiredOne(1), true);
  await store.saveCheckpoint(host, 1);
  for (let i = 2; i <= 200; i++) await store.save(host, retiredOne(i), true);
  await store.saveCheckpoint(host, 200);
  const generations = new Set<string>();
  for await (const key of await kv.keys(`${host}._retired.>`)) generations.add(key.split('.')[2]!);
  t.equal(generations.size, 1, `one generation holds values (${[...generations]})`);
  t.equal((await (await KvSnapshotStore.open(await server.connectAs(host, hostInboxPrefix(host)))).allRetired(host)).snapshots.length, 200);
});
