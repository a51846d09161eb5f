/**
 * Published ports through the real parts: the engine inside a network namespace the test makes
 * (its "host side") and a second namespace as the outside world. TCP on 127.0.0.1, on the
 * namespace's address and from outside; hairpin from containers; a port on 127.0.0.1 that the
 * outside cannot reach even when it sends to 127.0.0.1 itself; UDP; -P with EXPOSE and --expose; conflicts refused with
 * nothing left behind; stop and start; a daemon SIGKILL with the table gone.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { helloServer } from '../helpers/busybox.js';
import { dockerOk } from '../helpers/docker.js';
import { startEngine, until, type Engine } from '../helpers/engine.js';
import { NetworkNamespace } from '../helpers/netns.js';

/** `busybox nc` in a namespace: what the server sent, or '' when nothing answered within 3 s. */
function connect(namespace: NetworkNamespace, address: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    execFile('nsenter', [`--net=${namespace.path}`, 'busybox', 'nc', '-w', '3', address, String(port)], { timeout: 10_000 }, (_error, stdout) => resolve(stdout.toString()));
  });
}

/** One datagram 'ping' sent from a namespace; the answer, or '' after 3 s. */
function udpRoundTrip(namespace: NetworkNamespace, address: string, port: number): Promise<string> {
  const script = `const s = require('dgram').createSocket('udp4'); s.on('message', (m) => { process.stdout.write(m); process.exit(0); });
    s.send('ping', ${port}, '${address}'); setTimeout(() => process.exit(0), 3000);`;
  return new Promise((resolve) => {
    execFile('nsenter', [`--net=${namespace.path}`, process.execPath, '-e', script], { timeout: 10_000 }, (_error, stdout) => resolve(stdout.toString()));
  });
}

const table = (namespace: NetworkNamespace) => execFileSync('nsenter', [`--net=${namespace.path}`, 'nft', 'list', 'table', 'inet', 'berth']).toString();

/** A container answering `hello NAME` to every TCP connection on port 80. */
const server = (name: string) => ['busybox', ...helloServer(80, name)];

async function firewallTimes(engine: Engine): Promise<number[]> {
  const log = await fs.readFile(path.join(engine.dir, 'berthd.log'), 'utf8');
  return [...log.matchAll(/firewall applied.*? ms=([\d.]+)/g)].map((m) => Number(m[1]));
}

