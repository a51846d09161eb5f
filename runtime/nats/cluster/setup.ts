/**
 * `berth-cluster setup`: the operator's step. With the operator's creds it creates what the
 * hosts then only adopt: the events stream and the snapshot, heartbeat and fence buckets, with
 * min(3, cluster size) replicas. Idempotent: what exists is left as it is.
 */
import { ensureEventStream } from '../../../events/jetStream.js';
import { KvSnapshotStore } from '../../../events/kvSnapshots.js';
import { openFenceBucket } from '../../../actors/fencing/fenceStore.js';
import { openHeartbeatBucket } from '../../../actors/heartbeats.js';
import { connectNats, type NatsTarget } from '../connect.js';
import { clusterSizeOf, replicasFor, waitForJetStream } from '../clusterSize.js';
import { untilAnswered } from '../untilAnswered.js';

export async function setupCluster(target: NatsTarget): Promise<{ replicas: number }> {
  const nc = await connectNats(target, 'berth-cluster-setup', { reconnect: false });
  try {
    await waitForJetStream(nc);
    const replicas = replicasFor(clusterSizeOf(nc.info));
    await untilAnswered('the events stream', () => ensureEventStream(nc, replicas));
    await untilAnswered('the snapshot bucket', () => KvSnapshotStore.open(nc, replicas));
    await untilAnswered('the heartbeat bucket', () => openHeartbeatBucket(nc, replicas));
    await untilAnswered('the fence bucket', () => openFenceBucket(nc, replicas));
    return { replicas };
  } finally {
    await nc.close();
  }
}
