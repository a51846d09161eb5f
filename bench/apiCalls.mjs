#!/usr/bin/env node
/**
 * The Docker Engine API's reads, one call at a time: a berth daemon of its own with its API
 * socket (embedded NATS, --bridge none: nothing touches the host's network), BENCH_API_CONTAINERS
 * (default 20) containers created with --network none (half of them running `sleep`), then
 * BENCH_API_CALLS (default 200) sequential calls of each of
 *
 *   GET /_ping, GET /version, GET /containers/json?all=1, GET /containers/{id}/json, GET /images/json
 *
 * from dockerode in this process (a new connection per call, as dockerode makes them) and from
 * raw HTTP over one kept-alive connection (the socket server alone), endpoints interleaved in
 * BENCH_API_ROUNDS (default 5) rounds. With BENCH_DOCKER_HOST (run.sh's dockerd) the same calls
 * go to dockerd too, against its own containers. With BENCH_API_CLUSTER=1 the daemon joins a
 * nats-server of its own (--nats): the API server then routes as the cluster client does.
 * With BENCH_API_BASELINE_DIST=DIR (another build's dist/, beside a node_modules) a second daemon
 * from that build is measured too, interleaved with this one ("baseline"): before/after in one run.
 *
 *   BENCH_WORK=DIR node bench/apiCalls.mjs OUT.json
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import Docker from 'dockerode';
import { run, startBerth } from './berth.mjs';
import { uptime } from './interleave.mjs';
import { childEnv, envInt, node, repo, runScenario, sleep, spawnTracked, stopChild, tempDir, writeJson } from './procs.mjs';

const [outFile] = process.argv.slice(2);
if (!outFile || !process.env.BENCH_WORK) {
  console.error('usage: BENCH_WORK=DIR [BENCH_DOCKER_HOST=unix://...] node bench/apiCalls.mjs OUT.json');
  process.exit(2);
}
const calls = envInt('BENCH_API_CALLS', 200);
const rounds = envInt('BENCH_API_ROUNDS', 5);
const containers = envInt('BENCH_API_CONTAINERS', 20);
const cluster = process.env.BENCH_API_CLUSTER === '1';
const log = (line) => process.stderr.write(`api-calls: ${line}\n`);

/** A daemon with embedded NATS, its own roots, no bridge; the busybox image imported. */
async function startEmbedded(dir, dist = path.join(repo, 'dist')) {
  const root = path.join(dir, 'root');
  const runRoot = path.join(dir, 'r');
  fs.mkdirSync(runRoot, { recursive: true, mode: 0o700 });
  const env = childEnv({ BERTH_ROOT: root, BERTH_RUN_ROOT: runRoot });
  delete env.BERTH_NATS_URL;
  delete env.BERTH_HOST;
  const logFd = fs.openSync(path.join(dir, 'berthd.log'), 'w');
  const argv = [path.join(dist, 'cli/daemon.cjs'), '--root', root, '--run-root', runRoot, '--host-id', 'bench', '--bridge', 'none', ...(process.env.BENCH_API_DAEMON_ARGS ?? '').split(' ').filter(Boolean)];
  const daemon = spawnTracked(node, [...(process.env.BENCH_API_DAEMON_NODE_ARGS ?? '').split(' ').filter(Boolean), ...argv], { env, stdio: ['ignore', 'ignore', logFd] }, 'berthd');
  fs.closeSync(logFd);
  for (let i = 0; !fs.existsSync(path.join(runRoot, 'berthd.json')); i++) {
    if (daemon.exitCode !== null || i > 1200) throw new Error(`the daemon did not start:\n${fs.readFileSync(path.join(dir, 'berthd.log'), 'utf8')}`);
    await sleep(50);
  }
  let tarball = process.env.BUSYBOX_TAR;
  if (!tarball) {
    tarball = path.join(dir, 'busybox.tar');
    execFileSync('sh', [path.join(repo, 'scripts/busybox-image.sh'), tarball], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const berth = (...args) => [path.join(dist, 'cli/main.cjs'), ...args];
  await run(berth('import', tarball, 'busybox'), env, 'berth import');
  // The daemon's nats-server outlives it by design: ended here by its pid, once the daemon is.
  const natsPid = JSON.parse(fs.readFileSync(path.join(runRoot, 'nats.json'), 'utf8')).pid;
  const stop = async () => {
    await stopChild(daemon, 30_000);
    try { process.kill(natsPid, 'SIGTERM'); } catch { /* gone */ }
  };
  return { env, runRoot, berth, stop };
}

/** GET over one kept-alive connection; resolves with the status once the body is read. */
function rawGet(agent, socketPath, urlPath) {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: urlPath, agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => (res.statusCode < 300 ? resolve(res.statusCode) : reject(new Error(`${urlPath}: ${res.statusCode}`))));
    });
    req.on('error', reject);
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round2 = (v) => Math.round(v * 1000) / 1000;

