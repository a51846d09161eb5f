/**
 * Three hosts join one nats-server cluster (network namespaces, veth, a bridge): the events
 * stream and the buckets are replicated on every node, and a command reaches the host named.
 */
import t from 'tap';
import { startCluster } from '../helpers/cluster.js';
import { gateFile, requiresCluster } from '../helpers/gates.js';

gateFile(requiresCluster());

t.test('three daemons join the cluster; stream and buckets have three replicas', async (t) => {
  const cluster = await startCluster(t);
  for (const stream of ['BERTH_EVENTS', 'KV_berth_snapshots', 'KV_berth_heartbeats', 'KV_berth_fences']) {
    const info = await cluster.streamInfo('h1', stream);
    t.equal(info.config.num_replicas, 3, `${stream} has three replicas`);
    t.equal((info.cluster.replicas ?? []).length, 2, `${stream} has a leader and two followers`);
  }
  await cluster.importBusybox();
  const out = await cluster.ok('h1', ['--host', 'h2', 'run', '--rm', 'busybox', 'sh', '-c', 'echo hello from $(hostname)']);
  t.match(out, /^hello from /, 'the container ran on the host named, and its output came back');
  // A daemon restarted adopts the stream and buckets as they are.
  await cluster.killDaemon('h3', 'SIGTERM');
  await cluster.startDaemon('h3');
  t.equal((await cluster.streamInfo('h2', 'BERTH_EVENTS')).config.num_replicas, 3, 'still three replicas after a daemon restart');
});
