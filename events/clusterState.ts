/**
 * Reading the cluster's hosts from JetStream's replicated state: the last node event of every
 * host (events stream) and the live heartbeats (heartbeat bucket). Every observer reads the
 * same streams, so every observer sees the same hosts lost.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { decode } from './codec.js';
import { FenceRecord, type StoredFence } from './fence.js';
import { Heartbeat } from './heartbeat.js';
import { hostStatuses, type HostStatus } from './hostStatus.js';
import { isKvValue, readLastPerSubject } from './lastPerSubject.js';
import { NodeEvent } from './node.js';
import { EVENTS_STREAM, FENCE_BUCKET, HEARTBEAT_BUCKET, eventFilter } from './subjects.js';

export async function readNodeEvents(nc: NatsConnection): Promise<Map<string, NodeEvent['type']>> {
  const last = new Map<string, NodeEvent['type']>();
  for (const m of await readLastPerSubject(nc, EVENTS_STREAM, eventFilter('*', 'node'))) {
    try {
      const event = decode(NodeEvent, m.data);
      last.set(event.host, event.type);
    } catch {
      // not a node event we know: skipped, as every reader skips invalid messages
    }
  }
  return last;
}

export async function readHeartbeats(nc: NatsConnection): Promise<Heartbeat[]> {
  const found: Heartbeat[] = [];
  const exists = await readLastPerSubject(nc, `KV_${HEARTBEAT_BUCKET}`, `$KV.${HEARTBEAT_BUCKET}.>`).catch(() => null);
  for (const m of exists ?? []) {
    if (!isKvValue(m)) continue;
    try {
      found.push(decode(Heartbeat, m.data));
    } catch {
      // an unreadable heartbeat counts as none
    }
  }
  return found;
}

/**
 * Every host's last fence record with its revision. None when the bucket cannot be read (it
 * does not exist yet, or its leader is being elected after a node was cut off), as for the
 * heartbeats: host states then lack the fence, and every fence write still names the revision
 * its writer read, so a missed record can cause no second fencing.
 */
export async function readFences(nc: NatsConnection): Promise<StoredFence[]> {
  const found: StoredFence[] = [];
  const exists = await readLastPerSubject(nc, `KV_${FENCE_BUCKET}`, `$KV.${FENCE_BUCKET}.>`).catch(() => null);
  for (const m of exists ?? []) {
    if (!isKvValue(m)) continue;
    try {
      found.push({ record: decode(FenceRecord, m.data), revision: m.seq });
    } catch {
      // an unreadable record counts as none
    }
  }
  return found;
}

export async function readHostStatuses(nc: NatsConnection): Promise<HostStatus[]> {
  const [nodes, heartbeats, fences] = await Promise.all([readNodeEvents(nc), readHeartbeats(nc), readFences(nc)]);
  return hostStatuses(nodes, heartbeats, fences);
}
