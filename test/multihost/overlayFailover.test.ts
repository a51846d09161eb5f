/**
 * Failover on an overlay network: a `--restart always` container of a host whose daemon is
 * killed is rescheduled to another host under its name and with its address (its lease taken
 * over in the cluster network's log), and a client on a third host reaches the new copy by
 * address and by name.
 */
import t from 'tap';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { until } from '../helpers/engine.js';
import { gateFile, requiresCluster } from '../helpers/gates.js';

gateFile(requiresCluster());

/** The CLI as the cluster's user; its stdout. */
const ok = (cluster: TestCluster, from: string, args: string[]): Promise<string> => cluster.ok(from, args, { timeoutMs: 180_000 });

t.test('a rescheduled container keeps its name and its address on the overlay', async (t) => {
  const cluster = await startCluster(t, { daemons: false, labels: [['zone=a'], ['zone=b'], ['zone=b']], hostLost: '4s' });
  await Promise.all(cluster.hosts.map((host) => cluster.startDaemon(host.name, ['--data-interface', 'eth0'])));
  await cluster.importBusybox();
  await ok(cluster, 'h1', ['network', 'create', '--driver', 'overlay', '--subnet', '10.0.7.0/24', 'ov']);

  await ok(cluster, 'h1', ['--host', 'h2', 'run', '-d', '--name', 'srv', '--restart', 'always', '--constraint', 'zone=b', '--network', 'ov', 'busybox', 'sh', '-c',
    'mkdir -p /www && hostname > /www/hi && httpd -f -p 80 -h /www']);
  await ok(cluster, 'h1', ['--host', 'h1', 'run', '-d', '--name', 'client', '--network', 'ov', 'busybox', 'sleep', '600']);
  const inspect = async (ref: string) => JSON.parse(await ok(cluster, 'h1', ['inspect', ref]))[0];
  const before = await inspect('h2/srv');
  const address = before.NetworkSettings.Networks.ov.IPAddress as string;
  const get = (host: string) => cluster.berth('h1', ['exec', 'h1/client', 'sh', '-c', `printf 'GET /hi HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ${host} 80`], { timeoutMs: 60_000 });
  await until('srv answers h1', async () => (await get(address)).stdout.includes(before.Config.Hostname), 60_000);

  await cluster.killDaemon('h2', 'SIGKILL');
  await until('srv rescheduled to h3 and running', async () => (await cluster.berth('h1', ['ps', '--format', '{{.Names}} {{.State}}'])).stdout.includes('h3/srv running'), 180_000);
  const after = await inspect('h3/srv');
  t.not(after.Id, before.Id, 'a new container');
  t.equal(after.NetworkSettings.Networks.ov.IPAddress, address, `the same address (${address})`);
  await until('the client on h1 reaches the new copy by address', async () => (await get(address)).stdout.includes(after.Config.Hostname), 60_000);
  t.pass('h1 reaches srv on h3 at its old address');
  t.match((await get('srv.ov')).stdout, after.Config.Hostname, 'and by name');
});
