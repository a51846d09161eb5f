/**
 * The contract of the event log. nats/store/jetStream.ts implements it over NATS JetStream,
 * memory/eventStore.ts in memory; test/conformance/eventStore.ts holds both to it.
 */
import type { AnyEvent } from './all.js';
import type { Kind } from './envelope.js';
import { NewerSchemaError, ValidationError } from './errors.js';
import { decodeEvent } from './eventCodec.js';

/** An event as the log holds it, with its stream sequence. */
export interface StoredEvent {
  /** The stream sequence: a total order over every host's events. */
  seq: number;
  event: AnyEvent;
  /** The subject it was stored on (set by reads and follows): who could write there is the server's permissions' to say. */
  subject?: string;
}

/**
 * A message in the log that is not a valid event (it fails to decode or to validate). A reader
 * never skips one silently: it is handed to the caller, who decides what it stops.
 */
export interface InvalidEvent {
  subject: string;
  seq: number;
  /** What is wrong with it (the codec's ValidationError). */
  error: Error;
}

/** One line naming an invalid message's subject, sequence and problem. */
export function describeInvalid(invalid: InvalidEvent): string {
  return `the event at seq ${invalid.seq} on ${invalid.subject} is invalid (${invalid.error.message})`;
}

/**
 * A stored message as an event (upcast when older); an invalid one goes to `onInvalid` (which
 * may throw) and gives null. One written by a newer berth is no invalid event of this one: its
 * NewerSchemaError, naming it, is thrown to the reader, whom it stops (a start is refused).
 */
export function decodeStored(subject: string, seq: number, data: Uint8Array, onInvalid: (invalid: InvalidEvent) => void): StoredEvent | null {
  let event: AnyEvent;
  try {
    event = decodeEvent(data);
  } catch (error) {
    if (error instanceof NewerSchemaError) throw new NewerSchemaError(`the event at seq ${seq} on ${subject}`, error.found, error.readable);
    onInvalid({ subject, seq, error: error as Error });
    return null;
  }
  return { seq, event, subject };
}

/**
 * For a live follower, which nothing can stop half-way: a message from a newer berth is handed
 * to `onInvalid` like an invalid one (reported, or its entity marked broken), never misread.
 */
export function decodeFollowed(subject: string, seq: number, data: Uint8Array, onInvalid: (invalid: InvalidEvent) => void): StoredEvent | null {
  try {
    return decodeStored(subject, seq, data, onInvalid);
  } catch (error) {
    if (!(error instanceof NewerSchemaError)) throw error;
    onInvalid({ subject, seq, error: new NewerSchemaError('it', error.found, error.readable) });
    return null;
  }
}

/** A read whose caller takes no invalid message stops there, naming it. */
export function throwInvalid(invalid: InvalidEvent): never {
  throw new ValidationError(describeInvalid(invalid), { cause: invalid.error });
}

/** A follower whose caller takes no invalid message reports it and goes on. */
export function reportInvalid(invalid: InvalidEvent): void {
  console.error(`berth: skipped: ${describeInvalid(invalid)}`);
}

/** Where to start reading. */
export interface ReadFrom {
  /** Start at this stream sequence (inclusive). */
  fromSeq?: number;
  /** Start at the first event at or after this time (ms since the epoch). */
  since?: number;
}

/** How full the log is: its stored bytes and its limit. */
export interface LogUsage {
  bytes: number;
  maxBytes: number;
}

export interface EventStore {
  /**
   * Appends one entity's events in order. `expectedLastSeq` is the sequence of the entity's
   * last event as the caller saw it (0 when it has none); a mismatch throws ConcurrencyError
   * and writes nothing. Each event's id is its dedupe key, so a retried append is harmless.
   */
  append(events: AnyEvent[], expectedLastSeq: number): Promise<StoredEvent[]>;
  /**
   * Every event under `filter` that exists now, in stream order; ends at the current end. An
   * invalid message goes to `onInvalid` and the read goes on; without `onInvalid` the read
   * throws a ValidationError naming it.
   */
  read(filter: string, from?: ReadFrom, onInvalid?: (invalid: InvalidEvent) => void): AsyncIterable<StoredEvent>;
  /** Deletes one entity's whole history (compaction of removed entities after the retention period). */
  purge(host: string, kind: Kind, entity: string): Promise<void>;
  /** Every event under `filter` from `from` on, then live ones, until `stop()`; invalid messages go to onInvalid. */
  follow(filter: string, from: ReadFrom, onEvent: (stored: StoredEvent) => void, onInvalid?: (invalid: InvalidEvent) => void): Promise<{ stop(): Promise<void> }>;
  /** How full the log is; null (or no method) when it has no byte limit. */
  usage?(): Promise<LogUsage | null>;
  /**
   * About how many bytes this store has appended since it was made (each message's payload,
   * subject and headers): between two usage() readings, what this host added to the log.
   */
  appendedBytes?(): number;
}
