/** The EventStore over NATS JetStream: per-entity optimistic concurrency and deduplication. */
import type { NatsConnection } from '@nats-io/transport-node';
import { headers } from '@nats-io/transport-node';
import {
  jetstream, jetstreamManager, DeliverPolicy, DiscardPolicy, StorageType, JetStreamApiError,
  type JetStreamClient, type JetStreamManager, type JsMsg, type MsgRequest, type Consumer, type OrderedConsumerOptions, type StoredMsg, type PubAck,
} from '@nats-io/jetstream';
import type { AnyEvent } from '../../events/all.js';
import { encodeEvent } from '../../events/eventCodec.js';
import { ConcurrencyError, LogFullError } from '../../events/errors.js';
import { isUnsettled, whileUnsettled } from '../server/unsettled.js';
import type { Kind } from '../../events/envelope.js';
import { decodeFollowed, decodeStored, reportInvalid, throwInvalid, type EventStore, type InvalidEvent, type LogUsage, type ReadFrom, type StoredEvent } from '../../events/store.js';
import { EVENTS_STREAM, EVENTS_SUBJECTS, eventSubject } from '../../events/subjects.js';
import type { Logger } from '../../log/logger.js';
import { processLogger } from '../../log/settings.js';

const WRONG_LAST_SEQUENCE = 10071;
/** How long an append keeps trying while the events stream cannot store (publishPatiently). */
const APPEND_PATIENCE_MS = 60_000;

/**
 * How bounded reads pull: short pull expiry and heartbeats, so that a pull the server never
 * answers (a consumer lost while a server recovers) is noticed and the ordered consumer
 * recreated within seconds, not after the library's default 30 s.
 */
const BOUNDED_PULL = { max_messages: 512, expires: 5000, idle_heartbeat: 1000 } as const;
/** A bounded read whose consumer has been quiet this long checks where the log really ends. */
const QUIET_MS = 3000;
/** The type travels in a header as well, so readers can filter without decoding. */
export const TYPE_HEADER = 'Berth-Type';
/** A stored message's bytes beyond its payload and subject (headers: the msg id, the type, the expected sequence; the store's record): on the high side. */
const MESSAGE_OVERHEAD_BYTES = 256;

/** The events stream's byte limit unless the daemon is told another (events-max-bytes). */
export const DEFAULT_EVENTS_MAX_BYTES = 2 ** 30;

/**
 * Creates the events stream if it is missing, with `replicas` copies; adopts it if present.
 * Its limit is `maxBytes` with discard=new: a full stream refuses the next append and never
 * deletes an old event to make room (discard=old would drop the oldest lifecycle events
 * silently). A present stream takes the limit too, but never one below what it already holds
 * (an update could then drop its oldest messages); credentials that may not change it (a
 * cluster host's: the operator's setup sets it) leave it as it is. Returns the copies the
 * stream keeps (a present stream's own count, whatever `replicas` asked).
 */
export async function ensureEventStream(nc: NatsConnection, replicas = 1, maxBytes = DEFAULT_EVENTS_MAX_BYTES): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const limits = { max_bytes: maxBytes, discard: DiscardPolicy.New };
  if (!(await streamExists(nc, EVENTS_STREAM))) {
    await jsm.streams.add({
      name: EVENTS_STREAM,
      subjects: [EVENTS_SUBJECTS],
      storage: StorageType.File,
      num_replicas: replicas,
      duplicate_window: 120 * 1e9,
      ...limits,
    });
    return replicas;
  }
  const { config, state } = await jsm.streams.info(EVENTS_STREAM);
  const max_bytes = Math.max(maxBytes, Math.ceil(state.bytes * 1.25));
  if (config.max_bytes === max_bytes && config.discard === DiscardPolicy.New) return config.num_replicas;
  await jsm.streams.update(EVENTS_STREAM, { ...config, ...limits, max_bytes }).catch((error: Error) => {
    if (!/permission/i.test(error.message)) throw error;
  });
  return config.num_replicas;
}

