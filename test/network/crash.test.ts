/**
 * Networks after a daemon SIGKILL in the middle of container set-ups, and after a "reboot" (the
 * bridge and berth's table gone): leases match the containers that exist, links match the
 * containers that run, and the bridge and rules are rebuilt from the log. In a namespace of the test.
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startEngine, until } from '../helpers/engine.js';
import { NetworkNamespace } from '../helpers/netns.js';

const CLI = fileURLToPath(new URL('../../cli/main.cjs', import.meta.url));

t.test('SIGKILL during set-up, then a reboot', async (t) => {
  const inner = NetworkNamespace.create(t);
  const engine = await startEngine(t, { netns: inner.prefix });
  const id = (await engine.ok(['network', 'create', '--subnet', '10.66.0.0/24', 'web'])).trim();
  const endpoints = async () => Object.entries(JSON.parse(await engine.ok(['network', 'inspect', 'web']))[0].Containers as Record<string, { IPv4Address: string }>);

  // Five runs in flight; the daemon dies once the first lease is in the log.
  // The CLIs are ended by pid with their daemon: none of them may finish its run after the restart.
  const runs = Array.from({ length: 5 }, (_, i) => spawn(inner.prefix[0], [...inner.prefix.slice(1), process.execPath, CLI, 'run', '-d', '--name', `r${i}`, '--network', 'web', 'busybox', 'sleep', '600'], { env: engine.env, stdio: 'ignore' }));
  const exited = runs.map((child) => new Promise((resolve) => child.on('exit', resolve)));
  await until('a first lease', async () => (await endpoints()).length > 0, 60_000);
  await engine.killDaemon('SIGKILL');
  for (const child of runs) child.kill('SIGKILL');
  await Promise.all(exited);
  await engine.startDaemon();

  const containers = (await engine.ok(['ps', '-aq', '--no-trunc'])).split('\n').filter(Boolean);
  const leased = await endpoints();
  t.same(leased.map(([container]) => container).filter((c) => !containers.includes(c)), [], 'no lease of a container that does not exist');
  t.equal(new Set(leased.map(([, e]) => e.IPv4Address)).size, leased.length, 'no address leased twice');
  for (const container of containers) t.ok(leased.some(([c]) => c === container), `${container.slice(0, 12)} has its lease`);
  const running = (await engine.ok(['ps', '-q', '--no-trunc'])).split('\n').filter(Boolean);
  const veths = [...inner.ip('-o', 'link', 'show').matchAll(/\d+: vb([0-9a-f]{8})[0-9a-f]{5}/g)].map((m) => m[1]);
  t.same(veths.filter((prefix) => !running.some((c) => c.startsWith(prefix))), [], 'no veth of a container that does not run');
  t.match(await engine.ok(['run', '--rm', '--network', 'web', 'busybox', 'ip', '-4', 'addr', 'show', 'eth0']), /inet 10\.66\.0\.\d+\/24/, 'and a new container joins');

  // A reboot: the daemon gone, and with it the bridge and the table.
  await engine.killDaemon('SIGKILL');
  inner.ip('link', 'del', `br-${id.slice(0, 12)}`);
  inner.ip('link', 'del', 'berth0');
  execFileSync(inner.prefix[0], [...inner.prefix.slice(1), 'nft', 'delete', 'table', 'inet', 'berth']);
  await engine.startDaemon();
  t.match(execFileSync(inner.prefix[0], [...inner.prefix.slice(1), 'nft', 'list', 'table', 'inet', 'berth']).toString(), /ip saddr 10\.66\.0\.0\/24 oifname != "br-[0-9a-f]{12}" masquerade/, 'the rules are rebuilt');
  t.match(inner.ip('-4', 'addr', 'show', 'dev', `br-${id.slice(0, 12)}`), /10\.66\.0\.1\/24/, 'the bridge is rebuilt from the log');
  t.match(inner.ip('-4', 'addr', 'show', 'dev', 'berth0'), /172\.17\.0\.1\/16/, 'and the default one');
  t.match(await engine.ok(['run', '--rm', '--network', 'web', 'busybox', 'ip', 'route']), /default via 10\.66\.0\.1/);
});
