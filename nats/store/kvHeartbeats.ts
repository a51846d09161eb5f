/**
 * The HeartbeatStore (events/heartbeatStore.ts) over the heartbeat bucket: key <host>, one
 * value each. The bucket's max age is the lost threshold, so when a host's puts stop,
 * JetStream expires its key and the host reads as lost everywhere.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import { encode } from '../../events/codec.js';
import { Heartbeat } from '../../events/heartbeat.js';
import type { HeartbeatStore } from '../../events/heartbeatStore.js';
import { ValidationError } from '../../events/errors.js';
import { HEARTBEAT_BUCKET, HOST_LOST_MS } from '../../events/subjects.js';
import { openBucket } from './buckets.js';
import { readHeartbeats } from './clusterState.js';

export class KvHeartbeatStore implements HeartbeatStore {
  private constructor(private readonly nc: NatsConnection, private readonly kv: KV, readonly expiryMs: number) {}

  /**
   * Opens the bucket (adopted when it exists), creating it with `replicas` copies and a max age
   * of `expiryMs` (HOST_LOST_MS when not given) when missing. The threshold is the bucket's,
   * shared by the cluster: an existing bucket with another max age than one given is refused.
   */
  static async open(nc: NatsConnection, replicas: number, expiryMs?: number): Promise<KvHeartbeatStore> {
    const kv = await openBucket(nc, HEARTBEAT_BUCKET, { history: 1, replicas, ttl: expiryMs ?? HOST_LOST_MS });
    const { ttl } = await kv.status();
    if (expiryMs !== undefined && ttl !== expiryMs) {
      throw new ValidationError(`the host-lost threshold asked for is ${expiryMs} ms, but the existing heartbeat bucket ${HEARTBEAT_BUCKET} has ${ttl} ms: it is the cluster's (berth-cluster setup --host-lost); give that value, or none`);
    }
    return new KvHeartbeatStore(nc, kv, ttl);
  }

  async put(heartbeat: Heartbeat): Promise<void> {
    await this.kv.put(heartbeat.host, encode(Heartbeat, heartbeat));
  }

  async delete(host: string): Promise<void> {
    await this.kv.delete(host);
  }

  readAll(): Promise<Heartbeat[]> {
    return readHeartbeats(this.nc);
  }
}
