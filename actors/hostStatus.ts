/**
 * The state of every host of a cluster, pure: a host exists once it has a node event; it is
 * `lost` when the heartbeat bucket holds no heartbeat of it (JetStream expired it: the lost rule
 * of docs/ARCHITECTURE.md), `fenced` when it beats again but has not yet acknowledged its
 * fencing (it is stopping its rescheduled duplicates), `draining` when its last node event is a
 * drain, `ready` otherwise.
 */
import type { ClusterStateReader } from '../events/clusterState.js';
import type { StoredFence } from '../events/fence.js';
import type { Heartbeat } from '../events/heartbeat.js';
import { availabilityAfter, type Availability, type NodeEvent } from '../events/node.js';

export type HostState = 'ready' | 'lost' | 'fenced' | 'draining';

export interface HostStatus {
  host: string;
  state: HostState;
  availability: Availability;
  /** The live heartbeat; absent for a lost host. */
  heartbeat?: Heartbeat;
  /** Its last fencing, acknowledged or not; absent when it was never fenced. */
  fence?: StoredFence;
}

export function hostStatuses(lastNodeEvents: Map<string, NodeEvent['type']>, heartbeats: Heartbeat[], fences: StoredFence[] = []): HostStatus[] {
  const live = new Map(heartbeats.map((h) => [h.host, h]));
  const fenced = new Map(fences.map((f) => [f.record.host, f]));
  const names = new Set([...lastNodeEvents.keys(), ...live.keys()]);
  return [...names].sort().map((host) => {
    const availability = availabilityAfter(lastNodeEvents.get(host));
    const heartbeat = live.get(host);
    const fence = fenced.get(host);
    const state: HostState = !heartbeat ? 'lost' : fence?.record.state === 'fenced' ? 'fenced' : availability === 'drain' ? 'draining' : 'ready';
    return { host, state, availability, heartbeat, ...(fence ? { fence } : {}) };
  });
}

/** Every host's state as the cluster's replicated state says now. */
export async function readHostStatuses(cluster: ClusterStateReader): Promise<HostStatus[]> {
  const [nodes, heartbeats, fences] = await Promise.all([cluster.nodeEvents(), cluster.heartbeats(), cluster.fences()]);
  return hostStatuses(nodes, heartbeats, fences);
}
