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

/**
 * Rejects with a ConnectionLostError once `nc` is closed, `while` saying what was awaited
 * ("waiting for the answer of the daemon of host h1") and `unknown` what is therefore not known.
 * Never settles while the connection is open. A caller that stops waiting need not handle it.
 */
export function connectionLost(nc: NatsConnection, what: { while: string; unknown: string }): Promise<never> {
  const lost = nc.closed().then((cause) => {
    throw new ConnectionLostError(`lost its connection to NATS (the server closed it or went away) while ${what.while}; ${what.unknown}`, cause ? { cause } : undefined);
  });
  lost.catch(() => {});
  return lost;
}
