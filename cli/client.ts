/**
 * The CLI's side of the bus: finds the daemon (starting one in the background when there is
 * none), sends requests and checks every reply against its schema.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import { decode, encode, check } from '../events/codec.js';
import { BerthError, errorFromWire } from '../events/errors.js';
import { Reply, RequestEnvelope, Results, type Op, type Request, type Result } from '../events/requests.js';
import { commandSubject } from '../events/subjects.js';
import type { DaemonInfo } from '../actors/daemon.js';
import { layoutFrom, type Layout } from '../runtime/layout.js';
import { connectNats, type NatsTarget } from '../runtime/nats/connect.js';
import { readNatsInfo } from '../runtime/nats/embedded.js';

/** Flags every command takes. */
export interface GlobalOptions {
  root?: string;
  runRoot?: string;
  nats?: string;
  host?: string;
}

export class Client {
  constructor(
    readonly nc: NatsConnection,
    /** The host requests go to. */
    readonly host: string,
    readonly layout: Layout,
  ) {}

  async request<O extends Op>(request: Extract<Request, { op: O }>, timeoutMs = 120_000): Promise<Result<O>> {
    const kind = request.op.split('.')[0] as 'system' | 'container' | 'image';
    const envelope: RequestEnvelope = { id: randomUUID(), request };
    let answer;
    try {
      answer = await this.nc.request(commandSubject(this.host, kind), encode(RequestEnvelope, envelope), { timeout: timeoutMs });
    } catch (error) {
      throw new BerthError(`no answer from the daemon of host ${this.host} (${(error as Error).message})`, { cause: error });
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

/** Tries the daemon the run root names; null when it does not answer. */
async function tryConnect(layout: Layout, globals: GlobalOptions): Promise<Client | null> {
  const external = globals.nats ?? process.env.BERTH_NATS_URL;
  const info = await readDaemonInfo(layout);
  const host = globals.host ?? process.env.BERTH_HOST ?? info?.host;
  let target: NatsTarget | null = null;
  if (external) target = { url: external, token: process.env.BERTH_NATS_TOKEN, credsFile: process.env.BERTH_NATS_CREDS };
  else {
    const nats = await readNatsInfo(layout);
    if (nats) target = { url: nats.url, token: nats.token };
  }
  if (!target || !host) return null;
  let nc: NatsConnection;
  try {
    nc = await connectNats(target, 'berth-cli', { reconnect: false });
  } catch {
    return null;
  }
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
  const pid = await startDaemon(layout);
  process.stderr.write(`berth: no daemon was running; started one in the background (pid ${pid}, log ${layout.daemonLog})\n`);
  for (let i = 0; i < 300; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const ready = await tryConnect(layout, globals);
    if (ready) return ready;
  }
  throw new BerthError(`the daemon did not become ready; see ${layout.daemonLog}`);
}
