/**
 * `berth compose` publishing ports, the engine inside a network namespace the test makes: a
 * busybox httpd service whose ports are given in the short syntax (an address, a range) and the
 * long one, answering on the published ports from the engine's namespace; `compose ps`,
 * `compose port` and `berth port` show the mappings; `expose:` is in Config.ExposedPorts; `down` takes them away. The host's links are checked unchanged.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs/promises';
import t from 'tap';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import { composeProject, hostLinks } from '../helpers/compose.js';
import { startEngine } from '../helpers/engine.js';
import { NetworkNamespace } from '../helpers/netns.js';

gateFile(requiresEngine());

const before = hostLinks();

/** `busybox wget` of a URL from inside a namespace: the body, or '' when nothing answered within 5 s. */
function fetchFrom(namespace: NetworkNamespace, url: string): Promise<string> {
  return new Promise((resolve) => {
    execFile('nsenter', [`--net=${namespace.path}`, 'busybox', 'wget', '-q', '-O', '-', url], { timeout: 5_000 }, (_error, stdout) => resolve(stdout.toString()));
  });
}

t.test('ports: short and long syntax published, shown by compose ps and port, gone after down', async (t) => {
  const inner = NetworkNamespace.create(t);
  const world = inner.outside(t);
  const engine = await startEngine(t, { netns: inner.prefix });
  const { dir, compose } = await composeProject(t, engine, 'pub', `
services:
  web:
    image: busybox
    command: sh -c 'mkdir -p /www && echo hello-compose > /www/index.html && httpd -p 81 -h /www && exec httpd -f -p 80 -h /www'
    stop_grace_period: 1s
    ports:
      - "127.0.0.1:18080:80"
      - "18090-18091:90-91"
      - "5353:53/udp"
      - target: 81
        published: "18081"
        protocol: tcp
    expose: ["82"]
`);
  const up = await compose('up', '-d');
  t.equal(up.code, 0, up.stderr);
  t.notMatch(up.stderr, /Warning/, 'no warning about ports');
  t.match(up.stderr, / Container pub-web-1 {2}Started/);

  t.equal(await fetchFrom(inner, 'http://127.0.0.1:18080/'), 'hello-compose\n', 'the short syntax on 127.0.0.1, from the engine\'s namespace');
  t.equal(await fetchFrom(inner, `http://${world.inside}:18081/`), 'hello-compose\n', 'the long syntax on every address');
  t.equal(await fetchFrom(world.namespace, `http://${world.inside}:18081/`), 'hello-compose\n', 'the long syntax from outside');
  t.equal(await fetchFrom(world.namespace, `http://${world.inside}:18080/`), '', '127.0.0.1 only: not from outside');

  t.equal(await engine.ok(['port', 'pub-web-1']), [
    '80/tcp -> 127.0.0.1:18080',
    '81/tcp -> 0.0.0.0:18081',
    '90/tcp -> 0.0.0.0:18090',
    '91/tcp -> 0.0.0.0:18091',
    '53/udp -> 0.0.0.0:5353',
  ].map((line) => `${line}\n`).join(''));
  const ps = await compose('ps');
  t.equal(ps.code, 0, ps.stderr);
  t.match(ps.stdout, /pub-web-1 .* web .*127\.0\.0\.1:18080->80\/tcp/);
  t.match(ps.stdout, /0\.0\.0\.0:18090-18091->90-91\/tcp/, 'a range shown as one');
  const json = JSON.parse((await compose('ps', '--format', 'json')).stdout.trim().split('\n')[0]);
  t.match(json.Ports, /0\.0\.0\.0:18081->81\/tcp/);
  t.equal((await compose('port', 'web', '80')).stdout, '127.0.0.1:18080\n', 'compose port');
  t.equal((await compose('port', '--protocol', 'udp', 'web', '53')).stdout, '0.0.0.0:5353\n');
  const unpublished = await compose('port', 'web', '99');
  t.equal(unpublished.code, 1, 'a port not published');
  t.match(unpublished.stderr, /no port 99\/tcp for container pub-web-1/);
  const inspected = await engine.inspect('pub-web-1');
  t.same(inspected.HostConfig.PortBindings['80/tcp'], [{ HostIp: '127.0.0.1', HostPort: '18080' }]);
  t.same(Object.keys(inspected.Config.ExposedPorts), ['53/udp', '80/tcp', '81/tcp', '82/tcp', '90/tcp', '91/tcp'], "expose: as --expose, with the ports' targets");

  const up2 = await compose('up', '-d');
  t.equal(up2.code, 0, up2.stderr);
  t.match(up2.stderr, / Container pub-web-1 {2}Running/, 'an unchanged up keeps the container and its ports');
  t.equal(await fetchFrom(inner, 'http://127.0.0.1:18080/'), 'hello-compose\n');

  const taken = path.join(dir, 'taken.yaml');
  await fs.writeFile(taken, 'services:\n  other:\n    image: busybox\n    command: sleep 60\n    ports: ["18080:80"]\n');
  const conflict = await engine.berth(['compose', '-f', taken, '-p', 'other', 'up', '-d'], { timeoutMs: 120_000 });
  t.not(conflict.code, 0, 'a port another project holds');
  t.match(conflict.stderr, /Bind for 0\.0\.0\.0:18080 failed: port is already allocated/);
  t.equal((await engine.berth(['compose', '-f', taken, '-p', 'other', 'down'], { timeoutMs: 120_000 })).code, 0);

  const down = await compose('down');
  t.equal(down.code, 0, down.stderr);
  t.equal(await fetchFrom(inner, 'http://127.0.0.1:18080/'), '', 'nothing answers after down');
});

t.test('the host\'s links are unchanged', async (t) => {
  t.same(hostLinks(), before);
});
