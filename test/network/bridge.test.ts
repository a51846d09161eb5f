/**
 * Bridge networks through the real parts, the whole engine inside a network namespace the test
 * makes (and a second one as the outside world): the default bridge, user networks, leases,
 * NAT out, and refusals. The host's links, rules and ip_forward are checked unchanged after.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import t from 'tap';
import { startEngine, until } from '../helpers/engine.js';
import { NetworkNamespace } from '../helpers/netns.js';
import { dockerOk } from '../helpers/docker.js';
import { helloServer } from '../helpers/busybox.js';

const hostLinks = () => execFileSync('ip', ['-o', 'link', 'show']).toString().split('\n').map((line) => line.split(':')[1]?.trim().split('@')[0]).filter(Boolean).sort();
const hostTables = () => execFileSync('nft', ['list', 'tables']).toString();
const hostForwarding = async () => `${await fs.readFile('/proc/sys/net/ipv4/ip_forward', 'utf8')} ${await fs.readFile('/proc/sys/net/ipv6/conf/all/forwarding', 'utf8')}`;

const before = { links: hostLinks(), tables: hostTables(), forwarding: await hostForwarding() };

// The first and the third subtest share one engine (in order: the first expects the first lease),
// which saves a namespace, a daemon with its nats-server and an image import.
const inner = NetworkNamespace.create(t);
const engine = await startEngine(t, { netns: inner.prefix });

t.test('the default bridge, user networks, NAT out', async (t) => {
  const world = inner.outside(t);

  // The default bridge: berth0 on a subnet clear of the namespace's routes (10.200.0.0/24).
  const bridge = JSON.parse(await engine.ok(['network', 'inspect', 'bridge']))[0];
  t.equal(bridge.IPAM.Config[0].Subnet, '172.17.0.0/16');
  t.match(inner.ip('-4', 'addr', 'show', 'dev', 'berth0'), /inet 172\.17\.0\.1\/16/);
  t.equal(execFileSync('nsenter', [...inner.prefix.slice(1), 'cat', '/proc/sys/net/ipv4/ip_forward']).toString().trim(), '1', 'ip_forward in the namespace');
  t.match(inner.ip('route'), /172\.17\.0\.0\/16 dev berth0/);

  // run without --network joins bridge: eth0 with its lease, a default route, Docker's files.
  const shown = await engine.ok(['run', '--rm', '--hostname', 'web1', '--add-host', 'db.local:10.1.2.3', '--dns', '10.9.9.9', 'busybox', 'sh', '-c',
    'ip -4 addr show eth0; ip route; cat /etc/hostname /etc/hosts /etc/resolv.conf']);
  t.match(shown, /inet 172\.17\.0\.2\/16/, 'the first lease');
  t.match(shown, /default via 172\.17\.0\.1 dev eth0/);
  t.match(shown, /^web1$/m);
  t.match(shown, /^10\.1\.2\.3\tdb\.local$/m, '--add-host');
  t.match(shown, /^172\.17\.0\.2\tweb1$/m, 'its own name in /etc/hosts');
  t.match(shown, /^nameserver 10\.9\.9\.9$/m, '--dns');
  t.notMatch(shown, /nameserver 127\./);

  // NAT: a connection out reaches the outside namespace from the namespace's own address.
  const listener = spawn('ip', ['netns', 'exec', world.namespace.name, process.execPath, '-e',
    "require('net').createServer((s) => { console.log(s.remoteAddress); s.end('pong\\n'); }).listen(9000, () => console.log('ready'))"]);
  t.teardown(() => { listener.kill('SIGKILL'); });
  let heard = '';
  listener.stdout.on('data', (data: Buffer) => { heard += data.toString(); });
  await until('the outside listener', async () => heard.includes('ready'));
  t.match(await engine.ok(['run', '--rm', 'busybox', 'sh', '-c', `echo ping | nc -w 5 ${world.address} 9000`]), /pong/, 'out through NAT');
  await until('the source address', async () => heard.split('\n').length > 2);
  t.match(heard, /10\.200\.0\.1/, 'masqueraded to the namespace address');
  t.notMatch(heard, /172\.17\./);

  // A user network: its own bridge, --ip, container to container.
  const id = (await engine.ok(['network', 'create', '--subnet', '10.77.0.0/24', '--label', 'team=a', 'web'])).trim();
  t.match(id, /^[0-9a-f]{64}$/);
  t.match(inner.ip('-4', 'addr', 'show', 'dev', `br-${id.slice(0, 12)}`), /10\.77\.0\.1\/24/);
  await engine.ok(['run', '-d', '--name', 'srv', '--network', 'web', '--ip', '10.77.0.50', 'busybox', ...helloServer(7000)]);
  t.match(await engine.ok(['run', '--rm', '--network', 'web', 'busybox', 'sh', '-c', 'nc -w 5 10.77.0.50 7000 </dev/null']), /hello/, 'one container reaches another on the network');
  const refused = await engine.berth(['run', '--rm', '--network', 'web', '--ip', '10.77.0.50', 'busybox', 'true']);
  t.equal(refused.code, 125, 'an address in use is refused');
  t.match(refused.stderr, /Address already in use: 10\.77\.0\.50/);
  t.equal(refused.stderr.trim().split('\n').length, 1, 'in one line');

  // network rm of a network in use is refused; removing the container frees it.
  const inUse = await engine.berth(['network', 'rm', 'web']);
  t.equal(inUse.code, 1);
  t.match(inUse.stderr, /has active endpoints/);
  const ls = await engine.ok(['network', 'ls']);
  t.match(ls, /bridge\s+bridge/);
  t.match(ls, /web\s+bridge/);
  await engine.ok(['rm', '-f', 'srv']);
  await until('the lease released', async () => Object.keys(JSON.parse(await engine.ok(['network', 'inspect', 'web']))[0].Containers).length === 0);
  await engine.ok(['network', 'rm', 'web']);
  t.throws(() => inner.ip('link', 'show', `br-${id.slice(0, 12)}`), 'the bridge is gone');
  t.notMatch(execFileSync('nsenter', [...inner.prefix.slice(1), 'nft', 'list', 'table', 'inet', 'berth']).toString(), /10\.77\.0\.0/, 'and its rules');
  t.equal((await engine.berth(['network', 'rm', 'bridge'])).code, 1, 'the default network cannot be removed');
});

t.test('50 containers created at once get 50 distinct addresses', async (t) => {
  const ownNamespace = NetworkNamespace.create(t);
  const engine = await startEngine(t, { netns: ownNamespace.prefix });
  await engine.ok(['network', 'create', 'many']);
  // Eight CLIs at a time keep 50 creates in flight together without starving a 2-core machine.
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < 50) {
      const i = next++;
      await engine.ok(['create', '--name', `c${i}`, '--network', 'many', 'busybox', 'true']);
    }
  }));
  const containers = Object.values(JSON.parse(await engine.ok(['network', 'inspect', 'many']))[0].Containers) as Array<{ IPv4Address: string }>;
  t.equal(containers.length, 50);
  t.equal(new Set(containers.map((c) => c.IPv4Address)).size, 50, 'no address leased twice');
});

t.test('--network none and host keep working, and container:NAME shares a netns', async (t) => {
  t.notMatch(await engine.ok(['run', '--rm', '--network', 'none', 'busybox', 'ip', 'link']), /eth0/);
  t.match(await engine.ok(['run', '--rm', '--network', 'host', 'busybox', 'ip', 'link']), /berth0/, "the daemon's namespace");

  // -p with host: discarded with Docker's warning, in one line; with none: discarded silently. No forward either way.
  const host = await engine.berth(['run', '--rm', '--network', 'host', '-p', '18080:80', 'busybox', 'true']);
  t.equal(host.code, 0, 'host with -p runs');
  t.equal(host.stderr, 'WARNING: Published ports are discarded when using host network mode\n');
  const none = await engine.berth(['run', '--rm', '--network', 'none', '-p', '18081:80', 'busybox', 'true']);
  t.equal(none.code, 0, 'none with -p runs');
  t.equal(none.stderr, '', 'without a warning, as Docker');
  const created = await engine.berth(['create', '--name', 'hostports', '--network', 'host', '-p', '18082:80', 'busybox', 'true']);
  t.match(created.stdout, /^[0-9a-f]{64}\n$/, 'create prints the id');
  t.equal(created.stderr, 'WARNING: Published ports are discarded when using host network mode\n', 'and the warning');
  t.equal(await engine.ok(['port', 'hostports']), '', 'no mapping listed');
  await engine.ok(['rm', 'hostports']);
  t.notMatch(execFileSync('nsenter', [...inner.prefix.slice(1), 'nft', 'list', 'table', 'inet', 'berth']).toString(), /1808[012]/, 'no forward in the table');
  await engine.ok(['run', '-d', '--name', 'first', 'busybox', 'sleep', '600']);
  const address = /inet (172\.17\.0\.\d+)/.exec(await engine.ok(['exec', 'first', 'ip', '-4', 'addr', 'show', 'eth0']))![1];
  t.match(await engine.ok(['run', '--rm', '--network', 'container:first', 'busybox', 'ip', '-4', 'addr', 'show', 'eth0']), new RegExp(`inet ${address.replaceAll('.', '\\.')}/`));

  // connect and disconnect a running container, live; inspect shows both networks as Docker does.
  await engine.ok(['network', 'create', '--subnet', '10.88.0.0/24', 'side']);
  await engine.ok(['network', 'create', 'unused']);
  await engine.ok(['network', 'connect', '--alias', 'first-side', 'side', 'first']);
  t.match(await engine.ok(['exec', 'first', 'ip', '-4', 'addr', 'show', 'eth1']), /inet 10\.88\.0\.2\/24/, 'a second interface, live');
  const settings = (await engine.inspect('first')).NetworkSettings;
  t.same(Object.keys(settings.Networks).sort(), ['bridge', 'side']);
  t.equal(settings.IPAddress, address);
  t.equal(settings.Networks.side.IPAddress, '10.88.0.2');
  t.same(settings.Networks.side.Aliases, ['first-side']);
  t.equal(settings.Networks.side.MacAddress, '02:42:0a:58:00:02');
  t.equal((await engine.inspect('first')).HostConfig.NetworkMode, 'bridge');
  t.match(await engine.ok(['network', 'prune', '-f']), /^unused$/m, 'prune removes the unused network');
  t.match(await engine.ok(['network', 'ls']), /side/, 'and keeps the one in use');
  // Docker's prune filters and its confirmation.
  await engine.ok(['network', 'create', '--label', 'keep=1', 'kept']);
  await engine.ok(['network', 'create', 'loose']);
  t.equal(await engine.ok(['network', 'prune']), '', 'no answer is no');
  t.equal(await engine.ok(['network', 'prune', '-f', '--filter', 'until=2000-01-01T00:00:00Z']), '', 'until: none was created before');
  t.equal(await engine.ok(['network', 'prune', '-f', '--filter', 'label!=keep']), 'Deleted Networks:\nloose\n', 'label!=: the one without the label');
  const badFilter = await engine.berth(['network', 'prune', '-f', '--filter', 'driver=bridge']);
  t.equal(badFilter.code, 125);
  t.equal(badFilter.stderr.trim(), "berth: invalid filter 'driver'");
  t.equal(await engine.ok(['network', 'prune', '-f', '--filter', 'label=keep=1']), 'Deleted Networks:\nkept\n', 'label=KEY=VALUE');
  await engine.ok(['network', 'disconnect', 'side', 'first']);
  t.notMatch(await engine.ok(['exec', 'first', 'ip', 'link']), /eth1/, 'disconnected, live');
  await engine.ok(['network', 'rm', 'side']);
  await engine.ok(['rm', '-f', 'first']);
});

t.test('a live connect takes the lowest free ethN, as Docker does', async (t) => {
  await engine.ok(['network', 'create', '--subnet', '10.91.0.0/24', 'second']);
  await engine.ok(['network', 'create', '--subnet', '10.92.0.0/24', 'third']);
  await engine.ok(['run', '-d', '--name', 'multi', 'busybox', 'sleep', '600']);
  await engine.ok(['network', 'connect', 'second', 'multi']);
  await engine.ok(['network', 'disconnect', 'bridge', 'multi']);
  const links = async () => (await engine.ok(['exec', 'multi', 'ip', '-o', '-4', 'addr', 'show'])).split('\n')
    .map((line) => /^\d+: (\S+)\s+inet (\S+)/.exec(line)).filter((m) => m && m[1] !== 'lo').map((m) => `${m![1]} ${m![2]}`).sort();
  t.same(await links(), ['eth1 10.91.0.2/24'], 'eth0 went with the bridge');
  // The bridge gave the default route: it moves to the network the container is still on, as Docker's does.
  t.match(await engine.ok(['exec', 'multi', 'ip', 'route']), /^default via 10\.91\.0\.1 dev eth1/m, 'the default route moved to second\'s gateway');
  t.match(await engine.ok(['exec', 'multi', 'ping', '-c', '1', '-W', '5', '10.91.0.1']), /1 packets received/, 'which it reaches');
  t.match(await engine.ok(['exec', 'multi', 'ping', '-c', '1', '-W', '5', '172.17.0.1']), /1 packets received/, 'and through it, an address off its own subnet');
  await engine.ok(['network', 'connect', 'third', 'multi']);
  t.same(await links(), ['eth0 10.92.0.2/24', 'eth1 10.91.0.2/24'], 'the third network takes eth0, the lowest free name');
  await engine.ok(['network', 'connect', 'bridge', 'multi']);
  t.match(await links(), [/^eth0 10\.92\./, /^eth1 10\.91\./, /^eth2 172\.17\./], 'and the bridge, back, takes eth2');

  // A restart makes the same interfaces again.
  await engine.ok(['restart', '-t', '0', 'multi']);
  t.match(await links(), [/^eth0 10\.92\./, /^eth1 10\.91\./, /^eth2 172\.17\./], 'the same names after a restart');
  await engine.ok(['rm', '-f', 'multi']);
  await engine.ok(['network', 'rm', 'second', 'third']);
});

t.test('a live connect gives a container without a default route one, through the new network', async (t) => {
  const world = inner.outside(t);
  await engine.ok(['network', 'create', '--internal', '--subnet', '10.93.0.0/24', 'closed']);
  await engine.ok(['network', 'create', '--subnet', '10.94.0.0/24', 'open']);
  await engine.ok(['run', '-d', '--name', 'shut', '--network', 'closed', 'busybox', 'sleep', '600']);
  const route = async () => /^default .*/m.exec(await engine.ok(['exec', 'shut', 'ip', 'route']))?.[0];
  const ping = () => engine.ok(['exec', 'shut', 'ping', '-c', '1', '-W', '5', world.address]);
  t.equal(await route(), undefined, 'an internal network gives no default route');
  await engine.ok(['network', 'connect', 'open', 'shut']);
  t.equal(await route(), 'default via 10.94.0.1 dev eth1 ', 'the connect gave one, through the new network\'s gateway');
  t.match(await ping(), /1 packets received/, 'the outside namespace answers through it');
  // Disconnected from every network, then connected again.
  await engine.ok(['network', 'disconnect', 'open', 'shut']);
  await engine.ok(['network', 'disconnect', 'closed', 'shut']);
  await engine.ok(['network', 'connect', 'open', 'shut']);
  t.equal(await route(), 'default via 10.94.0.1 dev eth0 ', 'connected again: the route again');
  await engine.ok(['rm', '-f', 'shut']);
  await engine.ok(['network', 'rm', 'closed', 'open']);
});

