/** An EventStore that times every append and counts the events it wrote (the metrics' view of the log). */
import type { AnyEvent } from '../../events/all.js';
import type { EventStore, LogUsage, StoredEvent } from '../../events/store.js';

export interface AppendObserver {
  /** One append of `events` events that took `seconds`; `failed` when it threw. */
  appended(events: number, seconds: number, failed: boolean): void;
}

export class MeasuredEventStore implements EventStore {
  constructor(private readonly inner: EventStore, private readonly observer: AppendObserver) {}

  async append(events: AnyEvent[], expectedLastSeq: number): Promise<StoredEvent[]> {
    const started = performance.now();
    try {
      const stored = await this.inner.append(events, expectedLastSeq);
      this.observer.appended(stored.length, (performance.now() - started) / 1000, false);
      return stored;
    } catch (error) {
      this.observer.appended(0, (performance.now() - started) / 1000, true);
      throw error;
    }
  }

  read(...args: Parameters<EventStore['read']>): ReturnType<EventStore['read']> {
    return this.inner.read(...args);
  }

  purge(...args: Parameters<EventStore['purge']>): ReturnType<EventStore['purge']> {
    return this.inner.purge(...args);
  }

  follow(...args: Parameters<EventStore['follow']>): ReturnType<EventStore['follow']> {
    return this.inner.follow(...args);
  }

  async usage(): Promise<LogUsage | null> {
    return (await this.inner.usage?.()) ?? null;
  }

  appendedBytes(): number {
    return this.inner.appendedBytes?.() ?? 0;
  }
}
