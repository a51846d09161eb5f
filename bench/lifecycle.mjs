#!/usr/bin/env node
/**
 * Lifecycle, volumes and throughput, berth against podman and docker, CLI included, on the same
 * busybox image (run.sh's start-latency daemon, peers.sh's podman, and run.sh's dockerd when
 * BENCH_DOCKER_HOST is set):
 *
 *   - `version` and `ps` on the idle host (the CLI's own cost; docker's and berth's ask their daemon);
 *   - create, start and rm of one container, each timed alone (`create busybox true`, `start ID`,
 *     then untimed `wait ID`, then `rm ID`);
 *   - `run --rm -v benchvol:/data busybox true` and `run --rm --tmpfs /t busybox true`;
 *   - a batch of BENCH_BATCH (default 50) `run -d busybox sleep 60`, one after another and
 *     BENCH_BATCH_PARALLEL (default 10) at a time; then `stop -t 0` of all of them (2 × BENCH_BATCH)
 *     and `rm` of all, each one command.
 *
 * Engines alternate (berth, podman, docker, berth, …): BENCH_WARMUP (default 3) discarded rounds, then
 * BENCH_RUNS (default 30) of the single operations and BENCH_BATCH_RUNS (default 3) of the batch.
 *
 *   BENCH_WORK=DIR BENCH_PODMAN_ARGS_JSON='[...]' CONTAINERS_CONF=... node bench/lifecycle.mjs OUT.json
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dockerPeer } from './docker.mjs';
import { envInt as count } from './procs.mjs';
import { summary } from './stats.mjs';

const [outFile] = process.argv.slice(2);
const work = process.env.BENCH_WORK;
if (!outFile || !work || !process.env.BENCH_PODMAN_ARGS_JSON || !process.env.CONTAINERS_CONF) {
  console.error('usage: BENCH_WORK=DIR BENCH_PODMAN_ARGS_JSON=... CONTAINERS_CONF=... lifecycle.mjs OUT.json');
  process.exit(2);
}
const runs = count('BENCH_RUNS', 30);
const warmup = count('BENCH_WARMUP', 3);
const batchRuns = count('BENCH_BATCH_RUNS', 3);
const batch = count('BENCH_BATCH', 50);
const parallel = Math.max(1, count('BENCH_BATCH_PARALLEL', 10));

const repo = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
const engines = {
  berth: {
    argv: [path.join(repo, 'dist/cli/main.cjs')],
    env: { ...env, BERTH_ROOT: path.join(work, 'berth/root'), BERTH_RUN_ROOT: path.join(work, 'berth/run') },
    image: 'busybox',
    runFlags: [],
  },
  podman: {
    argv: ['podman', ...JSON.parse(process.env.BENCH_PODMAN_ARGS_JSON)],
    env,
    image: 'localhost/busybox',
    runFlags: ['--network', 'none'],
  },
};
const docker = dockerPeer();
if (docker.enabled) {
  engines.docker = { argv: docker.argv(), env: docker.env, image: 'localhost/busybox', runFlags: ['--network', 'none'] };
} else {
  process.stderr.write('lifecycle: no dockerd (BENCH_DOCKER_HOST); berth and podman only\n');
}

/** Runs one engine command; resolves with its stdout and how long it took (ms). */
function run(engine, args) {
  const e = engines[engine];
  const [file, ...prefix] = e.argv;
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const t0 = process.hrtime.bigint();
    const child = spawn(file, [...prefix, ...args], { env: e.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code === 0) resolve({ stdout: stdout.trim(), ms });
      else reject(new Error(`${engine} ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
    });
  });
}

/** One round of the single operations for an engine: their durations by name. */
async function singles(engine) {
  const { image, runFlags } = engines[engine];
  // The CLI alone on an idle host (no container left between rounds): `version` and `ps`.
  const version = await run(engine, ['version']);
  const ps = await run(engine, ['ps']);
  const created = await run(engine, ['create', ...runFlags, image, 'true']);
  const id = created.stdout.split('\n').pop();
  const started = await run(engine, ['start', id]);
  await run(engine, ['wait', id]);
  const removed = await run(engine, ['rm', id]);
  const volume = await run(engine, ['run', '--rm', ...runFlags, '-v', 'benchvol:/data', image, 'true']);
  const tmpfs = await run(engine, ['run', '--rm', ...runFlags, '--tmpfs', '/t', image, 'true']);
  return { version: version.ms, ps: ps.ms, create: created.ms, start: started.ms, rm: removed.ms, volumeRun: volume.ms, tmpfsRun: tmpfs.ms };
}

/** One batch round for an engine: total ms of each phase. */
async function batchRound(engine) {
  const { image, runFlags } = engines[engine];
  const launch = () => run(engine, ['run', '-d', ...runFlags, image, 'sleep', '60']).then((r) => r.stdout.split('\n').pop());
  const ids = [];
  let t0 = performance.now();
  for (let i = 0; i < batch; i++) ids.push(await launch());
  const serial = performance.now() - t0;
  t0 = performance.now();
  for (let i = 0; i < batch; i += parallel) {
    ids.push(...(await Promise.all(Array.from({ length: Math.min(parallel, batch - i) }, launch))));
  }
  const concurrent = performance.now() - t0;
  const stop = await run(engine, ['stop', '-t', '0', ...ids]);
  const rm = await run(engine, ['rm', ...ids]);
  return { batchSerial: serial, batchConcurrent: concurrent, stopAll: stop.ms, rmAll: rm.ms };
}

const samples = Object.fromEntries(Object.keys(engines).map((engine) => [engine, {}]));
const keep = (engine, values) => {
  for (const [name, ms] of Object.entries(values)) (samples[engine][name] ??= []).push(ms);
};

const startedAt = new Date().toISOString();
const loadBefore = os.loadavg();
for (let i = 0; i < warmup; i++) for (const engine of Object.keys(engines)) await singles(engine);
for (let i = 0; i < runs; i++) {
  for (const engine of Object.keys(engines)) keep(engine, await singles(engine));
  if ((i + 1) % 10 === 0 || i + 1 === runs) process.stderr.write(`lifecycle: ${i + 1}/${runs} rounds of single operations\n`);
}
const loadMeasuring = os.loadavg();
for (let i = 0; i < batchRuns; i++) {
  for (const engine of Object.keys(engines)) keep(engine, await batchRound(engine));
  process.stderr.write(`lifecycle: ${i + 1}/${batchRuns} batch rounds\n`);
}
for (const engine of Object.keys(engines)) await run(engine, ['volume', 'rm', 'benchvol']).catch(() => {});

const results = Object.fromEntries(Object.entries(samples).map(([engine, byName]) =>
  [engine, Object.fromEntries(Object.entries(byName).map(([name, values]) => [name, summary(values)]))]));
const ratiosTo = (peer) => Object.fromEntries(Object.keys(results.berth).map((name) =>
  [name, results[peer]?.[name]?.median ? Math.round((results.berth[name].median / results[peer][name].median) * 100) / 100 : null]));
const ratios = ratiosTo('podman');
const ratiosVsDocker = engines.docker ? ratiosTo('docker') : null;
fs.writeFileSync(outFile, `${JSON.stringify({
  startedAt, finishedAt: new Date().toISOString(),
  loadavg: { before: loadBefore, measuring: loadMeasuring, after: os.loadavg() },
  runs, warmup, batchRuns, batch, parallel,
  podman: { driver: process.env.PODMAN_DRIVER ?? null, runtime: process.env.PODMAN_RUNTIME ?? null },
  docker: engines.docker ? { cli: engines.docker.argv[0], daemon: 'dockerd of the bench\'s own (bench/dockerd.sh), overlay2, runc' } : null,
  results, ratios, ratiosVsDocker,
}, null, 2)}\n`);
