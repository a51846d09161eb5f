/**
 * Applies logSpace.ts's rule before each append: reads how full the log is (at most once a
 * second, counting in between what this host appended since, and before every append once it
 * comes near the headroom), and when an append would be refused, first makes room by compacting the removed
 * containers' history at once (the retention period is for a log with room), then decides
 * again. A refusal is one LogFullError to the command; the daemon goes on, and the first
 * command after room came back (a removal, a raised limit, a purge) goes through.
 */
import { LogFullError } from '../events/errors.js';
import type { EventStore, LogUsage } from '../events/store.js';
import type { Logger } from '../log/logger.js';
import { HEADROOM_FRACTION, refusalForSpace } from './logSpace.js';

/** How long a reading of the log's usage stands, while the log is far from its headroom. */
const FRESH_MS = 1000;

export class LogAdmission {
  private usage: LogUsage | null = null;
  private readAt = 0;
  /** The store's appendedBytes() when usage was read. */
  private appendedAtRead = 0;

  constructor(
    private readonly store: EventStore,
    /** Compacts the removed containers' history now; resolves with how many it purged. */
    private readonly makeRoom: () => Promise<number>,
    private readonly log: Logger,
  ) {}

  /** Resolves when events of these types may be appended; throws LogFullError when not. */
  async admit(types: string[]): Promise<void> {
    if (refusalForSpace(await this.current(false), types) === null) return;
    const purged = await this.makeRoom().catch((error: Error) => {
      this.log.warn('the event log is nearly full and compacting it failed', { error });
      return 0;
    });
    const refusal = refusalForSpace(await this.current(true), types);
    if (purged > 0) this.log.info('the event log was nearly full: compacted the history of removed containers', { purged, usage: this.usage });
    if (refusal !== null) throw new LogFullError(refusal);
  }

  private async current(fresh: boolean): Promise<LogUsage | null> {
    // Between readings, what this host appended since counts as used: a cached reading plus
    // those bytes can only be near or over the limit earlier than the server's own figure.
    const estimate = this.usage && { ...this.usage, bytes: this.usage.bytes + this.appendedSinceRead() };
    // Near the headroom every append reads it again: a second of appends must not overshoot it.
    const near = estimate !== null && estimate.bytes >= estimate.maxBytes * (1 - 2 * HEADROOM_FRACTION);
    if (!fresh && !near && Date.now() - this.readAt < FRESH_MS) return estimate;
    const appendedAtRead = this.store.appendedBytes?.() ?? 0;
    try {
      this.usage = (await this.store.usage?.()) ?? null;
      this.appendedAtRead = appendedAtRead;
    } catch (error) {
      // Not knowing is no reason to refuse: the stream itself still refuses at its limit.
      this.log.debug('reading the event log\'s usage failed', { error });
    }
    this.readAt = Date.now();
    return this.usage;
  }

  private appendedSinceRead(): number {
    return (this.store.appendedBytes?.() ?? 0) - this.appendedAtRead;
  }
}
