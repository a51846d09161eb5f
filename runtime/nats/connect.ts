/** Connecting to NATS: the embedded server (url and token from the run root) or an external one. */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { BerthError } from '../../events/errors.js';

export interface NatsTarget {
  /** One or more comma-separated URLs. */
  url: string;
  token?: string;
  /** A NATS credentials file (for clusters with per-principal users). */
  credsFile?: string;
}

export async function connectNats(target: NatsTarget, name: string, opts: { reconnect?: boolean } = {}): Promise<NatsConnection> {
  const servers = target.url.split(',').map((s) => s.trim()).filter(Boolean);
  let authenticator;
  if (target.credsFile) {
    const { credsAuthenticator } = await import('@nats-io/transport-node');
    const fs = await import('node:fs/promises');
    authenticator = credsAuthenticator(await fs.readFile(target.credsFile));
  }
  try {
    return await connect({
      servers,
      token: target.token,
      authenticator,
      name,
      reconnect: opts.reconnect ?? true,
      maxReconnectAttempts: -1,
      waitOnFirstConnect: false,
    });
  } catch (error) {
    throw new BerthError(`cannot connect to NATS at ${target.url}: ${(error as Error).message}`, { cause: error });
  }
}
