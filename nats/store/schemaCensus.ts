/**
 * The schema census of one host's log (events/schemaCensus.ts): every event of the host and
 * of the cluster scope, every snapshot and the checkpoint, counted by the version each was
 * stored in, read as stored and never decoded further, so that what a newer berth wrote is
 * counted, not refused. It changes nothing.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { decode } from '../../events/codec.js';
import { isRetiredPageKey, pageNumberOf } from '../../events/snapshotPages.js';
import { SnapshotPage } from '../../events/snapshots.js';
import { schemaOf, storedSchemaOf, SCHEMA_VERSION } from '../../events/schema.js';
import type { SchemaCensus, VersionCounts } from '../../events/schemaCensus.js';
import { clusterNetworkFilter, EVENTS_STREAM, eventFilter, SNAPSHOT_BUCKET } from '../../events/subjects.js';
import { JetStreamEventStore, streamExists } from './jetStream.js';
import { Checkpoint, CHECKPOINT_KEY } from './kvSnapshots.js';
import { isKvValue, readLastPerSubject } from './lastPerSubject.js';

/** The version a stored record says, or null when it is no record. */
function versionOf(data: Uint8Array): number | null {
  try {
    return storedSchemaOf(data);
  } catch {
    return null;
  }
}

/** The checkpoint's sequence; 0 (a start reads the whole log) when it does not decode. */
function checkpointOf(data: Uint8Array): number {
  try {
    return decode(Checkpoint, data).seq;
  } catch {
    return 0;
  }
}

/** The versions of a page's snapshots as stored, read as loosely as a record's version is: [null] when it is no page. */
function versionsIn(data: Uint8Array): Array<number | null> {
  try {
    const page = decode(SnapshotPage, data);
    return page.entries.map((entry) => {
      try {
        return typeof entry === 'object' && entry !== null ? schemaOf(entry) : null;
      } catch {
        return null;
      }
    });
  } catch {
    return [null];
  }
}

const count = (counts: VersionCounts, version: number) => { counts[version] = (counts[version] ?? 0) + 1; };

export async function takeCensus(nc: NatsConnection, host: string): Promise<SchemaCensus> {
  const census: SchemaCensus = {
    host, readable: SCHEMA_VERSION, events: {}, eventsAfterCheckpoint: {}, invalidEvents: 0, snapshots: {}, invalidSnapshots: 0, checkpoint: 0,
  };
  const bucket = `KV_${SNAPSHOT_BUCKET}`;
  if (await streamExists(nc, bucket)) {
    const prefix = `$KV.${SNAPSHOT_BUCKET}.${host}.`;
    for (const m of await readLastPerSubject(nc, bucket, `${prefix}>`)) {
      if (!isKvValue(m)) continue;
      if (m.subject === `${prefix}${CHECKPOINT_KEY}`) {
        census.checkpoint = checkpointOf(m.data);
        continue;
      }
      // A page (events/snapshotPages.ts), retired or not, holds snapshots, each counted by its own version.
      const rest = m.subject.slice(prefix.length);
      for (const version of pageNumberOf(rest) === null && !isRetiredPageKey(rest) ? [versionOf(m.data)] : versionsIn(m.data)) {
        if (version === null) census.invalidSnapshots++;
        else count(census.snapshots, version);
      }
    }
  }
  if (await streamExists(nc, EVENTS_STREAM)) {
    const store = new JetStreamEventStore(nc);
    // The cluster scope's events have no checkpoint: a start reads them all.
    for (const [filter, after] of [[eventFilter(host), census.checkpoint], [clusterNetworkFilter(), 0]] as const) {
      for await (const m of store.readMessages(filter)) {
        const version = versionOf(m.data);
        if (version === null) {
          census.invalidEvents++;
          continue;
        }
        count(census.events, version);
        if (m.seq > after) count(census.eventsAfterCheckpoint, version);
      }
    }
  }
  return census;
}
