/**
 * A whole berth engine for one test: its own data root and run root under a temp dir, its own
 * daemon and embedded nats-server, the real CLI binary, and a teardown that removes every
 * container, ends the processes it started (by pid) and deletes the dirs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeBusyboxTar } from './busybox.js';
import { nodeOptionsArgs, withoutTapHooks } from './childEnv.js';
import { CLI, cliArgv } from './launcher.js';
import { isAlive as alive } from '../../runtime/processes.js';
import { V1_CONTROLLERS } from '../../runtime/cgroups/v1.js';
import { waitFor } from './waitFor.js';
export { alive };

/** The daemon's entry point (berthd), for a test that runs it itself. */
export const DAEMON = fileURLToPath(new URL('../../cli/daemon.cjs', import.meta.url));

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


async function waitGone(pid: number, ms = 5000): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 20) {
    if (!alive(pid)) return true;
    await sleep(20);
  }
  return !alive(pid);
}

export class Engine {
  daemon: ChildProcess | null = null;
  readonly env: NodeJS.ProcessEnv;
  /**
   * Runs the daemon and the CLI inside a network namespace (test/helpers/netns.ts) with the
   * default bridge network; without it the daemon gets `--bridge none` and makes no links.
   */
  netns: string[] | null = null;
  /** More flags for the daemon (--docker-socket PATH, a config file, --metrics-addr). */
  daemonArgs: string[] = [];

  constructor(readonly dir: string) {
    this.env = { ...withoutTapHooks(process.env), BERTH_ROOT: this.root, BERTH_RUN_ROOT: this.runRoot };
    delete this.env.NODE_EXTRA_CA_CERTS;
    delete this.env.BERTH_NATS_URL;
    delete this.env.BERTH_HOST;
    // A CLI call while a test has the daemon down must fail, not start a second daemon.
    this.env.BERTH_NO_AUTOSTART = '1';
    // Any daemon of this engine (a CLI's autostart, a test's own spawn) makes no bridge in the
    // host's namespace; a networking engine (netns) runs its daemon without it (startDaemon).
    this.env.BERTH_BRIDGE = 'none';
  }

  get root(): string { return path.join(this.dir, 'root'); }
  get runRoot(): string { return path.join(this.dir, 'run'); }

  /** Runs the real CLI binary; resolves with its exit code and output. */
  berth(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
    const [file, ...prefix] = [...(this.netns ?? []), ...cliArgv()];
    return runCaptured(file, [...prefix, ...args], { env: { ...this.env, ...opts.env }, timeoutMs: opts.timeoutMs, what: `berth ${args.join(' ')}` });
  }

  /** Like berth(), but fails the test's expectations loudly when the command fails. */
  async ok(args: string[]): Promise<string> {
    const result = await this.berth(args);
    if (result.code !== 0) throw new Error(`berth ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return result.stdout;
  }

  /** `berth inspect NAME` as an object. */
  async inspect(name: string): Promise<any> {
    return JSON.parse(await this.ok(['inspect', name]))[0];
  }

  /** Starts the daemon in the foreground of this test and waits until it answers. */
  async startDaemon(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
    const log = await fs.open(path.join(this.dir, 'berthd.log'), 'a');
    await fs.rm(path.join(this.runRoot, 'berthd.json'), { force: true });
    // BERTH_DEBUG: the daemon logs its start-up phases, so a start that fails shows where it stopped.
    const [file, ...prefix] = [...(this.netns ?? []), process.execPath];
    const bridge = this.netns ? [] : ['--bridge', 'none'];
    const env: NodeJS.ProcessEnv = { ...this.env, BERTH_DEBUG: '1' };
    if (this.netns) delete env.BERTH_BRIDGE;
    this.daemon = spawn(file, [...prefix, DAEMON, '--host-id', 'testhost', ...bridge, ...this.daemonArgs], { env, stdio: ['ignore', log.fd, log.fd] });
    await log.close();
    // Generous: a loaded CI machine can take seconds to replay and reconcile.
    for (let i = 0; i < 1500 * TIMEOUT_SCALE; i++) {
      const info = await this.daemonInfo();
      if (info && info.pid === this.daemon.pid) return;
      if (this.daemon.exitCode !== null) break;
      await sleep(20);
    }
    throw new Error(`the daemon did not start: ${await fs.readFile(path.join(this.dir, 'berthd.log'), 'utf8')}`);
  }

  async daemonInfo(): Promise<{ pid: number; host: string } | null> {
    // The daemon may be writing it right now: a partial file reads as "not yet".
    return fs.readFile(path.join(this.runRoot, 'berthd.json'), 'utf8').then((s) => JSON.parse(s)).catch(() => null);
  }

  async natsPid(): Promise<number | null> {
    return fs.readFile(path.join(this.runRoot, 'nats.json'), 'utf8').then((s) => JSON.parse(s).pid as number, () => null);
  }

  /** Kills the daemon (SIGKILL by default) and waits until it is gone. */
  async killDaemon(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const info = await this.daemonInfo();
    const pid = this.daemon?.pid ?? info?.pid;
    if (!pid) return;
    try { process.kill(pid, signal); } catch { /* gone */ }
    await waitGone(pid, 10_000);
    this.daemon = null;
  }

  /** Imports a busybox rootfs tarball as `busybox` (or the given name). */
  async importBusybox(name = 'busybox'): Promise<string> {
    const tar = path.join(this.dir, 'busybox.tar');
    await fs.access(tar).catch(() => makeBusyboxTar(tar));
    return (await this.ok(['import', tar, name])).trim();
  }

  /** Removes every container, stops the daemon and the nats-server by pid, deletes the dirs. */
  async destroy(): Promise<void> {
    const info = await this.daemonInfo();
    if (info && alive(info.pid)) {
      const ids = (await this.berth(['ps', '-aq', '--no-trunc']).catch(() => ({ stdout: '' }))).stdout.split('\n').filter(Boolean);
      if (ids.length) await this.berth(['rm', '-f', ...ids]).catch(() => {});
      try { process.kill(info.pid, 'SIGTERM'); } catch { /* gone */ }
      if (!(await waitGone(info.pid))) process.kill(info.pid, 'SIGKILL');
    }
    if (this.daemon?.pid && alive(this.daemon.pid)) this.daemon.kill('SIGKILL');
    await endRecordedContainers(this.root);
    const nats = await this.natsPid();
    if (nats && alive(nats)) {
      process.kill(nats, 'SIGTERM');
      if (!(await waitGone(nats))) process.kill(nats, 'SIGKILL');
    }
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * BERTH_TEST_TIMEOUT_SCALE multiplies the helpers' bounds (CLI calls, waits, daemon start) for
 * a run that shares a starved machine (a long chaos run under nice 19 at load 30 saw a 60 s
 * import time out). A bound only ends what hangs, so a larger one changes no passing result.
 */
export const TIMEOUT_SCALE = Number(process.env.BERTH_TEST_TIMEOUT_SCALE ?? 1);

/**
 * BERTH_TEST_CALL_LOG names a file where every program the tests run through runCaptured is
 * recorded, a JSON line each (test file, program, first words, ms): where a suite's CPU goes.
 */
const CALL_LOG = process.env.BERTH_TEST_CALL_LOG;

function logCall(file: string, argv: string[], started: number): void {
  if (!CALL_LOG) return;
  const cli = argv.indexOf(CLI);
  const words = cli >= 0 ? ['berth', ...argv.slice(cli + 1, cli + 3)] : [path.basename(file), ...argv.slice(0, 2)];
  const line = { test: path.relative(process.cwd(), process.argv[1] ?? ''), words, ms: Math.round(performance.now() - started) };
  appendFileSync(CALL_LOG, `${JSON.stringify(line)}\n`);
}

/** Runs a program with its output captured; killed (and the promise rejected) after the timeout. */
export function runCaptured(file: string, argv: string[], opts: { env: NodeJS.ProcessEnv; timeoutMs?: number; what: string; input?: string }): Promise<Result> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('env', [...nodeOptionsArgs(opts.env), file, ...argv], { env: opts.env, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    // A program that exits before reading its input: the write's EPIPE is its business, not the test's crash.
    child.stdin?.on('error', () => {});
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${opts.what} timed out; stdout: ${stdout}; stderr: ${stderr}`));
    }, (opts.timeoutMs ?? 60_000) * TIMEOUT_SCALE);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      logCall(file, argv, started);
      resolve({ code: code ?? 128 + (signal ? os.constants.signals[signal] : 0), stdout, stderr });
    });
  });
}

