/**
 * The FenceStore (events/fenceStore.ts) over the fence bucket: a write names the revision its
 * writer read (none: the key must not exist); JetStream stores it only if that is still the
 * key's last revision, so of several daemons that saw the same lost host, exactly one stores
 * its fence and the others learn they lost the race.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import { openBucket } from './buckets.js';
import { decode, encode } from '../../events/codec.js';
import { FenceRecord, type StoredFence } from '../../events/fence.js';
import type { FenceStore } from '../../events/fenceStore.js';
import { isWrongLastSequence } from './jetStream.js';
import { readFences } from './clusterState.js';
import { FENCE_BUCKET } from '../../events/subjects.js';

export class KvFenceStore implements FenceStore {
  private constructor(private readonly nc: NatsConnection, private readonly kv: KV) {}

  /** Opens the bucket (adopted when it exists), creating it with `replicas` copies when missing. */
  static async open(nc: NatsConnection, replicas: number): Promise<KvFenceStore> {
    return new KvFenceStore(nc, await openBucket(nc, FENCE_BUCKET, { history: 1, replicas }));
  }

  async read(host: string): Promise<StoredFence | null> {
    const entry = await this.kv.get(host);
    if (!entry || entry.operation !== 'PUT' || entry.value.length === 0) return null;
    return { record: decode(FenceRecord, entry.value), revision: entry.revision };
  }

  async write(record: FenceRecord, expected: number | null): Promise<number | null> {
    const data = encode(FenceRecord, record);
    try {
      return expected === null ? await this.kv.create(record.host, data) : await this.kv.update(record.host, data, expected);
    } catch (error) {
      if (isWrongLastSequence(error)) return null;
      throw error;
    }
  }

  readAll(): Promise<StoredFence[]> {
    return readFences(this.nc);
  }
}
