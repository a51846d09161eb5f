/**
 * One CLI for three hosts: host ls with states and capacity, drain (surviving a restart),
 * placement with constraints, HOST/NAME addressing, and cluster-wide ps, images and events.
 */
import t from 'tap';
import { startCluster } from '../helpers/cluster.js';
import { until } from '../helpers/engine.js';
import { gateFile, requiresCluster } from '../helpers/gates.js';

gateFile(requiresCluster());

t.test('hosts, placement, addressing and cluster-wide views', async (t) => {
  const started = Math.floor(Date.now() / 1000);
  const cluster = await startCluster(t, { labels: [['zone=a'], ['zone=b'], ['zone=b', 'disk=ssd']] });
  const hostLs = async (from: string) => (await cluster.ok(from, ['host', 'ls', '--format', 'json'])).trim().split('\n').map((l) => JSON.parse(l));

  const hosts = await hostLs('h2');
  t.same(hosts.map((h) => [h.Host, h.State, h.Availability]), [['h1', 'ready', 'active'], ['h2', 'ready', 'active'], ['h3', 'ready', 'active']]);
  t.same(hosts[2].Labels, { zone: 'b', disk: 'ssd' }, 'labels given by --label');
  t.ok(hosts.every((h) => h.Capacity.cpus > 0 && h.Capacity.memoryFree > 0 && h.Capacity.containersRunning === 0), 'capacity from the heartbeats');

  // Import without --host: every ready host gets the image; `images` shows each host's.
  await cluster.importBusybox(false);
  const images = await cluster.ok('h1', ['images']);
  t.same(images.trim().split('\n').slice(1).map((l) => l.split(/\s+/).slice(0, 2)).sort(), [['h1', 'busybox'], ['h2', 'busybox'], ['h3', 'busybox']]);

  // Placement honours constraints.
  await cluster.ok('h1', ['run', '-d', '--name', 'web', '--constraint', 'zone=a', 'busybox', 'sleep', '300']);
  await cluster.ok('h1', ['run', '-d', '--name', 'fast', '--constraint', 'disk=ssd', 'busybox', 'sleep', '300']);
  const ps = await cluster.ok('h2', ['ps', '--format', '{{.Names}} {{.State}}']);
  t.same(ps.trim().split('\n').sort(), ['h1/web running', 'h3/fast running'], 'ps spans the cluster; names are HOST/NAME');
  const placed = await cluster.berth('h1', ['run', '-d', '--constraint', 'zone=c', 'busybox', 'true']);
  t.equal(placed.code, 125);
  t.match(placed.stderr, /no ready host satisfies zone=c/);

  // logs and exec find the host of a container named without one.
  await cluster.ok('h1', ['run', '-d', '--name', 'talker', '--constraint', 'host=h2', 'busybox', 'sh', '-c', 'echo said; sleep 300']);
  await until('talker\'s line logged', async () => (await cluster.ok('h3', ['logs', 'talker'])) === 'said\n');
  t.equal(await cluster.ok('h3', ['exec', 'talker', 'echo', 'inside']), 'inside\n', 'exec on the host that holds it');
  t.equal(await cluster.ok('h1', ['logs', 'h2/talker']), 'said\n');
  await cluster.ok('h1', ['rm', '-f', 'talker']);

  // Drain: placement skips the host, and the drain survives a daemon restart.
  t.equal((await cluster.ok('h1', ['host', 'drain', 'h2'])).trim(), 'h2');
  await cluster.killDaemon('h2', 'SIGTERM');
  await cluster.startDaemon('h2');
  await until('h2 back and draining', async () => (await hostLs('h3')).find((h) => h.Host === 'h2')?.State === 'draining');
  for (const name of ['b1', 'b2']) {
    await cluster.ok('h1', ['run', '-d', '--name', name, '--constraint', 'zone=b', 'busybox', 'sleep', '300']);
  }
  t.same((await cluster.ok('h1', ['ps', '--filter', 'name=^b', '--format', '{{.Names}}'])).trim().split('\n').sort(), ['h3/b1', 'h3/b2'], 'nothing placed on the drained h2');
  t.match(await cluster.ok('h1', ['host', 'ls']), /h2\s+draining\s+drain/);
  await cluster.ok('h1', ['host', 'activate', 'h2']);
  t.match(await cluster.ok('h1', ['host', 'ls']), /h2\s+ready\s+active/);

  // Names are unique per host: a second `web` on h3 makes the bare name ambiguous.
  await cluster.ok('h1', ['--host', 'h3', 'run', '-d', '--name', 'web', 'busybox', 'sleep', '300']);
  const ambiguous = await cluster.berth('h1', ['stop', '-t', '0', 'web']);
  t.equal(ambiguous.code, 1, 'stop fails for that name, as for any name it cannot stop');
  t.match(ambiguous.stderr, /web names containers on hosts h1, h3; use HOST\/web/);
  await cluster.ok('h2', ['stop', '-t', '0', 'h3/web']);
  t.equal((await cluster.ok('h1', ['inspect', '--format', '{{.State.Status}}', 'h3/web'])).trim(), 'exited');
  t.equal((await cluster.ok('h1', ['inspect', '--format', '{{.State.Status}}', 'h1/web'])).trim(), 'running');
  await cluster.ok('h1', ['stop', '-t', '0', 'fast']);
  t.equal((await cluster.ok('h1', ['inspect', '--format', '{{.State.Status}}', 'fast'])).trim(), 'exited', 'an unambiguous name needs no host');
  const wrongHost = await cluster.berth('h1', ['--host', 'h1', 'stop', 'h3/web']);
  t.match(wrongHost.stderr, /h3\/web is on host h3, not on h1/);

  // events: every host's history in stream order, or one host's.
  const history = async (...filters: string[]) => (await cluster.ok('h1', ['events', '--since', String(started), '--until', String(Math.ceil(Date.now() / 1000) + 1), '--format', 'json', ...filters.flatMap((f) => ['--filter', f])]))
    .trim().split('\n').map((l) => JSON.parse(l));
  const all = await history('type=container');
  t.same([...new Set(all.map((e) => e.host))].sort(), ['h1', 'h2', 'h3'], 'container events from every host');
  t.ok(all.every((e, i) => i === 0 || e.seq > all[i - 1].seq), 'merged in stream order');
  const h3 = await history('host=h3', 'event=start');
  t.same(h3.map((e) => e.Actor.Attributes.name).sort(), ['b1', 'b2', 'fast', 'web']);
  const nodes = await history('type=node');
  t.same(nodes.map((e) => [e.host, e.Action, e.Actor.Attributes.availability ?? '']).filter((e) => e[1] === 'update'), [['h2', 'update', 'drain'], ['h2', 'update', 'active']], 'drain and activate are events');
});
