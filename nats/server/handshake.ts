/**
 * The NATS connection handshake: how long each side waits for it, and which failures of it
 * a client may simply make again.
 *
 * A client's handshake is TCP, the server's INFO, the TLS upgrade when asked, then CONNECT
 * (token or nkey signature) and PING, answered by PONG. nats-server 2.9 (Debian's 2.9.10)
 * closes a connection whose TLS upgrade is not done within `tls { timeout }` (default 2 s) or
 * whose CONNECT has not arrived within `authorization { timeout }` (default 2 s, or the TLS
 * timeout + 1 s with TLS), both counted from the accept; measured on 2.9.10: 2.0 s without
 * TLS, 2.0 s to a TLS upgrade, 3.1 s to CONNECT after one. A client it closes sees `write EPIPE`
 * or ECONNRESET, or reads `-ERR 'Authentication Timeout'`.
 *
 * The client's own limit (CONNECT_TIMEOUT_MS) is 5 s: one unreachable node of a cluster (a cut
 * link drops packets, nothing refuses) must not hold a command longer before the next URL is
 * tried. The server waits at least as long as its clients do: its limits are the client's,
 * and the auth limit 1 s more (it includes the TLS upgrade, as nats-server's own default has
 * it). Measured, a cold Node client's handshake with TLS costs about 30 ms of CPU: 0.3 s with a
 * tenth of a core (a process's share at load 20 on 2 cores), 1.5 to 2.2 s with a fiftieth;
 * nats-server's 2 s defaults cut it at load 100, 5 s leaves room to about 250. Longer limits
 * would let a connection that never authenticates hold a socket longer, for nothing: the
 * client has given up by then. The embedded server listens on 127.0.0.1 only, a cluster's on
 * its own network.
 */

/** How long a client waits for the whole handshake, per URL. */
export const CONNECT_TIMEOUT_MS = 5000;
/** nats-server's `tls { timeout }`, in seconds. */
export const TLS_TIMEOUT_SECONDS = CONNECT_TIMEOUT_MS / 1000;
/** nats-server's `authorization { timeout }`, in seconds: counted from the accept, so it covers the TLS upgrade too. */
export const AUTH_TIMEOUT_SECONDS = TLS_TIMEOUT_SECONDS + 1;
/** How many times a client makes a connection whose handshake the server cut. */
export const CONNECT_ATTEMPTS = 3;

/**
 * Whether a failed connect was cut by the server during the handshake (its TLS or auth timer
 * ran out): nothing but the handshake was sent on it, so making it again is safe and likely to
 * work. Not a refusal (no server), a timeout (a node cut off: the next URL is the remedy), a
 * wrong credential or an untrusted certificate: making those again changes nothing.
 */
export function cutDuringHandshake(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === 'EPIPE' || code === 'ECONNRESET') return true;
  return typeof message === 'string' && /authentication timeout|socket disconnected before secure TLS connection/i.test(message);
}
