/**
 * A CLI's NATS connection does not reconnect (client/connect.ts): when the nats-server under
 * it dies, the connection closes and nothing sent or awaited over it will come. Whatever waits
 * on that connection races this, so that the command fails saying so. Without it, a command
 * waiting only on the connection and on unref'd timers left Node's event loop empty, and Node
 * ended the process with exit code 0: the long chaos run's `run -d` that printed no id (issue 23).
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { BerthError } from '../events/errors.js';

/** The connection to NATS closed while a command still waited on it: its outcome is unknown. */
export class ConnectionLostError extends BerthError {
  override name = 'ConnectionLostError';
}

/** Per connection, the waits to fail when it closes: one reaction on closed(), however many waits come and go. */
const waiting = new WeakMap<NatsConnection, Set<(cause: Error | void) => void>>();

function waitsOn(nc: NatsConnection): Set<(cause: Error | void) => void> {
  let waits = waiting.get(nc);
  if (!waits) {
    const created = new Set<(cause: Error | void) => void>();
    waiting.set(nc, created);
    void nc.closed().then((cause) => { for (const wait of [...created]) wait(cause); created.clear(); });
    waits = created;
  }
  return waits;
}

/**
 * `lost` rejects with a ConnectionLostError once `nc` is closed, `while` saying what was awaited
 * ("waiting for the answer of the daemon of host h1") and `unknown` what is therefore not known;
 * it never settles while the connection is open. `stop()` ends the watch (a long-lived
 * connection, the daemon's, must not keep one per request it ever made). A caller that stops
 * waiting need not handle `lost`.
 */
export function connectionLost(nc: NatsConnection, what: { while: string; unknown: string }): { lost: Promise<never>; stop(): void } {
  let wait: (cause: Error | void) => void = () => {};
  const lost = new Promise<never>((_resolve, reject) => {
    wait = (cause) => reject(new ConnectionLostError(`lost its connection to NATS (the server closed it or went away) while ${what.while}; ${what.unknown}`, cause ? { cause } : undefined));
  });
  lost.catch(() => {});
  if (nc.isClosed()) {
    wait();
    return { lost, stop: () => {} };
  }
  const waits = waitsOn(nc);
  waits.add(wait);
  return { lost, stop: () => { waits.delete(wait); } };
}
