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
import { HEARTBEAT_BUCKET, HOST_LOST_MS } from '../../events/subjects.js';
import { openBucket } from './buckets.js';
import { readHeartbeats } from './clusterState.js';

export class KvHeartbeatStore implements HeartbeatStore {
  private constructor(private readonly nc: NatsConnection, private readonly kv: KV) {}

  /** Opens the bucket (adopted when it exists), creating it with `replicas` copies and a max age of `expiryMs` when missing. */
  static async open(nc: NatsConnection, replicas: number, expiryMs = HOST_LOST_MS): Promise<KvHeartbeatStore> {
    return new KvHeartbeatStore(nc, await openBucket(nc, HEARTBEAT_BUCKET, { history: 1, replicas, ttl: expiryMs }));
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
