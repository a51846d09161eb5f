/** The last message of every subject under a filter in a stream, read through one ordered consumer. */
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';

export async function readLastPerSubject(nc: NatsConnection, stream: string, filter: string): Promise<JsMsg[]> {
  const consumer = await jetstream(nc).consumers.get(stream, { filter_subjects: filter, deliver_policy: DeliverPolicy.LastPerSubject });
  const found: JsMsg[] = [];
  if ((await consumer.info(true)).num_pending === 0) return found;
  const messages = await consumer.consume();
  try {
    for await (const m of messages) {
      found.push(m);
      if (m.info.pending === 0) break;
    }
  } finally {
    messages.stop();
  }
  return found;
}

/** Whether a KV message is a value (not a delete or purge marker). */
export function isKvValue(m: JsMsg): boolean {
  const operation = m.headers?.get('KV-Operation');
  return m.data.length > 0 && operation !== 'DEL' && operation !== 'PURGE';
}
