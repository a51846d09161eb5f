/**
 * The CLI's side of the bus: finds the daemon (starting one in the background when there is
 * none), sends requests and checks every reply against its schema.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import { decode, encode, check } from '../events/codec.js';
import { BerthError, ValidationError, errorFromWire } from '../events/errors.js';
import { NatsClusterState } from '../nats/store/clusterState.js';
import { readHostStatuses, type HostStatus } from '../actors/hostStatus.js';
import type { PlacementConstraint } from '../events/container.js';
import { Reply, RequestEnvelope, Results, type Op, type Request, type Result } from '../events/requests.js';
import { commandSubject } from '../events/subjects.js';
import type { DaemonInfo } from '../actors/daemon.js';
import { layoutFrom, type Layout } from '../runtime/layout.js';
import { untilAnswered } from '../nats/server/untilAnswered.js';
import { connectNats, type NatsTarget } from '../nats/server/connect.js';
import { embeddedTarget, readNatsInfo } from '../nats/server/embedded.js';
import { isAlive } from '../runtime/processes.js';
import { splitHostRef } from './addressing.js';
import { locateContainer, routeRequest } from './clusterRequests.js';

/** How long a read of the cluster's replicated state is tried again while JetStream settles. */
export const READ_RETRY_MS = 20_000;

/** Flags every command takes. */
export interface GlobalOptions {
  root?: string;
  runRoot?: string;
  nats?: string;
  /** Credentials for the external NATS (BERTH_NATS_CREDS). */
  creds?: string;
  host?: string;
}

export class Client {
  constructor(
    readonly nc: NatsConnection,
    /** The host requests go to; null for a cluster client no host was named for. */
    private readonly bound: string | null,
    readonly layout: Layout,
  ) {}

  /** The host this client commands. */
  get host(): string {
    if (!this.bound) throw new ValidationError('this command needs a host in a cluster: name one with --host (or BERTH_HOST)');
    return this.bound;
  }

  /** Whether a host was named (or found in the run root), rather than the whole cluster. */
  get isBound(): boolean {
    return this.bound !== null;
  }

  /** The same connection, commanding one host. */
  forHost(host: string): Client {
    return new Client(this.nc, host, this.layout);
  }

  /**
   * Every host of the cluster with its state and capacity (nats/store/clusterState.ts), read
   * again while JetStream elects new leaders after a node was lost (up to READ_RETRY_MS).
   */
  hosts(): Promise<HostStatus[]> {
    return untilAnswered('reading the cluster\'s hosts', () => readHostStatuses(new NatsClusterState(this.nc)), READ_RETRY_MS);
  }

  /**
   * Sends a request. A bound client sends it to its host (a `HOST/NAME` ref naming that host
   * is accepted); a cluster client routes it (cli/clusterRequests.ts): to the host that holds
   * the container named, or to every host for lists.
   */
  async request<O extends Op>(request: Extract<Request, { op: O }>, timeoutMs = 120_000): Promise<Result<O>> {
    if (!this.bound) return routeRequest(this, request, timeoutMs);
    if ('ref' in request && request.op.startsWith('container.')) {
      return this.send(this.bound, { ...request, ref: this.ownRef(request.ref as string) } as typeof request, timeoutMs);
    }
    return this.send(this.bound, request, timeoutMs);
  }

  /** A container ref for this client's host: `HOST/NAME` must name this host. */
  ownRef(ref: string): string {
    const split = splitHostRef(ref);
    if (split.host && split.host !== this.host) throw new ValidationError(`${ref} is on host ${split.host}, not on ${this.host}`);
    return split.ref;
  }

  /** One request to one host. */
  async send<O extends Op>(host: string, request: Extract<Request, { op: O }>, timeoutMs = 120_000): Promise<Result<O>> {
    const kind = request.op.split('.')[0] as 'system' | 'container' | 'image';
    const envelope: RequestEnvelope = { id: randomUUID(), request };
    let answer;
    try {
      answer = await this.nc.request(commandSubject(host, kind), encode(RequestEnvelope, envelope), { timeout: timeoutMs });
    } catch (error) {
      throw new BerthError(`no answer from the daemon of host ${host} (${(error as Error).message})`, { cause: error });
    }
    const reply = decode(Reply, answer.data);
    if (!reply.ok) throw errorFromWire(reply.error);
    return check(Results[request.op], reply.result, `reply to ${request.op}`) as Result<O>;
  }

  close(): Promise<void> {
    return this.nc.close();
  }
}

