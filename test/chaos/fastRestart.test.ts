/**
 * A request whose daemon died and came back within the client's ping interval (issue 23). The
 * client pings the daemon once a second while it waits, and it used to resend only when a ping
 * found no daemon at all. A daemon that restarted faster than that (a bundled one, systemd's
 * restart) answered the ping, and the client waited for an answer the dead process would never
 * send, until its two-minute timeout. Now the ping names the request and the daemon says whether
 * it holds it.
 *
 * The daemons here are stand-ins on a real nats-server, with the real client: the first takes
 * the request and "dies" without answering, and the second subscribes in the same instant, so
 * no ping ever finds the host without a daemon.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import t from 'tap';
import { decode, encode } from '../../events/codec.js';
import { Reply, RequestEnvelope } from '../../events/requests.js';
import { HostClient } from '../../client/hostClient.js';
import { Layout } from '../../runtime/layout.js';
import { gateFile, requiresNats } from '../helpers/gates.js';
import { startNats } from '../helpers/nats.js';

gateFile(requiresNats());

const nats = await startNats(t);
const HOST = 'h-fast';
const layout = new Layout('/nonexistent/berth-root', '/nonexistent/berth-run');

interface StandIn {
  /** The ids of the drain requests it took, in order. */
  taken: string[];
  subscription: Subscription;
}

/**
 * A stand-in daemon of HOST. `answers`: whether it answers drain requests (after `delayMs`);
 * `tellsHolds`: whether its pings say if it holds a request (a daemon before this change does not).
 */
function standIn(nc: NatsConnection, opts: { answers: boolean; delayMs?: number; tellsHolds?: boolean; onTake?: () => void }): StandIn {
  const taken: string[] = [];
  const inHand = new Set<string>();
  const subscription = nc.subscribe(`berth.cmd.${HOST}.*`, {
    queue: `berthd.${HOST}`,
    callback: (_error, msg) => {
      const { id, request } = decode(RequestEnvelope, msg.data);
      if (request.op === 'system.ping') {
        const holds = request.holds !== undefined && opts.tellsHolds !== false ? { holds: inHand.has(request.holds) } : {};
        msg.respond(encode(Reply, { ok: true, result: { host: HOST, version: 'test', pid: process.pid, ...holds } }));
        return;
      }
      taken.push(id);
      if (!opts.answers) {
        opts.onTake?.();
        return;
      }
      inHand.add(id);
      setTimeout(() => {
        inHand.delete(id);
        msg.respond(encode(Reply, { ok: true, result: { host: HOST, availability: 'drain' } }));
      }, opts.delayMs ?? 0);
    },
  });
  return { taken, subscription };
}

async function client(): Promise<HostClient> {
  return new HostClient(await nats.connect(), HOST, layout);
}

t.test('a daemon that restarts before the next ping gets the request again, at once', async (t) => {
  const daemonSide = await nats.connect();
  t.teardown(() => daemonSide.close());
  let second: StandIn | null = null;
  const first = standIn(daemonSide, {
    answers: false,
    // Dies with the request in hand, and its successor subscribes in the same tick.
    onTake: () => {
      first.subscription.unsubscribe();
      second = standIn(daemonSide, { answers: true });
    },
  });
  const c = await client();
  const result = await c.request({ op: 'node.drain' }, 20_000);
  t.same(result, { host: HOST, availability: 'drain' }, 'the answer comes from the restarted daemon');
  t.equal(first.taken.length, 1, 'the first daemon took the request once');
  t.same(second!.taken, first.taken, 'the second got the same request (same id), once');
});

t.test('a daemon that holds a slow request is not sent it again', async (t) => {
  const daemonSide = await nats.connect();
  t.teardown(() => daemonSide.close());
  const slow = standIn(daemonSide, { answers: true, delayMs: 3500 });
  const c = await client();
  const result = await c.request({ op: 'node.drain' }, 20_000);
  t.same(result, { host: HOST, availability: 'drain' });
  t.equal(slow.taken.length, 1, 'three pings found it holding the request: no resend');
});

t.test('an older daemon that does not say what it holds is waited for as before', async (t) => {
  const daemonSide = await nats.connect();
  t.teardown(() => daemonSide.close());
  const older = standIn(daemonSide, { answers: true, delayMs: 2500, tellsHolds: false });
  const c = await client();
  t.same(await c.request({ op: 'node.drain' }, 20_000), { host: HOST, availability: 'drain' });
  t.equal(older.taken.length, 1, 'no resend');
});

t.test('a request no daemon takes still fails at once with no responders', async (t) => {
  const c = await client();
  await t.rejects(c.request({ op: 'node.drain' }, 20_000), /no responders/);
});