/** The calls of one engine: dockerode's and raw HTTP's, by name. */
function callsOf(socketPath, inspected) {
  const api = new Docker({ socketPath });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    'dockerode ping': () => api.ping(),
    'dockerode version': () => api.version(),
    'dockerode listContainers': () => api.listContainers({ all: true }),
    'dockerode inspect': () => api.getContainer(inspected).inspect(),
    'dockerode listImages': () => api.listImages(),
    'http /_ping': () => rawGet(agent, socketPath, '/_ping'),
    'http /version': () => rawGet(agent, socketPath, '/v1.43/version'),
    'http /containers/json': () => rawGet(agent, socketPath, '/v1.43/containers/json?all=1'),
    'http /containers/{id}/json': () => rawGet(agent, socketPath, `/v1.43/containers/${inspected}/json`),
    'http /images/json': () => rawGet(agent, socketPath, '/v1.43/images/json'),
    close: () => agent.destroy(),
  };
}

/** Creates `count` containers through the API (half started, `sleep 600`); their ids. */
async function makeContainers(socketPath, image) {
  const api = new Docker({ socketPath });
  const ids = [];
  for (let i = 0; i < containers; i++) {
    const running = i % 2 === 0;
    const c = await api.createContainer({ Image: image, Cmd: running ? ['sleep', '600'] : ['true'], HostConfig: { NetworkMode: 'none' } });
    if (running) await c.start();
    ids.push(c.id);
  }
  return ids;
}

await runScenario(async () => {
  const dir = tempDir('apicalls');
  const berth = cluster ? await startBerth(dir, 'bench', log) : await startEmbedded(dir);
  const socket = path.join(berth.runRoot, 'docker.sock');
  for (let i = 0; !fs.existsSync(socket); i++) {
    if (i > 200) throw new Error(`no socket at ${socket}`);
    await sleep(50);
  }
  const engines = { berth: { socket, image: 'busybox' } };
  let baseline = null;
  if (process.env.BENCH_API_BASELINE_DIST) {
    baseline = await startEmbedded(tempDir('apibase'), path.resolve(process.env.BENCH_API_BASELINE_DIST));
    engines.baseline = { socket: path.join(baseline.runRoot, 'docker.sock'), image: 'busybox' };
  }
  if (process.env.BENCH_DOCKER_HOST) engines.docker = { socket: process.env.BENCH_DOCKER_HOST.replace(/^unix:\/\//, ''), image: process.env.BENCH_DOCKER_IMAGE ?? 'localhost/busybox' };
  const made = {};
  for (const [name, engine] of Object.entries(engines)) {
    made[name] = await makeContainers(engine.socket, engine.image);
    engine.calls = callsOf(engine.socket, made[name][0]);
  }
  log(`${containers} containers on each of ${Object.keys(engines).join(', ')}; ${rounds} rounds of ${calls} calls`);

  const before = uptime();
  const samples = {};
  const names = Object.keys(engines.berth.calls).filter((n) => n !== 'close');
  for (let round = 0; round < rounds; round++) {
    for (const call of names) {
      for (const [name, engine] of Object.entries(engines)) {
        const times = ((samples[name] ??= {})[call] ??= []);
        for (let i = 0; i < calls; i++) {
          const t0 = performance.now();
          await engine.calls[call]();
          times.push(performance.now() - t0);
        }
      }
    }
  }
  const after = uptime();
  for (const engine of Object.values(engines)) engine.calls.close();
  for (const [name, engine] of Object.entries(engines)) {
    const api = new Docker({ socketPath: engine.socket });
    for (const id of made[name]) await api.getContainer(id).remove({ force: true }).catch(() => {});
  }
  await berth.stop();
  await baseline?.stop();

  const results = Object.fromEntries(Object.entries(samples).map(([name, byCall]) => [name,
    Object.fromEntries(Object.entries(byCall).map(([call, values]) => [call, { medianMs: round2(median(values)), p90Ms: round2([...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)]), n: values.length }]))]));
  const table = names.map((call) => `${call.padEnd(28)} ${Object.keys(engines).map((n) => `${n} ${results[n][call].medianMs.toFixed(3)} ms`).join('  ')}`);
  process.stdout.write(`${before.uptime}\n${table.join('\n')}\n${after.uptime}\n`);
  writeJson(outFile, {
    mode: cluster ? 'cluster (external nats-server, the cluster client)' : 'one host (embedded NATS)',
    settings: { calls, rounds, containers },
    uptime: { before: before.uptime, after: after.uptime },
    results,
  });
});
