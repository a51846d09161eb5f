/**
 * A berth log as a portable file (test/fixtures/upgrade/*.json): every message of the events
 * stream and of the snapshot bucket's stream, with subject, headers and the stored bytes, in
 * stream order, plus what the engine showed when the log was written. scripts/upgrade-fixture.mjs
 * writes one (exportLog); test/engine/upgradeFixture.test.ts publishes it into a fresh
 * nats-server (importLog, through loadLogFixture.ts) and starts the daemon on it.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { EVENTS_STREAM, SNAPSHOT_BUCKET } from '../../events/subjects.js';
import { ensureEventStream } from '../../nats/store/jetStream.js';
import { KvSnapshotStore } from '../../nats/store/kvSnapshots.js';

export interface FixtureMessage {
  seq: number;
  subject: string;
  headers: Record<string, string[]>;
  /** The stored bytes, base64. */
  data: string;
}

export interface LogFixture {
  /** What wrote it: berth's commit and the schema version of its records. */
  writtenBy: { commit: string; schema: number };
  host: string;
  /** The data root's secrets/host.key, base64: the log's sealed values (containers' -e) open with it. */
  hostKey: string;
  /** Stream name → its messages in order. */
  streams: Record<string, FixtureMessage[]>;
  /** The engine's inspect output at the time, by kind (container, image, volume, network) and name. */
  expected: Record<string, Record<string, unknown>>;
}

const SNAPSHOT_STREAM = `KV_${SNAPSHOT_BUCKET}`;
export const FIXTURE_STREAMS = [EVENTS_STREAM, SNAPSHOT_STREAM];

/** Every message of `stream`, by sequence (gaps, such as a KV's overwritten revisions, skipped). */
async function messagesOf(nc: NatsConnection, stream: string): Promise<FixtureMessage[]> {
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info(stream);
  const messages: FixtureMessage[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (!m) continue;
    const headers: Record<string, string[]> = {};
    for (const [key, values] of m.header ?? []) headers[key] = values;
    messages.push({ seq: m.seq, subject: m.subject, headers, data: Buffer.from(m.data).toString('base64') });
  }
  return messages;
}

/** The log's streams as fixture messages. The events stream must have no gaps: snapshots name its sequences. */
export async function exportLog(nc: NatsConnection): Promise<Record<string, FixtureMessage[]>> {
  const streams: Record<string, FixtureMessage[]> = {};
  for (const stream of FIXTURE_STREAMS) streams[stream] = await messagesOf(nc, stream);
  const events = streams[EVENTS_STREAM]!;
  if (events.some((m, index) => m.seq !== index + 1)) throw new Error('the events stream has gaps (purged history): its sequences cannot be kept');
  return streams;
}

/**
 * Publishes a fixture's messages into a nats-server without them: the stream and the bucket are
 * made as berth makes them, and every event lands on the sequence it had.
 */
export async function importLog(nc: NatsConnection, fixture: LogFixture): Promise<void> {
  await ensureEventStream(nc);
  await KvSnapshotStore.open(nc);
  const js = jetstream(nc);
  for (const stream of FIXTURE_STREAMS) {
    for (const m of fixture.streams[stream] ?? []) {
      const h = natsHeaders();
      for (const [key, values] of Object.entries(m.headers)) for (const value of values) h.append(key, value);
      const ack = await js.publish(m.subject, Buffer.from(m.data, 'base64'), { headers: h });
      if (stream === EVENTS_STREAM && ack.seq !== m.seq) throw new Error(`event ${m.subject} landed on seq ${ack.seq}, not ${m.seq}`);
    }
  }
}
