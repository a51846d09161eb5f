/**
 * The SnapshotStore over a NATS KV bucket (`berth_snapshots`). A host's snapshots are kept in
 * pages (events/snapshotPages.ts), key `<host>._page.<n>`, and its checkpoint under
 * `<host>._checkpoint`. The store keeps a host's snapshots in memory from its first load or write:
 * save and forget change that copy and mark the page, and saveCheckpoint writes the marked
 * pages, then the checkpoint.
 *
 * A retired entity's snapshot (a tombstone) is kept in pages of its own, which a load leaves
 * out (nats/store/retiredPages.ts); the checkpoint record names them.
 *
 * Before pages, each snapshot had its own key, `<host>.<kind>.<entity>`. A load still reads
 * them (the newer of the two wins), and the first saveCheckpoint after writes every page and
 * then purges those keys, so one start after an upgrade moves a host to pages.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import { jetstreamManager } from '@nats-io/jetstream';
import { openBucket } from './buckets.js';
import { forLastOf, isKvValue, subjectsOf } from './lastPerSubject.js';
import { RetiredPages } from './retiredPages.js';
import { writeMarkedPages, type PageEntry } from './pageWrites.js';
import * as z from 'zod';
import { check, decode, encode } from '../../events/codec.js';
import { Kind } from '../../events/envelope.js';
import { NewerSchemaError } from '../../events/errors.js';
import {
  decodeSnapshot, decodeSnapshotPage, Snapshot, snapshotName,
  type LoadedSnapshot, type RetiredLookup, type SnapshotStore, type UnreadableSnapshot,
} from '../../events/snapshots.js';
import { SCHEMA_VERSION } from '../../events/schema.js';
import { pageKey, pageNumberOf, pageOf, pagesFor, PAGES_FILTER, retiredGenerationOf } from '../../events/snapshotPages.js';
import { SNAPSHOT_BUCKET } from '../../events/subjects.js';
import { inParallel } from '../../runtime/inParallel.js';

/**
 * A host's checkpoint record, under the key `<host>._checkpoint`: the sequence, and the
 * generation and count of the retired pages (none before the first retired snapshot).
 */
export const Checkpoint = z.object({
  seq: z.number().int().nonnegative(),
  retired: z.object({ generation: z.number().int().positive(), pages: z.number().int().positive() }).optional(),
});
export type Checkpoint = z.infer<typeof Checkpoint>;
export const CHECKPOINT_KEY = '_checkpoint';

/** Legacy keys purged at once (a cluster host's purge through the bucket). */
const PURGES_IN_FLIGHT = 32;

/** A host's snapshots as this store holds them. */
interface HostPages {
  pages: number;
  /** `<kind>.<entity>` → its entry. */
  entries: Map<string, PageEntry>;
  /** The stored size of each page, as last read or written (what the page count follows). */
  sizes: Map<number, number>;
  /** Pages to write at the next saveCheckpoint. */
  dirty: Set<number>;
  /** Kind → the entities with snapshots under their own keys (before pages): purged once the pages are written. */
  legacy: Map<string, string[]>;
  /** The checkpoint record as stored (null: unknown). */
  checkpoint: string | null;
  /** The retired snapshots, read when needed. */
  retired: RetiredPages;
}

/** What a read of a host's keys found. */
interface HostRead {
  pages: HostPages;
  checkpoint: number;
  unreadable: UnreadableSnapshot[];
}

export class KvSnapshotStore implements SnapshotStore {
  private readonly hosts = new Map<string, HostPages>();

  private constructor(private readonly nc: NatsConnection, private readonly kv: KV) {}

  /** Opens the bucket (adopted when it exists), creating it with `replicas` copies when missing. */
  static async open(nc: NatsConnection, replicas = 1): Promise<KvSnapshotStore> {
    const kv = await openBucket(nc, SNAPSHOT_BUCKET, { history: 1, replicas });
    return new KvSnapshotStore(nc, kv);
  }

  /** Every snapshot of this host that is not retired, and its checkpoint (see read). */
  async load(host: string): Promise<{ checkpoint: number; snapshots: LoadedSnapshot[]; unreadable?: UnreadableSnapshot[] }> {
    const read = await this.read(host);
    this.hosts.set(host, read.pages);
    const snapshots = [...read.pages.entries.values()].map((entry) => entry.snapshot);
    return { checkpoint: read.checkpoint, snapshots, ...(read.unreadable.length ? { unreadable: read.unreadable } : {}) };
  }