t.test('published ports', async (t) => {
  const inner = NetworkNamespace.create(t);
  const world = inner.outside(t);
  const engine = await startEngine(t, { netns: inner.prefix });

  const web = (await engine.ok(['run', '-d', '--name', 'web', '-p', '8080:80', ...server('web')])).trim();
  t.match(await connect(inner, '127.0.0.1', 8080), /hello web/, 'from the host side on 127.0.0.1');
  t.match(await connect(inner, world.inside, 8080), /hello web/, "from the host side on its address");
  t.match(await connect(world.namespace, world.inside, 8080), /hello web/, 'from the outside world');
  t.equal(await engine.ok(['port', 'web']), '80/tcp -> 0.0.0.0:8080\n');
  t.equal(await engine.ok(['port', 'web', '80']), '0.0.0.0:8080\n');
  t.equal((await engine.berth(['port', 'web', '81'])).code, 1, 'no mapping for 81');
  t.match(await engine.ok(['ps']), /0\.0\.0\.0:8080->80\/tcp\s+web/);
  const inspected = await engine.inspect('web');
  t.same(inspected.NetworkSettings.Ports, { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] });
  t.same(inspected.HostConfig.PortBindings, { '80/tcp': [{ HostIp: '', HostPort: '8080' }] });

  // The same through the Engine API: the docker CLI's -p arrives as HostConfig.PortBindings.
  await dockerOk(engine, ['run', '-d', '--name', 'viaapi', '-p', '127.0.0.1:8090:80', ...server('viaapi')]);
  t.match(await connect(inner, '127.0.0.1', 8090), /hello viaapi/, 'a port the docker CLI published');
  t.equal(await dockerOk(engine, ['port', 'viaapi']), '80/tcp -> 127.0.0.1:8090\n', 'docker port shows it');
  await dockerOk(engine, ['rm', '-f', 'viaapi']);
  t.equal(await connect(inner, '127.0.0.1', 8090), '', 'gone with its container');

  // Hairpin: containers reach published ports through the host's addresses, their own too.
  t.match(await engine.ok(['run', '--rm', 'busybox', 'nc', '-w', '3', world.inside, '8080']), /hello web/, 'another container, through the host address');
  t.match(await engine.ok(['run', '--rm', 'busybox', 'nc', '-w', '3', '172.17.0.1', '8080']), /hello web/, 'through the gateway');
  t.match(await engine.ok(['exec', 'web', 'nc', '-w', '3', world.inside, '8080']), /hello web/, 'the container itself');
  await engine.ok(['network', 'create', '--subnet', '10.55.0.0/24', 'other']);
  t.match(await engine.ok(['run', '--rm', '--network', 'other', 'busybox', 'nc', '-w', '3', world.inside, '8080']), /hello web/, 'from another network');

  // A port on 127.0.0.1: the host side only. The outside, even sending to 127.0.0.1 itself
  // (a route through the namespace, as a neighbour on the same link could), gets nothing.
  await engine.ok(['run', '-d', '--name', 'local', '-p', '127.0.0.1:8081:80', ...server('local')]);
  t.match(await connect(inner, '127.0.0.1', 8081), /hello local/, 'from the host side');
  t.equal(await connect(inner, world.inside, 8081), '', 'not on the host address');
  t.equal(await connect(world.namespace, world.inside, 8081), '', 'not from outside');
  world.namespace.ip('route', 'del', 'local', '127.0.0.0/8', 'dev', 'lo', 'table', 'local');
  world.namespace.ip('route', 'del', 'local', '127.0.0.1', 'dev', 'lo', 'table', 'local');
  world.namespace.ip('route', 'add', '127.0.0.1/32', 'via', world.inside, 'dev', 'eth0');
  execFileSync('nsenter', [`--net=${world.namespace.path}`, 'sysctl', '-qw', 'net.ipv4.conf.all.route_localnet=1', 'net.ipv4.conf.eth0.route_localnet=1']);
  t.equal(await connect(world.namespace, '127.0.0.1', 8081), '', 'not from outside sending to 127.0.0.1');
  t.match(table(inner), /ip daddr 127\.0\.0\.0\/8 counter packets [1-9]\d* bytes \d+ drop/, "dropped by berth's guard before routing");

  // UDP: busybox has no UDP server, so an echo server runs in the container's netns (a Node
  // process the test starts there), and the round trip goes through the mapping.
  await engine.ok(['run', '-d', '--name', 'udp', '-p', '5353:53/udp', 'busybox', 'sleep', '600']);
  const echo = spawn('nsenter', [`--net=/proc/${(await engine.inspect('udp')).State.Pid}/ns/net`, process.execPath, '-e',
    "const s = require('dgram').createSocket('udp4'); s.on('message', (m, r) => s.send('echo ' + m, r.port, r.address)); s.bind(53, () => console.log('ready'))"]);
  t.teardown(() => { echo.kill('SIGKILL'); });
  await new Promise((resolve) => echo.stdout.once('data', resolve));
  t.equal(await udpRoundTrip(inner, world.inside, 5353), 'echo ping', 'UDP from the host side');
  t.equal(await udpRoundTrip(world.namespace, world.inside, 5353), 'echo ping', 'UDP from outside');
  t.equal(await engine.ok(['port', 'udp']), '53/udp -> 0.0.0.0:5353\n');
  await engine.ok(['run', '-d', '--name', 'free', '-p', '80', ...server('free')]);
  const freePort = Number((await engine.ok(['port', 'free', '80'])).trim().split(':')[1]);
  t.ok(freePort >= 32768 && freePort <= 60999, `a free port of the ephemeral range (${freePort})`);
  t.match(await connect(inner, '127.0.0.1', freePort), /hello free/);

  // -P: every port the image exposes, on free ports.
  await engine.ok(['commit', '-c', 'EXPOSE 80/tcp', '-c', 'EXPOSE 9/udp', 'free', 'exposing']);
  await engine.ok(['run', '-d', '--name', 'all', '-P', 'exposing', ...server('all').slice(1)]);
  const lines = (await engine.ok(['port', 'all'])).trim().split('\n');
  t.equal(lines.length, 2, 'both exposed ports');
  const allPort = Number(/^80\/tcp -> 0\.0\.0\.0:(\d+)$/m.exec(lines.join('\n'))?.[1]);
  t.not(allPort, freePort, 'not a port another container holds');
  t.match(await connect(inner, '127.0.0.1', allPort), /hello all/);
  t.equal((await engine.inspect('all')).HostConfig.PublishAllPorts, true);
  t.same((await engine.inspect('all')).Config.ExposedPorts, { '80/tcp': {}, '9/udp': {} }, "the image's EXPOSE in Config.ExposedPorts");

  // --expose (ranges too) adds to the image's EXPOSE and -p's ports; -P publishes them all but what -p asked.
  const exposedServer = helloServer(81, 'exposed');
  await engine.ok(['run', '-d', '--name', 'exposed', '--expose', '81', '--expose', '7000-7001/udp', '-p', '8082:80', '-P', 'exposing', ...exposedServer]);
  const exposedLines = (await engine.ok(['port', 'exposed'])).trim().split('\n').sort();
  t.same(exposedLines.map((line) => line.replace(/:\d+$/, ':N')), ['7000/udp -> 0.0.0.0:N', '7001/udp -> 0.0.0.0:N', '80/tcp -> 0.0.0.0:N', '81/tcp -> 0.0.0.0:N', '9/udp -> 0.0.0.0:N']);
  t.ok(exposedLines.includes('80/tcp -> 0.0.0.0:8082'), '-p keeps its port');
  const port81 = Number(/^81\/tcp -> 0\.0\.0\.0:(\d+)$/m.exec(exposedLines.join('\n'))?.[1]);
  t.match(await connect(inner, '127.0.0.1', port81), /hello exposed/, 'an --expose port published by -P, reached');
  const exposedInspect = await engine.inspect('exposed');
  t.same(exposedInspect.Config.ExposedPorts, { '9/udp': {}, '80/tcp': {}, '81/tcp': {}, '7000/udp': {}, '7001/udp': {} }, 'EXPOSE, --expose and -p merged');
  t.same(Object.keys(exposedInspect.HostConfig.PortBindings), ['80/tcp'], "-P's ports are not bindings");
  // The docker CLI's --expose arrives as Config.ExposedPorts.
  await dockerOk(engine, ['run', '-d', '--name', 'dockerexpose', '--expose', '82', '-P', 'busybox', ...helloServer(82, 'docker')]);
  const dockerPort = Number((await dockerOk(engine, ['port', 'dockerexpose', '82'])).trim().split(':')[1]);
  t.match(await connect(inner, '127.0.0.1', dockerPort), /hello docker/, 'docker run --expose -P');
  t.equal(await dockerOk(engine, ['inspect', '-f', '{{json .Config.ExposedPorts}}', 'dockerexpose']), '{"82/tcp":{}}\n');
  await dockerOk(engine, ['rm', '-f', 'dockerexpose']);
  // Exposed, not published: listed by ps (berth's and the docker CLI's, from the API list), null in inspect.
  await engine.ok(['run', '-d', '--name', 'unpublished', '--expose', '83-84', 'busybox', 'sleep', '600']);
  t.equal(await engine.ok(['ps', '--filter', 'name=unpublished', '--format', '{{.Ports}}']), '83-84/tcp\n');
  t.equal(await dockerOk(engine, ['ps', '--filter', 'name=unpublished', '--format', '{{.Ports}}']), '83-84/tcp\n');
  t.same((await engine.inspect('unpublished')).NetworkSettings.Ports, { '83/tcp': null, '84/tcp': null });
  await engine.ok(['rm', '-f', 'unpublished']);
  await engine.ok(['create', '--name', 'noexpose', '--network', 'none', '--expose', '83', 'busybox', 'true']);
  t.same((await engine.inspect('noexpose')).Config.ExposedPorts, { '83/tcp': {} }, 'recorded without a network too');
  await engine.ok(['rm', 'noexpose']);

  // Conflicts: one line, exit 125, nothing left behind (no container, lease, veth or rule).
  const before = { containers: await engine.ok(['ps', '-aq']), leases: (await engine.ok(['network', 'inspect', 'bridge'])), links: inner.ip('-o', 'link', 'show'), rules: table(inner) };
  const taken = await engine.berth(['run', '-d', '-p', '8080:80', 'busybox', 'true']);
  t.equal(taken.code, 125);
  t.equal(taken.stderr.trim(), 'berth: Bind for 0.0.0.0:8080 failed: port is already allocated');
  const narrower = await engine.berth(['run', '-d', '-p', '127.0.0.1:8080:80', 'busybox', 'true']);
  t.match(narrower.stderr, /Bind for 127\.0\.0\.1:8080 failed: port is already allocated/, '127.0.0.1 is one of every address');
  const listener = spawn('nsenter', [`--net=${inner.path}`, process.execPath, '-e', "require('net').createServer().listen(9090, () => console.log('ready'))"]);
  t.teardown(() => { listener.kill('SIGKILL'); });
  await new Promise((resolve) => listener.stdout.once('data', resolve));
  const bound = await engine.berth(['run', '-d', '-p', '9090:80', 'busybox', 'true']);
  t.equal(bound.code, 125);
  t.equal(bound.stderr.trim(), 'berth: Bind for 0.0.0.0:9090 failed: address already in use', "a port a process of the host holds");
  const bad = await engine.berth(['run', '-d', '-p', '80:abc', 'busybox', 'true']);
  t.equal(bad.code, 125);
  t.equal(bad.stderr.trim(), 'berth: invalid containerPort: abc');
  const badExpose = await engine.berth(['run', '-d', '--expose', '80:81', 'busybox', 'true']);
  t.same([badExpose.code, badExpose.stderr.trim()], [125, 'berth: invalid port format for --expose: 80:81']);
  t.equal(await engine.ok(['ps', '-aq']), before.containers, 'no container');
  t.equal(await engine.ok(['network', 'inspect', 'bridge']), before.leases, 'no lease');
  t.equal(inner.ip('-o', 'link', 'show'), before.links, 'no veth');
  t.equal(table(inner), before.rules, 'no rule');

  // Stop: the mapping goes (as Docker); start: it comes back, on the same port.
  await engine.ok(['stop', '-t', '1', 'web']);
  t.notMatch(table(inner), /dport 8080/, 'stop removes the rules');
  t.equal(await engine.ok(['port', 'web']), '', 'and port shows none');
  const squatter = spawn('nsenter', [`--net=${inner.path}`, process.execPath, '-e', "require('net').createServer().listen(8080, () => console.log('ready'))"]);
  await new Promise((resolve) => squatter.stdout.once('data', resolve));
  const refusedStart = await engine.berth(['start', 'web']);
  t.same([refusedStart.code, refusedStart.stderr.trim()], [1, 'berth: Bind for 0.0.0.0:8080 failed: address already in use'], "a port a process took while it was stopped: the start is refused (exit 1, as Docker's start)");
  squatter.kill('SIGKILL');
  await new Promise((resolve) => squatter.once('exit', resolve));
  t.notMatch(table(inner), /dport 8080/, 'and no rule is left');
  await engine.ok(['start', 'web']);
  t.match(await connect(inner, '127.0.0.1', 8080), /hello web/, 'start brings them back');

  // A daemon SIGKILL, and the table gone with it: the restart rebuilds the mapping from the log.
  await engine.killDaemon('SIGKILL');
  execFileSync('nsenter', [`--net=${inner.path}`, 'nft', 'delete', 'table', 'inet', 'berth']);
  await engine.startDaemon();
  t.match(await connect(inner, '127.0.0.1', 8080), /hello web/, 'after a daemon SIGKILL');
  t.match(await connect(world.namespace, world.inside, allPort), /hello all/, 'the -P mapping too');

  await engine.ok(['rm', '-f', web]);
  t.notMatch(table(inner), /dport 8080 /, 'rm removes the rules');
  const times = await firewallTimes(engine);
  t.ok(times.length > 0, `the table applied ${times.length} times, ms: ${times.join(' ')}`);
});
