#!/usr/bin/env node
/**
 * Daemon memory: what the engine's resident processes hold with 0, then BENCH_DAEMON_COUNTS
 * (default "50 500") containers, created and not started, and then, on a fresh daemon of the
 * same engine (not to count what the created ones left on the heap), with BENCH_DAEMON_RUNNING
 * (default 50) containers running (`sleep 1000`).
 *
 *   berth    a nats-server and daemon of its own (bench/berth.mjs); berthd and nats-server are
 *            read apart and summed (the event store is part of the engine). Containers are made
 *            through the daemon's NATS API (container.create; start: true for the running ones),
 *            BENCH_DAEMON_PARALLEL (default 8) requests in flight, so the CLI's start-up does not
 *            make the scenario long.
 *   docker   a dockerd of its own (bench/dockerd.sh; BENCH_WORK, i.e. through bench/run.sh), with
 *            the containerd it starts; containers made through its HTTP API on the unix socket
 *            (POST /containers/create, /start), as many in flight.
 *   podman   has no daemon: nothing stays resident between commands, so there is nothing to read.
 *
 * At each step, after the containers exist, every process is read BENCH_DAEMON_SAMPLES times
 * (default 5), 1 s apart: VmRSS (/proc/PID/status) and Pss (/proc/PID/smaps_rollup); the
 * median and the maximum are kept. Per-container monitors (berth-shim, containerd-shim) are
 * not counted here: see the shim-memory scenario.
 *
 *   node bench/daemonMemory.mjs OUT.json      (BUSYBOX_TAR: an image tarball to use)
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startBerth } from './berth.mjs';
import { startDocker } from './docker.mjs';
import { connect, envInt, envInts, load, loadDist, repo, runScenario, sleep, tempDir, writeJson } from './procs.mjs';
import { median } from './stats.mjs';

const outFile = process.argv[2];
if (!outFile) {
  console.error('usage: daemonMemory.mjs OUT.json');
  process.exit(2);
}
const counts = envInts('BENCH_DAEMON_COUNTS', '50 500');
const running = envInt('BENCH_DAEMON_RUNNING', 50);
const parallel = Math.max(1, envInt('BENCH_DAEMON_PARALLEL', 8));
const samplesPerStep = Math.max(1, envInt('BENCH_DAEMON_SAMPLES', 5));
const log = (line) => process.stderr.write(`daemonMemory: ${line}\n`);

/** kB: VmRSS and Pss of one process. */
function memoryOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const field = (text, name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rssKb: field(status, 'VmRSS'), pssKb: field(rollup, 'Pss') };
}

/** The pid of `parent`'s child named `name` (dockerd's containerd). */
function childNamed(parent, name) {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && comm === name) return Number(entry);
    } catch { /* gone */ }
  }
  return null;
}

/** Reads every process of an engine `samplesPerStep` times; per process and in total: median and max kB. */
async function readEngine(processes) {
  const reads = [];
  for (let i = 0; i < samplesPerStep; i++) {
    if (i > 0) await sleep(1000);
    reads.push(Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, memoryOf(pid)])));
  }
  const of = (pick) => ({ median: median(reads.map(pick)), max: Math.max(...reads.map(pick)) });
  const result = {};
  for (const name of Object.keys(processes)) {
    result[name] = { pid: processes[name], rssKb: of((r) => r[name].rssKb), pssKb: of((r) => r[name].pssKb) };
  }
  const sum = (key) => (r) => Object.values(r).reduce((total, m) => total + m[key], 0);
  result.total = { rssKb: of(sum('rssKb')), pssKb: of(sum('pssKb')) };
  return result;
}

/** Runs `task(i)` for i in [0, n), `parallel` at a time. */
async function pool(n, task) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, async () => {
    while (next < n) await task(next++);
  }));
}

