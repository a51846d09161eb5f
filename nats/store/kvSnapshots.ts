/** The SnapshotStore over a NATS KV bucket (`berth_snapshots`, key <host>.<kind>.<entity>). */
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import { openBucket } from './buckets.js';
import { isKvValue, readLastPerSubject } from './lastPerSubject.js';
import { z } from 'zod';
import { decode, encode } from '../../events/codec.js';
import type { Kind } from '../../events/envelope.js';
import { Snapshot, type SnapshotStore } from '../../events/snapshots.js';
import { SNAPSHOT_BUCKET } from '../../events/subjects.js';

const Checkpoint = z.object({ seq: z.number().int().nonnegative() });
const CHECKPOINT_KEY = '_checkpoint';

export class KvSnapshotStore implements SnapshotStore {
  private constructor(private readonly nc: NatsConnection, private readonly kv: KV) {}

  /** Opens the bucket (adopted when it exists), creating it with `replicas` copies when missing. */
  static async open(nc: NatsConnection, replicas = 1): Promise<KvSnapshotStore> {
    const kv = await openBucket(nc, SNAPSHOT_BUCKET, { history: 1, replicas });
    return new KvSnapshotStore(nc, kv);
  }

  /** The last value of every key of this host, and the host's checkpoint (see readLastPerSubject). */
  async load(host: string): Promise<{ checkpoint: number; snapshots: Snapshot[] }> {
    const snapshots: Snapshot[] = [];
    let checkpoint = 0;
    for (const m of await readLastPerSubject(this.nc, `KV_${SNAPSHOT_BUCKET}`, `$KV.${SNAPSHOT_BUCKET}.${host}.>`)) {
      if (!isKvValue(m)) continue;
      try {
        if (m.subject.endsWith(`.${CHECKPOINT_KEY}`)) checkpoint = decode(Checkpoint, m.data).seq;
        else snapshots.push(decode(Snapshot, m.data));
      } catch {
        // An unreadable snapshot is ignored: that entity is rebuilt from the log instead.
      }
    }
    return { checkpoint, snapshots };
  }

  async save(host: string, snapshot: Snapshot): Promise<void> {
    await this.kv.put(`${host}.${snapshot.kind}.${snapshot.entity}`, encode(Snapshot, snapshot));
  }

  async forget(host: string, kind: Kind, entity: string): Promise<void> {
    await this.kv.purge(`${host}.${kind}.${entity}`);
  }

  async saveCheckpoint(host: string, seq: number): Promise<void> {
    await this.kv.put(`${host}.${CHECKPOINT_KEY}`, encode(Checkpoint, { seq }));
  }
}
