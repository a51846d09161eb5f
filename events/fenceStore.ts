/**
 * The contract of the fence records (events/fence.ts): one record per host, written only with
 * optimistic concurrency, so that of several daemons that saw the same lost host exactly one
 * stores its fence. nats/store/kvFences.ts implements it over a KV bucket, memory/fenceStore.ts
 * in memory.
 */
import type { FenceRecord, StoredFence } from './fence.js';

export interface FenceStore {
  /** A host's current record, with its revision; null when it was never fenced. */
  read(host: string): Promise<StoredFence | null>;
  /**
   * Stores `record` under its host if the host's key is still at revision `expected` (null: the
   * key must not exist). Returns the new revision, or null when another writer got there first.
   */
  write(record: FenceRecord, expected: number | null): Promise<number | null>;
  /** Every host's last record with its revision; an unreadable record counts as none. */
  readAll(): Promise<StoredFence[]>;
}
