/**
 * Tries one NATS operation with given credentials and prints the outcome as JSON:
 * `node natsProbe.js URLS CREDS INBOX_PREFIX (request|subscribe|jspublish|jsapi) SUBJECT [BODY]`;
 * `jsapi` sends BODY (JSON) to a JetStream API subject and fails on the API's error too;
 * `jsevent` publishes BODY (an event's JSON) through JetStream as berth's codec stores it;
 * `scan` reads every message of the stream SUBJECT names (by sequence, as any reader may) and
 * counts those whose subject starts with BODY's `prefix` and those holding BODY's `needle`
 * anywhere in their bytes.
 * The cluster tests run it inside a host's namespace to check what a principal may do.
 */
import { encode } from '../../events/codec.js';
import { RequestEnvelope } from '../../events/requests.js';
import { encodeEvent } from '../../events/eventCodec.js';
import type { AnyEvent } from '../../events/all.js';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connectNats } from '../../nats/server/connect.js';

const [url, credsFile, inboxPrefix, operation, subject, body] = process.argv.slice(2);
const nc = await connectNats({ url, credsFile, inboxPrefix: inboxPrefix || undefined, caFile: process.env.BERTH_NATS_CA }, 'test-probe', { reconnect: false });
const errors: string[] = [];
void (async () => {
  for await (const status of nc.status()) if (status.type === 'error') errors.push(String((status as { error?: Error }).error?.message ?? status.type));
})();
let outcome: { ok: boolean; error?: string; messages?: number; matching?: number; found?: number };
let counts: { messages: number; matching: number; found: number } | undefined;
try {
  const ping = encode(RequestEnvelope, { id: `probe-${Date.now()}`, request: { op: 'system.ping' } });
  switch (operation) {
    case 'request':
      await nc.request(subject, ping, { timeout: 3000 });
      break;
    case 'jsapi': {
      const reply = JSON.parse(new TextDecoder().decode((await nc.request(subject, new TextEncoder().encode(body ?? ''), { timeout: 3000 })).data));
      if (reply.error) throw new Error(`JetStream API error ${reply.error.err_code}: ${reply.error.description}`);
      break;
    }
    case 'jspublish':
      await jetstream(nc).publish(subject, new Uint8Array([1]), { timeout: 3000 });
      break;
    case 'jsevent':
      await jetstream(nc).publish(subject, encodeEvent(JSON.parse(body ?? '{}') as AnyEvent), { timeout: 3000 });
      break;
    case 'subscribe': {
      const sub = nc.subscribe(subject);
      await nc.flush();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const closed = await Promise.race([sub.closed.then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('open'), 300))]);
      if (closed === 'closed' || errors.length) throw new Error(errors.join('; ') || 'subscription closed by the server');
      break;
    }
    case 'scan': {
      const { prefix, needle } = JSON.parse(body ?? '{}') as { prefix: string; needle: string };
      const jsm = await jetstreamManager(nc);
      const { state } = await jsm.streams.info(subject);
      counts = { messages: 0, matching: 0, found: 0 };
      for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
        const m = await jsm.streams.getMessage(subject, { seq }).catch(() => null); // deleted
        if (!m) continue;
        counts.messages += 1;
        if (m.subject.startsWith(prefix)) counts.matching += 1;
        if (Buffer.from(m.data).includes(needle)) counts.found += 1;
      }
      break;
    }
    default:
      throw new Error(`unknown operation ${operation}`);
  }
  outcome = { ok: true, ...counts };
} catch (error) {
  outcome = { ok: false, error: `${(error as Error).message} ${((error as Error).cause as Error | undefined)?.message ?? ''}`.trim() };
}
process.stdout.write(`${JSON.stringify(outcome)}\n`);
await nc.close().catch(() => {});