  async save(host: string, snapshot: Snapshot, retired = false): Promise<void> {
    const pages = await this.pagesOf(host);
    const checked = check(Snapshot, snapshot, 'encode') as LoadedSnapshot;
    checked.schema = SCHEMA_VERSION;
    const key = `${snapshot.kind}.${snapshot.entity}`;
    const live = pages.entries.get(key);
    if (retired) {
      await pages.retired.put(checked);
      if (live) {
        pages.entries.delete(key);
        pages.dirty.add(live.page);
      }
      return;
    }
    const page = pageOf(snapshot.kind, snapshot.entity, pages.pages);
    pages.entries.set(key, { snapshot: checked, page });
    pages.dirty.add(page);
    // New among the live ones: a retired snapshot of it (a name claimed again) is dropped.
    if (!live) await pages.retired.drop(snapshot.kind, snapshot.entity);
  }

  async retired(host: string, kind: Kind, entity: string): Promise<RetiredLookup> {
    const pages = await this.pagesOf(host);
    if (pages.entries.has(`${kind}.${entity}`)) return null;
    return pages.retired.lookup(kind, entity);
  }

  async allRetired(host: string): Promise<{ snapshots: LoadedSnapshot[]; unreadable: UnreadableSnapshot[] }> {
    return (await this.pagesOf(host)).retired.all();
  }

  async forget(host: string, kind: Kind, entity: string): Promise<void> {
    const pages = await this.pagesOf(host);
    const entry = pages.entries.get(`${kind}.${entity}`);
    if (entry) {
      pages.entries.delete(`${kind}.${entity}`);
      pages.dirty.add(entry.page);
    }
    await pages.retired.drop(kind, entity);
  }

  async saveCheckpoint(host: string, seq: number): Promise<void> {
    const pages = await this.pagesOf(host);
    let bytes = 0;
    for (const size of pages.sizes.values()) bytes += size;
    const count = pagesFor(pages.entries.size, bytes, pages.pages);
    if (count > pages.pages) {
      pages.pages = count;
      for (const entry of pages.entries.values()) entry.page = pageOf(entry.snapshot.kind, entry.snapshot.entity, count);
      for (let page = 0; page < count; page++) pages.dirty.add(page);
    }
    await writeMarkedPages(this.kv, pages.dirty, pages.entries.values(), (page) => `${host}.${pageKey(page)}`, pages.sizes);
    await pages.retired.write();
    if (pages.legacy.size > 0) {
      const jsm = await jetstreamManager(this.nc);
      for (const [kind, entities] of [...pages.legacy]) {
        try {
          // The subjects themselves: a KV purge leaves a marker under every key, listed and read at every start.
          await jsm.streams.purge(`KV_${SNAPSHOT_BUCKET}`, { filter: `$KV.${SNAPSHOT_BUCKET}.${host}.${kind}.*` });
        } catch (error) {
          if (!/permission/i.test((error as Error).message)) throw error;
          // A cluster host's credentials may not purge the stream (nats/cluster/permissions.ts):
          // through the bucket then, markers and all, until the operator purges them.
          await inParallel(entities, PURGES_IN_FLIGHT, (entity) => this.kv.purge(`${host}.${kind}.${entity}`));
        }
        pages.legacy.delete(kind);
      }
    }
    // A retired page that did not decode: 0 until a start that reads the whole log wrote it again.
    const record = { seq: pages.retired.lost ? 0 : seq, ...(pages.retired.record ? { retired: pages.retired.record } : {}) };
    const stored = JSON.stringify(record);
    if (pages.checkpoint !== stored) {
      await this.kv.put(`${host}.${CHECKPOINT_KEY}`, encode(Checkpoint, record));
      pages.checkpoint = stored;
    }
    await pages.retired.purgeStale();
  }

  /** This host's pages as held, read from the bucket the first time (a save with no load before). */
  private async pagesOf(host: string): Promise<HostPages> {
    let pages = this.hosts.get(host);
    if (!pages) {
      pages = (await this.read(host)).pages;
      this.hosts.set(host, pages);
    }
    return pages;
  }