/** Polls `check` every 100 ms until it holds; throws after `ms` (waitFor with the arguments of old). */
export async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  await waitFor(check, { what, timeoutMs: ms * TIMEOUT_SCALE, intervalMs: 100 });
}

/** A fresh engine for test `t`, destroyed in its teardown. */
export async function startEngine(t: Teardown, opts: { daemon?: boolean; image?: boolean; netns?: string[]; daemonArgs?: string[] } = {}): Promise<Engine> {
  const engine = new Engine(await fs.mkdtemp(path.join(os.tmpdir(), 'berth-test-')));
  engine.netns = opts.netns ?? null;
  engine.daemonArgs = opts.daemonArgs ?? [];
  t.teardown(() => engine.destroy());
  if (opts.daemon ?? true) await engine.startDaemon();
  if (opts.image ?? true) await engine.importBusybox();
  return engine;
}

/**
 * Host cgroup dirs named after a container id, in any hierarchy: every v1 one berth uses (the
 * leftovers found in blkio, devices, cpuset and cpuacct were the ones this list once left out,
 * so the cleanup that used it removed the rest and left those), and cgroup2.
 */
export async function cgroupDirsOf(id: string): Promise<string[]> {
  const found: string[] = [];
  for (const controller of [...V1_CONTROLLERS, 'unified']) {
    const dir = path.join('/sys/fs/cgroup', controller, 'berth', id);
    if (await fs.access(dir).then(() => true, () => false)) found.push(dir);
  }
  const v2 = path.join('/sys/fs/cgroup/berth', id);
  if (await fs.access(v2).then(() => true, () => false)) found.push(v2);
  return found;
}

/**
 * Ends every container a daemon left under `root` after it stopped, by the pids their shims
 * recorded, and removes their cgroups: one its daemon could not answer for (cut off, or its
 * test failed half-way), or one it created after the test's last look (a request it held while
 * stopped, acted on once it ran again).
 */
export async function endRecordedContainers(root: string): Promise<void> {
  const containers = path.join(root, 'containers');
  for (const id of await fs.readdir(containers).catch(() => [] as string[])) {
    const recorded = (await fs.readFile(path.join(containers, id, 'pid'), 'utf8').catch(() => '')).trim().split(/\s+/).map(Number);
    for (const pid of recorded) if (pid > 1) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    for (const dir of await cgroupDirsOf(id)) await until(`${dir} to empty`, () => fs.rmdir(dir).then(() => true, () => false), 5000).catch(() => {});
  }
}

/** Lines of /proc/self/mountinfo that mention `text`. */
export async function mountsMentioning(text: string): Promise<string[]> {
  return (await fs.readFile('/proc/self/mountinfo', 'utf8')).split('\n').filter((line) => line.includes(text));
}