/** Whether an append was refused for want of room: the stream's byte limit, or the server's storage. */
export function isLogFull(error: unknown): boolean {
  return /maximum (bytes|messages) exceeded|insufficient (storage )?resources/i.test((error as Error)?.message ?? '');
}

/** A bounded read's messages: until the consumer says none are pending, or it goes quiet. */
export async function* boundedMessages(consumer: Consumer): AsyncIterable<JsMsg> {
  if ((await consumer.info(true)).num_pending === 0) return;
  const messages = await consumer.consume(BOUNDED_PULL);
  let quiet = setTimeout(() => messages.stop(), QUIET_MS);
  try {
    for await (const m of messages) {
      clearTimeout(quiet);
      yield m;
      if (m.info.pending === 0) break;
      quiet = setTimeout(() => messages.stop(), QUIET_MS);
    }
  } finally {
    clearTimeout(quiet);
    messages.stop();
  }
}

const STREAM_NOT_FOUND = 10059;

/** Whether a write with an expected last sequence (an append, a KV create or update) lost to another writer. */
export function isWrongLastSequence(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === WRONG_LAST_SEQUENCE;
}

/** Whether a JetStream API call failed because its stream does not exist. */
export function isStreamNotFound(error: unknown): boolean {
  return (error instanceof JetStreamApiError && error.code === STREAM_NOT_FOUND) || /stream not found/i.test((error as Error)?.message ?? '');
}

/** Whether a stream exists; any other failure than "not found" (a timeout) is thrown. */
export async function streamExists(nc: NatsConnection, name: string): Promise<boolean> {
  try {
    await (await jetstreamManager(nc)).streams.info(name);
    return true;
  } catch (error) {
    if (isStreamNotFound(error)) return false;
    throw error;
  }
}

/** A stored message, undecoded. */
export interface RawMessage {
  subject: string;
  seq: number;
  data: Uint8Array;
}

export class JetStreamEventStore implements EventStore {
  private readonly js: JetStreamClient;
  private jsm: Promise<JetStreamManager> | null = null;
  /** A read's end check lists the subjects under its filter when it read at most this many messages, and uses the list when it is no longer (endsAt). */
  protected readonly fewSubjects: number = 64;
  /** What appendedBytes() says. */
  private appended = 0;
  constructor(private readonly nc: NatsConnection, private readonly log: Logger = processLogger()) {
    this.js = jetstream(nc);
  }

  async append(events: AnyEvent[], expectedLastSeq: number): Promise<StoredEvent[]> {
    const stored: StoredEvent[] = [];
    let expected = expectedLastSeq;
    for (const event of events) {
      const h = headers();
      h.set(TYPE_HEADER, event.type);
      try {
        const subject = eventSubject(event.host, event.kind, event.entity);
        const payload = encodeEvent(event);
        const ack = await this.publishPatiently(event.type, subject, payload, {
          msgID: event.id,
          headers: h,
          expect: { lastSubjectSequence: expected },
          retries: 5,
        });
        expected = ack.seq;
        stored.push({ seq: ack.seq, event });
        this.appended += payload.length + subject.length + MESSAGE_OVERHEAD_BYTES;
      } catch (error) {
        if (isWrongLastSequence(error)) {
          throw new ConcurrencyError(`${event.kind} ${event.entity.slice(0, 12)} was changed by another writer; try again`, { cause: error });
        }
        if (isLogFull(error)) {
          throw new LogFullError(`the event log is full (stream ${EVENTS_STREAM}: ${(error as Error).message}); nothing was recorded for ${event.type}: remove containers or images, or raise events-max-bytes`, { cause: error });
        }
        throw error;
      }
    }
    return stored;
  }

  /**
   * Publishes until the stream stores the event, for up to APPEND_PATIENCE_MS: while a stream
   * leader is elected after a NATS node is lost, a publish times out or finds no responders
   * for some seconds, longer than the client's own five quick tries. Giving up then would
   * lose an event whose effect has happened (a container removed, its `destroyed` never
   * stored) and that core subscribers may already have seen. The msgID dedupes a try whose
   * predecessor was stored after all.
   */
  private publishPatiently(type: string, ...args: Parameters<JetStreamClient['publish']>): Promise<PubAck> {
    return whileUnsettled(() => this.js.publish(...args), APPEND_PATIENCE_MS, (error) => {
      this.log.debug('appending: the stream cannot store yet; trying again', { type, error });
    });
  }

