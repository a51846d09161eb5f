/**
 * Three berth hosts on this machine for one test: network namespaces made here (one per host
 * and one holding a bridge), joined by veth pairs; in each host namespace its own nats-server
 * node (JetStream cluster, routes over the veth addresses, the repo's nkey users) and its own
 * daemon with its own data root. The host's own network is never touched: every link is made
 * inside the test's namespaces. Teardown removes the containers, ends the processes by pid,
 * deletes the namespaces and the dirs.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hostInboxPrefix } from '../../events/subjects.js';
import { initCluster } from '../../nats/cluster/init.js';
import { isAlive as alive } from '../../runtime/processes.js';
import { makeBusyboxTar } from './busybox.js';
import { withoutTapHooks } from './childEnv.js';
import { cliArgv } from './launcher.js';
import { endRecordedContainers, runCaptured, until, type Result } from './engine.js';
import type { LoggedEvent } from './invariants.js';

const run = promisify(execFile);
const DAEMON = fileURLToPath(new URL('../../cli/daemon.cjs', import.meta.url));
const STREAM_INFO = fileURLToPath(new URL('./streamInfo.js', import.meta.url));
const EVENT_DUMP = fileURLToPath(new URL('./eventDump.js', import.meta.url));
const PROBE = fileURLToPath(new URL('./natsProbe.js', import.meta.url));
const CLUSTER_CLI = fileURLToPath(new URL('../../cli/cluster.js', import.meta.url));
/** scripts/ at the repo root; this file compiles to dist/test/helpers/cluster.js */
const SCRIPTS = fileURLToPath(new URL('../../../scripts/', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface ClusterHost {
  /** The host id, also the nats node's name: h1, h2, h3. */
  name: string;
  netns: string;
  address: string;
  dir: string;
  root: string;
  runRoot: string;
  creds: string;
  nats: ChildProcess | null;
  daemon: ChildProcess | null;
  /** The labels its daemon is started with. */
  labels: string[];
}

async function ip(...args: string[]): Promise<void> {
  await run('ip', args);
}

/** Runs argv in a namespace's network only (nsenter execs it: the pid is the program's). */
function inNetns(netns: string, argv: string[], options: Parameters<typeof spawn>[2]): ChildProcess {
  return spawn('nsenter', [`--net=/run/netns/${netns}`, '--', ...argv], options);
}

async function waitGone(pid: number, ms = 10_000): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 20) {
    if (!alive(pid)) return true;
    await sleep(20);
  }
  return !alive(pid);
}

async function signalAndWait(child: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  const pid = child?.pid;
  if (!pid || !alive(pid)) return;
  try { process.kill(pid, signal); } catch { /* gone */ }
  await waitGone(pid);
}

async function endProcess(child: ChildProcess | null): Promise<void> {
  const pid = child?.pid;
  if (!pid || !alive(pid)) return;
  try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
  if (!(await waitGone(pid))) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    await waitGone(pid);
  }
}

export class TestCluster {
  readonly hosts: ClusterHost[] = [];
  readonly bridgeNetns: string;
  /** The CLI user's creds. */
  readonly cliCreds: string;
  /** The operator's creds (stream and bucket administration). */
  readonly operatorCreds: string;
  private readonly namespaces: string[] = [];
  /** The CA of a TLS cluster (scripts/cluster-certs.sh), given to every client as BERTH_NATS_CA. */
  caFile: string | null = null;

  constructor(readonly dir: string, readonly tag: string, readonly subnet: string) {
    this.bridgeNetns = `${tag}-br`;
    this.cliCreds = path.join(dir, 'nats', 'creds', 'admin.creds');
    this.operatorCreds = path.join(dir, 'nats', 'creds', 'operator.creds');
  }

  /** Every node's client URL, comma-separated (what --nats takes), as a host lists them: its own node first, as docs/MULTIHOST.md advises. */
  urlsFrom(name: string): string {
    const own = this.host(name);
    return [own, ...this.hosts.filter((h) => h !== own)].map((h) => `nats://${h.address}:4222`).join(',');
  }

  host(name: string): ClusterHost {
    const host = this.hosts.find((h) => h.name === name);
    if (!host) throw new Error(`no host ${name}`);
    return host;
  }

