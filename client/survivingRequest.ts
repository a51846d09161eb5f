/**
 * One request to a host's daemon that outlives the daemon's death. While it waits for the
 * answer, the daemon is pinged every second, and the ping names the request. A ping that finds
 * no responders means the daemon is gone: NATS drops a dead process's subscriptions as soon as
 * its connection closes, so a SIGKILLed daemon is noticed within about a second. The request is
 * then sent again, the same bytes and so the same request id, as soon as a daemon answers pings
 * again (it subscribes only once it has replayed and reconciled). A daemon that answers but does
 * not hold the request is another process than the one it was sent to (one restarted within
 * the ping's interval), or one that has answered already: it is sent again at once. The
 * daemon's command ids, deduplicated appends and remembered answers give a resend exactly one
 * effect and the normal answer.
 * When the nats-server under the connection dies, the request may have been lost with it, or
 * its answer: a command's connection is made again once the daemon has brought its server back
 * (client/connect.ts), and the daemon, its own connection made again too, answers the next ping
 * not holding the request, so it is sent again. The pings meanwhile go unanswered, which tells
 * nothing.
 * When no daemon returns within `returnMs`, it fails with an error that says so, and when the
 * connection itself closes (its server did not come back) with a ConnectionLostError.
 */
import { createInbox, errors, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { BerthError } from '../events/errors.js';
import { connectionLost } from './connectionLost.js';

/**
 * What a ping of the daemon found: an answer from a daemon holding the request (or one that
 * cannot tell: an older daemon, a fenced one), an answer from one that does not hold it, no
 * subscriber at all, or no answer in time.
 */
export type Liveness = 'alive' | 'forgot' | 'gone' | 'silent';

export interface SurvivingRequest {
  /** Where the request goes, and its encoded envelope. */
  subject: string;
  data: Uint8Array;
  /** Pings the daemon (a `system.ping` naming this request, with a short timeout). */
  probe(): Promise<Liveness>;
  /** Names the daemon in errors: `the daemon of host h1`. */
  daemon: string;
}

export interface SurvivalTiming {
  /** The whole wait for an answer, resends included. */
  timeoutMs: number;
  /** How often the daemon is pinged while the request waits. */
  probeMs: number;
  /** How long a daemon that went away has to come back. */
  returnMs: number;
  /** How often a daemon that went away is pinged until it answers. */
  returnProbeMs: number;
}

export const SURVIVAL_TIMING: Omit<SurvivalTiming, 'timeoutMs'> = { probeMs: 1000, returnMs: 15_000, returnProbeMs: 200 };

/** Pure: whether a message is NATS's "no responders" status (an empty 503). */
export function isNoResponders(msg: Msg): boolean {
  return msg.data.length === 0 && msg.headers?.code === 503;
}

/** Whether a failed request found no subscriber (nats.js wraps it in a RequestError). */
export function isNoRespondersError(error: unknown): boolean {
  return error instanceof errors.NoRespondersError || (error instanceof errors.RequestError && error.isNoResponders());
}

/** The inbox prefix the connection was made with (a daemon's own, in a cluster). */
function inboxPrefixOf(nc: NatsConnection): string | undefined {
  return (nc as unknown as { options?: { inboxPrefix?: string } }).options?.inboxPrefix;
}

/** A wait that keeps no process alive by itself (the NATS connection does, while it waits). */
export const sleep = (ms: number) => new Promise<'tick'>((resolve) => setTimeout(() => resolve('tick'), ms).unref());

/** Sends the request and waits for its answer, sending it again to a daemon that came back. */
export async function requestSurvivingRestart(nc: NatsConnection, request: SurvivingRequest, timing: SurvivalTiming): Promise<Msg> {
  const inbox = createInbox(inboxPrefixOf(nc));
  let answer!: (msg: Msg) => void;
  const answered = new Promise<Msg>((resolve) => { answer = resolve; });
  // Each send has its own refusal: NATS's "no responders" to that send.
  let refuse = () => {};
  const send = () => {
    const refusal = new Promise<'refused'>((resolve) => { refuse = () => resolve('refused'); });
    nc.publish(request.subject, request.data, { reply: inbox });
    return refusal;
  };
  const subscription = nc.subscribe(inbox, {
    callback: (error, msg) => {
      if (error) return;
      if (isNoResponders(msg)) refuse();
      else answer(msg);
    },
  });
  // The wait's other promises keep no process alive: a closed connection must end it instead.
  const { lost, stop: stopWatching } = connectionLost(nc, { while: `waiting for the answer of ${request.daemon}`, unknown: 'the request may or may not have taken effect' });
  const deadline = Date.now() + timing.timeoutMs;
  const remaining = () => Math.max(0, deadline - Date.now());
  try {
    let refusal = send();
    for (let sends = 1; ; ) {
      const outcome = await Promise.race([answered, lost, refusal, sleep(Math.min(timing.probeMs, remaining()))]);
      if (typeof outcome !== 'string') return outcome;
      // The first send finding no daemon at all fails at once, as a plain request does.
      if (outcome === 'refused' && sends === 1) throw new BerthError(`no answer from ${request.daemon} (no responders)`);
      if (remaining() === 0) throw new BerthError(`no answer from ${request.daemon} (timeout after ${Math.round(timing.timeoutMs / 1000)} s)`);
      if (outcome === 'tick') {
        const liveness = await request.probe();
        if (liveness === 'forgot') {
          refusal = send();
          sends++;
        }
        if (liveness !== 'gone') continue;
      }
      // Gone: wait for a daemon to subscribe again, then send the same request to it.
      const back = await Promise.race([answered, lost, untilAlive(request, Math.min(timing.returnMs, remaining()), timing.returnProbeMs)]);
      if (typeof back !== 'boolean') return back;
      if (!back) {
        throw new BerthError(`${request.daemon} went away while handling the request and did not come back within ${Math.round(timing.returnMs / 1000)} s; the request may or may not have taken effect`);
      }
      refusal = send();
      sends++;
    }
  } finally {
    stopWatching();
    subscription.unsubscribe();
  }
}

/** Pings until the daemon answers (true) or `withinMs` has passed (false). */
async function untilAlive(request: SurvivingRequest, withinMs: number, everyMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    const liveness = await request.probe();
    if (liveness === 'alive' || liveness === 'forgot') return true;
    await sleep(Math.min(everyMs, Math.max(0, until - Date.now())));
  }
  return false;
}
