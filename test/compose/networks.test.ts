/**
 * `berth compose` on bridge networks, the engine inside a network namespace the test makes: the
 * project's default network `<project>_default` and a declared one, each container on them
 * with the service's name (and the declared aliases) as its network aliases, and `down`
 * removing the networks. Name resolution between containers comes with the dns work; here the
 * aliases are checked as inspect shows them. The host's links are checked unchanged after.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import { composeProject, hostLinks } from '../helpers/compose.js';
import { startEngine } from '../helpers/engine.js';
import { NetworkNamespace } from '../helpers/netns.js';

gateFile(requiresEngine());

const CLI = fileURLToPath(new URL('../../cli/main.cjs', import.meta.url));

const before = hostLinks();

// One engine, in a namespace of the file's own, for every test here.
const inner = NetworkNamespace.create(t);
const engine = await startEngine(t, { netns: inner.prefix });

t.test('networks: <project>_default and declared ones, service names as aliases, removed by down', async (t) => {
  const { compose } = await composeProject(t, engine, 'net', `
services:
  api:
    image: busybox
    command: sleep 3600
    stop_grace_period: 1s
  web:
    image: busybox
    command: sleep 3600
    stop_grace_period: 1s
    networks:
      default:
      back:
        aliases: [frontend]
    depends_on: [api]
networks:
  back:
    labels: {purpose: test}
`);
  const up = await compose('up', '-d');
  t.equal(up.code, 0, up.stderr);
  t.match(up.stderr, / Network net_default {2}Created/);
  t.match(up.stderr, / Network net_back {2}Created/);
  const back = JSON.parse(await engine.ok(['network', 'inspect', 'net_back']))[0];
  t.match(back.Labels, { 'com.docker.compose.project': 'net', 'com.docker.compose.network': 'back', purpose: 'test' });
  const api = await engine.inspect('net-api-1');
  t.same(Object.keys(api.NetworkSettings.Networks), ['net_default']);
  t.match(api.NetworkSettings.Networks.net_default.Aliases, ['api']);
  const web = await engine.inspect('net-web-1');
  t.same(Object.keys(web.NetworkSettings.Networks).sort(), ['net_back', 'net_default']);
  t.match(web.NetworkSettings.Networks.net_default.Aliases, ['web']);
  t.match(web.NetworkSettings.Networks.net_back.Aliases, ['web', 'frontend']);
  t.equal((await compose('exec', '-T', 'web', 'sh', '-c', 'ip -4 -o addr | grep -c eth')).stdout.trim(), '2', 'web has an interface on each network');

  const down = await compose('down');
  t.equal(down.code, 0, down.stderr);
  t.notMatch(await engine.ok(['network', 'ls', '--format', '{{.Name}}']), /net_/, 'the project\'s networks are gone');
});

t.test('IPv6: enable_ipv6, an ipam config per family, a service\'s ipv4_address and ipv6_address, names over IPv6', async (t) => {
  const { compose } = await composeProject(t, engine, 'six', `
services:
  db:
    image: busybox
    command: sleep 3600
    stop_grace_period: 1s
    networks:
      front: {ipv4_address: 10.96.0.10, ipv6_address: "fd96::10"}
  web:
    image: busybox
    command: sleep 3600
    stop_grace_period: 1s
    networks: [front]
networks:
  front:
    enable_ipv6: true
    ipam:
      config:
        - subnet: 10.96.0.0/24
        - {subnet: "fd96::/64", gateway: "fd96::1"}
`);
  const up = await compose('up', '-d');
  t.equal(up.code, 0, up.stderr);
  const front = JSON.parse(await engine.ok(['network', 'inspect', 'six_front']))[0];
  t.equal(front.EnableIPv6, true, 'the network has IPv6');
  t.same(front.IPAM.Config, [{ Subnet: '10.96.0.0/24', Gateway: '10.96.0.1' }, { Subnet: 'fd96::/64', Gateway: 'fd96::1' }], 'with the file\'s subnets');
  t.match((await engine.inspect('six-db-1')).NetworkSettings.Networks.six_front, { IPAddress: '10.96.0.10', GlobalIPv6Address: 'fd96::10' }, 'the addresses the file asked for');
  const seen = (await compose('exec', '-T', 'web', 'sh', '-c', 'nslookup -type=aaaa db; ping -6 -c 1 -W 5 db')).stdout;
  t.match(seen, /Address: fd96::10/, 'the service name has its AAAA');
  t.match(seen, /PING db \(fd96::10\)[^]*1 packets received/, 'and answers over IPv6');
  const down = await compose('down');
  t.equal(down.code, 0, down.stderr);
});

t.test('a daemon SIGKILLed in the middle of up: the next up completes the project, one container per service', async (t) => {
  const { compose, file } = await composeProject(t, engine, 'crash', `
services:
  db:
    image: busybox
    command: sleep 3600
    stop_grace_period: 1s
    networks: [default, back]
  cache:
    image: busybox
    command: sleep 3600
    stop_grace_period: 1s
    depends_on: [db]
  api:
    image: busybox
    command: sleep 3600
    stop_grace_period: 1s
    depends_on: [db, cache]
  web:
    image: busybox
    command: sleep 3600
    stop_grace_period: 1s
    depends_on: [api]
networks:
  back: {}
`);
  const inNamespace = (...args: string[]) => spawn(inner.prefix[0]!, [...inner.prefix.slice(1), process.execPath, CLI, ...args], { env: engine.env, stdio: ['ignore', 'pipe', 'pipe'] });
  // The project's first create, from the log (--since 0: no race with the up): db's, the first
  // in start order, made on one network and joined to the other before its start.
  const events = inNamespace('events', '--since', '0', '--format', '{{.Actor.Attributes.name}} {{.Action}}',
    '--filter', 'label=com.docker.compose.project=crash', '--filter', 'event=create');
  const interrupted = inNamespace('compose', '-f', file, '-p', 'crash', 'up', '-d');
  t.teardown(() => { for (const child of [events, interrupted]) if (child.exitCode === null) child.kill('SIGKILL'); });
  const firstCreate = await new Promise<string>((resolve) => {
    let seen = '';
    events.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('\n')) resolve(seen.split('\n')[0]!);
    });
  });
  t.equal(firstCreate, 'crash-db-1 create');
  // The up dies with the daemon: a surviving up sends its request again to the restarted
  // daemon and finishes by itself, so this is the up that cannot (no daemon back within its
  // 15 s, a next request that found none, a machine that went down).
  interrupted.kill('SIGKILL');
  await engine.killDaemon('SIGKILL');
  events.kill('SIGKILL');
  await engine.startDaemon();

  const up = await compose('up', '-d');
  t.equal(up.code, 0, up.stderr);
  const ids = (await engine.ok(['ps', '-aq', '--no-trunc'])).trim().split('\n');
  const containers: any[] = JSON.parse(await engine.ok(['inspect', ...ids]));
  t.same(containers.map((c) => `${c.Name} ${c.Config.Labels['com.docker.compose.service']}-${c.Config.Labels['com.docker.compose.container-number']} ${c.State.Status}`).sort(),
    ['/crash-api-1 api-1 running', '/crash-cache-1 cache-1 running', '/crash-db-1 db-1 running', '/crash-web-1 web-1 running'],
    'one container per service, by label and by name, all running, and no other container');
  const db = await engine.inspect('crash-db-1');
  t.same(Object.keys(db.NetworkSettings.Networks).sort(), ['crash_back', 'crash_default'], 'db is on both its networks');

  // Where the kill struck decides what the up left; a kill between db's create and its
  // connect leaves it on its first network alone, which the next up must complete too.
  t.equal((await compose('stop', 'db')).code, 0);
  await engine.ok(['network', 'disconnect', 'crash_back', 'crash-db-1']);
  const rejoined = await compose('up', '-d');
  t.match(rejoined.stderr, /Container crash-db-1 {2}Started/);
  t.notMatch(rejoined.stderr, /Created|Recreated/, 'no container made anew');
  t.same(Object.keys((await engine.inspect('crash-db-1')).NetworkSettings.Networks).sort(), ['crash_back', 'crash_default'], 'db joined to the network it had missed');
});

t.test('the host\'s links are unchanged', async (t) => {
  t.same(hostLinks(), before);
});
