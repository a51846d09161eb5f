/**
 * How many servers the NATS cluster has, and waiting until its JetStream and a stream's leader
 * answer (trying a call again while the cluster settles: untilAnswered.ts). The size
 * comes from the server's INFO: `connect_urls` lists the client URLs of the cluster's servers
 * (the server's own included); a server outside a cluster has none.
 */
import type { NatsConnection, ServerInfo } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { BerthError } from '../../events/errors.js';

/** Pure: the cluster size an INFO says. */
export function clusterSizeOf(info: ServerInfo | undefined): number {
  if (!info?.cluster) return 1;
  return Math.max(1, new Set(info.connect_urls ?? []).size);
}

/** Replicas for berth's stream and buckets: min(3, cluster size). */
export function replicasFor(size: number): number {
  return Math.min(3, Math.max(1, size));
}

/**
 * Waits until JetStream answers an account info request: a freshly started cluster needs
 * a few seconds to elect its meta leader.
 */
export async function waitForJetStream(nc: NatsConnection, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const jsm = await jetstreamManager(nc, { timeout: 5000 });
      await jsm.getAccountInfo();
      return;
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new BerthError(`JetStream did not answer within ${timeoutMs / 1000} s: ${(last as Error)?.message}`);
}

/**
 * Waits until a stream has a leader. A stream just made on a cluster takes a moment to elect
 * one; until then a publish to it finds no responders.
 */
export async function waitForStreamLeader(nc: NatsConnection, stream: string, timeoutMs = 30_000): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const info = await jsm.streams.info(stream).catch(() => null);
    if (info && (!info.cluster || info.cluster.leader)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new BerthError(`the stream ${stream} has no leader after ${timeoutMs / 1000} s`);
}
