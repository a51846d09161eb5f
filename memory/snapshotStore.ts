/** The SnapshotStore (events/snapshots.ts) in memory: the twin of nats/store/kvSnapshots.ts. */
import type { Kind } from '../events/envelope.js';
import { decodeSnapshot, encodeSnapshot, snapshotName, type LoadedSnapshot, type RetiredLookup, type Snapshot, type SnapshotStore, type UnreadableSnapshot } from '../events/snapshots.js';

export class MemorySnapshotStore implements SnapshotStore {
  /** host → key (<kind>.<entity>) → the snapshot's bytes, through the codec as in the bucket. */
  private readonly snapshots = new Map<string, Map<string, Uint8Array>>();
  /** host → the keys whose snapshot is retired (left out of a load). */
  private readonly retiredKeys = new Map<string, Set<string>>();
  private readonly checkpoints = new Map<string, number>();

  async load(host: string): Promise<{ checkpoint: number; snapshots: LoadedSnapshot[] }> {
    const retired = this.retiredKeys.get(host);
    const snapshots = [...(this.snapshots.get(host)?.entries() ?? [])].filter(([key]) => !retired?.has(key)).map(([key, data]) => decoded(key, data));
    return { checkpoint: this.checkpoints.get(host) ?? 0, snapshots };
  }

  async save(host: string, snapshot: Snapshot, retired = false): Promise<void> {
    this.saveRaw(host, snapshot.kind, snapshot.entity, encodeSnapshot(snapshot), retired);
  }

  async retired(host: string, kind: Kind, entity: string): Promise<RetiredLookup> {
    const key = `${kind}.${entity}`;
    const data = this.snapshots.get(host)?.get(key);
    if (!data || !this.retiredKeys.get(host)?.has(key)) return null;
    try {
      return { snapshot: decoded(key, data) };
    } catch (error) {
      return { problem: (error as Error).message };
    }
  }

  async allRetired(host: string): Promise<{ snapshots: LoadedSnapshot[]; unreadable: UnreadableSnapshot[] }> {
    const snapshots: LoadedSnapshot[] = [];
    const unreadable: UnreadableSnapshot[] = [];
    for (const key of this.retiredKeys.get(host) ?? []) {
      const [kind, entity] = key.split('.') as [Kind, string];
      const found = await this.retired(host, kind, entity);
      if (found?.snapshot) snapshots.push(found.snapshot);
      else if (found) unreadable.push({ kind, entity, problem: found.problem });
    }
    return { snapshots, unreadable };
  }

  async forget(host: string, kind: Kind, entity: string): Promise<void> {
    this.snapshots.get(host)?.delete(`${kind}.${entity}`);
    this.retiredKeys.get(host)?.delete(`${kind}.${entity}`);
  }

  /** Stores any bytes as an entity's snapshot, as another (older or newer) berth would have. */
  saveRaw(host: string, kind: Kind, entity: string, data: Uint8Array, retired = false): void {
    const ofHost = this.snapshots.get(host) ?? new Map<string, Uint8Array>();
    ofHost.set(`${kind}.${entity}`, data);
    this.snapshots.set(host, ofHost);
    const keys = this.retiredKeys.get(host) ?? new Set<string>();
    if (retired) keys.add(`${kind}.${entity}`);
    else keys.delete(`${kind}.${entity}`);
    this.retiredKeys.set(host, keys);
  }

  async saveCheckpoint(host: string, seq: number): Promise<void> {
    this.checkpoints.set(host, seq);
  }
}

function decoded(key: string, data: Uint8Array): LoadedSnapshot {
  const [kind = '', entity = ''] = key.split('.');
  return decodeSnapshot(data, snapshotName(kind, entity));
}
