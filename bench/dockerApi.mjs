#!/usr/bin/env node
/**
 * The Docker Engine API socket: the same docker CLI (Debian's docker.io 20.10, /usr/bin/docker)
 * with the same commands against berth's socket (run.sh's start-latency daemon,
 * <run root>/docker.sock), podman's API service (`podman system service`, peers.sh's storage)
 * and run.sh's dockerd (BENCH_DOCKER_HOST, when it runs):
 *
 *   `docker version`, `docker ps`, `docker run --rm --network none localhost/busybox true`,
 *   `docker inspect C` (C a created container);
 *
 * plus, as references, podman's own CLI `podman run --rm --network none localhost/busybox true`,
 * and the same API calls from dockerode in this process (no CLI start: the socket server alone):
 * ping, version, list containers, inspect.
 *
 * Engines alternate, BENCH_API_RUNS (default 20) rounds after BENCH_WARMUP (default 3) discarded.
 *
 * Then the batch (issue 15's other two figures), BENCH_API_BATCH_ROUNDS (default 2) rounds, engines
 * alternating: BENCH_API_BATCH (default 50) `docker run -d --network none localhost/busybox sleep 600`
 * one after another (the total), then as many more `docker create`d (untimed) so that 2 × BATCH
 * containers exist, then `docker ps -a` listing them all (the median of 3); then `docker rm -f`
 * of them all (untimed).
 *
 *   BENCH_WORK=DIR BENCH_PODMAN_ARGS_JSON='[...]' CONTAINERS_CONF=... node bench/dockerApi.mjs OUT.json
 */
import fs from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { run } from './berth.mjs';
import { DOCKER } from './docker.mjs';
import { benchBerth, interleave, ratioOf, ratiosTo, summarize, scenarioSetup, uptime } from './interleave.mjs';
import { childEnv, envInt, runScenario, sleep, spawnTracked, stopChild, tempDir, writeJson } from './procs.mjs';

const { outFile, podman } = scenarioSetup('dockerApi.mjs');
const runs = envInt('BENCH_API_RUNS', 20);
const warmup = envInt('BENCH_WARMUP', 3);
const batch = envInt('BENCH_API_BATCH', 50);
const batchRounds = envInt('BENCH_API_BATCH_ROUNDS', 2);
const IMAGE = 'localhost/busybox';

async function waitForSocket(socket, child, what) {
  for (let i = 0; ; i++) {
    if (fs.existsSync(socket) && (await new Docker({ socketPath: socket }).ping().then(() => true, () => false))) return;
    if (child?.exitCode != null || i > 600) throw new Error(`${what} did not answer on ${socket}`);
    await sleep(100);
  }
}

/** The same docker CLI against one socket. */
function dockerCli(socket, config) {
  const env = childEnv({ DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: config });
  return { socket, env, docker: (...args) => run([DOCKER, ...args], env, `docker ${args[0]} (${socket})`) };
}

