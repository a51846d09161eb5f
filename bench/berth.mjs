/**
 * berth for the scenario scripts: commands run to completion and timed, and a daemon of its
 * own (with its own nats-server, data root and run root) with the busybox image imported.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { childEnv, cli, daemonCli, mono, node, repo, retryHalfBuilt, sleep, spawnTracked, startNats, stopChild } from './procs.mjs';

/**
 * podman as bench/run.sh prepared it (peers.sh: BENCH_PODMAN_ARGS_JSON and CONTAINERS_CONF):
 * `argv(...args)` is a podman command line with its storage arguments, `env` its environment;
 * `enabled` is false when the script runs alone.
 */
export function podmanPeer() {
  const args = process.env.BENCH_PODMAN_ARGS_JSON ? JSON.parse(process.env.BENCH_PODMAN_ARGS_JSON) : [];
  return {
    enabled: Boolean(process.env.BENCH_PODMAN_ARGS_JSON && process.env.CONTAINERS_CONF),
    args,
    argv: (...rest) => ['podman', ...args, ...rest],
    env: childEnv({ CONTAINERS_CONF: process.env.CONTAINERS_CONF }),
  };
}

/** Runs a command to completion; rejects with its stderr when it fails (again after a half-built dist/). */
export function run(argv, env, what) {
  return retryHalfBuilt(what, () => runOnce(argv, env, what));
}

function runOnce(argv, env, what) {
  return new Promise((resolve, reject) => {
    const t0 = mono();
    const child = spawnTracked(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] }, what);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (code, signal) => {
      if (code === 0) resolve({ stdout: stdout.trim(), t0, ms: mono() - t0 });
      else reject(new Error(`${what} failed (${signal ?? `exit ${code}`}): ${argv.join(' ')}\n${stderr}`));
    });
  });
}

/**
 * A nats-server and a daemon of their own in `dir` (host id `host`), the busybox image imported
 * (BUSYBOX_TAR, else made with scripts/busybox-image.sh). `stop()` stops the daemon, then NATS.
 */
export async function startBerth(dir, host, log) {
  const nats = await startNats(path.join(dir, 'nats'));
  const root = path.join(dir, 'root');
  // Short: the shims' sockets are RUN_ROOT/shims/<24 hex>.sock, and sun_path holds 108 bytes.
  const runRoot = path.join(dir, 'r');
  if (`${runRoot}/shims/exec-${'0'.repeat(24)}.sock`.length > 107) throw new Error(`the run root ${runRoot} is too long for the shims' sockets; use a shorter BENCH_WORK`);
  const env = childEnv({ BERTH_ROOT: root, BERTH_RUN_ROOT: runRoot, BERTH_NATS_URL: nats.url });
  delete env.BERTH_HOST;

  // The daemon, ready when it has written berthd.json.
  fs.mkdirSync(runRoot, { recursive: true, mode: 0o700 });
  // No bridge: the start-latency daemon (run.sh) manages the networks of the bench's network
  // namespace, and a second daemon may share it only without networks of its own.
  const daemonArgv = [node, daemonCli, '--root', root, '--run-root', runRoot, '--host-id', host, '--nats', nats.url, '--bridge', 'none'];
  const daemon = await retryHalfBuilt('berthd', async () => {
    const logFile = path.join(dir, 'berthd.log');
    const logFd = fs.openSync(logFile, 'w');
    const child = spawnTracked(daemonArgv[0], daemonArgv.slice(1), { env, stdio: ['ignore', 'ignore', logFd] }, 'berthd');
    fs.closeSync(logFd);
    for (let i = 0; !fs.existsSync(path.join(runRoot, 'berthd.json')); i++) {
      if (child.exitCode !== null || i > 600) {
        await stopChild(child);
        throw new Error(`the daemon did not start:\n${fs.readFileSync(logFile, 'utf8')}`);
      }
      await sleep(50);
    }
    return child;
  });
  log(`daemon ready (host ${host}, nats ${nats.url})`);
  const berth = (...args) => [cli, ...args];

  let tarball = process.env.BUSYBOX_TAR;
  if (!tarball) {
    tarball = path.join(dir, 'busybox.tar');
    execFileSync('sh', [path.join(repo, 'scripts/busybox-image.sh'), tarball], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  await run(berth('import', tarball, 'busybox'), env, 'berth import');
  const stop = async () => {
    const stopped = await stopChild(daemon, 30_000);
    if (stopped.code !== 0) log(`the daemon's stop exited ${stopped.signal ?? stopped.code}`);
    await nats.stop();
  };
  return { nats, root, runRoot, host, env, daemon, berth, stop };
}