t.test('IPv6: a --ipv6 network, names (AAAA), NAT out and published ports over IPv6', async (t) => {
  const world = inner.outside(t, { ipv6: true });
  const inWorld = (script: string) => spawn('ip', ['netns', 'exec', world.namespace.name, process.execPath, '-e', script]);
  const listener = inWorld("require('net').createServer((s) => { console.log(s.remoteAddress); s.end('pong\\n'); }).listen(9000, '::', () => console.log('ready'))");
  t.teardown(() => { listener.kill('SIGKILL'); });
  let heard = '';
  listener.stdout.on('data', (data: Buffer) => { heard += data.toString(); });

  // Without a subnet: the host's ULA /64 (Docker's default pool), its first address the gateway; made through the Engine API.
  await dockerOk(engine, ['network', 'create', '--ipv6', 'ula']);
  const id = (await engine.ok(['network', 'create', '--ipv6', '--subnet', '10.95.0.0/24', '--subnet', 'fd95::/64', 'six'])).trim();
  const [ula, six] = JSON.parse(await dockerOk(engine, ['network', 'inspect', 'ula', 'six']));
  t.equal(ula.EnableIPv6, true);
  t.match(ula.IPAM.Config[1], { Subnet: /^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/64$/, Gateway: /^fd[0-9a-f:]+::1$/ }, 'a ULA /64 beside the IPv4 subnet');
  t.same(six.IPAM.Config, [{ Subnet: '10.95.0.0/24', Gateway: '10.95.0.1' }, { Subnet: 'fd95::/64', Gateway: 'fd95::1' }], 'docker network inspect');
  t.match(inner.ip('-6', 'addr', 'show', 'dev', `br-${id.slice(0, 12)}`), /inet6 fd95::1\/64/, 'the IPv6 gateway on the bridge');
  t.equal(execFileSync('nsenter', [...inner.prefix.slice(1), 'cat', '/proc/sys/net/ipv6/conf/all/forwarding']).toString().trim(), '1', 'IPv6 forwarding in the namespace');

  await engine.ok(['run', '-d', '--name', 'srv6', '--network', 'six', '--ip6', 'fd95::50', '-p', '8086:7000', '-p', '[::]:8087:7000', 'busybox', ...helloServer(7000)]);
  await engine.ok(['run', '-d', '--name', 'cli6', '--network', 'six', 'busybox', 'sleep', '600']);
  const [srv, cli] = JSON.parse(await engine.ok(['inspect', 'srv6', 'cli6'])) as Array<{ NetworkSettings: { GlobalIPv6Address: string; Networks: Record<string, object> } }>;
  t.match(srv.NetworkSettings, { GlobalIPv6Address: 'fd95::50', GlobalIPv6PrefixLen: 64, IPv6Gateway: 'fd95::1' });
  t.match(srv.NetworkSettings.Networks.six, { GlobalIPv6Address: 'fd95::50', IPv6Gateway: 'fd95::1', IPAddress: '10.95.0.2' });
  t.equal(cli.NetworkSettings.GlobalIPv6Address, 'fd95::2', 'the lowest free address after the gateway');

  await until('the outside listener', async () => heard.includes('ready'));
  const seen = await engine.ok(['exec', 'cli6', 'sh', '-c', `ip -6 route; nslookup -type=aaaa srv6; nslookup fd95::50; ping -6 -c 1 -W 5 srv6; nc -w 5 fd95::50 7000 </dev/null; echo ping | nc -w 5 ${world.address6} 9000`]);
  t.match(seen, /^default via fd95::1 dev eth0/m, 'an IPv6 default route');
  t.match(seen, /Address: fd95::50/, 'AAAA from the embedded DNS');
  t.match(seen, /ip6\.arpa\s+name = srv6\.six/, 'and the address\'s name (PTR in ip6.arpa)');
  t.match(seen, /PING srv6 \(fd95::50\)[^]*1 packets received/, 'by name over IPv6');
  t.match(seen, /^hello$/m, 'by address over IPv6');
  t.match(seen, /^pong$/m, 'out over IPv6');
  await until('the source address', async () => heard.split('\n').length > 2);
  t.match(heard, /^fd99:200::1$/m, 'masqueraded to the namespace\'s IPv6 address');

  // Published ports answer over IPv6 from the outside: -p 8086:7000 on both families, -p [::]:8087:7000 on IPv6.
  const fetch6 = (port: number) => new Promise<string>((resolve, reject) => {
    const client = inWorld(`require('net').connect(${port}, '${world.inside6}').on('data', (d) => process.stdout.write(d)).on('error', (e) => { console.error(e.message); process.exit(1); })`);
    let out = '';
    client.stdout.on('data', (data: Buffer) => { out += data.toString(); });
    client.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
  });
  t.match(await fetch6(8086), /hello/, '-p 8086:7000 over IPv6');
  t.match(await fetch6(8087), /hello/, '-p [::]:8087:7000');
  t.match(await engine.ok(['port', 'srv6']), /7000\/tcp -> \[::\]:8087/, '`port` writes an IPv6 address in brackets');

  // Bad input: one line, 125.
  for (const [args, message] of [
    [['run', '--rm', '--network', 'six', '--ip6', 'fd96::5', 'busybox', 'true'], /does not belong to any of this network's subnets/],
    [['run', '--rm', '--network', 'six', '--ip6', 'fd95::50', 'busybox', 'true'], /Address already in use: fd95::50/],
    [['network', 'create', '--subnet', 'fd95::/129', 'bad6'], /invalid subnet fd95::\/129/],
  ] as const) {
    const refused = await engine.berth([...args]);
    t.equal(refused.code, 125, args.join(' '));
    t.match(refused.stderr, message);
    t.equal(refused.stderr.trim().split('\n').length, 1, 'in one line');
  }

  await engine.ok(['rm', '-f', 'srv6', 'cli6']);
  await until('the leases released', async () => Object.keys(JSON.parse(await engine.ok(['network', 'inspect', 'six']))[0].Containers).length === 0);
  await engine.ok(['network', 'rm', 'six', 'ula']);
  t.notMatch(execFileSync('nsenter', [...inner.prefix.slice(1), 'nft', 'list', 'table', 'inet', 'berth']).toString(), /fd95/, 'its rules went with it');
});

t.test('the host is left alone', async (t) => {
  t.same(hostLinks().filter((l) => !before.links.includes(l) && /^(berth0|br-|vb)/.test(l)), [], 'no link of ours on the host');
  t.equal(hostTables(), before.tables, "the host's nft tables unchanged");
  t.equal(await hostForwarding(), before.forwarding, "the host's ip_forward and IPv6 forwarding unchanged");
});
