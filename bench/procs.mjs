/**
 * What the scenario scripts share: berth's compiled modules, temp dirs, a nats-server of their
 * own, child processes that are always stopped (by pid) and temp dirs that are always removed,
 * also when the script fails or is interrupted.
 *
 * Under bench/run.sh, BENCH_WORK is the bench's temp dir: scripts make their dirs inside it and
 * note every long-lived child in BENCH_WORK/state/pids/, which bench/cleanup.sh stops if the
 * script itself could not (SIGKILL). Alone, they use /tmp and clean up themselves.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
export const cli = path.join(repo, 'dist/cli/main.cjs');
export const daemonCli = path.join(repo, 'dist/cli/daemon.cjs');
export const node = process.execPath;

/** The environment of every child: ours without NODE_EXTRA_CA_CERTS (~80 ms per Node start). */
export function childEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Wall-clock time in ms with sub-ms resolution (same clock as Date.now()). */
export const wallNow = () => performance.timeOrigin + performance.now();
/** A monotonic time in ms. */
export const mono = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * Imports a module of berth's dist/. Other engineers rebuild dist/ while we run; a module
 * caught half-written fails to import, so retry for a while before giving up.
 */
export async function loadDist(relative) {
  const url = new URL(`../dist/${relative}`, import.meta.url).href;
  for (let attempt = 1; ; attempt++) {
    try {
      return await import(`${url}${attempt > 1 ? `?retry=${attempt}` : ''}`);
    } catch (error) {
      if (attempt >= 10) throw error;
      process.stderr.write(`bench: importing dist/${relative} failed (${error.message}); retrying\n`);
      await sleep(2000);
    }
  }
}

/**
 * What a berth process prints when it caught dist/ half-rebuilt (tsc rewrites it in place while
 * other engineers work): not berth's answer, so the command is run again.
 */
export const HALF_BUILT = /does not provide an export named|Cannot find module|ERR_MODULE_NOT_FOUND|SyntaxError:|Unexpected end of input/;

/** Runs `attempt()` again (up to 10 times, 2 s apart) while it fails with a half-built dist/. */
export async function retryHalfBuilt(what, attempt) {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= 10 || !HALF_BUILT.test(String(error.message))) throw error;
      process.stderr.write(`bench: ${what} met a half-rebuilt dist/ (${String(error.message).split('\n').find((l) => HALF_BUILT.test(l))?.trim()}); again in 2 s\n`);
      await sleep(2000);
    }
  }
}

// ---- cleanup of what we start ----

const children = new Set();
const dirs = [];
const pidsDir = process.env.BENCH_WORK ? path.join(process.env.BENCH_WORK, 'state/pids') : null;

/** Notes a child for bench/cleanup.sh: its pid, and its command line to check that the pid is still it. */
function notePid(child, argv) {
  if (!pidsDir) return;
  fs.mkdirSync(pidsDir, { recursive: true });
  fs.writeFileSync(path.join(pidsDir, String(child.pid)), `${argv.join(' ')}\n`);
}
function forgetPid(pid) {
  if (pidsDir) fs.rmSync(path.join(pidsDir, String(pid)), { force: true });
}

/** Spawns a child that cleanup stops (SIGTERM, then SIGKILL) if it is still running at the end. */
export function spawnTracked(file, args, options = {}, name = path.basename(file)) {
  const child = spawn(file, args, { env: childEnv(), ...options });
  child.benchName = name;
  child.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => { children.delete(child); forgetPid(child.pid); resolve({ code, signal }); });
    child.once('error', (error) => { children.delete(child); resolve({ code: null, signal: null, error }); });
  });
  if (child.pid) {
    children.add(child);
    notePid(child, [options.argv0 ?? file, ...args]);
  }
  return child;
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL; resolves with how it exited and how long it took (ms). */
export async function stopChild(child, graceMs = 10_000) {
  const t0 = mono();
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      process.stderr.write(`bench: ${child.benchName} (pid ${child.pid}) ignored SIGTERM for ${graceMs} ms; killing it\n`);
      child.kill('SIGKILL');
    }, graceMs);
    await child.exited;
    clearTimeout(timer);
  }
  const result = await child.exited;
  return { ...result, ms: mono() - t0 };
}

/** A temp dir removed at the end: inside BENCH_WORK under run.sh, else in /tmp. */
export function tempDir(prefix) {
  const parent = process.env.BENCH_WORK ?? os.tmpdir();
  const dir = fs.mkdtempSync(path.join(parent, `${prefix}-`));
  dirs.push(dir);
  return dir;
}

let cleaning = null;
/** Stops every child still running (by pid) and removes the temp dirs. Idempotent. */
export function cleanup() {
  cleaning ??= (async () => {
    await Promise.all([...children].map((child) => stopChild(child, 5000)));
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  })();
  return cleaning;
}

process.once('exit', () => {
  // Last resort (an uncaught error): no time for a graceful stop.
  for (const child of children) { try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ } forgetPid(child.pid); }
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    process.stderr.write(`bench: ${signal}; cleaning up\n`);
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

/** Runs `main`, then cleans up whatever happened; a failure exits 1 with its message. */
export async function runScenario(main) {
  try {
    await main();
  } catch (error) {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

// ---- nats-server ----

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A nats-server of our own: JetStream on file storage in `dir`, loopback, a free port.
 * The same server berth's daemon would start embedded (Debian's), without the token.
 */
export async function startNats(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  // The embedded server's config (nats/server/embedded.ts) without the token.
  const config = path.join(dir, 'nats.conf');
  fs.writeFileSync(config, `listen: "127.0.0.1:${port}"\njetstream { store_dir: "${path.join(dir, 'store')}" }\nmax_payload: 8MB\n`);
  const log = fs.openSync(path.join(dir, 'nats.log'), 'a');
  const args = ['-c', config];
  const child = spawnTracked('nats-server', args, { stdio: ['ignore', log, log] }, 'nats-server');
  fs.closeSync(log);
  for (let i = 0; !(await canConnect(port)); i++) {
    if (child.exitCode !== null || i > 400) throw new Error(`nats-server did not start; see ${dir}/nats.log`);
    await sleep(25);
  }
  return { url: `nats://127.0.0.1:${port}`, port, child, argv: ['nats-server', ...args], config: fs.readFileSync(config, 'utf8'), stop: () => stopChild(child) };
}

/** A NATS connection through berth's own connect (no reconnects: a bench never waits on a dead server). */
export async function connect(url, name) {
  const { connectNats } = await loadDist('nats/server/connect.js');
  return connectNats({ url }, name, { reconnect: false });
}

// ---- misc ----

/** Machine load now, for the record. */
export const load = () => os.loadavg().map((v) => Math.round(v * 100) / 100);

/** Reads a whole-number environment setting. */
export function envInt(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number`);
  return value;
}

/** Reads a list of whole numbers from the environment ("1000 10000" or "1000,10000"). */
export function envInts(name, fallback) {
  const values = String(process.env[name] ?? fallback).split(/[\s,]+/).filter(Boolean).map(Number);
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v <= 0)) throw new Error(`${name} must list whole numbers`);
  return values;
}

export function writeJson(file, value) {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
