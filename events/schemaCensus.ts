/**
 * What a stored log holds by schema version, and what a start of this berth would do with it
 * (`berth system migrate --dry-run`). The plan follows actors/replay.ts: events are upcast as
 * they are read; snapshots older than SCHEMA_VERSION are not used, so their entities are
 * rebuilt and the whole log is read; anything newer refuses the start.
 */

/** Counts of stored records by the schema version they were written in (JSON keys: versions). */
export type VersionCounts = Record<string, number>;

export interface SchemaCensus {
  host: string;
  /** The version this berth writes, and the newest it reads. */
  readable: number;
  /** The host's events (and the cluster scope's), by version. */
  events: VersionCounts;
  /** Of those, the ones after the checkpoint: what a start reads when every snapshot is usable. */
  eventsAfterCheckpoint: VersionCounts;
  /** Messages that are no record at all (a start breaks their entities, as today). */
  invalidEvents: number;
  /** The host's snapshots, by version. */
  snapshots: VersionCounts;
  /** Snapshots that do not decode (a start rebuilds their entities, as today). */
  invalidSnapshots: number;
  /** The host's checkpoint (0: none). */
  checkpoint: number;
}

export interface StartPlan {
  /** The line a start would refuse with; null when it would start. */
  refused: string | null;
  /** Events a start would read: the whole log, or the tail after the checkpoint. */
  read: number;
  /** Of those, the ones it would upcast on the way. */
  upcast: number;
  /** Entities whose snapshots are older, rebuilt from their events (their snapshots then written anew). */
  rebuilt: number;
}

const total = (counts: VersionCounts, keep: (version: number) => boolean = () => true) =>
  Object.entries(counts).reduce((sum, [version, count]) => sum + (keep(Number(version)) ? count : 0), 0);

/** What a start of a berth that reads `census.readable` would do with this log. */
export function planStart(census: SchemaCensus): StartPlan {
  const { readable } = census;
  const newer = (version: number) => version > readable;
  const older = (version: number) => version < readable;
  const newerVersions = [...new Set([...Object.keys(census.events), ...Object.keys(census.snapshots)].map(Number).filter(newer))].sort();
  const refused = newerVersions.length === 0 ? null
    : `this log was written by a newer berth: ${total(census.events, newer)} events and ${total(census.snapshots, newer)} snapshots in schema version ${newerVersions.join(', ')}; this berth reads versions up to ${readable}, and a start would be refused`;
  const rebuilt = total(census.snapshots, older);
  const reads = rebuilt > 0 || census.checkpoint === 0 ? census.events : census.eventsAfterCheckpoint;
  return { refused, read: total(reads), upcast: total(reads, older), rebuilt };
}
