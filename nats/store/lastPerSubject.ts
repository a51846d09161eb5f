/**
 * The last message of every subject under a filter in a stream. The stream's leader lists the
 * subjects under the filter; a few are fetched one by one from it, with no consumer at all;
 * many are read through one ordered consumer, and any subject the consumer missed (NATS 2.9's
 * pending count, which ends its read, is a hint only) is fetched by itself.
 *
 * The one-by-one path is the one the cluster's frequent reads take (hosts, heartbeats, fence
 * records: a message a host). Creating a consumer needs JetStream's meta leader and a peer to
 * place it on; after a node is cut off, that timed out round after round for minutes, while
 * the stream's new leader answered gets within seconds.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, DeliverPolicy } from '@nats-io/jetstream';
import { boundedMessages } from './jetStream.js';
import { processLogger } from '../../log/settings.js';

export interface LastMessage {
  subject: string;
  data: Uint8Array;
  /** A KV bucket's operation header (DEL, PURGE), when there is one. */
  operation: string | undefined;
  /** Its stream sequence (a KV entry's revision). */
  seq: number;
}

/** Up to this many subjects are fetched one by one; more are read through a consumer. */
const ONE_BY_ONE = 64;

export async function readLastPerSubject(nc: NatsConnection, stream: string, filter: string): Promise<LastMessage[]> {
  const found = new Map<string, LastMessage>();
  await forLastPerSubject(nc, stream, filter, (m) => found.set(m.subject, m));
  // In stream order, as a consumer delivers them.
  return [...found.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * As readLastPerSubject, handing each message to `each` as it arrives, in no set order: a
 * reader can decode while the rest are on their way (a daemon's snapshot load). A subject may
 * come twice (a consumer that recreates itself starts over).
 */
export async function forLastPerSubject(nc: NatsConnection, stream: string, filter: string, each: (m: LastMessage) => void): Promise<void> {
  await forLastOf(nc, stream, await subjectsOf(nc, stream, filter), filter, each);
}

/** The subjects under a filter that hold a message in a stream, as its leader lists them. */
export async function subjectsOf(nc: NatsConnection, stream: string, filter: string): Promise<string[]> {
  const jsm = await jetstreamManager(nc);
  return Object.keys((await jsm.streams.info(stream, { subjects_filter: filter })).state.subjects ?? {});
}

/**
 * As forLastPerSubject, for `subjects` listed before (subjectsOf): the consumer reads `filter`,
 * which covers them and may cover more (what else it delivers is skipped), so a reader can
 * leave out part of a listing its filter cannot exclude.
 */
export async function forLastOf(nc: NatsConnection, stream: string, subjects: readonly string[], filter: string, each: (m: LastMessage) => void): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const wanted = new Set(subjects);
  const found = new Set<string>();
  if (subjects.length > ONE_BY_ONE) {
    const consumer = await jetstream(nc).consumers.get(stream, { filter_subjects: filter, deliver_policy: DeliverPolicy.LastPerSubject });
    for await (const m of boundedMessages(consumer)) {
      if (!wanted.has(m.subject)) continue;
      found.add(m.subject);
      each({ subject: m.subject, data: m.data, operation: m.headers?.get('KV-Operation') || undefined, seq: m.seq });
    }
    const unread = subjects.filter((subject) => !found.has(subject)).length;
    if (unread > 0) processLogger().debug('last per subject: the consumer missed subjects; fetched one by one', { stream, filter, unread, subjects: subjects.length });
  }
  // Every subject not read yet (all of them, when there are few) from the stream's leader.
  const missed = subjects.filter((subject) => !found.has(subject));
  await Promise.all(missed.map(async (subject) => {
    const m = await jsm.streams.getMessage(stream, { last_by_subj: subject });
    if (m) each({ subject, data: m.data, operation: m.header?.get('KV-Operation') || undefined, seq: m.seq });
  }));
}

/** Whether a KV message is a value (not a delete or purge marker). */
export function isKvValue(m: LastMessage): boolean {
  return m.data.length > 0 && m.operation !== 'DEL' && m.operation !== 'PURGE';
}