await runScenario(async () => {
  const dir = tempDir('api');
  const config = path.join(dir, 'config');
  fs.mkdirSync(config);
  fs.writeFileSync(path.join(config, 'config.json'), '{}\n');

  // berth: the start-latency daemon's socket (the daemon starts on the first command).
  const berth = benchBerth();
  await run(berth.argv('ps', '-q'), berth.env, 'berth ps');
  const berthSocket = path.join(berth.runRoot, 'docker.sock');
  await waitForSocket(berthSocket, null, 'berth\'s Docker API');

  // podman: its API service on a socket of our own, the bench's storage and containers.conf.
  const podmanSocket = path.join(dir, 'podman.sock');
  const service = spawnTracked('podman', [...podman.args, 'system', 'service', '--time', '0', `unix://${podmanSocket}`],
    { env: podman.env, stdio: ['ignore', 'ignore', fs.openSync(path.join(dir, 'podman-service.log'), 'w')] }, 'podman system service');
  await waitForSocket(podmanSocket, service, 'podman system service');

  const targets = { berth: dockerCli(berthSocket, config), podman: dockerCli(podmanSocket, config) };
  if (process.env.BENCH_DOCKER_HOST) targets.docker = dockerCli(process.env.BENCH_DOCKER_HOST.replace(/^unix:\/\//, ''), config);
  else process.stderr.write('docker-api: no dockerd (BENCH_DOCKER_HOST); berth and podman only\n');

  const inspected = {};
  for (const [name, t] of Object.entries(targets)) {
    inspected[name] = (await t.docker('create', '--network', 'none', IMAGE, 'true')).stdout.split('\n').pop();
  }
  const apiClients = Object.fromEntries(Object.entries(targets).map(([name, t]) => [name, new Docker({ socketPath: t.socket })]));
  const timedCall = async (call) => { const t0 = performance.now(); await call(); return performance.now() - t0; };

  const subjects = Object.fromEntries(Object.entries(targets).map(([name, t]) => [name, async () => {
    const api = apiClients[name];
    return {
      version: (await t.docker('version')).ms,
      ps: (await t.docker('ps')).ms,
      runRm: (await t.docker('run', '--rm', '--network', 'none', IMAGE, 'true')).ms,
      inspect: (await t.docker('inspect', inspected[name])).ms,
      apiPing: await timedCall(() => api.ping()),
      apiVersion: await timedCall(() => api.version()),
      apiList: await timedCall(() => api.listContainers({ all: true })),
      apiInspect: await timedCall(() => api.getContainer(inspected[name]).inspect()),
    };
  }]));
  subjects['podman CLI'] = async () => ({
    runRm: (await run(podman.argv('run', '--rm', '--network', 'none', IMAGE, 'true'), podman.env, 'podman run')).ms,
  });

  const before = uptime();
  const startedAt = new Date().toISOString();
  const samples = await interleave(subjects, { runs, warmup, label: 'docker-api' });
  const batchSubjects = Object.fromEntries(Object.entries(targets).map(([name, t]) => [name, async () => {
    const ids = [];
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) ids.push((await t.docker('run', '-d', '--network', 'none', IMAGE, 'sleep', '600')).stdout.split('\n').pop());
    const batchRunD = performance.now() - t0;
    for (let i = 0; i < batch; i++) ids.push((await t.docker('create', '--network', 'none', IMAGE, 'true')).stdout.split('\n').pop());
    const listed = [];
    for (let i = 0; i < 3; i++) {
      const ps = await t.docker('ps', '-a', '-q', '--no-trunc');
      const count = ps.stdout.split('\n').filter(Boolean).length;
      if (count < ids.length) throw new Error(`docker ps -a through ${name} listed ${count} of ${ids.length} containers`);
      listed.push(ps.ms);
    }
    await t.docker('rm', '-f', ...ids);
    return { batchRunD, ps100: listed.sort((a, b) => a - b)[1] };
  }]));
  const batchSamples = await interleave(batchSubjects, { runs: batchRounds, warmup: 0, label: 'docker-api batch' });
  for (const [name, byMetric] of Object.entries(batchSamples)) Object.assign(samples[name], byMetric);
  const after = uptime();
  for (const [name, t] of Object.entries(targets)) await t.docker('rm', '-f', inspected[name]).catch(() => {});
  await stopChild(service);

  const results = summarize(samples);
  const dockerVersion = (await targets.berth.docker('version', '--format', '{{.Client.Version}}')).stdout;
  writeJson(outFile, {
    startedAt, finishedAt: new Date().toISOString(),
    loadavg: { before: before.loadavg, after: after.loadavg },
    uptime: { before: before.uptime, after: after.uptime },
    settings: { runs, warmup, batch, batchRounds, order: `interleaved: ${Object.keys(subjects).join(', ')}, then again` },
    cli: `${DOCKER} ${dockerVersion} (Debian docker.io)`,
    targets: {
      berth: `berth's Docker API socket (${path.basename(berthSocket)} in its run root), the start-latency daemon`,
      podman: `podman system service --time 0 (podman ${process.env.PODMAN_RUNTIME ?? '?'}, ${process.env.PODMAN_DRIVER ?? '?'} storage)`,
      ...(targets.docker ? { docker: 'dockerd of the bench\'s own (bench/dockerd.sh), overlay2, runc' } : {}),
    },
    results,
    ratios: { vsPodman: ratiosTo(results, 'podman'), vsDocker: ratiosTo(results, 'docker'), runRmVsPodmanCli: ratioOf(results.berth.runRm.median, results['podman CLI']?.runRm.median) },
  });
});
