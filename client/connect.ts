/**
 * Picks the client by configuration: with an external NATS and no host named, a cluster
 * client (nothing is pinged, requests are routed); else the client of one host, the one named
 * or the local daemon's (its run root says which, and where its embedded NATS listens), once
 * that daemon answers a ping.
 */
import fs from 'node:fs/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Layout } from '../runtime/layout.js';
import { connectNats, type NatsTarget, type Reconnect } from '../nats/server/connect.js';
import { embeddedTarget, readNatsInfo } from '../nats/server/embedded.js';
import { ClusterClient } from './clusterClient.js';
import type { EngineClient, LocalDaemon } from './engineClient.js';
import { HostClient } from './hostClient.js';
import { SURVIVAL_TIMING } from './survivingRequest.js';

export interface EngineTarget {
  layout: Layout;
  /** An external NATS (a cluster); absent: the local daemon's embedded one. */
  external?: NatsTarget;
  /** The host to command; absent: the local daemon's, or the whole cluster with an external NATS. */
  host?: string;
  /** The name the connection shows in the server's monitoring. */
  name?: string;
  /**
   * Whether a dropped connection is made again. A command's (the default) is, for as long as a
   * daemon that went away has to come back (SURVIVAL_TIMING.returnMs): the daemon restarts its
   * embedded nats-server within seconds, and a request in flight is then sent again
   * (survivingRequest.ts). `true`: for as long as it takes (a long-lived client).
   */
  reconnect?: Reconnect;
}

/** How long a daemon has to answer the ping that tells it is up. */
const PING_TIMEOUT_MS = 2000;

/** What the run root's daemon records when ready (actors/daemon.ts writes it); null without one. */
export async function readDaemonInfo(layout: Layout): Promise<{ pid: number; host: string } | null> {
  try {
    return JSON.parse(await fs.readFile(layout.daemonInfo, 'utf8')) as { pid: number; host: string };
  } catch {
    return null;
  }
}

/** The host the run root's daemon records; null without one. */
async function localHost(layout: Layout): Promise<string | null> {
  return (await readDaemonInfo(layout))?.host ?? null;
}

/**
 * The client over a connection already open (the daemon's own, for its API server): of one
 * host, or without a host the whole cluster's. Its connection stays its owner's to close.
 * `local`: the daemon it runs in, whose host's requests skip the bus.
 */
export function engineClientOver(nc: NatsConnection, layout: Layout, host?: string, local?: LocalDaemon): EngineClient {
  return host ? new HostClient(nc, host, layout, local) : new ClusterClient(nc, layout, local);
}

/**
 * The client the target configures; null when the local daemon (or the host named) does not
 * answer. A failure to reach an external NATS is thrown: there is no daemon to start then.
 */
export async function connectEngine(target: EngineTarget): Promise<EngineClient | null> {
  const { layout, external } = target;
  const host = target.host ?? (external ? undefined : await localHost(layout));
  let nats: NatsTarget | null = external ?? null;
  if (!external) {
    const embedded = await readNatsInfo(layout);
    if (embedded) nats = embeddedTarget(embedded);
  }
  if (!nats || (!host && !external)) return null;
  let nc: NatsConnection;
  try {
    nc = await connectNats(nats, target.name ?? 'berth-client', { reconnect: target.reconnect ?? { withinMs: SURVIVAL_TIMING.returnMs } });
  } catch (error) {
    if (external) throw error;
    return null;
  }
  const client = engineClientOver(nc, layout, host ?? undefined);
  if (!host) return client;
  try {
    await client.request({ op: 'system.ping' }, PING_TIMEOUT_MS);
    return client;
  } catch {
    await nc.close().catch(() => {});
    return null;
  }
}
