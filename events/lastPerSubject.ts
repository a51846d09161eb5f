/**
 * The last message of every subject under a filter in a stream: read through one ordered
 * consumer, then checked against the stream's own list of its subjects (NATS 2.9's pending
 * count, which ends the consumer's read, is a hint only), and any subject the consumer missed
 * is fetched by itself.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, DeliverPolicy } from '@nats-io/jetstream';
import { boundedMessages } from './jetStream.js';

export interface LastMessage {
  subject: string;
  data: Uint8Array;
  /** A KV bucket's operation header (DEL, PURGE), when there is one. */
  operation: string | undefined;
  /** Its stream sequence (a KV entry's revision). */
  seq: number;
}

export async function readLastPerSubject(nc: NatsConnection, stream: string, filter: string): Promise<LastMessage[]> {
  const consumer = await jetstream(nc).consumers.get(stream, { filter_subjects: filter, deliver_policy: DeliverPolicy.LastPerSubject });
  const found = new Map<string, LastMessage>();
  for await (const m of boundedMessages(consumer)) {
    found.set(m.subject, { subject: m.subject, data: m.data, operation: m.headers?.get('KV-Operation') || undefined, seq: m.seq });
  }
  const jsm = await jetstreamManager(nc);
  const subjects = Object.keys((await jsm.streams.info(stream, { subjects_filter: filter })).state.subjects ?? {});
  const missed = subjects.filter((subject) => !found.has(subject));
  if (missed.length && process.env.BERTH_DEBUG) console.error(`berth: ${stream} ${filter}: the consumer missed ${missed.length} of ${subjects.length} subjects; fetched one by one`);
  for (const subject of missed) {
    const m = await jsm.streams.getMessage(stream, { last_by_subj: subject });
    if (m) found.set(subject, { subject, data: m.data, operation: m.header?.get('KV-Operation') || undefined, seq: m.seq });
  }
  return [...found.values()];
}

/** Whether a KV message is a value (not a delete or purge marker). */
export function isKvValue(m: LastMessage): boolean {
  return m.data.length > 0 && m.operation !== 'DEL' && m.operation !== 'PURGE';
}
