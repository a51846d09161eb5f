#!/usr/bin/env node
/**
 * Writes a log fixture for the upgrade test (test/engine/upgradeFixture.test.ts): a berth
 * daemon on a fresh data root makes a few images, volumes, a network and containers in stable
 * states, stops cleanly (so its snapshots and checkpoint are written), and its events stream and
 * snapshot bucket are exported with every message's subject, headers and stored bytes, with what
 * `inspect` showed of each object (test/helpers/logFixture.ts). Run as root, after a build:
 *
 *   node scripts/upgrade-fixture.mjs test/fixtures/upgrade/schema1.json
 *
 * BERTH_FIXTURE_BUILD=DIR: the build (a dist/ dir) whose berth writes the log; default this
 * checkout's dist/. BERTH_FIXTURE_COMMIT names the commit it was built from (default: this
 * checkout's HEAD). The daemon runs in a network namespace of its own (unshare --net): the
 * network's bridge never touches the host's. docs/OPERATIONS.md, Upgrades.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const out = process.argv[2];
if (!out) {
  console.error('usage: upgrade-fixture.mjs OUT.json');
  process.exit(2);
}
if (process.env.BERTH_FIXTURE_IN_NETNS !== '1') {
  const script = fileURLToPath(import.meta.url);
  const inner = spawnSync('unshare', ['--net', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, script, path.resolve(out)], {
    stdio: 'inherit', env: { ...process.env, BERTH_FIXTURE_IN_NETNS: '1' },
  });
  process.exit(inner.status ?? 1);
}

const build = path.resolve(process.env.BERTH_FIXTURE_BUILD ?? path.join(repo, 'dist'));
const commit = process.env.BERTH_FIXTURE_COMMIT ?? execFileSync('git', ['-C', repo, 'rev-parse', '--short', 'HEAD']).toString().trim();
const HOST = 'testhost'; // the host id test/helpers/engine.ts starts its daemon with
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-fixture-'));
const env = { ...process.env, BERTH_ROOT: path.join(dir, 'root'), BERTH_RUN_ROOT: path.join(dir, 'run'), BERTH_NO_AUTOSTART: '1' };
delete env.BERTH_NATS_URL;
delete env.BERTH_HOST;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const berth = (...args) => {
  const result = spawnSync(process.execPath, [path.join(build, 'cli/main.js'), ...args], { env, encoding: 'utf8' });
  process.stderr.write(`berth ${args.join(' ')} -> ${result.status}\n`);
  return result;
};
const ok = (...args) => {
  const result = berth(...args);
  if (result.status !== 0) throw new Error(`berth ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
};
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };

await fs.mkdir(env.BERTH_ROOT, { recursive: true });
const log = await fs.open(path.join(dir, 'berthd.log'), 'a');
const daemon = spawn(process.execPath, [path.join(build, 'cli/daemon.js'), '--host-id', HOST, '--bridge', 'none'], { env, stdio: ['ignore', log.fd, log.fd] });
await log.close();
let natsPid = null;
try {
  for (let i = 0; ; i++) {
    const info = await fs.readFile(path.join(env.BERTH_RUN_ROOT, 'berthd.json'), 'utf8').then(JSON.parse, () => null);
    if (info?.pid === daemon.pid) break;
    if (daemon.exitCode !== null || i > 3000) throw new Error(`the daemon did not start: ${await fs.readFile(path.join(dir, 'berthd.log'), 'utf8')}`);
    await sleep(20);
  }
  natsPid = JSON.parse(await fs.readFile(path.join(env.BERTH_RUN_ROOT, 'nats.json'), 'utf8')).pid;

  const tar = path.join(dir, 'busybox.tar');
  execFileSync(path.join(repo, 'scripts/busybox-image.sh'), [tar]);
  ok('import', tar, 'fixture/busybox:1');
  ok('tag', 'fixture/busybox:1', 'fixture/busybox:latest');
  ok('volume', 'create', '--label', 'purpose=data', 'data');
  ok('volume', 'create', 'spare');
  ok('network', 'create', '--subnet', '10.123.0.0/24', '--label', 'team=fixture', 'fixnet');
  ok('create', '--name', 'made', '-e', 'MODE=fixture', '-l', 'role=web', '-v', 'data:/data', '--network', 'fixnet', '-w', '/data', 'fixture/busybox:1', 'sleep', '1000');
  if (berth('run', '--name', 'ran', '-l', 'role=batch', '--memory', '64m', 'fixture/busybox:1', 'sh', '-c', 'echo hi > /greeting; exit 3').status !== 3) throw new Error('ran: not exit 3');
  ok('commit', '-m', 'a greeting', 'ran', 'fixture/committed:1');
  ok('create', '--name', 'old', '-v', 'spare:/spare:ro', 'fixture/committed:1', 'cat', '/greeting');
  ok('rename', 'old', 'renamed');
  ok('run', '--rm', 'fixture/busybox:1', 'true');

  // What the Docker Engine API's inspect shows of each (the test reads it the same way).
  const get = (url) => new Promise((resolve, reject) => {
    http.get({ socketPath: path.join(env.BERTH_RUN_ROOT, 'docker.sock'), path: url }, (response) => {
      let body = '';
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => (response.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`GET ${url}: ${response.statusCode} ${body}`))));
    }).on('error', reject);
  });
  const inspect = async (prefix, names, suffix = '') => Object.fromEntries(await Promise.all(names.map(async (name) => [name, await get(`${prefix}${encodeURIComponent(name)}${suffix}`)])));
  const expected = {
    container: await inspect('/containers/', ['made', 'ran', 'renamed'], '/json'),
    image: await inspect('/images/', ['fixture/busybox:1', 'fixture/committed:1'], '/json'),
    volume: await inspect('/volumes/', ['data', 'spare']),
    network: await inspect('/networks/', ['fixnet']),
  };

  daemon.kill('SIGTERM');
  for (let i = 0; alive(daemon.pid) && i < 1500; i++) await sleep(20);
  if (alive(daemon.pid)) throw new Error('the daemon did not stop');

  const { connectNats } = await import(path.join(repo, 'dist/nats/server/connect.js'));
  const { embeddedTarget, readNatsInfo } = await import(path.join(repo, 'dist/nats/server/embedded.js'));
  const { exportLog } = await import(path.join(repo, 'dist/test/helpers/logFixture.js'));
  const { layoutFrom } = await import(path.join(repo, 'dist/runtime/layout.js'));
  const nc = await connectNats(embeddedTarget(await readNatsInfo(layoutFrom({}, env))), 'berth-fixture');
  const streams = await exportLog(nc);
  await nc.close();
  const schema = await import(path.join(build, 'events/schema.js')).then((m) => m.SCHEMA_VERSION, () => 1);
  // The log's secrets (containers' -e values) are sealed under the data root's key: it goes with the log.
  const hostKey = (await fs.readFile(path.join(env.BERTH_ROOT, 'secrets/host.key'))).toString('base64');
  const fixture = { writtenBy: { commit, schema }, host: HOST, hostKey, streams, expected };
  await fs.mkdir(path.dirname(out), { recursive: true });
  await fs.writeFile(out, `${JSON.stringify(fixture, null, 1)}\n`);
  console.error(`wrote ${out}: ${Object.entries(streams).map(([name, messages]) => `${name} ${messages.length}`).join(', ')}`);
} finally {
  if (alive(daemon.pid)) daemon.kill('SIGKILL');
  if (natsPid && alive(natsPid)) process.kill(natsPid, 'SIGTERM');
  for (let i = 0; natsPid && alive(natsPid) && i < 250; i++) await sleep(20);
  await fs.rm(dir, { recursive: true, force: true });
}
