#!/usr/bin/env node
/**
 * Pull from a local registry, berth against podman and skopeo: a docker-registry of the bench's
 * own on 127.0.0.1 holds a multi-layer image (the busybox rootfs plus BENCH_PULL_LAYERS layers
 * of BENCH_PULL_LAYER_MB MiB of random bytes, gzipped, pushed by skopeo), and each tool fetches
 * it cold (nothing of it stored) and warm (all of it stored), interleaved, BENCH_PULL_RUNS times
 * (default 5) after one warm-up round. CLI included.
 *
 *   - berth: `berth pull REF`; cold after `rmi`, once the daemon has deleted the image's layers
 *     (it does so in the background; podman's rmi before it returns), and removal of its blobs;
 *   - berth request: the same pull as one `image.pull` request over an open NATS connection (the daemon's part);
 *   - podman: `podman pull --tls-verify=false REF`; cold after `podman rmi`;
 *   - skopeo: `skopeo copy docker://REF oci:DIR` (fetch and store, no unpacking); cold into a new DIR.
 *
 *   BENCH_WORK=DIR BUSYBOX_TAR=... BENCH_PODMAN_ARGS_JSON='[...]' CONTAINERS_CONF=... node bench/pull.mjs OUT.json
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import {
  childEnv, cli, envInt, freePort, load, loadDist, node, runScenario, sleep, spawnTracked, tempDir, writeJson,
} from './procs.mjs';
import { summary } from './stats.mjs';

const run = promisify(execFile);
const [outFile] = process.argv.slice(2);
if (!outFile || !process.env.BUSYBOX_TAR || !process.env.BENCH_PODMAN_ARGS_JSON || !process.env.CONTAINERS_CONF || !process.env.BENCH_WORK) {
  console.error('usage: BENCH_WORK=DIR BUSYBOX_TAR=... BENCH_PODMAN_ARGS_JSON=... CONTAINERS_CONF=... pull.mjs OUT.json');
  process.exit(2);
}
const runs = envInt('BENCH_PULL_RUNS', 5);
const layers = envInt('BENCH_PULL_LAYERS', 4);
const layerMiB = envInt('BENCH_PULL_LAYER_MB', 8);
const podmanArgs = JSON.parse(process.env.BENCH_PODMAN_ARGS_JSON);
const work = process.env.BENCH_WORK;
const berthEnv = childEnv({ BERTH_ROOT: path.join(work, 'berth/root'), BERTH_RUN_ROOT: path.join(work, 'berth/run') });

/** Runs a command; resolves with how long it took (ms); fails with its stderr. */
async function timed(file, args, env = childEnv()) {
  const t0 = performance.now();
  try {
    await run(file, args, { env, maxBuffer: 64 << 20 });
  } catch (error) {
    throw new Error(`${file} ${args.join(' ')} failed: ${error.stderr || error.message}`);
  }
  return performance.now() - t0;
}

async function startRegistry(dir) {
  const port = await freePort();
  const config = path.join(dir, 'registry.yml');
  fs.writeFileSync(config, `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/storage\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const registry = spawnTracked('docker-registry', ['serve', config], { stdio: 'ignore' });
  for (let i = 0; i < 500; i++) {
    if (await fetch(`http://127.0.0.1:${port}/v2/`).then(() => true, () => false)) return `127.0.0.1:${port}`;
    if (registry.exitCode !== null) break;
    await sleep(20);
  }
  throw new Error('docker-registry did not start');
}

