/** Connecting to NATS: the embedded server (url and token from the run root) or an external one. */
import fs from 'node:fs/promises';
import { connect, credsAuthenticator, nkeyAuthenticator, type Authenticator, type NatsConnection } from '@nats-io/transport-node';
import { BerthError } from '../../events/errors.js';
import { parseCreds } from './cluster/credentials.js';

export interface NatsTarget {
  /** One or more comma-separated URLs. */
  url: string;
  token?: string;
  /** A creds file: a NATS user JWT and seed, or a user nkey seed (berth-cluster writes those). */
  credsFile?: string;
  /** The inbox prefix (a daemon uses its own, which its credentials allow). */
  inboxPrefix?: string;
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

export async function connectNats(target: NatsTarget, name: string, opts: { reconnect?: boolean } = {}): Promise<NatsConnection> {
  const servers = target.url.split(',').map((s) => s.trim()).filter(Boolean);
  const authenticator = target.credsFile ? await authenticatorOf(target.credsFile) : undefined;
  try {
    return await connect({
      servers,
      token: target.token,
      authenticator,
      inboxPrefix: target.inboxPrefix,
      name,
      reconnect: opts.reconnect ?? true,
      maxReconnectAttempts: -1,
      waitOnFirstConnect: false,
    });
  } catch (error) {
    throw new BerthError(`cannot connect to NATS at ${target.url}: ${(error as Error).message}`, { cause: error });
  }
}
