/** Connecting to NATS: the embedded server (url and token from the run root) or an external one. */
import fs from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { connect, credsAuthenticator, nkeyAuthenticator, type Authenticator, type NatsConnection } from '@nats-io/transport-node';
import { BerthError } from '../../events/errors.js';
import { parseCreds } from '../cluster/credentials.js';
import { CONNECT_ATTEMPTS, CONNECT_TIMEOUT_MS, cutDuringHandshake } from './handshake.js';

export interface NatsTarget {
  /** One or more comma-separated URLs. */
  url: string;
  token?: string;
  /** A creds file: a NATS user JWT and seed, or a user nkey seed (berth-cluster writes those). */
  credsFile?: string;
  /** The inbox prefix (a daemon uses its own, which its credentials allow). */
  inboxPrefix?: string;
  /** The CA that signed a TLS cluster's certificates (BERTH_NATS_CA; scripts/cluster-certs.sh). */
  caFile?: string;
  /**
   * The embedded server's own certificate, PEM (runtime/nats/serverCertificate.ts): the only
   * server this client talks to. The TLS handshake must verify against exactly this
   * certificate before CONNECT, and with it the token, is sent.
   */
  pinnedCertificate?: string;
}

async function authenticatorOf(file: string): Promise<Authenticator> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new BerthError(`cannot read the credentials file ${file}: ${(error as Error).message}`, { cause: error });
  }
  const creds = parseCreds(text, file);
  return creds.kind === 'jwt' ? credsAuthenticator(creds.text) : nkeyAuthenticator(creds.seed);
}

/**
 * The server name check of a TLS connection. nats.js upgrades a connection to an IP address
 * without a server name, so Node checks the certificate against "localhost": for those the
 * chain check against the cluster's own CA (always made) is what identifies a node. A DNS
 * name is checked as usual.
 */
function serverIdentityCheck(servers: string[]): (host: string, cert: PeerCertificate) => Error | undefined {
  const localhostListed = servers.some((s) => /\blocalhost\b/.test(s));
  return (host, cert) => (host === 'localhost' && !localhostListed ? undefined : checkServerIdentity(host, cert));
}

/** TLS options that accept exactly one certificate, whatever name or address it is reached at. */
function pinnedTls(pem: string): { ca: string; checkServerIdentity: (host: string, cert: PeerCertificate) => Error | undefined } {
  const fingerprint = new X509Certificate(pem).fingerprint256;
  return {
    ca: pem,
    checkServerIdentity: (_host, cert) => (cert.fingerprint256 === fingerprint ? undefined : new BerthError('the NATS server is not the embedded nats-server: its certificate differs')),
  };
}

function tlsOptions(target: NatsTarget, servers: string[]): object | undefined {
  if (target.pinnedCertificate) return pinnedTls(target.pinnedCertificate);
  return target.caFile ? { caFile: target.caFile, checkServerIdentity: serverIdentityCheck(servers) } : undefined;
}

/** How often a connection with a bounded reconnect (a command's) tries its servers again. */
const RECONNECT_WAIT_MS = 250;

/**
 * Whether a dropped connection is made again: `true` for as long as it takes (a daemon, an API
 * server), `false` never (it closes with its server), or for about `withinMs` (a command: the
 * daemon brings its embedded nats-server back within seconds, and a command waits that long).
 */
export type Reconnect = boolean | { withinMs: number };

/**
 * nats.js's options for a reconnect policy. A bounded one tries every RECONNECT_WAIT_MS (with
 * little jitter, TLS or not); an unbounded one keeps nats.js's pace (2 s, plus up to 1 s with TLS).
 */
export function reconnectOptions(reconnect: Reconnect): { reconnect: boolean; maxReconnectAttempts: number; reconnectTimeWait?: number; reconnectJitter?: number; reconnectJitterTLS?: number } {
  if (typeof reconnect !== 'object') return { reconnect, maxReconnectAttempts: -1 };
  const attempts = Math.max(1, Math.ceil(reconnect.withinMs / RECONNECT_WAIT_MS));
  return { reconnect: true, maxReconnectAttempts: attempts, reconnectTimeWait: RECONNECT_WAIT_MS, reconnectJitter: 50, reconnectJitterTLS: 50 };
}

/**
 * Connects, making the connection again (up to CONNECT_ATTEMPTS in all) when the server cut its
 * handshake: on a loaded machine a client can outlast the server's TLS or auth timer
 * (handshake.ts), and nothing but the handshake had been sent.
 */
export async function connectNats(target: NatsTarget, name: string, opts: { reconnect?: Reconnect } = {}): Promise<NatsConnection> {
  const servers = target.url.split(',').map((s) => s.trim()).filter(Boolean);
  const authenticator = target.credsFile ? await authenticatorOf(target.credsFile) : undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect({
        servers,
        token: target.token,
        authenticator,
        inboxPrefix: target.inboxPrefix,
        // nats.js hands the whole object to tls.connect; its type lists only its own fields.
        // With TLS asked for, a server that offers none is refused before anything is sent.
        tls: tlsOptions(target, servers) as { caFile: string } | undefined,
        // A pinned server never hands out other addresses to try.
        ignoreClusterUpdates: target.pinnedCertificate !== undefined,
        name,
        ...reconnectOptions(opts.reconnect ?? true),
        timeout: CONNECT_TIMEOUT_MS,
        // The URLs are tried in the order given: list the nearest node first (a daemon its own).
        noRandomize: true,
        // A connection to a node that went silent (a cut link) is noticed in about 15 s, and
        // the client moves to another node of the list.
        pingInterval: 5000,
        maxPingOut: 3,
        waitOnFirstConnect: false,
      });
    } catch (error) {
      if (attempt < CONNECT_ATTEMPTS && cutDuringHandshake(error)) continue;
      throw new BerthError(`cannot connect to NATS at ${target.url}: ${(error as Error).message}`, { cause: error });
    }
  }
}
