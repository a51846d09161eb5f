/** The SnapshotStore (events/snapshots.ts) in memory: the twin of nats/store/kvSnapshots.ts. */
import type { Kind } from '../events/envelope.js';
import { decodeSnapshot, encodeSnapshot, snapshotName, type LoadedSnapshot, type Snapshot, type SnapshotStore } from '../events/snapshots.js';

export class MemorySnapshotStore implements SnapshotStore {
  /** host → key (<kind>.<entity>) → the snapshot's bytes, through the codec as in the bucket. */
  private readonly snapshots = new Map<string, Map<string, Uint8Array>>();
  private readonly checkpoints = new Map<string, number>();

  async load(host: string): Promise<{ checkpoint: number; snapshots: LoadedSnapshot[] }> {
    const snapshots = [...(this.snapshots.get(host)?.entries() ?? [])].map(([key, data]) => {
      const [kind = '', entity = ''] = key.split('.');
      return decodeSnapshot(data, snapshotName(kind, entity));
    });
    return { checkpoint: this.checkpoints.get(host) ?? 0, snapshots };
  }

  async save(host: string, snapshot: Snapshot): Promise<void> {
    this.saveRaw(host, snapshot.kind, snapshot.entity, encodeSnapshot(snapshot));
  }

  async forget(host: string, kind: Kind, entity: string): Promise<void> {
    this.snapshots.get(host)?.delete(`${kind}.${entity}`);
  }

  /** Stores any bytes as an entity's snapshot, as another (older or newer) berth would have. */
  saveRaw(host: string, kind: Kind, entity: string, data: Uint8Array): void {
    const ofHost = this.snapshots.get(host) ?? new Map<string, Uint8Array>();
    ofHost.set(`${kind}.${entity}`, data);
    this.snapshots.set(host, ofHost);
  }

  async saveCheckpoint(host: string, seq: number): Promise<void> {
    this.checkpoints.set(host, seq);
  }
}
