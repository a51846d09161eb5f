/**
 * Reading the cluster's hosts from JetStream's replicated state: the last node event of every
 * host (events stream) and the live heartbeats (heartbeat bucket). Every observer reads the
 * same streams, so every observer sees the same hosts lost.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { decode } from './codec.js';
import { Heartbeat } from './heartbeat.js';
import { hostStatuses, type HostStatus } from './hostStatus.js';
import { isKvValue, readLastPerSubject } from './lastPerSubject.js';
import { NodeEvent } from './node.js';
import { EVENTS_STREAM, HEARTBEAT_BUCKET, eventFilter } from './subjects.js';

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

export async function readHostStatuses(nc: NatsConnection): Promise<HostStatus[]> {
  const [nodes, heartbeats] = await Promise.all([readNodeEvents(nc), readHeartbeats(nc)]);
  return hostStatuses(nodes, heartbeats);
}
