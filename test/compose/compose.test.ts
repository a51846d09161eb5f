/**
 * `berth compose` through the real engine (`--bridge none`, so the services use
 * `network_mode: none`): a two-service project where one waits for the other's healthcheck and
 * both share a named volume; up, ps, logs, exec, run --rm, an up that changes nothing, an up
 * that recreates only the changed service, and a down -v that leaves nothing behind.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import { startEngine } from '../helpers/engine.js';

gateFile(requiresEngine());

// One engine for both tests: the first ends with down -v and checks that nothing is left, and
// the second uses projects of its own.
const engine = await startEngine(t);

const composeFile = (greeting: string) => `
services:
  db:
    image: busybox
    network_mode: none
    command: sh -c 'echo db-up; echo stored > /data/value; touch /tmp/ready; exec sleep 3600'
    volumes: [data:/data]
    healthcheck:
      test: ["CMD-SHELL", "test -f /tmp/ready"]
      interval: 300ms
      retries: 50
    stop_grace_period: 1s
  web:
    image: busybox
    network_mode: none
    command: ["sh", "-c", "echo web-says $$GREETING; exec sleep 3600"]
    environment:
      GREETING: ${greeting}
    volumes: [data:/data:ro, /cache]
    depends_on:
      db:
        condition: service_healthy
    stop_grace_period: 1s
    labels:
      tier: front
volumes:
  data: {}
`;

t.test('a two-service project: up, ps, logs, exec, run, up again, a change, down -v', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-compose-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'compose.yaml');
  await fs.writeFile(file, composeFile('hello'));
  const compose = async (...args: string[]) => {
    const started = Date.now();
    const result = await engine.berth(['compose', '-f', file, '-p', 'demo', ...args], { timeoutMs: 120_000 });
    t.comment(`compose ${args.join(' ')}: ${Date.now() - started} ms`);
    return result;
  };

  const up = await compose('up', '-d');
  t.equal(up.code, 0, up.stderr);
  t.match(up.stderr, / Volume demo_data {2}Created/);
  const lines = up.stderr.split('\n');
  const at = (text: string) => lines.findIndex((line) => line.includes(text));
  t.ok(at('Container demo-db-1  Healthy') >= 0 && at('Container demo-db-1  Healthy') < at('Container demo-web-1  Started'), `web starts after db is healthy:\n${up.stderr}`);

  const ps = await compose('ps');
  t.match(ps.stdout, /^NAME\s+IMAGE\s+COMMAND\s+SERVICE\s+CREATED\s+STATUS\s+PORTS$/m);
  t.match(ps.stdout, /^demo-db-1\s+busybox\s+.*\s+db\s+.*Up .*\(healthy\)/m);
  t.match(ps.stdout, /^demo-web-1\s+busybox\s+.*\s+web\s+/m);

  const web = await engine.inspect('demo-web-1');
  t.match(web.Config.Labels, {
    'com.docker.compose.project': 'demo', 'com.docker.compose.service': 'web', 'com.docker.compose.container-number': '1',
    'com.docker.compose.oneoff': 'False', 'com.docker.compose.project.config_files': file, tier: 'front',
  });
  t.match(web.Config.Labels['com.docker.compose.config-hash'], /^[a-f0-9]{64}$/);
  t.ok(web.Config.Env.includes('GREETING=hello'));

  t.equal((await compose('exec', '-T', 'web', 'cat', '/data/value')).stdout, 'stored\n', 'exec; the named volume is shared');
  const logs = await compose('logs');
  t.match(logs.stdout, /^db-1 {3}\| db-up$/m, 'names padded to the longest, as Compose pads them');
  t.match(logs.stdout, /^web-1 {2}\| web-says hello$/m);
  const run = await compose('run', '--rm', '--no-deps', 'web', 'sh', '-c', 'echo one-off; cat /data/value');
  t.equal(run.code, 0, run.stderr);
  t.equal(run.stdout, 'one-off\nstored\n');
  t.notMatch((await engine.ok(['ps', '-a', '--format', '{{.Names}}'])), /run/, 'run --rm leaves no container');

  const ls = await engine.berth(['compose', 'ls']);
  t.match(ls.stdout, /^demo\s+running\(2\)\s+/m);

  // stop and start: every container, dependents stopped first.
  const stop = await compose('stop');
  t.equal(stop.code, 0, stop.stderr);
  t.ok(stop.stderr.indexOf('demo-web-1  Stopped') < stop.stderr.indexOf('demo-db-1  Stopped'), 'web stops before db');
  t.match((await compose('ps', '-a')).stdout, /^demo-db-1\s.*Exited/m);
  t.equal((await compose('start')).code, 0);
  t.match((await compose('ps')).stdout, /^demo-web-1\s.*Up/m);

  // up again: nothing changes.
  const ids = async () => (await engine.ok(['ps', '-aq', '--no-trunc'])).split('\n').filter(Boolean).sort();
  const before = await ids();
  const again = await compose('up', '-d');
  t.equal(again.code, 0, again.stderr);
  t.same(await ids(), before, 'a second up is a no-op');
  t.match(again.stderr, /Container demo-web-1 {2}Running/);

  // A changed environment recreates web alone, and web keeps its anonymous volume.
  const anonymousBefore = web.Mounts.find((mount: { Destination: string }) => mount.Destination === '/cache').Name;
  const dbId = (await engine.inspect('demo-db-1')).Id;
  await fs.writeFile(file, composeFile('changed'));
  const changed = await compose('up', '-d', '--wait');
  t.equal(changed.code, 0, changed.stderr);
  t.match(changed.stderr, /Container demo-db-1 {2}Healthy/, '--wait waits for the healthcheck');
  t.match(changed.stderr, /Container demo-web-1 {2}Recreated/);
  t.equal((await engine.inspect('demo-db-1')).Id, dbId, 'db is left alone');
  const recreated = await engine.inspect('demo-web-1');
  t.not(recreated.Id, web.Id);
  t.ok(recreated.Config.Env.includes('GREETING=changed'));
  t.equal(recreated.Mounts.find((mount: { Destination: string }) => mount.Destination === '/cache').Name, anonymousBefore, 'the anonymous volume is mounted again');

  const down = await compose('down', '-v');
  t.equal(down.code, 0, down.stderr);
  t.same(await ids(), [], 'no container left');
  t.notMatch(await engine.ok(['volume', 'ls', '-q']), /\S/, 'no volume left (named and anonymous)');
});

t.test('a dependency that fails its condition stops the up with Compose\'s message', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-compose-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'compose.yaml');
  await fs.writeFile(file, `
services:
  init:
    image: busybox
    network_mode: none
    command: sh -c 'exit 3'
  app:
    image: busybox
    network_mode: none
    command: sleep 3600
    depends_on:
      init: {condition: service_completed_successfully}
`);
  const up = await engine.berth(['compose', '-f', file, '-p', 'fail', 'up', '-d'], { timeoutMs: 60_000 });
  t.equal(up.code, 1);
  t.match(up.stderr, /service "init" didn't complete successfully: exit 3/);
  t.notMatch(await engine.ok(['ps', '-a', '--format', '{{.Names}}']), /fail-app/, 'app was never created');

  // up without -d prints each container's output after its name, and ends when they have all exited.
  await fs.writeFile(file, `
services:
  one:
    image: busybox
    network_mode: none
    command: sh -c 'echo first line; echo second line'
  two:
    image: busybox
    network_mode: none
    command: echo from two
    depends_on:
      one: {condition: service_completed_successfully}
`);
  const attached = await engine.berth(['compose', '-f', file, '-p', 'attach', 'up'], { timeoutMs: 60_000 });
  t.equal(attached.code, 0, attached.stderr);
  t.match(attached.stdout, /^Attaching to one-1, two-1$/m);
  t.match(attached.stdout, /^one-1 {2}\| first line\none-1 {2}\| second line$/m);
  t.match(attached.stdout, /^two-1 {2}\| from two$/m);
});
