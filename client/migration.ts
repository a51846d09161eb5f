/**
 * What `berth system migrate` looks at: the schema census of one host's log (events/schemaCensus.ts),
 * read without a daemon, since the daemon may be the one that refuses the log. The host is the
 * one named, else this data root's (its host-id file); the log is reached over the external
 * NATS given, else the root's embedded nats-server, started as the daemon starts it when it
 * is not running (and left running for the daemon, as a daemon leaves it). Nothing is written
 * to the log.
 */
import fs from 'node:fs/promises';
import type { SchemaCensus } from '../events/schemaCensus.js';
import type { Layout } from '../runtime/layout.js';
import { connectNats, type NatsTarget } from '../nats/server/connect.js';
import { embeddedTarget, ensureEmbeddedNats } from '../nats/server/embedded.js';
import { takeCensus } from '../nats/store/schemaCensus.js';

export interface LogTarget {
  layout: Layout;
  /** An external NATS; absent: the data root's embedded one. */
  external?: NatsTarget;
  /** The host whose log it is; absent: the data root's. */
  host?: string;
}

/** The census of the host's log; null when the data root has no host (no daemon ever ran on it) and none is named. */
export async function censusOfLog(target: LogTarget): Promise<SchemaCensus | null> {
  const host = target.host ?? await fs.readFile(target.layout.hostIdFile, 'utf8').then((s) => s.trim() || null, () => null);
  if (!host) return null;
  const nats = target.external ?? embeddedTarget(await ensureEmbeddedNats(target.layout));
  const nc = await connectNats(nats, 'berth-migrate', { reconnect: false });
  try {
    return await takeCensus(nc, host);
  } finally {
    await nc.close();
  }
}
