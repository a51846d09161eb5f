#!/usr/bin/env node
/**
 * Networks, berth against podman (netavark), in the bench's own network namespace (run.sh):
 *
 *   - throughput container → container on one user bridge network: an iperf3 server
 *     (`run -d --network benchnet iperf iperf3 -s`) and an iperf3 client container
 *     (`run --rm --network benchnet iperf iperf3 -c SERVER_IP -t BENCH_IPERF_SECONDS -J`);
 *   - throughput host → published port: the server on the default bridge with
 *     `-p 127.0.0.1:PORT:5201`, the namespace's own /usr/bin/iperf3 as the client on 127.0.0.1:PORT;
 *   - BENCH_NET_BATCH (default 50) × `run -d --network benchnet busybox sleep 600`,
 *     BENCH_NET_PARALLEL (default 10) at a time, timed in all; then one `inspect` of them all
 *     checks the addresses are distinct, and one `rm -f` removes them (timed).
 *
 * The image: the busybox rootfs plus /usr/bin/iperf3 and the libraries it links (ldd), imported
 * into both engines. Each engine gets a user network of its own with a subnet of its own.
 * Engines alternate, BENCH_NET_RUNS (default 3) rounds after one discarded.
 *
 *   BENCH_WORK=DIR BUSYBOX_TAR=... BENCH_PODMAN_ARGS_JSON='[...]' CONTAINERS_CONF=... node bench/network.mjs OUT.json
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { run } from './berth.mjs';
import { benchBerth, interleave, ratiosTo, summarize, scenarioSetup, uptime } from './interleave.mjs';
import { childEnv, envInt, freePort, runScenario, sleep, tempDir, writeJson } from './procs.mjs';

const { outFile, podman } = scenarioSetup('network.mjs', ['BUSYBOX_TAR']);
const runs = envInt('BENCH_NET_RUNS', 3);
const seconds = envInt('BENCH_IPERF_SECONDS', 5);
const batch = envInt('BENCH_NET_BATCH', 50);
const parallel = Math.max(1, envInt('BENCH_NET_PARALLEL', 10));
const NET = 'benchnet';

/** The busybox rootfs with iperf3 and its shared libraries, as a tarball. */
function iperfImage(dir) {
  const root = path.join(dir, 'rootfs');
  fs.mkdirSync(root);
  execFileSync('tar', ['--numeric-owner', '-C', root, '-xf', process.env.BUSYBOX_TAR]);
  const libs = execFileSync('ldd', ['/usr/bin/iperf3'], { encoding: 'utf8' })
    .split('\n').map((line) => /(\/\S+) \(0x/.exec(line)?.[1]).filter(Boolean);
  for (const file of ['/usr/bin/iperf3', ...libs]) {
    fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
    fs.copyFileSync(fs.realpathSync(file), path.join(root, file));
    fs.chmodSync(path.join(root, file), 0o755);
  }
  const tar = path.join(dir, 'iperf.tar');
  execFileSync('tar', ['--numeric-owner', '-C', root, '-cf', tar, '.']);
  return tar;
}

const berthCli = benchBerth();
const engines = {
  berth: { argv: berthCli.argv, env: berthCli.env, iperf: 'localhost/iperf', busybox: 'busybox', subnet: '10.231.0.0/24' },
  podman: { argv: podman.argv, env: podman.env, iperf: 'localhost/iperf', busybox: 'localhost/busybox', subnet: '10.232.0.0/24' },
};
const cmd = (engine, ...args) => run(engines[engine].argv(...args), engines[engine].env, `${engine} ${args[0]}`);
const inspect = async (engine, ids) => JSON.parse((await cmd(engine, 'inspect', ...ids)).stdout);

/** The iperf3 client's received rate (Gbit/s); retried while the server is not listening yet. */
async function iperfClient(argv, env, what) {
  for (let attempt = 1; ; attempt++) {
    try {
      const { stdout } = await run(argv, env, what);
      return JSON.parse(stdout).end.sum_received.bits_per_second / 1e9;
    } catch (error) {
      if (attempt >= 20 || !/connect|refused|reset/i.test(error.message)) throw error;
      await sleep(250);
    }
  }
}

/** Container → container on the engine's user network: the client container's figure. */
async function containerToContainer(engine) {
  const e = engines[engine];
  const server = (await cmd(engine, 'run', '-d', '--network', NET, e.iperf, '/usr/bin/iperf3', '-s')).stdout.split('\n').pop();
  try {
    const [info] = await inspect(engine, [server]);
    const ip = info.NetworkSettings.Networks[NET].IPAddress;
    return await iperfClient(e.argv('run', '--rm', '--network', NET, e.iperf, '/usr/bin/iperf3', '-c', ip, '-t', String(seconds), '-J'), e.env, `${engine} iperf3 client`);
  } finally {
    await cmd(engine, 'rm', '-f', server);
  }
}

/** The namespace's own iperf3 → a port published on 127.0.0.1 from the engine's default bridge. */
async function hostToPublished(engine) {
  const e = engines[engine];
  const port = await freePort();
  const server = (await cmd(engine, 'run', '-d', '-p', `127.0.0.1:${port}:5201`, e.iperf, '/usr/bin/iperf3', '-s')).stdout.split('\n').pop();
  try {
    return await iperfClient(['iperf3', '-c', '127.0.0.1', '-p', String(port), '-t', String(seconds), '-J'], childEnv(), `${engine} host iperf3`);
  } finally {
    await cmd(engine, 'rm', '-f', server);
  }
}

/** BENCH_NET_BATCH containers on the user network, `parallel` at a time: ms, distinct addresses, rm ms. */
async function batchRound(engine) {
  const e = engines[engine];
  const ids = [];
  const t0 = performance.now();
  for (let i = 0; i < batch; i += parallel) {
    ids.push(...(await Promise.all(Array.from({ length: Math.min(parallel, batch - i) }, () =>
      cmd(engine, 'run', '-d', '--network', NET, e.busybox, 'sleep', '600').then((r) => r.stdout.split('\n').pop())))));
  }
  const start = performance.now() - t0;
  const addresses = (await inspect(engine, ids)).map((c) => c.NetworkSettings.Networks[NET]?.IPAddress).filter(Boolean);
  const distinct = new Set(addresses).size;
  if (distinct !== batch) throw new Error(`${engine}: ${batch} containers on ${NET} got ${distinct} distinct addresses (${addresses.length} in all)`);
  const rm = await cmd(engine, 'rm', '-f', ...ids);
  return { start, rm: rm.ms, distinct };
}

await runScenario(async () => {
  const dir = tempDir('network');
  const tar = iperfImage(dir);
  await cmd('berth', 'import', tar, 'localhost/iperf');
  await cmd('podman', 'import', '--quiet', tar, 'localhost/iperf');
  for (const engine of Object.keys(engines)) {
    await cmd(engine, 'network', 'rm', NET).catch(() => {});
    await cmd(engine, 'network', 'create', '--subnet', engines[engine].subnet, NET);
  }
  const before = uptime();
  const startedAt = new Date().toISOString();
  const distinct = {};
  const samples = await interleave(Object.fromEntries(Object.keys(engines).map((engine) => [engine, async () => ({
    containerToContainerGbps: await containerToContainer(engine),
    hostToPublishedGbps: await hostToPublished(engine),
  })])), { runs, warmup: 1, label: 'network: throughput' });
  const measuring = uptime();
  const batchSamples = await interleave(Object.fromEntries(Object.keys(engines).map((engine) => [engine, async (round) => {
    const r = await batchRound(engine);
    if (round >= 0) (distinct[engine] ??= []).push(r.distinct);
    return { batchStart: r.start, batchRm: r.rm };
  }])), { runs, warmup: 1, label: 'network: batch' });
  const after = uptime();
  for (const engine of Object.keys(engines)) {
    await cmd(engine, 'network', 'rm', NET).catch((error) => process.stderr.write(`network: ${error.message}\n`));
    await cmd(engine, 'rmi', 'localhost/iperf').catch(() => {});
  }
  const results = summarize(Object.fromEntries(Object.keys(engines).map((engine) => [engine, { ...samples[engine], ...batchSamples[engine] }])));
  writeJson(outFile, {
    startedAt, finishedAt: new Date().toISOString(),
    loadavg: { before: before.loadavg, measuring: measuring.loadavg, after: after.loadavg },
    uptime: { before: before.uptime, measuring: measuring.uptime, after: after.uptime },
    settings: { runs, warmup: 1, seconds, batch, parallel, network: NET, subnets: Object.fromEntries(Object.entries(engines).map(([k, e]) => [k, e.subnet])) },
    podman: { driver: process.env.PODMAN_DRIVER ?? null, runtime: process.env.PODMAN_RUNTIME ?? null, network: 'netavark' },
    iperf3: execFileSync('iperf3', ['--version'], { encoding: 'utf8' }).split('\n')[0],
    distinctAddresses: distinct,
    results,
    ratios: ratiosTo(results, 'podman'),
  });
});