  /**
   * Everything under `filter` from `from` up to the end of the log. NATS 2.9's pending counts
   * (where an ordered consumer says it has delivered the last message) are a hint only: when
   * they say "done", or when the consumer goes quiet, the server is asked directly for the next
   * message under the filter, and reading goes on from there if there is one. A wrong count can
   * therefore neither end a read early (a lost event) nor keep it waiting for ever.
   *
   * When no consumer can be made (after a NATS node is lost, making one times out for tens of
   * seconds while the stream's new leader already answers gets), the rest is read message by
   * message from the stream leader: slower, one request an event, but it answers.
   */
  read(filter: string, from: ReadFrom = {}, onInvalid: (invalid: InvalidEvent) => void = throwInvalid): AsyncIterable<StoredEvent> {
    return this.messages(filter, from, (subject, seq, data) => decodeStored(subject, seq, data, onInvalid));
  }

  /**
   * Every message under `filter` as it is stored, undecoded, as read() reads them: for what
   * looks at the stored form itself (the schema census of `berth system migrate`).
   */
  readMessages(filter: string, from: ReadFrom = {}): AsyncIterable<RawMessage> {
    return this.messages(filter, from, (subject, seq, data) => ({ subject, seq, data }));
  }

  /** read() and readMessages(): every message under `filter` from `from` to the end, through `take` (null: none). */
  private async *messages<T>(filter: string, from: ReadFrom, take: (subject: string, seq: number, data: Uint8Array) => T | null): AsyncIterable<T> {
    let last = from.fromSeq ? from.fromSeq - 1 : 0;
    let start = from;
    for (;;) {
      let delivered = 0;
      try {
        for await (const m of boundedMessages(await this.consumer(filter, start))) {
          last = m.seq;
          delivered++;
          const taken = take(m.subject, m.seq, m.data);
          if (taken !== null) yield taken;
        }
      } catch (error) {
        if (!isUnsettled(error)) throw error;
        this.log.debug('reading: no consumer; reading message by message', { filter, error });
        const first = last > 0 ? last + 1 : start.fromSeq ?? await this.firstSeqSince(filter, start.since ?? 0);
        yield* this.readByGets(filter, first, take);
        return;
      }
      // A read by time that found nothing has no sequence to check from.
      if (last === 0 && start.since !== undefined) return;
      if (await this.endsAt(filter, last, delivered)) return;
      const next = await this.nextMessage(filter, last + 1);
      if (!next) return;
      this.log.debug('reading: the server\'s count ended early; reading on', { filter, last, next: next.seq });
      start = { fromSeq: next.seq };
    }
  }

  /**
   * Whether nothing under `filter` is stored after `last`, as far as the server's per-subject
   * index says, when a read's consumer said "done" (see read()). Asking for the next message
   * after `last` (STREAM.MSG.GET next_by_subj) makes the server scan every message from there to
   * the end: 180-290 ms past 200,000 events, which a read whose subjects' last messages lie far
   * back paid at every daemon start (the cluster networks, the host's node record). The index
   * answers for:
   *  - a read that reached the stream's last sequence (a replay's tail);
   *  - one subject: its last message (last_by_subj);
   *  - a wildcard under which this read found few messages: the subjects the stream lists under
   *    it (stream info with subjects_filter), when they are few too, and their last messages.
   * False means "perhaps": the caller asks for the next message itself.
   */
  private async endsAt(filter: string, last: number, delivered: number): Promise<boolean> {
    const jsm = await this.manager();
    let subjects = [filter];
    if (isWildcard(filter)) {
      if ((await jsm.streams.info(EVENTS_STREAM)).state.last_seq <= last) return true;
      if (delivered > this.fewSubjects) return false;
      subjects = Object.keys((await jsm.streams.info(EVENTS_STREAM, { subjects_filter: filter })).state.subjects ?? {});
      if (subjects.length > this.fewSubjects) return false;
    }
    const lasts = await Promise.all(subjects.map((subject) => jsm.streams.getMessage(EVENTS_STREAM, { last_by_subj: subject })));
    return lasts.every((m) => m === null || m.seq <= last);
  }

