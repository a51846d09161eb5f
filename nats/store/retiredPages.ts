/**
 * A host's retired snapshots (tombstones: a removed container, a released name) in the KV
 * snapshot bucket, in pages of their own (events/snapshotPages.ts) that a start does not read:
 * with 10,000 containers of history, 3,000 removed, they were 30% of what a start decoded for
 * entities that no command, no reconciliation and no listing needs. A page is read when one of
 * its entities is needed (an event after the checkpoint names it, a save or a forget touches
 * it) and all of them when compaction looks for what to purge; a page read is held in memory
 * from then on.
 *
 * Keys: `<host>._retired.<generation>.<n>`. The checkpoint record names the generation and the
 * count of pages (nats/store/kvSnapshots.ts). The count grows only when every page is held,
 * into a new generation of keys: the checkpoint moves to it once its pages are written, and the
 * generation before is purged then, so a crash in between leaves the one the checkpoint names
 * whole.
 *
 * A page that does not decode names none of its entities: a lookup of any entity of that page
 * says so (its entity is rebuilt from its events), and the checkpoint is written as 0 from then
 * on, so that the next start reads the whole log (every entity is then in memory and saved
 * again, and that start writes the page anew).
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import { jetstreamManager } from '@nats-io/jetstream';
import { NewerSchemaError } from '../../events/errors.js';
import type { Kind } from '../../events/envelope.js';
import { decodeSnapshotPage, type LoadedSnapshot, type RetiredLookup, type UnreadableSnapshot } from '../../events/snapshots.js';
import { PAGE_BYTES, PAGE_ENTITIES, pageOf, pagesFor, retiredPageKey, retiredPagesFilter } from '../../events/snapshotPages.js';
import { SNAPSHOT_BUCKET } from '../../events/subjects.js';
import { inParallel } from '../../runtime/inParallel.js';
import { subjectsOf } from './lastPerSubject.js';
import { writeMarkedPages, type PageEntry } from './pageWrites.js';

/** The retired pages a checkpoint names. */
export interface RetiredGeneration {
  generation: number;
  pages: number;
}

/** Pages read, or stale keys purged, at once. */
const IN_FLIGHT = 32;

export interface RetiredPagesOptions {
  nc: NatsConnection;
  kv: KV;
  host: string;
  /** The generation the checkpoint names, if any. */
  named: RetiredGeneration | undefined;
  /** Every generation with keys in the bucket (those the checkpoint does not name are purged). */
  seen: readonly number[];
  /** The load said checkpoint 0: every entity is rebuilt in memory and saved again, a page that does not decode among them. */
  rebuilding: boolean;
  /** Whether an entity (`<kind>.<entity>`) has a snapshot among the pages a start loads: that one is its newer. */
  isLive(key: string): boolean;
}

export class RetiredPages {
  private generation: number;
  private pages: number;
  private highest: number;
  private readonly entries = new Map<string, PageEntry>();
  /** Pages read (or new): every entry of theirs is in `entries`. */
  private readonly held = new Set<number>();
  private readonly reading = new Map<number, Promise<void>>();
  private readonly unreadable = new Map<string, UnreadableSnapshot>();
  private readonly damaged = new Set<number>();
  private readonly sizes = new Map<number, number>();
  private readonly dirty = new Set<number>();
  /** Generations to purge once the checkpoint names a later one. */
  private readonly stale: number[];
  /** A page did not decode: the checkpoint stays 0 until a start that read the whole log wrote it again. */
  lost = false;

  constructor(private readonly options: RetiredPagesOptions) {
    this.generation = options.named?.generation ?? 0;
    this.pages = options.named?.pages ?? 0;
    this.highest = Math.max(this.generation, ...options.seen);
    this.stale = options.seen.filter((generation) => generation !== this.generation);
  }

  /** What the checkpoint record names (undefined: no retired pages yet). */
  get record(): RetiredGeneration | undefined {
    return this.generation > 0 ? { generation: this.generation, pages: this.pages } : undefined;
  }

  /** A retired entity's snapshot, read from its page when that is not held yet. */
  async lookup(kind: Kind, entity: string): Promise<RetiredLookup> {
    if (this.pages === 0) return null;
    const key = `${kind}.${entity}`;
    const page = pageOf(kind, entity, this.pages);
    await this.hold(page);
    const entry = this.entries.get(key);
    if (entry) return { snapshot: entry.snapshot };
    const unreadable = this.unreadable.get(key);
    if (unreadable) return { problem: unreadable.problem };
    if (this.damaged.has(page)) return { problem: `its snapshot page ${retiredPageKey(this.generation, page)} does not decode` };
    return null;
  }

  /** Keeps an entity's retired snapshot (written at the next write). */
  async put(snapshot: LoadedSnapshot): Promise<void> {
    if (this.pages === 0) this.startGeneration(1);
    const page = pageOf(snapshot.kind, snapshot.entity, this.pages);
    await this.hold(page);
    const key = `${snapshot.kind}.${snapshot.entity}`;
    this.entries.set(key, { snapshot, page });
    this.unreadable.delete(key);
    this.dirty.add(page);
  }

  /** An entity has no retired snapshot any more (it is live again, or forgotten). */
  async drop(kind: Kind, entity: string): Promise<void> {
    if (this.pages === 0) return;
    const page = pageOf(kind, entity, this.pages);
    await this.hold(page);
    const key = `${kind}.${entity}`;
    if (this.entries.delete(key) || this.unreadable.delete(key)) this.dirty.add(page);
  }