async function readDaemonInfo(layout: Layout): Promise<DaemonInfo | null> {
  try {
    return JSON.parse(await fs.readFile(layout.daemonInfo, 'utf8')) as DaemonInfo;
  } catch {
    return null;
  }
}

/**
 * Tries the daemon the run root names; null when it does not answer. With an external NATS
 * and no host named, the client is a cluster client: no host is pinged, requests are routed.
 */
async function tryConnect(layout: Layout, globals: GlobalOptions): Promise<Client | null> {
  const external = globals.nats ?? process.env.BERTH_NATS_URL;
  const named = globals.host ?? process.env.BERTH_HOST;
  const host = named ?? (external ? undefined : (await readDaemonInfo(layout))?.host);
  let target: NatsTarget | null = null;
  if (external) target = { url: external, token: process.env.BERTH_NATS_TOKEN, credsFile: globals.creds ?? process.env.BERTH_NATS_CREDS, caFile: process.env.BERTH_NATS_CA };
  else {
    const nats = await readNatsInfo(layout);
    if (nats) target = embeddedTarget(nats);
  }
  if (!target || (!host && !external)) return null;
  let nc: NatsConnection;
  try {
    nc = await connectNats(target, 'berth-cli', { reconnect: false });
  } catch (error) {
    if (external) throw error;
    return null;
  }
  if (!host) return new Client(nc, null, layout);
  const client = new Client(nc, host, layout);
  try {
    await client.request({ op: 'system.ping' }, 2000);
    return client;
  } catch {
    await nc.close().catch(() => {});
    return null;
  }
}

/** Starts `berthd` for this root in the background. */
async function startDaemon(layout: Layout): Promise<number> {
  await fs.mkdir(layout.root, { recursive: true, mode: 0o700 });
  const log = await fs.open(layout.daemonLog, 'a', 0o600);
  const script = new URL('./daemon.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [script, '--root', layout.root, '--run-root', layout.runRoot], {
    detached: true,
    stdio: ['ignore', log.fd, log.fd],
  });
  child.unref();
  await log.close();
  return child.pid!;
}

/** Connects to this root's daemon, starting one when none answers (unless NATS is external). */
export async function connectClient(globals: GlobalOptions): Promise<Client> {
  const layout = layoutFrom(globals);
  const client = await tryConnect(layout, globals);
  if (client) return client;
  if (globals.nats ?? process.env.BERTH_NATS_URL) {
    throw new BerthError('cannot reach a berth daemon over the given NATS url; is berthd running with --nats?');
  }
  if (process.env.BERTH_NO_AUTOSTART === '1') {
    throw new BerthError(`no berth daemon is running for ${layout.root}; start one with berth daemon`);
  }
  // A daemon that is alive but not answering (its nats-server starting again) is waited for:
  // a second one would only fail on the lock.
  const running = await readDaemonInfo(layout);
  if (running && isAlive(running.pid)) process.stderr.write(`berth: the daemon (pid ${running.pid}) is not answering yet; waiting\n`);
  else {
    const pid = await startDaemon(layout);
    process.stderr.write(`berth: no daemon was running; started one in the background (pid ${pid}, log ${layout.daemonLog})\n`);
  }
  for (let i = 0; i < 300; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const ready = await tryConnect(layout, globals);
    if (ready) return ready;
  }
  throw new BerthError(`the daemon did not become ready; see ${layout.daemonLog}`);
}

/**
 * The client `run` and `create` send to: the host named (or the local daemon's), or in a
 * cluster the host a daemon's placement picks (system.place, actors/placement.ts).
 */
export async function connectForCreate(globals: GlobalOptions, constraints: PlacementConstraint[]): Promise<Client> {
  const client = await connectClient(globals);
  if (client.isBound) return client;
  try {
    return client.forHost((await client.request({ op: 'system.place', constraints })).host);
  } catch (error) {
    await client.close();
    throw error;
  }
}

/**
 * The client of the host that holds a container, and the ref as that host knows it: for
 * verbs that follow a host's subjects (logs, attach, exec), which need the host up front.
 */
export async function connectToContainer(globals: GlobalOptions, ref: string): Promise<{ client: Client; ref: string }> {
  const client = await connectClient(globals);
  try {
    if (client.isBound) return { client, ref: client.ownRef(ref) };
    const located = await locateContainer(client, ref, 30_000);
    return { client: client.forHost(located.host), ref: located.ref };
  } catch (error) {
    await client.close();
    throw error;
  }
}