  /** Everything under `filter` from sequence `first` to the end, one STREAM.MSG.GET each. */
  private async *readByGets<T>(filter: string, first: number, take: (subject: string, seq: number, data: Uint8Array) => T | null): AsyncIterable<T> {
    for (let seq = first; ;) {
      const m = await this.nextMessage(filter, seq);
      if (!m) return;
      seq = m.seq + 1;
      const taken = take(m.subject, m.seq, m.data);
      if (taken !== null) yield taken;
    }
  }

  /**
   * The first sequence from which a read under `filter` meets only messages stored at or after
   * `since` (ms): a binary search over the stream with gets, for reads by time without a
   * consumer (JetStream's storage times rise with the sequence).
   */
  private async firstSeqSince(filter: string, since: number): Promise<number> {
    if (since <= 0) return 1;
    const { state } = await (await this.manager()).streams.info(EVENTS_STREAM);
    let low = state.first_seq;
    let high = state.last_seq + 1;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      const m = await this.nextMessage(filter, middle);
      if (!m || m.time.getTime() >= since) high = middle;
      else low = m.seq + 1; // every sequence up to m.seq finds this same, older message first
    }
    return low;
  }

  /** The first message under `filter` at or after `seq`, from the stream leader; null when none. */
  protected async nextMessage(filter: string, seq: number): Promise<StoredMsg | null> {
    // STREAM.MSG.GET takes next_by_subj (with wildcards) since server 2.9; the client types
    // offer it only for direct gets, which need allow_direct on the stream.
    const query = { next_by_subj: filter, seq } as unknown as MsgRequest;
    return (await this.manager()).streams.getMessage(EVENTS_STREAM, query);
  }

  async follow(
    filter: string,
    from: ReadFrom,
    onEvent: (stored: StoredEvent) => void,
    onInvalid: (invalid: InvalidEvent) => void = reportInvalid,
  ): Promise<{ stop(): Promise<void> }> {
    const consumer = await this.consumer(filter, from);
    const messages = await consumer.consume();
    const done = (async () => {
      for await (const m of messages) {
        const stored = decodeFollowed(m.subject, m.seq, m.data, onInvalid);
        if (stored) onEvent(stored);
      }
    })();
    return {
      async stop() {
        messages.stop();
        await done;
      },
    };
  }

  appendedBytes(): number {
    return this.appended;
  }

  async usage(): Promise<LogUsage | null> {
    const { config, state } = await (await this.manager()).streams.info(EVENTS_STREAM);
    return config.max_bytes > 0 ? { bytes: state.bytes, maxBytes: config.max_bytes } : null;
  }

  private manager(): Promise<JetStreamManager> {
    this.jsm ??= jetstreamManager(this.nc);
    return this.jsm;
  }

  async purge(host: string, kind: Kind, entity: string): Promise<void> {
    const jsm = await this.manager();
    await jsm.streams.purge(EVENTS_STREAM, { filter: eventSubject(host, kind, entity) });
  }

  /** The ordered consumer a read or a follower pulls from (a test replaces it to fail). */
  protected consumer(filter: string, from: ReadFrom): Promise<Consumer> {
    const options: Partial<OrderedConsumerOptions> = { filter_subjects: filter };
    if (from.fromSeq) {
      options.deliver_policy = DeliverPolicy.StartSequence;
      options.opt_start_seq = from.fromSeq;
    } else if (from.since !== undefined) {
      options.deliver_policy = DeliverPolicy.StartTime;
      options.opt_start_time = new Date(from.since).toISOString();
    } else {
      options.deliver_policy = DeliverPolicy.All;
    }
    return this.js.consumers.get(EVENTS_STREAM, options);
  }
}

/** Whether a subject filter has a wildcard token. */
function isWildcard(filter: string): boolean {
  return filter.split('.').some((token) => token === '*' || token === '>');
}

/** Subject-level helper for callers that want the last sequence of one entity. */
export { eventSubject };
