/** The SnapshotStore over a NATS KV bucket (`berth_snapshots`, key <host>.<kind>.<entity>). */
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, DeliverPolicy } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { z } from 'zod';
import { decode, encode } from './codec.js';
import type { Kind } from './envelope.js';
import { Snapshot, type SnapshotStore } from './snapshots.js';
import { SNAPSHOT_BUCKET } from './subjects.js';

const Checkpoint = z.object({ seq: z.number().int().nonnegative() });
const CHECKPOINT_KEY = '_checkpoint';

export class KvSnapshotStore implements SnapshotStore {
  private constructor(private readonly nc: NatsConnection, private readonly kv: KV) {}

  /** Opens the bucket, creating it with `replicas` copies when missing. */
  static async open(nc: NatsConnection, replicas = 1): Promise<KvSnapshotStore> {
    const kv = await new Kvm(nc).create(SNAPSHOT_BUCKET, { history: 1, replicas });
    return new KvSnapshotStore(nc, kv);
  }

  async load(host: string): Promise<{ checkpoint: number; snapshots: Snapshot[] }> {
    // The last value of every key of this host, through one ordered consumer.
    const consumer = await jetstream(this.nc).consumers.get(`KV_${SNAPSHOT_BUCKET}`, {
      filter_subjects: `$KV.${SNAPSHOT_BUCKET}.${host}.>`,
      deliver_policy: DeliverPolicy.LastPerSubject,
    });
    const snapshots: Snapshot[] = [];
    let checkpoint = 0;
    if ((await consumer.info(true)).num_pending === 0) return { checkpoint, snapshots };
    const messages = await consumer.consume();
    try {
      for await (const m of messages) {
        const operation = m.headers?.get('KV-Operation');
        if (m.data.length > 0 && operation !== 'DEL' && operation !== 'PURGE') {
          try {
            if (m.subject.endsWith(`.${CHECKPOINT_KEY}`)) checkpoint = decode(Checkpoint, m.data).seq;
            else snapshots.push(decode(Snapshot, m.data));
          } catch {
            // An unreadable snapshot is ignored: that entity is rebuilt from the log instead.
          }
        }
        if (m.info.pending === 0) break;
      }
    } finally {
      messages.stop();
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