  /** Builds the namespaces, the bridge and the veth pairs. */
  async buildNetwork(count: number): Promise<void> {
    await ip('netns', 'add', this.bridgeNetns);
    this.namespaces.push(this.bridgeNetns);
    await ip('-n', this.bridgeNetns, 'link', 'set', 'lo', 'up');
    await ip('-n', this.bridgeNetns, 'link', 'add', 'br0', 'type', 'bridge');
    await ip('-n', this.bridgeNetns, 'link', 'set', 'br0', 'up');
    for (let i = 1; i <= count; i++) {
      const name = `h${i}`;
      const netns = `${this.tag}-${name}`;
      await ip('netns', 'add', netns);
      this.namespaces.push(netns);
      // Made inside the bridge's namespace, the peer moved straight into the host's: the
      // machine's own namespace never holds either end.
      await ip('-n', this.bridgeNetns, 'link', 'add', `v${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns);
      await ip('-n', this.bridgeNetns, 'link', 'set', `v${i}`, 'master', 'br0', 'up');
      await ip('-n', netns, 'link', 'set', 'lo', 'up');
      await ip('-n', netns, 'addr', 'add', `${this.subnet}.${i}/24`, 'dev', 'eth0');
      await ip('-n', netns, 'link', 'set', 'eth0', 'up');
      const dir = path.join(this.dir, name);
      this.hosts.push({
        name, netns, address: `${this.subnet}.${i}`, dir,
        root: path.join(dir, 'root'), runRoot: path.join(dir, 'run'),
        creds: path.join(this.dir, 'nats', 'creds', `${name}.creds`),
        nats: null, daemon: null, labels: [],
      });
    }
  }

  /** Makes the TLS certificates with the repo's script, one per node for its veth address. */
  async makeCertificates(): Promise<void> {
    const dir = path.join(this.dir, 'certs');
    await run('sh', [path.join(SCRIPTS, 'cluster-certs.sh'), dir, ...this.hosts.map((h) => `${h.name}=${h.address}`)]);
    this.caFile = path.join(dir, 'ca.pem');
  }

  /** The environment of every NATS client the test starts. */
  private natsEnv(): NodeJS.ProcessEnv {
    const env = withoutTapHooks({ ...process.env });
    for (const key of ['BERTH_NATS_URL', 'BERTH_HOST', 'BERTH_NATS_CREDS', 'BERTH_NATS_CA', 'BERTH_ROOT', 'BERTH_RUN_ROOT', 'NODE_EXTRA_CA_CERTS']) delete env[key];
    if (this.caFile) env.BERTH_NATS_CA = this.caFile;
    return env;
  }

  /** Writes the configs and creds with the repo's tooling (berth-cluster init). */
  async writeNatsConfig(): Promise<void> {
    const certs = path.join(this.dir, 'certs');
    await initCluster({
      tls: this.caFile ? { cert: path.join(certs, '{node}.pem'), key: path.join(certs, '{node}-key.pem'), ca: this.caFile } : undefined,
      dir: path.join(this.dir, 'nats'),
      cluster: this.tag,
      nodes: this.hosts.map((h) => `${h.name}=${h.address}`),
      hosts: this.hosts.map((h) => h.name),
      users: ['admin'],
      storeDir: (node) => path.join(this.dir, node, 'jetstream'),
    });
  }

  /**
   * The operator's step (berth-cluster setup): the stream and buckets the hosts adopt; with
   * `hostLost` (a duration like 4s), the lost threshold every host adopts (events/hostTimings.ts).
   */
  async setupStreams(hostLost?: string): Promise<void> {
    const first = this.hosts[0];
    const threshold = hostLost ? ['--host-lost', hostLost] : [];
    await this.runScript(first, [CLUSTER_CLI, 'setup', '--nats', this.urlsFrom(first.name), '--creds', this.operatorCreds, ...threshold]);
  }

  async startNats(name: string): Promise<void> {
    const host = this.host(name);
    await fs.mkdir(host.dir, { recursive: true });
    const log = await fs.open(path.join(host.dir, 'nats.log'), 'a');
    host.nats = inNetns(host.netns, ['nats-server', '-c', path.join(this.dir, 'nats', `${name}.conf`)], { stdio: ['ignore', log.fd, log.fd] });
    await log.close();
  }

  async stopNats(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const host = this.host(name);
    await signalAndWait(host.nats, signal);
    host.nats = null;
  }

  /** Starts a host's daemon joined to the cluster and waits until it is ready. */
  async startDaemon(name: string, extra: string[] = []): Promise<void> {
    const host = this.host(name);
    await fs.mkdir(host.root, { recursive: true });
    await fs.rm(path.join(host.runRoot, 'berthd.json'), { force: true });
    const log = await fs.open(path.join(host.dir, 'berthd.log'), 'a');
    const labels = host.labels.flatMap((l) => ['--label', l]);
    const argv = [process.execPath, DAEMON, '--root', host.root, '--run-root', host.runRoot, '--nats', this.urlsFrom(name), '--creds', host.creds, '--host-id', name, ...labels, ...extra];
    // BERTH_DEBUG: the daemons log their phases and fencing rounds, for a failure's message.
    host.daemon = inNetns(host.netns, argv, { env: { ...this.natsEnv(), BERTH_DEBUG: '1' }, stdio: ['ignore', log.fd, log.fd] });
    await log.close();
    const daemon = host.daemon;
    await until(`the daemon of ${name} ready`, async () => {
      if (daemon.exitCode !== null) throw new Error(`the daemon of ${name} exited: ${await fs.readFile(path.join(host.dir, 'berthd.log'), 'utf8')}`);
      const info = await fs.readFile(path.join(host.runRoot, 'berthd.json'), 'utf8').then((s) => JSON.parse(s)).catch(() => null); // a partial file is "not yet"
      return info?.pid === daemon.pid;
    }, 60_000);
  }

  async killDaemon(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const host = this.host(name);
    await signalAndWait(host.daemon, signal);
    host.daemon = null;
  }

  /** Cuts a host's link (its veth end on the bridge goes down) or restores it. */
  async setLink(name: string, up: boolean): Promise<void> {
    const index = this.hosts.indexOf(this.host(name)) + 1;
    await ip('-n', this.bridgeNetns, 'link', 'set', `v${index}`, up ? 'up' : 'down');
  }

  /** The real CLI, run in a host's namespace as the cluster's CLI user. */
  berth(from: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
    const host = this.host(from);
    const env: NodeJS.ProcessEnv = {
      ...this.natsEnv(),
      BERTH_NATS_URL: this.urlsFrom(from),
      BERTH_NATS_CREDS: this.cliCreds,
      // The CLI's own dirs: no daemon info there, so only --host or placement picks a host.
      BERTH_ROOT: path.join(this.dir, 'cli', from, 'root'),
      BERTH_RUN_ROOT: path.join(this.dir, 'cli', from, 'run'),
      BERTH_NO_AUTOSTART: '1',
      ...opts.env,
    };
    return runCaptured('nsenter', [`--net=/run/netns/${host.netns}`, '--', ...cliArgv(), ...args], { env, timeoutMs: opts.timeoutMs, what: `berth ${args.join(' ')}` });
  }

  /** A JetStream stream's info, read with the host's own credentials from its namespace. */
  async streamInfo(from: string, stream: string): Promise<any> {
    const host = this.host(from);
    return JSON.parse(await this.runScript(host, [STREAM_INFO, this.urlsFrom(from), host.creds, stream], { INBOX_PREFIX: hostInboxPrefix(host.name) }));
  }

  /** Every event of the cluster's log in stream order, read as the CLI user from a host's namespace. */
  async events(from: string): Promise<LoggedEvent[]> {
    const out = await this.runScript(this.host(from), [EVENT_DUMP, this.urlsFrom(from), this.cliCreds]);
    return out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LoggedEvent);
  }

  /**
   * Tries one NATS operation (request, publish through JetStream, subscribe) from a host's
   * namespace as a principal: a host's own creds (with its inbox prefix), the CLI user's or the operator's.
   */
  async probe(from: string, as: string, operation: 'request' | 'jspublish' | 'jsevent' | 'subscribe' | 'jsapi' | 'scan', subject: string, body?: object): Promise<{ ok: boolean; error?: string; messages?: number; matching?: number; found?: number }> {
    const host = this.host(from);
    const principal = as === 'admin' || as === 'operator';
    const creds = as === 'admin' ? this.cliCreds : as === 'operator' ? this.operatorCreds : this.host(as).creds;
    const inbox = principal ? '' : hostInboxPrefix(as);
    const extra = body === undefined ? [] : [JSON.stringify(body)];
    return JSON.parse(await this.runScript(host, [PROBE, this.urlsFrom(from), creds, inbox, operation, subject, ...extra]));
  }

  private async runScript(host: ClusterHost, argv: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
    const child = inNetns(host.netns, [process.execPath, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...this.natsEnv(), ...env } });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`${path.basename(argv[0])} ${argv.slice(3).join(' ')}: ${err}`);
    return out;
  }

  /** The CLI, as berth() runs it; its stdout, or an error naming its exit code and stderr. */
  async ok(from: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
    const result = await this.berth(from, args, opts);
    if (result.code !== 0) throw new Error(`berth ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return result.stdout;
  }

  /** Imports the busybox rootfs as `busybox` on every host (one host at a time, or one cluster-wide import). */
  async importBusybox(perHost = true): Promise<void> {
    const tar = path.join(this.dir, 'busybox.tar');
    await fs.access(tar).catch(() => makeBusyboxTar(tar));
    if (!perHost) {
      await this.ok(this.hosts[0].name, ['import', tar, 'busybox']);
      return;
    }
    for (const host of this.hosts) await this.ok(host.name, ['--host', host.name, 'import', tar, 'busybox']);
  }

  async destroy(): Promise<void> {
    for (const host of this.hosts) {
      if (host.daemon?.pid && alive(host.daemon.pid)) {
        const ids = (await this.berth(host.name, ['--host', host.name, 'ps', '-aq', '--no-trunc'], { timeoutMs: 20_000 }).catch(() => ({ stdout: '' }))).stdout.split('\n').filter(Boolean);
        if (ids.length) await this.berth(host.name, ['--host', host.name, 'rm', '-f', ...ids], { timeoutMs: 30_000 }).catch(() => {});
      }
    }
    for (const host of this.hosts) await endProcess(host.daemon);
    // A host that could not answer (cut off, or its test failed half-way) keeps its containers:
    // end them by the pids their shims recorded, and drop their cgroups.
    for (const host of this.hosts) await endRecordedContainers(host.root);
    for (const host of this.hosts) await endProcess(host.nats);
    for (const netns of this.namespaces.reverse()) await ip('netns', 'del', netns).catch(() => {});
    // BERTH_TEST_LOGS=DIR keeps every host's daemon and NATS logs, to study a failure.
    if (process.env.BERTH_TEST_LOGS) {
      const keep = path.join(process.env.BERTH_TEST_LOGS, `${path.basename(this.dir)}`);
      for (const host of this.hosts) {
        await fs.mkdir(path.join(keep, host.name), { recursive: true });
        for (const log of ['berthd.log', 'nats.log']) await fs.copyFile(path.join(host.dir, log), path.join(keep, host.name, log)).catch(() => {});
      }
    }
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * A three-host cluster for test `t`: network, nats-server nodes and (unless told) daemons.
 * `hostLost`: the cluster's lost threshold (berth-cluster setup --host-lost), for a test that
 * waits for hosts to be lost; the lease keeps its 2 s margin before it at any threshold.
 */
export async function startCluster(t: Teardown, opts: { hosts?: number; daemons?: boolean; labels?: string[][]; tls?: boolean; hostLost?: string } = {}): Promise<TestCluster> {
  const tag = `bt${randomBytes(3).toString('hex')}`;
  const subnet = `10.${200 + randomBytes(1)[0] % 50}.${randomBytes(1)[0]}`;
  const cluster = new TestCluster(await fs.mkdtemp(path.join(os.tmpdir(), 'berth-cluster-')), tag, subnet);
  t.teardown(() => cluster.destroy());
  await cluster.buildNetwork(opts.hosts ?? 3);
  cluster.hosts.forEach((host, i) => { host.labels = opts.labels?.[i] ?? []; });
  if (opts.tls) await cluster.makeCertificates();
  await cluster.writeNatsConfig();
  for (const host of cluster.hosts) await cluster.startNats(host.name);
  await cluster.setupStreams(opts.hostLost);
  if (opts.daemons ?? true) {
    // In parallel: each waits for JetStream to elect its meta leader.
    await Promise.all(cluster.hosts.map((host) => cluster.startDaemon(host.name)));
  }
  return cluster;
}
