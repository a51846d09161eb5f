/**
 * The ClusterStateReader (events/clusterState.ts) over JetStream's replicated state: the last
 * node event of every host (events stream), the live heartbeats (heartbeat bucket) and the
 * fence records (fence bucket). Every observer reads the same streams, so every observer sees
 * the same hosts lost. Reading opens no bucket: a bucket not created yet holds nothing.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { decode } from '../../events/codec.js';
import { FenceRecord, type StoredFence } from '../../events/fence.js';
import { Heartbeat } from '../../events/heartbeat.js';
import type { ClusterStateReader } from '../../events/clusterState.js';
import { isStreamNotFound } from './jetStream.js';
import { isKvValue, readLastPerSubject, type LastMessage } from './lastPerSubject.js';
import { NodeEvent } from '../../events/node.js';
import { EVENTS_STREAM, FENCE_BUCKET, HEARTBEAT_BUCKET, eventFilter } from '../../events/subjects.js';

export async function readNodeEvents(nc: NatsConnection): Promise<Map<string, NodeEvent['type']>> {
  const last = new Map<string, NodeEvent['type']>();
  for (const m of await readLastPerSubject(nc, EVENTS_STREAM, eventFilter('*', 'node'))) {
    try {
      const event = decode(NodeEvent, m.data);
      last.set(event.host, event.type);
    } catch {
      // not a node event we know: that host counts as having none (the node record itself reports it)
    }
  }
  return last;
}

/**
 * A bucket's last value of every key; none when the bucket does not exist yet. Any other
 * failure (a timeout while its stream elects a leader) is thrown: an unreadable heartbeat
 * bucket is not "every host lost", nor an unreadable fence bucket "nobody fenced".
 */
async function readBucket(nc: NatsConnection, bucket: string): Promise<LastMessage[]> {
  try {
    return (await readLastPerSubject(nc, `KV_${bucket}`, `$KV.${bucket}.>`)).filter(isKvValue);
  } catch (error) {
    if (isStreamNotFound(error)) return [];
    throw error;
  }
}

export async function readHeartbeats(nc: NatsConnection): Promise<Heartbeat[]> {
  const found: Heartbeat[] = [];
  for (const m of await readBucket(nc, HEARTBEAT_BUCKET)) {
    try {
      found.push(decode(Heartbeat, m.data));
    } catch {
      // an unreadable heartbeat counts as none
    }
  }
  return found;
}

/** Every host's last fence record with its revision. */
export async function readFences(nc: NatsConnection): Promise<StoredFence[]> {
  const found: StoredFence[] = [];
  for (const m of await readBucket(nc, FENCE_BUCKET)) {
    try {
      found.push({ record: decode(FenceRecord, m.data), revision: m.seq });
    } catch {
      // an unreadable record counts as none
    }
  }
  return found;
}

export class NatsClusterState implements ClusterStateReader {
  constructor(private readonly nc: NatsConnection) {}
  nodeEvents(): Promise<Map<string, NodeEvent['type']>> {
    return readNodeEvents(this.nc);
  }
  heartbeats(): Promise<Heartbeat[]> {
    return readHeartbeats(this.nc);
  }
  fences(): Promise<StoredFence[]> {
    return readFences(this.nc);
  }
}
