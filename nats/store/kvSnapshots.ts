/** The SnapshotStore over a NATS KV bucket (`berth_snapshots`, key <host>.<kind>.<entity>). */
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import { openBucket } from './buckets.js';
import { isKvValue, readLastPerSubject } from './lastPerSubject.js';
import * as z from 'zod';
import { decode, encode } from '../../events/codec.js';
import { Kind } from '../../events/envelope.js';
import { NewerSchemaError } from '../../events/errors.js';
import { decodeSnapshot, encodeSnapshot, snapshotName, type LoadedSnapshot, type Snapshot, type SnapshotStore, type UnreadableSnapshot } from '../../events/snapshots.js';
import { SNAPSHOT_BUCKET } from '../../events/subjects.js';

/** A host's checkpoint record, under the key `<host>._checkpoint`. */
export const Checkpoint = z.object({ seq: z.number().int().nonnegative() });
export const CHECKPOINT_KEY = '_checkpoint';

export class KvSnapshotStore implements SnapshotStore {
  private constructor(private readonly nc: NatsConnection, private readonly kv: KV) {}

  /** Opens the bucket (adopted when it exists), creating it with `replicas` copies when missing. */
  static async open(nc: NatsConnection, replicas = 1): Promise<KvSnapshotStore> {
    const kv = await openBucket(nc, SNAPSHOT_BUCKET, { history: 1, replicas });
    return new KvSnapshotStore(nc, kv);
  }

  /** The last value of every key of this host, and the host's checkpoint (see readLastPerSubject). */
  async load(host: string): Promise<{ checkpoint: number; snapshots: LoadedSnapshot[]; unreadable?: UnreadableSnapshot[] }> {
    const snapshots: LoadedSnapshot[] = [];
    const unreadable: UnreadableSnapshot[] = [];
    let checkpoint = 0;
    let checkpointUnreadable = false;
    const prefix = `$KV.${SNAPSHOT_BUCKET}.${host}.`;
    for (const m of await readLastPerSubject(this.nc, `KV_${SNAPSHOT_BUCKET}`, `${prefix}>`)) {
      if (!isKvValue(m)) continue;
      if (m.subject.endsWith(`.${CHECKPOINT_KEY}`)) {
        try {
          checkpoint = decode(Checkpoint, m.data).seq;
        } catch {
          checkpointUnreadable = true;
        }
        continue;
      }
      const [kind, entity] = m.subject.slice(prefix.length).split('.');
      try {
        snapshots.push(decodeSnapshot(m.data, snapshotName(kind ?? '', entity ?? '')));
      } catch (error) {
        if (error instanceof NewerSchemaError) throw error;
        // That entity is rebuilt from all its events (actors/replay.ts), never forgotten.
        const parsed = Kind.safeParse(kind);
        if (parsed.success && entity) unreadable.push({ kind: parsed.data, entity, problem: (error as Error).message });
      }
    }
    // An unreadable checkpoint: the whole log is read again (every snapshot is still used).
    if (checkpointUnreadable) checkpoint = 0;
    return { checkpoint, snapshots, ...(unreadable.length ? { unreadable } : {}) };
  }

  async save(host: string, snapshot: Snapshot): Promise<void> {
    await this.kv.put(`${host}.${snapshot.kind}.${snapshot.entity}`, encodeSnapshot(snapshot));
  }

  async forget(host: string, kind: Kind, entity: string): Promise<void> {
    await this.kv.purge(`${host}.${kind}.${entity}`);
  }

  async saveCheckpoint(host: string, seq: number): Promise<void> {
    await this.kv.put(`${host}.${CHECKPOINT_KEY}`, encode(Checkpoint, { seq }));
  }
}
