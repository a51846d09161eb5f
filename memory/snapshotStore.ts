/** The SnapshotStore (events/snapshots.ts) in memory: the twin of nats/store/kvSnapshots.ts. */
import { decode, encode } from '../events/codec.js';
import type { Kind } from '../events/envelope.js';
import { Snapshot, type SnapshotStore } from '../events/snapshots.js';

export class MemorySnapshotStore implements SnapshotStore {
  /** host → key (<kind>.<entity>) → the snapshot's bytes, through the codec as in the bucket. */
  private readonly snapshots = new Map<string, Map<string, Uint8Array>>();
  private readonly checkpoints = new Map<string, number>();

  async load(host: string): Promise<{ checkpoint: number; snapshots: Snapshot[] }> {
    const snapshots = [...(this.snapshots.get(host)?.values() ?? [])].map((data) => decode(Snapshot, data));
    return { checkpoint: this.checkpoints.get(host) ?? 0, snapshots };
  }

  async save(host: string, snapshot: Snapshot): Promise<void> {
    const ofHost = this.snapshots.get(host) ?? new Map<string, Uint8Array>();
    ofHost.set(`${snapshot.kind}.${snapshot.entity}`, encode(Snapshot, snapshot));
    this.snapshots.set(host, ofHost);
  }

  async forget(host: string, kind: Kind, entity: string): Promise<void> {
    this.snapshots.get(host)?.delete(`${kind}.${entity}`);
  }

  async saveCheckpoint(host: string, seq: number): Promise<void> {
    this.checkpoints.set(host, seq);
  }
}
