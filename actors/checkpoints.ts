/**
 * Writes snapshots and the host's checkpoint: for every entity that changed, after `every`
 * appended events or when the host has been idle for `idleMs`, and at a clean stop. A checkpoint
 * is taken only when no append is in flight, so every event at or below it is in a snapshot.
 * A removed entity keeps its snapshot as a tombstone until compaction deletes its history: a
 * retired one (KindRules.retiredStatus), which the store keeps out of a start's load.
 * The store decides how snapshots are laid out (nats/store/kvSnapshots.ts: in pages).
 */
import type { SnapshotStore } from '../events/snapshots.js';
import type { Entity } from './entity.js';
import type { Logger } from '../log/logger.js';

export interface CheckpointOptions {
  host: string;
  snapshots: SnapshotStore;
  /** Every entity of the host. */
  entities(): Iterable<Entity<unknown, unknown>>;
  every?: number;
  idleMs?: number;
  /** Where a failed write is logged. */
  log: Logger;
}

export class Checkpointer {
  private readonly dirty = new Set<Entity<unknown, unknown>>();
  private readonly written = new Map<Entity<unknown, unknown>, number>();
  private sinceCheckpoint = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private checkpoint = 0;
  /** When the last snapshot write ended (ms since the epoch); null before the first. */
  writtenAt: number | null = null;

  constructor(private readonly options: CheckpointOptions) {}

  /**
   * After replay: entities the log moved past their snapshot are written soon; the rest when
   * they change. One flush follows a start in any case: it stores what the store itself has
   * to (pages to move to after an upgrade, a page that did not read).
   */
  started(checkpoint: number): void {
    this.checkpoint = checkpoint;
    for (const entity of this.options.entities()) {
      // A retired entity in memory after a start was restored among the live snapshots (written
      // before retired ones had pages of their own) or rebuilt from events: saved again, as retired.
      if (entity.retired) this.dirty.add(entity);
      else this.written.set(entity, entity.snapshotSeq);
      if (entity.lastSeq !== entity.snapshotSeq) this.dirty.add(entity);
    }
    this.arm();
  }

  /** An entity appended events. */
  appended(entity: Entity<unknown, unknown>): void {
    this.dirty.add(entity);
    this.sinceCheckpoint++;
    if (this.sinceCheckpoint >= (this.options.every ?? 200)) this.flushLater();
    else this.arm();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flushLater(), this.options.idleMs ?? 2000);
    this.timer.unref();
  }

  /**
   * A flush nobody waits for: a failed write (a bucket without a leader for a while) is logged
   * and tried again later, never an unhandled rejection that ends the daemon.
   */
  private flushLater(): void {
    this.flush().catch((error: Error) => {
      this.options.log.warn('writing the snapshots failed; trying again', { error });
      this.arm();
    });
  }

  /** Writes the snapshots of changed entities, then the checkpoint. Safe to call at any time. */
  flush(): Promise<void> {
    this.running ??= this.write().finally(() => { this.running = null; });
    return this.running;
  }

  /** An entity compacted away (its snapshot forgotten in the store): no snapshot of it is written any more. */
  forget(entity: Entity<unknown, unknown>): void {
    this.dirty.delete(entity);
    this.written.delete(entity);
    this.arm();
  }

  /** An entity rebuilt from its events outside a start (its snapshot was unusable): written soon. */
  rewrite(entity: Entity<unknown, unknown>): void {
    this.dirty.add(entity);
    this.arm();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private async write(): Promise<void> {
    const entities = [...this.options.entities()];
    if (entities.some((e) => e.appending)) return this.arm(); // retried when idle
    this.sinceCheckpoint = 0;
    const { host, snapshots } = this.options;
    const changed = [...this.dirty];
    this.dirty.clear();
    let max = this.checkpoint;
    for (const entity of entities) max = Math.max(max, entity.lastSeq);
    for (const [index, entity] of changed.entries()) {
      if (this.written.get(entity) === entity.lastSeq) continue;
      const { value, context } = entity.snapshotData();
      try {
        await snapshots.save(host, { kind: entity.kind, entity: entity.id, seq: entity.lastSeq, value, context }, entity.retired);
      } catch (error) {
        // Not written: still to write at the next flush.
        for (const rest of changed.slice(index)) this.dirty.add(rest);
        throw error;
      }
      this.written.set(entity, entity.lastSeq);
    }
    // Always: it stores what save and forget left to store, and the checkpoint when it moved.
    await snapshots.saveCheckpoint(host, max);
    this.checkpoint = max;
    this.writtenAt = Date.now();
  }
}
