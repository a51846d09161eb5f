#!/usr/bin/env node
/**
 * Shim memory and exec latency: what each running container costs in its monitor process,
 * berth-shim against podman's conmon, and `berth exec` against `podman exec`, in the same run.
 *
 * berth: a nats-server and daemon of its own (bench/berth.mjs) and BENCH_SHIM_CONTAINERS
 * (default 10) containers `berth run -d busybox sleep 1000`; each one's shim pid is the second
 * field of its pid file (<root>/containers/<id>/pid). podman (when BENCH_PODMAN_ARGS_JSON and
 * CONTAINERS_CONF are set, as bench/run.sh does after peers.sh prepare): as many
 * `podman run -d --network none localhost/busybox sleep 1000`, each one's conmon from
 * `podman inspect --format {{.State.ConmonPid}}`. Once all run, every monitor's memory is read
 * from /proc: VmRSS (status), and Pss and the private pages (USS) from smaps_rollup, since RSS
 * counts shared library pages that a second process costs nothing for (conmon links glib
 * dynamically; berth-shim is static). docker (when run.sh's dockerd is up, BENCH_DOCKER_HOST): as many
 * `docker run -d --network none localhost/busybox sleep 1000`, each one's containerd-shim-runc-v2
 * the parent of `docker inspect --format {{.State.Pid}}` (one shim per container).
 *
 * Exec latency: BENCH_WARMUP (default 3) discarded and BENCH_EXEC_RUNS (default 20) kept rounds,
 * each `berth exec C true`, `podman exec C true`, `docker exec C true` into one of the running containers, timed
 * from spawn to exit (process.hrtime), interleaved.
 *
 *   node bench/shimMemory.mjs OUT.json      (BUSYBOX_TAR: an image tarball to use)
 */
import fs from 'node:fs';
import path from 'node:path';
import { podmanPeer, run, startBerth } from './berth.mjs';
import { dockerPeer } from './docker.mjs';
import { envInt, load, repo, runScenario, tempDir, writeJson } from './procs.mjs';
import { summary } from './stats.mjs';

const outFile = process.argv[2];
if (!outFile) {
  console.error('usage: shimMemory.mjs OUT.json');
  process.exit(2);
}
const containers = envInt('BENCH_SHIM_CONTAINERS', 10);
const execRuns = envInt('BENCH_EXEC_RUNS', 20);
const warmup = envInt('BENCH_WARMUP', 3);
const GOAL_KB = 1024;
const log = (line) => process.stderr.write(`shimMemory: ${line}\n`);
const peer = podmanPeer();
const withPodman = peer.enabled;
const podmanArgs = peer.args;
const docker = dockerPeer();

/** kB figures of one process: VmRSS, Pss and USS (private clean + dirty). */
function memoryOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const field = (text, name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return {
    pid,
    name: status.match(/^Name:\s+(.*)$/m)[1],
    rssKb: field(status, 'VmRSS'),
    pssKb: field(rollup, 'Pss'),
    ussKb: field(rollup, 'Private_Clean') + field(rollup, 'Private_Dirty'),
  };
}

const stats = (processes) => ({
  rssKb: summary(processes.map((p) => p.rssKb)),
  pssKb: summary(processes.map((p) => p.pssKb)),
  ussKb: summary(processes.map((p) => p.ussKb)),
  processes,
});

