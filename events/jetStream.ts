/** The EventStore over NATS JetStream: per-entity optimistic concurrency and deduplication. */
import type { NatsConnection } from '@nats-io/transport-node';
import { headers } from '@nats-io/transport-node';
import {
  jetstream, jetstreamManager, DeliverPolicy, StorageType, JetStreamApiError,
  type JetStreamClient, type JsMsg, type Consumer, type OrderedConsumerOptions,
} from '@nats-io/jetstream';
import { AnyEvent } from './all.js';
import { decode, encode } from './codec.js';
import { ConcurrencyError } from './errors.js';
import type { Kind } from './envelope.js';
import type { EventStore, ReadFrom, StoredEvent } from './store.js';
import { EVENTS_STREAM, EVENTS_SUBJECTS, eventSubject } from './subjects.js';

const WRONG_LAST_SEQUENCE = 10071;
/** The type travels in a header as well, so readers can filter without decoding. */
export const TYPE_HEADER = 'Berth-Type';

/** Creates the events stream if it is missing, with `replicas` copies; adopts it if present. */
export async function ensureEventStream(nc: NatsConnection, replicas = 1): Promise<void> {
  const jsm = await jetstreamManager(nc);
  if (!(await streamExists(nc, EVENTS_STREAM))) {
    await jsm.streams.add({
      name: EVENTS_STREAM,
      subjects: [EVENTS_SUBJECTS],
      storage: StorageType.File,
      num_replicas: replicas,
      duplicate_window: 120 * 1e9,
    });
  }
}

const STREAM_NOT_FOUND = 10059;

/** Whether a stream exists; any other failure than "not found" (a timeout) is thrown. */
export async function streamExists(nc: NatsConnection, name: string): Promise<boolean> {
  try {
    await (await jetstreamManager(nc)).streams.info(name);
    return true;
  } catch (error) {
    if ((error instanceof JetStreamApiError && error.code === STREAM_NOT_FOUND) || /stream not found/i.test((error as Error).message)) return false;
    throw error;
  }
}

export class JetStreamEventStore implements EventStore {
  private readonly js: JetStreamClient;
  constructor(private readonly nc: NatsConnection) {
    this.js = jetstream(nc);
  }

  async append(events: AnyEvent[], expectedLastSeq: number): Promise<StoredEvent[]> {
    const stored: StoredEvent[] = [];
    let expected = expectedLastSeq;
    for (const event of events) {
      const h = headers();
      h.set(TYPE_HEADER, event.type);
      try {
        const ack = await this.js.publish(eventSubject(event.host, event.kind, event.entity), encode(AnyEvent, event), {
          msgID: event.id,
          headers: h,
          expect: { lastSubjectSequence: expected },
          // A timeout or no responders while a stream leader is elected is retried; the
          // msgID dedupes a retry whose first try was stored after all.
          retries: 5,
        });
        expected = ack.seq;
        stored.push({ seq: ack.seq, event });
      } catch (error) {
        if (error instanceof JetStreamApiError && error.code === WRONG_LAST_SEQUENCE) {
          throw new ConcurrencyError(`${event.kind} ${event.entity.slice(0, 12)} was changed by another writer; try again`, { cause: error });
        }
        throw error;
      }
    }
    return stored;
  }

  async *read(filter: string, from: ReadFrom = {}): AsyncIterable<StoredEvent> {
    const consumer = await this.consumer(filter, from);
    let pending = (await consumer.info(true)).num_pending;
    if (pending === 0) return;
    const messages = await consumer.consume();
    try {
      for await (const m of messages) {
        pending = m.info.pending;
        const stored = toStored(m);
        if (stored) yield stored;
        if (pending === 0) break;
      }
    } finally {
      messages.stop();
    }
  }

  async follow(
    filter: string,
    from: ReadFrom,
    onEvent: (stored: StoredEvent) => void,
    onInvalid: (error: Error) => void = () => {},
  ): Promise<{ stop(): Promise<void> }> {
    const consumer = await this.consumer(filter, from);
    const messages = await consumer.consume();
    const done = (async () => {
      for await (const m of messages) {
        try {
          onEvent({ seq: m.seq, event: decode(AnyEvent, m.data) });
        } catch (error) {
          onInvalid(error as Error);
        }
      }
    })();
    return {
      async stop() {
        messages.stop();
        await done;
      },
    };
  }

  async purge(host: string, kind: Kind, entity: string): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    await jsm.streams.purge(EVENTS_STREAM, { filter: eventSubject(host, kind, entity) });
  }

  private consumer(filter: string, from: ReadFrom): Promise<Consumer> {
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

function toStored(m: JsMsg): StoredEvent | null {
  try {
    return { seq: m.seq, event: decode(AnyEvent, m.data) };
  } catch {
    return null; // an invalid message is skipped, never fatal to a reader
  }
}

/** Subject-level helper for callers that want the last sequence of one entity. */
export { eventSubject };
