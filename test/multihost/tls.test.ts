/**
 * A TLS cluster made with scripts/cluster-certs.sh and berth-cluster's --tls: routes and
 * clients over TLS, and a client that does not trust the cluster's CA is refused.
 */
import t from 'tap';
import { startCluster } from '../helpers/cluster.js';
import { gateFile, requiresCluster } from '../helpers/gates.js';

gateFile(requiresCluster());

t.test('routes and clients over TLS with the script\'s certificates', async (t) => {
  const cluster = await startCluster(t, { tls: true });
  const info = await cluster.streamInfo('h3', 'BERTH_EVENTS');
  t.equal(info.config.num_replicas, 3, 'the nodes formed a JetStream cluster over TLS routes');
  await cluster.importBusybox();
  t.equal(await cluster.ok('h1', ['--host', 'h3', 'run', '--rm', 'busybox', 'echo', 'over tls']), 'over tls\n');
  const untrusted = await cluster.berth('h1', ['host', 'ls'], { env: { BERTH_NATS_CA: '' } });
  t.equal(untrusted.code, 125);
  t.match(untrusted.stderr, /cannot connect to NATS/, 'a client without the cluster\'s CA is refused');
});
