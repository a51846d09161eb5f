/**
 * The ClusterStateReader (events/clusterState.ts) over any event, heartbeat and fence stores:
 * with the in-memory twins it is the twin of nats/store/clusterState.ts.
 */
import type { ClusterStateReader } from '../events/clusterState.js';
import type { StoredFence } from '../events/fence.js';
import type { FenceStore } from '../events/fenceStore.js';
import type { Heartbeat } from '../events/heartbeat.js';
import type { HeartbeatStore } from '../events/heartbeatStore.js';
import type { NodeEvent } from '../events/node.js';
import { reportInvalid, type EventStore } from '../events/store.js';
import { eventFilter } from '../events/subjects.js';

export class StoresClusterState implements ClusterStateReader {
  constructor(private readonly events: EventStore, private readonly beats: HeartbeatStore, private readonly fenceStore: FenceStore) {}

  async nodeEvents(): Promise<Map<string, NodeEvent['type']>> {
    const last = new Map<string, NodeEvent['type']>();
    for await (const { event } of this.events.read(eventFilter('*', 'node'), {}, reportInvalid)) {
      if (event.kind === 'node') last.set(event.host, event.type as NodeEvent['type']);
    }
    return last;
  }

  heartbeats(): Promise<Heartbeat[]> {
    return this.beats.readAll();
  }

  fences(): Promise<StoredFence[]> {
    return this.fenceStore.readAll();
  }
}