/** One request to dockerd's API on its unix socket; resolves with the parsed answer. */
function dockerApi(socket, method, route, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? null : JSON.stringify(body);
    const req = http.request({
      socketPath: socket, method, path: `/v1.41${route}`,
      headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {},
    }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        if (res.statusCode >= 300) reject(new Error(`docker API ${method} ${route}: ${res.statusCode} ${text.trim()}`));
        else resolve(text ? JSON.parse(text) : null);
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

await runScenario(async () => {
  const startedAt = new Date().toISOString();
  const loadBefore = load();
  const loads = [];
  let tarball = process.env.BUSYBOX_TAR;
  const dir = tempDir('dm');
  if (!tarball) {
    tarball = path.join(dir, 'busybox.tar');
    execFileSync('sh', [path.join(repo, 'scripts/busybox-image.sh'), tarball], { stdio: ['ignore', 'ignore', 'inherit'] });
  }

  // Two daemons per engine: one for idle and the created steps, a fresh one for the running
  // step (so that it does not count the heap the created ones left behind).
  const createdSteps = [{ label: 'idle', containers: 0, state: 'none' }, ...counts.map((n) => ({ label: `${n} created`, containers: n, state: 'created' }))];
  const runningSteps = running > 0 ? [{ label: `${running} running`, containers: running, state: 'running' }] : [];
  const results = { berth: [], docker: null };

  /**
   * The steps on one engine instance: `create(start)` makes one container (started or not) and
   * resolves with its id, `remove(id)` removes it; `processes` are the pids read.
   */
  const measure = async (engine, steps, { processes, create, remove }) => {
    const ids = [];
    const measured = [];
    try {
      for (const step of steps) {
        if (ids.length < step.containers) {
          log(`${engine}: ${step.containers - ids.length} containers to ${step.label}`);
          await pool(step.containers - ids.length, () => create(step.state === 'running').then((id) => { ids.push(id); }));
        }
        loads.push(load());
        measured.push({ ...step, processes: await readEngine(processes) });
        log(`${engine} ${step.label}: total RSS ${measured.at(-1).processes.total.rssKb.median} kB`);
      }
    } finally {
      // Also after a failure: a running container's monitor outlives its daemon.
      await pool(ids.length, (i) => remove(ids[i])).catch((error) => log(`${engine}: removing the containers: ${error.message}`));
    }
    return measured;
  };

  // ---- berth ----
  const [{ HostClient }, { layoutFrom }] = await Promise.all([loadDist('client/hostClient.js'), loadDist('runtime/layout.js')]);
  for (const [name, steps] of [['b', createdSteps], ['br', runningSteps]]) {
    if (steps.length === 0) continue;
    const b = await startBerth(path.join(dir, name), `bench-memory-${name}`, log);
    const nc = await connect(b.nats.url, 'bench-memory');
    try {
      const client = new HostClient(nc, b.host, layoutFrom({ root: b.root, runRoot: b.runRoot }));
      results.berth.push(...await measure('berth', steps, {
        processes: { berthd: b.daemon.pid, 'nats-server': b.nats.child.pid },
        create: (start) => client.request({
          op: 'container.create', start,
          spec: { id: randomBytes(32).toString('hex'), imageRef: 'busybox', cmd: start ? ['sleep', '1000'] : ['true'], env: [], autoRemove: false, labels: {} },
        }).then((r) => r.id),
        remove: (id) => client.request({ op: 'container.remove', ref: id, force: true }),
      }));
    } finally {
      await nc.close();
      await b.stop();
    }
  }

  // ---- docker ----
  for (const [name, steps] of [['dk', createdSteps], ['dr', runningSteps]]) {
    if (steps.length === 0) continue;
    let docker;
    try {
      docker = startDocker(path.join(dir, name), tarball);
    } catch (error) {
      log(`docker: no dockerd of its own (${String(error.message).split('\n')[0]}); without docker`);
      continue;
    }
    try {
      const containerd = childNamed(docker.pid, 'containerd');
      if (!containerd) throw new Error(`dockerd (pid ${docker.pid}) has no containerd child`);
      results.docker ??= [];
      results.docker.push(...await measure('docker', steps, {
        processes: { dockerd: docker.pid, containerd },
        create: async (start) => {
          const { Id } = await dockerApi(docker.socket, 'POST', '/containers/create', {
            Image: 'localhost/busybox', Cmd: start ? ['sleep', '1000'] : ['true'], HostConfig: { NetworkMode: 'none' },
          });
          if (start) await dockerApi(docker.socket, 'POST', `/containers/${Id}/start`);
          return Id;
        },
        remove: (id) => dockerApi(docker.socket, 'DELETE', `/containers/${id}?force=1`),
      }));
    } finally {
      docker.stop();
    }
  }

  const peak = loads.reduce((max, l) => (l[0] > max[0] ? l : max), loadBefore);
  writeJson(outFile, {
    scenario: 'daemon-memory',
    startedAt,
    finishedAt: new Date().toISOString(),
    loadavg: { before: loadBefore, measuring: peak, after: load() },
    settings: { counts, running, parallel, samplesPerStep, order: 'berth first (every step), then docker (every step); created containers are never started; the running step on a fresh daemon (and nats-server; dockerd and containerd) of its own' },
    commands: {
      berth: 'node dist/cli/daemon.cjs --root R --run-root RR --host-id bench-memory --nats URL, with nats-server -c nats.conf; containers: container.create requests (start: false; start: true with sleep 1000 for the running step)',
      docker: results.docker ? '/usr/sbin/dockerd of its own (bench/dockerd.sh) and the containerd it starts; containers: POST /v1.41/containers/create (Image localhost/busybox, NetworkMode none), then /start for the running step' : null,
      podman: 'no daemon: nothing resident between commands (per running container, conmon: see shim-memory)',
    },
    timing: `memory: /proc/PID/status VmRSS and /proc/PID/smaps_rollup Pss (kB), ${samplesPerStep} reads 1 s apart per step; median and max`,
    results,
  });
  log(`wrote ${path.relative(repo, path.resolve(outFile))}`);
});