  /**
   * Reads a host's keys: its pages, the snapshots under their own keys from before pages, and
   * its checkpoint. A page that does not decode names none of its entities: the checkpoint is
   * then 0, and a start reads the whole log.
   */
  private async read(host: string): Promise<HostRead> {
    const prefix = `$KV.${SNAPSHOT_BUCKET}.${host}.`;
    const found = new Map<string, PageEntry>();
    const unreadable = new Map<string, UnreadableSnapshot>();
    const legacy = new Map<string, string[]>();
    const sizes = new Map<number, number>();
    let checkpoint = 0;
    let named: Checkpoint['retired'];
    let checkpointUnreadable = false;
    let lastPage = -1;
    const take = (snapshot: LoadedSnapshot, page: number) => {
      const key = `${snapshot.kind}.${snapshot.entity}`;
      if ((found.get(key)?.snapshot.seq ?? 0) >= snapshot.seq) return;
      found.set(key, { snapshot, page });
    };
    // The retired pages are left out (read when needed); the consumer reads the pages alone
    // unless there are keys of the layout before pages.
    const seen = new Set<number>();
    const wanted: string[] = [];
    let older = false;
    for (const subject of await subjectsOf(this.nc, `KV_${SNAPSHOT_BUCKET}`, `${prefix}>`)) {
      const rest = subject.slice(prefix.length);
      const generation = retiredGenerationOf(rest);
      if (generation !== null) {
        seen.add(generation);
        continue;
      }
      if (rest !== CHECKPOINT_KEY && pageNumberOf(rest) === null) older = true;
      wanted.push(subject);
    }
    // Each message decoded as it comes, while the rest are on their way.
    await forLastOf(this.nc, `KV_${SNAPSHOT_BUCKET}`, wanted, older ? `${prefix}>` : `${prefix}${PAGES_FILTER}`, (m) => {
      if (!isKvValue(m)) return;
      const rest = m.subject.slice(prefix.length);
      if (rest === CHECKPOINT_KEY) {
        try {
          ({ seq: checkpoint, retired: named } = decode(Checkpoint, m.data));
        } catch {
          checkpointUnreadable = true;
        }
        return;
      }
      const page = pageNumberOf(rest);
      if (page !== null) {
        lastPage = Math.max(lastPage, page);
        try {
          for (const entry of decodeSnapshotPage(m.data, `snapshot page ${page} of host ${host}`)) {
            if (entry.snapshot) take(entry.snapshot, page);
            else if (entry.kind && entry.entity) unreadable.set(`${entry.kind}.${entry.entity}`, { kind: entry.kind, entity: entry.entity, problem: entry.problem });
            else checkpointUnreadable = true; // a snapshot that does not say whose it is
          }
          sizes.set(page, m.data.length);
        } catch (error) {
          if (error instanceof NewerSchemaError) throw error;
          checkpointUnreadable = true;
        }
        return;
      }
      const [kind, entity] = rest.split('.');
      const parsed = Kind.safeParse(kind);
      if (!parsed.success || !entity) return;
      const ofKind = legacy.get(parsed.data) ?? [];
      ofKind.push(entity);
      legacy.set(parsed.data, ofKind);
      try {
        take(decodeSnapshot(m.data, snapshotName(parsed.data, entity)), -1);
      } catch (error) {
        if (error instanceof NewerSchemaError) throw error;
        // That entity is rebuilt from all its events (actors/replay.ts), never forgotten.
        unreadable.set(`${parsed.data}.${entity}`, { kind: parsed.data, entity, problem: (error as Error).message });
      }
    });
    // An unreadable checkpoint or page: the whole log is read again (every usable snapshot is still used).
    if (checkpointUnreadable) checkpoint = 0;
    const retired = new RetiredPages({
      nc: this.nc, kv: this.kv, host, named, seen: [...seen], rebuilding: checkpoint === 0, isLive: (key) => found.has(key),
    });
    let bytes = 0;
    for (const size of sizes.values()) bytes += size;
    let count = 1;
    while (count <= lastPage) count *= 2;
    count = pagesFor(found.size, bytes, count);
    const held: HostPages = {
      pages: count, entries: found, sizes, dirty: new Set(), legacy, retired,
      checkpoint: checkpointUnreadable ? null : JSON.stringify({ seq: checkpoint, ...(named ? { retired: named } : {}) }),
    };
    for (const entry of found.values()) {
      const page = pageOf(entry.snapshot.kind, entry.snapshot.entity, count);
      if (entry.page !== page) held.dirty.add(page); // from its own key, or a page count that changed
      entry.page = page;
    }
    // A page missing or unreadable is written again, and every page when the count changed.
    for (let page = 0; page < count; page++) if (!sizes.has(page) || checkpointUnreadable) held.dirty.add(page);
    if (sizes.size === 0 && found.size === 0) held.dirty.clear(); // a new host: nothing to write yet
    // An entity with a readable snapshot besides an unreadable one (its own key and a page) uses the readable one.
    return { pages: held, checkpoint, unreadable: [...unreadable.values()].filter((u) => !found.has(`${u.kind}.${u.entity}`)) };
  }
}
