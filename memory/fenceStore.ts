/**
 * The FenceStore (events/fenceStore.ts) in memory: the twin of nats/store/kvFences.ts. Revisions
 * rise over every key, as a KV bucket's stream sequence does; a write at a stale revision loses.
 */
import { decode, encode } from '../events/codec.js';
import { FenceRecord, type StoredFence } from '../events/fence.js';
import type { FenceStore } from '../events/fenceStore.js';

export class MemoryFenceStore implements FenceStore {
  private readonly records = new Map<string, { data: Uint8Array; revision: number }>();
  private revision = 0;

  async read(host: string): Promise<StoredFence | null> {
    const entry = this.records.get(host);
    return entry ? { record: decode(FenceRecord, entry.data), revision: entry.revision } : null;
  }

  async write(record: FenceRecord, expected: number | null): Promise<number | null> {
    const data = encode(FenceRecord, record);
    if ((this.records.get(record.host)?.revision ?? null) !== expected) return null;
    this.records.set(record.host, { data, revision: ++this.revision });
    return this.revision;
  }

  async readAll(): Promise<StoredFence[]> {
    return [...this.records.values()]
      .sort((a, b) => a.revision - b.revision)
      .map(({ data, revision }) => ({ record: decode(FenceRecord, data), revision }));
  }
}
