/**
 * When the nats-server under a connection dies, what was published to it meanwhile is gone. A
 * command's connection reconnects for a bounded time (client/connect.ts) and then closes; a
 * long-lived one reconnects for as long as it takes. Whatever waits on a connection races this,
 * so that it fails saying so:
 * - a request (survivingRequest.ts) only when the connection closes, since it sends itself
 *   again once the connection is back;
 * - a follow of live output and events (followContainer.ts) as soon as the connection drops,
 *   since what the container published meanwhile was delivered to no one.
 * Without it, a command waiting only on the connection and on unref'd timers left Node's event
 * loop empty, and Node ended the process with exit code 0: the long chaos run's `run -d` that
 * printed no id (issue 23).
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { BerthError } from '../events/errors.js';

/** The connection to NATS closed (or dropped) while a command still waited on it: its outcome is unknown. */
export class ConnectionLostError extends BerthError {
  override name = 'ConnectionLostError';
}

type Wait = (cause: Error | void) => void;

/** Per connection, the waits to fail: one reaction on closed() and one status listener, however many waits come and go. */
interface Waits {
  onClose: Set<Wait>;
  onDrop: Set<Wait>;
}

const waiting = new WeakMap<NatsConnection, Waits>();

function waitsOn(nc: NatsConnection): Waits {
  const known = waiting.get(nc);
  if (known) return known;
  const waits: Waits = { onClose: new Set(), onDrop: new Set() };
  waiting.set(nc, waits);
  const fire = (set: Set<Wait>, cause: Error | void) => {
    for (const wait of [...set]) wait(cause);
    set.clear();
  };
  void nc.closed().then((cause) => { fire(waits.onDrop, cause); fire(waits.onClose, cause); });
  void (async () => {
    for await (const status of nc.status()) if (status.type === 'disconnect') fire(waits.onDrop);
  })().catch(() => {});
  return waits;
}

/**
 * `lost` rejects with a ConnectionLostError once `nc` is closed (`until: 'closed'`) or has
 * dropped at all (`until: 'dropped'`), `while` saying what was awaited ("waiting for the answer
 * of the daemon of host h1") and `unknown` what is therefore not known; it never settles while
 * the connection holds. `stop()` ends the watch (a long-lived connection, the daemon's, must not
 * keep one per request it ever made). A caller that stops waiting need not handle `lost`.
 */
export function connectionLost(nc: NatsConnection, what: { while: string; unknown: string; until?: 'closed' | 'dropped' }): { lost: Promise<never>; stop(): void } {
  let wait: Wait = () => {};
  const lost = new Promise<never>((_resolve, reject) => {
    wait = (cause) => reject(new ConnectionLostError(`lost its connection to NATS (the server closed it or went away) while ${what.while}; ${what.unknown}`, cause ? { cause } : undefined));
  });
  lost.catch(() => {});
  if (nc.isClosed()) {
    wait();
    return { lost, stop: () => {} };
  }
  const waits = waitsOn(nc);
  const set = what.until === 'dropped' ? waits.onDrop : waits.onClose;
  set.add(wait);
  return { lost, stop: () => { set.delete(wait); } };
}

/**
 * `wait`, failed with a ConnectionLostError when the connection drops first: for a wait on
 * messages that are published once and not again (a container's events, a logs stream), which
 * a drop may have taken, so that it never hangs on one that will not come.
 */
export async function unlessDropped<T>(nc: NatsConnection, wait: Promise<T>, what: { while: string; unknown: string }): Promise<T> {
  const watch = connectionLost(nc, { ...what, until: 'dropped' });
  try {
    return await Promise.race([wait, watch.lost]);
  } finally {
    watch.stop();
  }
}
