/**
 * `berth-cluster setup`: the operator's step. With the operator's creds it creates what the
 * hosts then only adopt: the events stream and the snapshot, heartbeat and fence buckets, with
 * min(3, cluster size) replicas. Idempotent: what exists is left as it is.
 */
import { ensureEventStream } from '../store/jetStream.js';
import { KvSnapshotStore } from '../store/kvSnapshots.js';
import { KvFenceStore } from '../store/kvFences.js';
import { KvHeartbeatStore } from '../store/kvHeartbeats.js';
import { connectNats, type NatsTarget } from '../server/connect.js';
import { clusterSizeOf, replicasFor, waitForJetStream } from '../server/clusterSize.js';
import { untilAnswered } from '../server/untilAnswered.js';

/** `hostLostMs`: the heartbeat bucket's max age, the cluster's lost threshold (default HOST_LOST_MS); an existing bucket's must match. */
export async function setupCluster(target: NatsTarget, hostLostMs?: number): Promise<{ replicas: number }> {
  const nc = await connectNats(target, 'berth-cluster-setup', { reconnect: false });
  try {
    await waitForJetStream(nc);
    const replicas = replicasFor(clusterSizeOf(nc.info));
    await untilAnswered('the events stream', () => ensureEventStream(nc, replicas));
    await untilAnswered('the snapshot bucket', () => KvSnapshotStore.open(nc, replicas));
    await untilAnswered('the heartbeat bucket', () => KvHeartbeatStore.open(nc, replicas, hostLostMs));
    await untilAnswered('the fence bucket', () => KvFenceStore.open(nc, replicas));
    return { replicas };
  } finally {
    await nc.close();
  }
}
