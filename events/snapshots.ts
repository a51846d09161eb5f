/**
 * The contract of the snapshot store: the latest state of each entity with the sequence it
 * reflects, plus a per-host checkpoint. Every event of the host at or below the checkpoint is
 * reflected in some snapshot (or belongs to an entity that is gone), so start-up loads the
 * snapshots and replays only what follows the checkpoint. kvSnapshots.ts implements it.
 */
import { z } from 'zod';
import { Kind } from './envelope.js';

/** One entity's state: the machine's state value and context, as of event `seq`. */
export const Snapshot = z.object({
  kind: Kind,
  entity: z.string(),
  seq: z.number().int().positive(),
  value: z.string(),
  context: z.record(z.string(), z.unknown()),
});
export type Snapshot = z.infer<typeof Snapshot>;

/** A snapshot key whose value does not decode: replay rebuilds that entity from all its events. */
export interface UnreadableSnapshot {
  kind: Kind;
  entity: string;
  problem: string;
}

export interface SnapshotStore {
  /**
   * The host's checkpoint (0 when none) and every snapshot it has; `unreadable`, the entities
   * whose snapshot does not decode (never dropped without a word: their events before the
   * checkpoint are in no usable snapshot).
   */
  load(host: string): Promise<{ checkpoint: number; snapshots: Snapshot[]; unreadable?: UnreadableSnapshot[] }>;
  save(host: string, snapshot: Snapshot): Promise<void>;
  /** Forgets an entity (one that is removed). */
  forget(host: string, kind: Kind, entity: string): Promise<void>;
  saveCheckpoint(host: string, seq: number): Promise<void>;
}
