/** The contract of the event log. jetStream.ts implements it over NATS JetStream. */
import type { AnyEvent } from './all.js';
import type { Kind } from './envelope.js';

/** An event as the log holds it, with its stream sequence. */
export interface StoredEvent {
  /** The stream sequence: a total order over every host's events. */
  seq: number;
  event: AnyEvent;
}

/** Where to start reading. */
export interface ReadFrom {
  /** Start at this stream sequence (inclusive). */
  fromSeq?: number;
  /** Start at the first event at or after this time (ms since the epoch). */
  since?: number;
}

export interface EventStore {
  /**
   * Appends one entity's events in order. `expectedLastSeq` is the sequence of the entity's
   * last event as the caller saw it (0 when it has none); a mismatch throws ConcurrencyError
   * and writes nothing. Each event's id is its dedupe key, so a retried append is harmless.
   */
  append(events: AnyEvent[], expectedLastSeq: number): Promise<StoredEvent[]>;
  /** Every event under `filter` that exists now, in stream order; ends at the current end. */
  read(filter: string, from?: ReadFrom): AsyncIterable<StoredEvent>;
  /** Deletes one entity's whole history (compaction of removed entities after the retention period). */
  purge(host: string, kind: Kind, entity: string): Promise<void>;
  /** Every event under `filter` from `from` on, then live ones, until `stop()`; invalid messages go to onInvalid. */
  follow(filter: string, from: ReadFrom, onEvent: (stored: StoredEvent) => void, onInvalid?: (error: Error) => void): Promise<{ stop(): Promise<void> }>;
}
