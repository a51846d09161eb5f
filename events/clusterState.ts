/**
 * The contract of what every observer reads to know the cluster's hosts: the last node event of
 * each host, the live heartbeats and the fence records. actors/hostStatus.ts turns them into
 * host states. nats/store/clusterState.ts reads them from JetStream's replicated streams
 * (without opening or creating a bucket), memory/clusterState.ts from the in-memory stores.
 */
import type { StoredFence } from './fence.js';
import type { Heartbeat } from './heartbeat.js';
import type { NodeEvent } from './node.js';

export interface ClusterStateReader {
  /** Each host's last node event type, by host. */
  nodeEvents(): Promise<Map<string, NodeEvent['type']>>;
  heartbeats(): Promise<Heartbeat[]>;
  fences(): Promise<StoredFence[]>;
}