await runScenario(async () => {
  const dir = tempDir('pull');
  const host = await startRegistry(dir);
  const ref = `${host}/bench/pull:v1`;

  // The image: busybox, then layers of random bytes (incompressible, so the sizes are real).
  const { writeOciLayout } = await loadDist('test/helpers/registry.js');
  const { tarBuffer } = await loadDist('runtime/images/tarWriter.js');
  const extra = [];
  for (let i = 0; i < layers; i++) extra.push(await tarBuffer([{ path: `data${i}/`, type: 'dir' }, { path: `data${i}/blob`, type: 'file', data: randomBytes(layerMiB << 20) }]));
  const layout = path.join(dir, 'oci');
  await writeOciLayout(layout, 'v1', [{ layers: [fs.readFileSync(process.env.BUSYBOX_TAR), ...extra] }]);
  await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${ref}`], { env: childEnv({ HOME: dir }) });
  const imageBlobs = fs.readdirSync(path.join(layout, 'blobs/sha256'));
  const compressed = imageBlobs.reduce((sum, f) => sum + fs.statSync(path.join(layout, 'blobs/sha256', f)).size, 0);

  const blobsDir = path.join(work, 'berth/root/images/blobs/sha256');
  // berth's `rmi` returns once the removal is recorded and deletes the image's files in the
  // background (actors/image/layerGate.ts), and a pull that comes meanwhile waits for that
  // deletion; podman's `rmi` deletes them before it returns. A cold pull is timed once they are
  // gone, so that it is the pull alone for every tool. The layers here now are other images'
  // (busybox, imported by the start-latency scenario), which the rmi keeps.
  const layersDir = path.join(work, 'berth/root/images/layers');
  const layerDirs = () => (fs.existsSync(layersDir) ? fs.readdirSync(layersDir) : []);
  const otherLayers = new Set(layerDirs());
  const berthRemoved = async () => {
    for (let i = 0; i < 600; i++) {
      if (layerDirs().every((dir) => otherLayers.has(dir))) return;
      await sleep(50);
    }
    throw new Error(`berth rmi ${ref}: its layers were still in ${layersDir} after 30 s`);
  };
  const tools = {
    berth: {
      cold: async () => {
        await run(node, [cli, 'rmi', ref], { env: berthEnv }).catch(() => {});
        await berthRemoved();
        for (const hex of imageBlobs) fs.rmSync(path.join(blobsDir, hex), { force: true }); // its blobs too: nothing of it stored
        return timed(node, [cli, 'pull', '-q', ref], berthEnv);
      },
      warm: () => timed(node, [cli, 'pull', '-q', ref], berthEnv),
    },
    // The same pull sent as one request over NATS, as a client with an open connection sends it:
    // the daemon's part alone, without the CLI's process start, module load and connect.
    'berth request': {
      cold: async () => {
        await run(node, [cli, 'rmi', ref], { env: berthEnv }).catch(() => {});
        await berthRemoved();
        for (const hex of imageBlobs) fs.rmSync(path.join(blobsDir, hex), { force: true });
        return timedRequest(ref);
      },
      warm: () => timedRequest(ref),
    },
    podman: {
      cold: async () => {
        await run('podman', [...podmanArgs, 'rmi', '-f', ref], { env: childEnv() }).catch(() => {});
        return timed('podman', [...podmanArgs, 'pull', '-q', '--tls-verify=false', ref]);
      },
      warm: () => timed('podman', [...podmanArgs, 'pull', '-q', '--tls-verify=false', ref]),
    },
    skopeo: {
      cold: () => {
        fs.rmSync(path.join(dir, 'copy'), { recursive: true, force: true });
        return timed('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${ref}`, `oci:${path.join(dir, 'copy')}:v1`], childEnv({ HOME: dir }));
      },
      warm: () => timed('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${ref}`, `oci:${path.join(dir, 'copy')}:v1`], childEnv({ HOME: dir })),
    },
  };

  /** The daemon's client (its embedded NATS, as the CLI reaches it), opened at the first request: the first CLI pull started the daemon. */
  let client = null;
  async function timedRequest(reference) {
    if (!client) {
      const [{ connectNats }, { HostClient }, { buildRootStoreForPinnedServer }, { layoutFrom }] = await Promise.all([
        loadDist('nats/server/connect.js'), loadDist('client/hostClient.js'), loadDist('cli/pinnedTrust.js'), loadDist('runtime/layout.js'),
      ]);
      const runRoot = path.join(work, 'berth/run');
      const nats = JSON.parse(fs.readFileSync(path.join(runRoot, 'nats.json'), 'utf8'));
      const { host: hostId } = JSON.parse(fs.readFileSync(path.join(runRoot, 'berthd.json'), 'utf8'));
      buildRootStoreForPinnedServer();
      const nc = await connectNats({ url: nats.url, token: nats.token, pinnedCertificate: nats.certificate }, 'bench-pull', { reconnect: false });
      client = { nc, host: new HostClient(nc, hostId, layoutFrom({ root: path.join(work, 'berth/root'), runRoot })) };
    }
    const t0 = performance.now();
    await client.host.request({ op: 'image.pull', ref: reference });
    return performance.now() - t0;
  }

  const samples = Object.fromEntries(Object.keys(tools).map((name) => [name, { cold: [], warm: [] }]));
  const startedAt = new Date().toISOString();
  const before = load();
  for (let round = -1; round < runs; round++) {
    for (const [name, tool] of Object.entries(tools)) {
      const cold = await tool.cold();
      const warm = await tool.warm();
      if (round >= 0) { samples[name].cold.push(cold); samples[name].warm.push(warm); }
    }
    if (round >= 0) process.stderr.write(`pull: ${round + 1}/${runs} rounds\n`);
  }
  await client?.nc.close();
  await run(node, [cli, 'rmi', ref], { env: berthEnv }).catch(() => {});
  await run('podman', [...podmanArgs, 'rmi', '-f', ref], { env: childEnv() }).catch(() => {});

  const results = Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, { cold: summary(s.cold), warm: summary(s.warm) }]));
  const ratio = (a, b) => (a && b ? Math.round((a / b) * 100) / 100 : null);
  writeJson(outFile, {
    startedAt, finishedAt: new Date().toISOString(), loadavg: { before, after: load() },
    runs, image: { layers: layers + 1, compressedBytes: compressed, layerMiB },
    podman: { driver: process.env.PODMAN_DRIVER ?? null },
    results,
    ratios: {
      coldVsPodman: ratio(results.berth.cold.median, results.podman.cold.median),
      coldVsSkopeo: ratio(results.berth.cold.median, results.skopeo.cold.median),
      warmVsPodman: ratio(results.berth.warm.median, results.podman.warm.median),
      warmVsSkopeo: ratio(results.berth.warm.median, results.skopeo.warm.median),
      requestWarmVsPodman: ratio(results['berth request'].warm.median, results.podman.warm.median),
    },
  });
});
