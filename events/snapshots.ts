/**
 * The contract of the snapshot store: the latest state of each entity with the sequence it
 * reflects, plus a per-host checkpoint. Every event of the host at or below the checkpoint is
 * reflected in some snapshot (or belongs to an entity that is gone), so start-up loads the
 * snapshots and replays only what follows the checkpoint. kvSnapshots.ts implements it.
 */
import * as z from 'zod';
import { check, decode, encode } from './codec.js';
import { NewerSchemaError } from './errors.js';
import { Kind } from './envelope.js';
import { refuseNewer, schemaOf, SCHEMA_STAMP, UNVERSIONED } from './schema.js';
import { lazySchema } from './lazySchema.js';

/** One entity's state: the machine's state value and context, as of event `seq`. */
export const Snapshot = lazySchema(() => z.object({
  kind: Kind,
  entity: z.string(),
  seq: z.number().int().positive(),
  value: z.string(),
  // A plain object, checked as one: a record schema checks and copies every key of every
  // context (20,000 at a start with 10,000 containers), and the restore checks the state.
  context: z.custom<Record<string, unknown>>(isPlainObject, 'expected an object'),
}));

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}
export type Snapshot = z.infer<typeof Snapshot>;

/** A snapshot as loaded, with the schema version it was written in (events/schema.ts). */
export interface LoadedSnapshot extends Snapshot {
  schema: number;
}

/** How a refusal names an entity's snapshot. */
export function snapshotName(kind: string, entity: string): string {
  return `the snapshot of ${kind} ${entity.slice(0, 12)}`;
}

/** A snapshot's stored form, stamped with SCHEMA_VERSION. */
export function encodeSnapshot(snapshot: Snapshot): Uint8Array {
  return encode(Snapshot, snapshot, SCHEMA_STAMP);
}

/**
 * A stored snapshot and its version. An older one is returned as it is (replay rebuilds its
 * entity from the events instead of using it); a newer one is a NewerSchemaError naming `what`.
 */
export function decodeSnapshot(bytes: Uint8Array, what: string): LoadedSnapshot {
  let schema = UNVERSIONED;
  const snapshot = decode(Snapshot, bytes, (raw) => {
    schema = schemaOf(raw);
    refuseNewer(what, schema);
    return raw;
  });
  return { ...snapshot, schema };
}

/**
 * A page of snapshots (events/snapshotPages.ts): every entity's snapshot in line, each with the
 * schema version it was written in. One unpack a page instead of one a snapshot halved the
 * decoding of 20,000 at a daemon's start (about 430 -> 200 ms in a fresh process).
 */
export const SnapshotPage = lazySchema(() => z.object({ entries: z.array(z.unknown()) }));

/** A page's stored form, stamped with SCHEMA_VERSION; each snapshot keeps its own version. */
export function encodeSnapshotPage(entries: readonly LoadedSnapshot[]): Uint8Array {
  return encode(SnapshotPage, { entries: entries as unknown[] }, SCHEMA_STAMP);
}

/** An entry of a page as read: its snapshot, or why it is unusable and whose it is when that can be told. */
export type PageEntry =
  | { snapshot: LoadedSnapshot }
  | { snapshot?: undefined; kind?: Kind; entity?: string; problem: string };

/**
 * A stored page's entries. A page that does not decode is a ValidationError (it names none of
 * its entities); a page or a snapshot written by a newer berth is a NewerSchemaError naming it.
 */
export function decodeSnapshotPage(bytes: Uint8Array, what: string): PageEntry[] {
  const page = decode(SnapshotPage, bytes, (raw) => {
    refuseNewer(what, schemaOf(raw));
    return raw;
  });
  return page.entries.map((raw): PageEntry => {
    const { kind, entity } = (typeof raw === 'object' && raw !== null ? raw : {}) as { kind?: unknown; entity?: unknown };
    const named = Kind.safeParse(kind).success && typeof entity === 'string' ? { kind: kind as Kind, entity: entity as string } : {};
    try {
      const schema = schemaOf(raw);
      refuseNewer(snapshotName(String(kind), String(entity)), schema);
      const snapshot = check(Snapshot, raw, 'decode') as LoadedSnapshot;
      snapshot.schema = schema;
      return { snapshot };
    } catch (error) {
      if (error instanceof NewerSchemaError) throw error;
      return { ...named, problem: (error as Error).message };
    }
  });
}

/** A snapshot key whose value does not decode: replay rebuilds that entity from all its events. */
export interface UnreadableSnapshot {
  kind: Kind;
  entity: string;
  problem: string;
}

/**
 * A retired entity's snapshot as looked up: the snapshot, or why it is unusable (its entity is
 * then rebuilt from its events), or null when the entity has no retired snapshot.
 */
export type RetiredLookup = { snapshot: LoadedSnapshot } | { snapshot?: undefined; problem: string } | null;

export interface SnapshotStore {
  /**
   * The host's checkpoint (0 when none) and the snapshot of every entity that is not retired;
   * `unreadable`, the entities whose snapshot does not decode (never dropped without a word:
   * their events before the checkpoint are in no usable snapshot). A snapshot written by a
   * newer berth is a NewerSchemaError: the load fails.
   */
  load(host: string): Promise<{ checkpoint: number; snapshots: LoadedSnapshot[]; unreadable?: UnreadableSnapshot[] }>;
  /**
   * Saves an entity's snapshot: stored at the latest by the next saveCheckpoint, before the
   * checkpoint. A `retired` one (KindRules.retiredStatus: a tombstone) is kept out of later loads and
   * found by `retired` instead.
   */
  save(host: string, snapshot: Snapshot, retired?: boolean): Promise<void>;
  /**
   * The snapshot of a retired entity, which load leaves out: a start asks for the few that an
   * event after the checkpoint names. An entity that has a snapshot that is not retired is null.
   */
  retired(host: string, kind: Kind, entity: string): Promise<RetiredLookup>;
  /**
   * Every retired entity's snapshot (compaction), and the entities named by one that is
   * unusable. Reads whatever load left out.
   */
  allRetired(host: string): Promise<{ snapshots: LoadedSnapshot[]; unreadable: UnreadableSnapshot[] }>;
  /** Forgets an entity (one that is removed): at the latest by the next saveCheckpoint too. */
  forget(host: string, kind: Kind, entity: string): Promise<void>;
  /** Stores what save and forget left to store, then the checkpoint: every event up to `seq` is in a snapshot. */
  saveCheckpoint(host: string, seq: number): Promise<void>;
}
