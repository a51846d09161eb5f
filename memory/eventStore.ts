/**
 * The EventStore (events/store.ts) in memory: the twin of nats/store/jetStream.ts for tests
 * without a server. It keeps what JetStream promises: one sequence over every subject, appends
 * checked against the subject's last sequence, dedupe by event id, reads by subject filter,
 * sequence or storage time that end at the current end, and messages kept as bytes through
 * the codec, so that an invalid one (publishRaw) reaches readers as it would from NATS.
 */
import type { AnyEvent } from '../events/all.js';
import { encodeEvent } from '../events/eventCodec.js';
import type { Kind } from '../events/envelope.js';
import { ConcurrencyError } from '../events/errors.js';
import { decodeFollowed, decodeStored, reportInvalid, throwInvalid, type EventStore, type InvalidEvent, type ReadFrom, type StoredEvent } from '../events/store.js';
import { eventSubject } from '../events/subjects.js';
import { subjectMatches } from './subjects.js';

interface Message {
  seq: number;
  subject: string;
  data: Uint8Array;
  /** When it was stored (ms since the epoch). */
  time: number;
}

interface Follower {
  filter: string;
  deliver(message: Message): void;
}

export class MemoryEventStore implements EventStore {
  private messages: Message[] = [];
  private lastSeq = 0;
  /** Event id → the sequence it was stored at: a resent append is stored once. */
  private readonly stored = new Map<string, number>();
  private readonly followers = new Set<Follower>();

  constructor(private readonly now: () => number = Date.now) {}

  async append(events: AnyEvent[], expectedLastSeq: number): Promise<StoredEvent[]> {
    const stored: StoredEvent[] = [];
    let expected = expectedLastSeq;
    for (const event of events) {
      const subject = eventSubject(event.host, event.kind, event.entity);
      const duplicate = this.stored.get(event.id);
      if (duplicate !== undefined) {
        expected = duplicate;
        stored.push({ seq: duplicate, event });
        continue;
      }
      if (this.lastOf(subject) !== expected) {
        throw new ConcurrencyError(`${event.kind} ${event.entity.slice(0, 12)} was changed by another writer; try again`);
      }
      const message = this.store(subject, encodeEvent(event));
      this.stored.set(event.id, message.seq);
      expected = message.seq;
      stored.push({ seq: message.seq, event });
    }
    return stored;
  }

  /** Stores any bytes on a subject, as a foreign or broken writer would; returns the sequence. */
  publishRaw(subject: string, data: Uint8Array): number {
    return this.store(subject, data).seq;
  }

  async *read(filter: string, from: ReadFrom = {}, onInvalid: (invalid: InvalidEvent) => void = throwInvalid): AsyncIterable<StoredEvent> {
    // One message at a time, by sequence: what is appended (or purged) while the read runs counts.
    for (let after = (from.fromSeq ?? 1) - 1; ;) {
      const message = this.next(after, filter, from);
      if (!message) return;
      after = message.seq;
      const stored = decodeStored(message.subject, message.seq, message.data, onInvalid);
      if (stored) yield stored;
    }
  }

  /** The first message after sequence `after` that a read selects. */
  private next(after: number, filter: string, from: ReadFrom): Message | undefined {
    let low = 0;
    let high = this.messages.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.messages[middle]!.seq <= after) low = middle + 1;
      else high = middle;
    }
    for (let index = low; index < this.messages.length; index++) {
      if (this.selects(this.messages[index]!, filter, from)) return this.messages[index];
    }
    return undefined;
  }

  async purge(host: string, kind: Kind, entity: string): Promise<void> {
    const subject = eventSubject(host, kind, entity);
    this.messages = this.messages.filter((m) => m.subject !== subject);
  }

  async follow(
    filter: string,
    from: ReadFrom,
    onEvent: (stored: StoredEvent) => void,
    onInvalid: (invalid: InvalidEvent) => void = reportInvalid,
  ): Promise<{ stop(): Promise<void> }> {
    const deliver = (message: Message) => {
      const stored = decodeFollowed(message.subject, message.seq, message.data, onInvalid);
      if (stored) onEvent(stored);
    };
    for (const message of this.messages) if (this.selects(message, filter, from)) deliver(message);
    const follower: Follower = { filter, deliver };
    this.followers.add(follower);
    return { stop: async () => { this.followers.delete(follower); } };
  }

  private store(subject: string, data: Uint8Array): Message {
    const message = { seq: ++this.lastSeq, subject, data, time: this.now() };
    this.messages.push(message);
    for (const follower of this.followers) if (subjectMatches(follower.filter, subject)) follower.deliver(message);
    return message;
  }

  private lastOf(subject: string): number {
    for (let index = this.messages.length - 1; index >= 0; index--) {
      if (this.messages[index]!.subject === subject) return this.messages[index]!.seq;
    }
    return 0;
  }

  private selects(message: Message, filter: string, from: ReadFrom): boolean {
    if (from.fromSeq !== undefined && message.seq < from.fromSeq) return false;
    if (from.since !== undefined && message.time < from.since) return false;
    return subjectMatches(filter, message.subject);
  }
}
