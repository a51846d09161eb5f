/**
 * Start-up replay, pure: entities are rebuilt from their snapshots, then from the events that
 * follow the host's checkpoint (skipping those a snapshot already reflects). Without snapshots
 * it is a full replay. It folds through the machines' pure transition() and runs no effect.
 * A retired entity (a tombstone) is not loaded: an event after the checkpoint that names an
 * entity not in memory has its retired snapshot looked up first (or, when that is unusable, its
 * whole history read).
 *
 * Schema versions (events/schema.ts): events are upcast as they are read. A snapshot of an
 * older version is not used: its entity is rebuilt from its events, and the log is then read
 * from its start, not the checkpoint (after an upgrade every snapshot is older, and one
 * sequential read costs less than a read per entity). Anything a newer berth wrote (a
 * snapshot, an event) throws a NewerSchemaError, which ends the replay: the daemon refuses to
 * start rather than misread.
 */
import { Kind } from '../events/envelope.js';
import { SCHEMA_VERSION } from '../events/schema.js';
import type { LoadedSnapshot, SnapshotStore, UnreadableSnapshot } from '../events/snapshots.js';
import { describeInvalid, type EventStore, type InvalidEvent } from '../events/store.js';
import { eventFilter, eventSubject } from '../events/subjects.js';
import type { Entity } from './entity.js';

export interface ReplaySource {
  host: string;
  store: EventStore;
  /** Absent: a full replay from the log. */
  snapshots?: SnapshotStore;
  /** The entity of a kind and id, created on first use. */
  entityFor(kind: Kind, id: string): Entity<unknown, unknown>;
  /** Whether the entity of a kind and id is in memory. */
  has(kind: Kind, id: string): boolean;
  /** Reports progress (start-up phases in the daemon's debug log). */
  log?(message: string): void;
  /** Reports an invalid message that names no entity of this host (one that does breaks its entity: Entity.broken). */
  report(message: string): void;
  /** The schema version a snapshot must have to be used: SCHEMA_VERSION (a test names a later one). */
  schema?: number;
}

export interface ReplayStats {
  /** Entities restored from snapshots. */
  snapshots: number;
  /** Events folded from the log. */
  events: number;
  /** The checkpoint the log was read from (0: the start). */
  checkpoint: number;
  /** Snapshots of an older schema version, whose entities were rebuilt from their events. */
  outdated: number;
}

export async function replay(source: ReplaySource): Promise<ReplayStats> {
  const loaded = source.snapshots ? await source.snapshots.load(source.host) : { checkpoint: 0, snapshots: [] };
  const unusable: UnreadableSnapshot[] = [...(loaded.unreadable ?? [])];
  let outdated = 0;
  for (const snapshot of loaded.snapshots) {
    if (snapshot.schema < (source.schema ?? SCHEMA_VERSION)) {
      outdated++;
      continue;
    }
    const problem = restoreProblem(source, snapshot);
    // An unknown state name (a snapshot of another version, or damaged): its events instead.
    if (problem) unusable.push({ kind: snapshot.kind, entity: snapshot.entity, problem });
  }
  let events = 0;
  /** Rebuilds an entity from all its events: its snapshot is unusable, or there is none to use. */
  const rebuild = async (kind: Kind, entity: string) => {
    const rebuilt = source.entityFor(kind, entity);
    for await (const stored of source.store.read(eventSubject(source.host, kind, entity), {}, (invalid) => brokenBy(source, invalid))) {
      rebuilt.replay(stored);
      events++;
    }
  };
  // An entity whose snapshot is unusable is rebuilt from all its events, before the log past
  // the checkpoint (which then skips what it folded): never forgotten, and said so.
  for (const { kind, entity, problem } of unusable) {
    source.report(`the snapshot of ${kind} ${entity.slice(0, 12)} is unusable (${problem}); it is rebuilt from its events`);
    await rebuild(kind, entity);
  }
  source.log?.(`snapshots loaded (${loaded.snapshots.length}, checkpoint ${loaded.checkpoint})`);
  if (outdated > 0) source.log?.(`${outdated} snapshots are of an older schema version (this berth writes ${SCHEMA_VERSION}): their entities are rebuilt from the whole log`);
  const from = loaded.checkpoint > 0 && outdated === 0 ? { fromSeq: loaded.checkpoint + 1 } : {};
  // Read from the checkpoint, an entity not in memory may be a retired one, whose history before
  // the checkpoint is in its retired snapshot only (read from the start, every event is folded).
  const retired = from.fromSeq !== undefined ? source.snapshots : undefined;
  let restoredRetired = 0;
  for await (const stored of source.store.read(eventFilter(source.host), from, (invalid) => brokenBy(source, invalid))) {
    const { kind, entity: id } = stored.event;
    if (kind === 'node') continue; // the host's own availability: actors/node.ts
    if (retired && !source.has(kind, id)) {
      const found = await retired.retired(source.host, kind, id);
      if (found) {
        const problem = !found.snapshot ? found.problem
          : found.snapshot.schema < (source.schema ?? SCHEMA_VERSION) ? `schema version ${found.snapshot.schema}` : restoreProblem(source, found.snapshot);
        if (problem === null) restoredRetired++;
        else {
          source.report(`the retired snapshot of ${kind} ${id.slice(0, 12)} is unusable (${problem}); it is rebuilt from its events`);
          await rebuild(kind, id);
        }
      }
    }
    const entity = source.entityFor(kind, id);
    if (stored.seq <= entity.lastSeq) continue; // the snapshot already has it
    entity.replay(stored);
    events++;
  }
  if (restoredRetired > 0) source.log?.(`${restoredRetired} retired snapshots read for the events after the checkpoint`);
  return { snapshots: loaded.snapshots.length - outdated, events, checkpoint: loaded.checkpoint, outdated };
}

/** Restores an entity from its snapshot; says why it could not (the state name is no state of its machine). */
function restoreProblem(source: ReplaySource, snapshot: LoadedSnapshot): string | null {
  try {
    source.entityFor(snapshot.kind, snapshot.entity).restore(snapshot.value, snapshot.context, snapshot.seq);
    return null;
  } catch (error) {
    return `state "${snapshot.value}": ${(error as Error).message}`;
  }
}

/**
 * An invalid message on an entity's subject stops that entity (Entity.markInvalid) and no
 * other: the replay goes on. It is never skipped without a word.
 */
function brokenBy(source: ReplaySource, invalid: InvalidEvent): void {
  const [, , , kind, entity] = invalid.subject.split('.');
  const parsed = Kind.safeParse(kind);
  if (!parsed.success || parsed.data === 'node' || !entity) {
    source.report(`${describeInvalid(invalid)}; it names no entity of this host`);
    return;
  }
  source.entityFor(parsed.data, entity).markInvalid(invalid);
}