  /** Every retired snapshot, and the entities named by an entry that is no usable snapshot. */
  async all(): Promise<{ snapshots: LoadedSnapshot[]; unreadable: UnreadableSnapshot[] }> {
    await this.holdAll();
    return { snapshots: [...this.entries.values()].map((entry) => entry.snapshot), unreadable: [...this.unreadable.values()] };
  }

  /**
   * Writes the pages changed since the last write; first the count grows (into a new
   * generation) when the entries outgrew it. A page far over its share has every page read
   * first, so that the count can grow.
   */
  async write(): Promise<void> {
    if (this.dirty.size === 0) return;
    const counts = new Map<number, number>();
    for (const entry of this.entries.values()) counts.set(entry.page, (counts.get(entry.page) ?? 0) + 1);
    if ([...this.dirty].some((page) => (counts.get(page) ?? 0) > 2 * PAGE_ENTITIES || (this.sizes.get(page) ?? 0) > 2 * PAGE_BYTES)) await this.holdAll();
    if (this.held.size === this.pages) {
      let bytes = 0;
      for (const size of this.sizes.values()) bytes += size;
      const count = pagesFor(this.entries.size, bytes, this.pages);
      if (count > this.pages) this.startGeneration(count);
    }
    const generation = this.generation;
    await writeMarkedPages(this.options.kv, this.dirty, this.entries.values(), (page) => `${this.options.host}.${retiredPageKey(generation, page)}`, this.sizes);
  }

  /** Purges the generations before the one the checkpoint now names. */
  async purgeStale(): Promise<void> {
    const { nc, kv, host } = this.options;
    while (this.stale.length > 0) {
      const generation = this.stale[0]!;
      const filter = `$KV.${SNAPSHOT_BUCKET}.${host}.${retiredPagesFilter(generation)}`;
      try {
        await (await jetstreamManager(nc)).streams.purge(`KV_${SNAPSHOT_BUCKET}`, { filter });
      } catch (error) {
        if (!/permission/i.test((error as Error).message)) throw error;
        // A cluster host may not purge the stream (nats/cluster/permissions.ts): key by key, through the bucket.
        const subjects = await subjectsOf(nc, `KV_${SNAPSHOT_BUCKET}`, filter);
        const prefix = `$KV.${SNAPSHOT_BUCKET}.`;
        await inParallel(subjects, IN_FLIGHT, (subject) => kv.purge(subject.slice(prefix.length)));
      }
      this.stale.shift();
    }
  }

  /** Moves every entry to a new generation of `count` pages, all held (its keys are written as they fill). */
  private startGeneration(count: number): void {
    if (this.generation > 0) this.stale.push(this.generation);
    this.generation = ++this.highest;
    this.pages = count;
    this.held.clear();
    this.sizes.clear();
    this.dirty.clear();
    this.damaged.clear();
    for (let page = 0; page < count; page++) this.held.add(page);
    for (const entry of this.entries.values()) {
      entry.page = pageOf(entry.snapshot.kind, entry.snapshot.entity, count);
      this.dirty.add(entry.page);
    }
    // The unusable entries have no snapshot to move: their entities are rebuilt when needed.
    this.unreadable.clear();
  }

  private async holdAll(): Promise<void> {
    const missing = Array.from({ length: this.pages }, (_, page) => page).filter((page) => !this.held.has(page));
    await inParallel(missing, IN_FLIGHT, (page) => this.hold(page));
  }

  /** Reads a page into `entries`, once. */
  private hold(page: number): Promise<void> {
    if (this.held.has(page)) return Promise.resolve();
    let reading = this.reading.get(page);
    if (!reading) {
      const generation = this.generation;
      reading = this.read(generation, page).finally(() => this.reading.delete(page));
      this.reading.set(page, reading);
    }
    return reading;
  }

  private async read(generation: number, page: number): Promise<void> {
    const { kv, host, isLive, rebuilding } = this.options;
    const name = retiredPageKey(generation, page);
    const stored = await kv.get(`${host}.${name}`);
    // The generation moved on meanwhile: every page of the new one is held already.
    if (generation !== this.generation || this.held.has(page)) return;
    this.held.add(page);
    if (!stored || stored.length === 0 || stored.operation !== 'PUT') return;
    this.sizes.set(page, stored.length);
    let entries;
    try {
      entries = decodeSnapshotPage(stored.value, `retired snapshot page ${name} of host ${host}`);
    } catch (error) {
      if (error instanceof NewerSchemaError) throw error;
      this.markDamaged(page, rebuilding);
      return;
    }
    for (const entry of entries) {
      const key = entry.snapshot ? `${entry.snapshot.kind}.${entry.snapshot.entity}` : entry.kind && entry.entity ? `${entry.kind}.${entry.entity}` : null;
      if (key === null) {
        this.markDamaged(page, rebuilding);
        continue;
      }
      // Live again, or moved here by a write the checkpoint never covered: the live snapshot is the newer.
      if (isLive(key)) {
        this.dirty.add(page);
        continue;
      }
      if (entry.snapshot) this.entries.set(key, { snapshot: entry.snapshot, page });
      else this.unreadable.set(key, { kind: entry.kind!, entity: entry.entity!, problem: entry.problem });
    }
  }

  /** A page that does not decode (or an entry that names nobody): rewritten by a start that read the whole log, else said until then. */
  private markDamaged(page: number, rebuilding: boolean): void {
    if (rebuilding) {
      this.dirty.add(page);
      return;
    }
    this.damaged.add(page);
    this.lost = true;
  }
}