await runScenario(async () => {
  const startedAt = new Date().toISOString();
  const loadBefore = load();
  const dir = tempDir('sm');
  const b = await startBerth(dir, 'bench-shims', log);
  const podman = peer.argv;
  const podmanEnv = peer.env;
  if (!withPodman) log('podman: not configured (run through bench/run.sh, which prepares it with peers.sh); berth only');
  if (!docker.enabled) log('docker: no dockerd (BENCH_DOCKER_HOST; run through bench/run.sh); without docker');
  const berthIds = [];
  const podmanIds = [];
  const dockerIds = [];
  let result;
  try {
    log(`starting ${containers} containers on each engine`);
    for (let i = 0; i < containers; i++) {
      berthIds.push((await run(b.berth('run', '-d', 'busybox', 'sleep', '1000'), b.env, 'berth run -d')).stdout);
      if (withPodman) podmanIds.push((await run(podman('run', '-d', '--network', 'none', 'localhost/busybox', 'sleep', '1000'), podmanEnv, 'podman run -d')).stdout);
      if (docker.enabled) dockerIds.push((await run(docker.argv('run', '-d', '--network', 'none', 'localhost/busybox', 'sleep', '1000'), docker.env, 'docker run -d')).stdout);
    }
    const shims = berthIds.map((id) => {
      const [, shimPid] = fs.readFileSync(path.join(b.root, 'containers', id, 'pid'), 'utf8').trim().split(/\s+/).map(Number);
      return memoryOf(shimPid);
    });
    const conmons = [];
    for (const id of podmanIds) {
      const pid = Number((await run(podman('inspect', '--format', '{{.State.ConmonPid}}', id), podmanEnv, 'podman inspect')).stdout);
      conmons.push(memoryOf(pid));
    }
    const dockerShims = [];
    for (const id of dockerIds) {
      const pid = Number((await run(docker.argv('inspect', '--format', '{{.State.Pid}}', id), docker.env, 'docker inspect')).stdout);
      const ppid = Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]);
      dockerShims.push(memoryOf(ppid));
    }
    const loadMeasured = load();

    log(`exec latency: ${warmup} warm-up + ${execRuns} rounds`);
    const execs = { 'berth exec C true': [], 'podman exec C true': [], 'docker exec C true': [] };
    for (let round = 0; round < warmup + execRuns; round++) {
      const keep = round >= warmup;
      const berthExec = await run(b.berth('exec', berthIds[0], 'true'), b.env, 'berth exec');
      if (keep) execs['berth exec C true'].push(berthExec.ms);
      if (withPodman) {
        const podmanExec = await run(podman('exec', podmanIds[0], 'true'), podmanEnv, 'podman exec');
        if (keep) execs['podman exec C true'].push(podmanExec.ms);
      }
      if (docker.enabled) {
        const dockerExec = await run(docker.argv('exec', dockerIds[0], 'true'), docker.env, 'docker exec');
        if (keep) execs['docker exec C true'].push(dockerExec.ms);
      }
    }
    result = {
      memory: { berthShim: stats(shims), conmon: withPodman ? stats(conmons) : null, containerdShim: docker.enabled ? stats(dockerShims) : null },
      exec: Object.fromEntries(Object.entries(execs).map(([name, ms]) => [name, { ...summary(ms), samples: ms.map((v) => Math.round(v * 1000) / 1000) }])),
      loadMeasured,
    };
  } finally {
    if (berthIds.length) await run(b.berth('rm', '-f', ...berthIds), b.env, 'berth rm').catch((error) => log(error.message));
    for (const id of podmanIds) await run(podman('rm', '-f', '-t', '0', id), podmanEnv, 'podman rm').catch((error) => log(error.message));
    if (dockerIds.length) await run(docker.argv('rm', '-f', ...dockerIds), docker.env, 'docker rm').catch((error) => log(error.message));
    await b.stop();
  }
  const shimPss = result.memory.berthShim.pssKb.median;
  writeJson(outFile, {
    scenario: 'shim-memory',
    startedAt,
    finishedAt: new Date().toISOString(),
    loadavg: { before: loadBefore, measuring: result.loadMeasured, after: load() },
    settings: { containers, execRuns, warmup, order: 'containers started alternately (berth, podman, docker); exec rounds interleaved (berth exec, podman exec, docker exec)' },
    commands: {
      berth: ['berth run -d busybox sleep 1000', 'berth exec C true'],
      podman: withPodman ? ['podman run -d --network none localhost/busybox sleep 1000', 'podman exec C true'] : null,
      docker: docker.enabled ? ['docker run -d --network none localhost/busybox sleep 1000', 'docker exec C true'] : null,
    },
    docker: docker.enabled ? { cli: docker.argv()[0], daemon: 'dockerd of the bench\'s own (bench/dockerd.sh), containerd-shim-runc-v2 per container, runc' } : null,
    podman: withPodman ? { args: podmanArgs, runtime: process.env.PODMAN_RUNTIME ?? null } : null,
    timing: 'memory: /proc/PID/status VmRSS and /proc/PID/smaps_rollup Pss, Private_Clean + Private_Dirty (kB) of every monitor, all containers running; exec: process.hrtime from spawn to exit',
    memory: result.memory,
    exec: result.exec,
    goal: { text: `berth-shim well under 1 MB (${GOAL_KB} kB) resident per running container`, berthShimRssMedianKb: result.memory.berthShim.rssKb.median, berthShimPssMedianKb: shimPss, met: result.memory.berthShim.rssKb.median < GOAL_KB },
  });
  log(`wrote ${path.relative(repo, path.resolve(outFile))}`);
});
