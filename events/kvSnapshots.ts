/** The SnapshotStore over a NATS KV bucket (`berth_snapshots`, key <host>.<kind>.<entity>). */
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, DeliverPolicy } from '@nats-io/jetstream';
import { boundedMessages } from './jetStream.js';
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

  /**
   * The last value of every key of this host: through one ordered consumer, then checked
   * against the stream's own list of this host's keys (NATS 2.9's pending count, which ends the
   * consumer's read, is a hint only), and any key the consumer missed is fetched by itself.
   */
  async load(host: string): Promise<{ checkpoint: number; snapshots: Snapshot[] }> {
    const filter = `$KV.${SNAPSHOT_BUCKET}.${host}.>`;
    const stream = `KV_${SNAPSHOT_BUCKET}`;
    const snapshots: Snapshot[] = [];
    let checkpoint = 0;
    const seen = new Set<string>();
    const take = (subject: string, data: Uint8Array, operation: string | undefined) => {
      seen.add(subject);
      if (data.length === 0 || operation === 'DEL' || operation === 'PURGE') return;
      try {
        if (subject.endsWith(`.${CHECKPOINT_KEY}`)) checkpoint = decode(Checkpoint, data).seq;
        else snapshots.push(decode(Snapshot, data));
      } catch {
        // An unreadable snapshot is ignored: that entity is rebuilt from the log instead.
      }
    };
    const consumer = await jetstream(this.nc).consumers.get(stream, { filter_subjects: filter, deliver_policy: DeliverPolicy.LastPerSubject });
    for await (const m of boundedMessages(consumer)) take(m.subject, m.data, m.headers?.get('KV-Operation'));
    const jsm = await jetstreamManager(this.nc);
    const keys = Object.keys((await jsm.streams.info(stream, { subjects_filter: filter })).state.subjects ?? {});
    const missed = keys.filter((key) => !seen.has(key));
    if (missed.length) console.error(`berth: snapshots of ${host}: the consumer missed ${missed.length} of ${keys.length} keys; fetched one by one`);
    for (const subject of missed) {
      const m = await jsm.streams.getMessage(stream, { last_by_subj: subject });
      if (m) take(subject, m.data, m.header?.get('KV-Operation'));
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
