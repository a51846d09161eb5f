/**
 * The CLI's way to its engine client (client/): the flags and environment that configure it,
 * and starting `berthd` in the background when no daemon runs for this root.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { connectEngine, readDaemonInfo, type EngineTarget } from '../client/connect.js';
import type { EngineClient } from '../client/engineClient.js';
import type { PlacementConstraint } from '../events/container.js';
import { BerthError } from '../events/errors.js';
import { layoutFrom, type Layout } from '../runtime/layout.js';
import { isAlive } from '../runtime/processes.js';
import { DAEMON_LAUNCHER } from './daemonLauncher.js';
import { buildRootStoreForPinnedServer } from './pinnedTrust.js';

export type { EngineClient } from '../client/engineClient.js';

/** Flags every command takes. */
export interface GlobalOptions {
  root?: string;
  runRoot?: string;
  nats?: string;
  /** Credentials for the external NATS (BERTH_NATS_CREDS). */
  creds?: string;
  host?: string;
}

/** The client's configuration from the flags and the environment (BERTH_NATS_URL, BERTH_HOST, ...). */
export function targetFrom(layout: Layout, globals: GlobalOptions): EngineTarget {
  const url = globals.nats ?? process.env.BERTH_NATS_URL;
  return {
    layout,
    name: 'berth-cli',
    host: globals.host ?? process.env.BERTH_HOST,
    external: url
      ? { url, token: process.env.BERTH_NATS_TOKEN, credsFile: globals.creds ?? process.env.BERTH_NATS_CREDS, caFile: process.env.BERTH_NATS_CA }
      : undefined,
  };
}

/** Starts `berthd` for this root in the background. */
async function startDaemon(layout: Layout): Promise<number> {
  await fs.mkdir(layout.root, { recursive: true, mode: 0o700 });
  const log = await fs.open(layout.daemonLog, 'a', 0o600);
  const child = spawn(process.execPath, [DAEMON_LAUNCHER, '--root', layout.root, '--run-root', layout.runRoot], {
    detached: true,
    stdio: ['ignore', log.fd, log.fd],
  });
  child.unref();
  await log.close();
  return child.pid!;
}

/** Connects to this root's daemon, starting one when none answers (unless NATS is external). */
export async function connectClient(globals: GlobalOptions): Promise<EngineClient> {
  const layout = layoutFrom(globals);
  const target = targetFrom(layout, globals);
  // The local daemon's nats-server is trusted by its pinned certificate alone.
  if (!target.external) buildRootStoreForPinnedServer();
  const client = await connectEngine(target);
  if (client) return client;
  if (target.external) {
    throw new BerthError('cannot reach a berth daemon over the given NATS url; is berthd running with --nats?');
  }
  // A daemon that is alive but not answering (its nats-server starting again) is waited for,
  // with or without autostart: a second one would only fail on the lock.
  const running = await readDaemonInfo(layout);
  const alive = running !== null && isAlive(running.pid);
  if (!alive && process.env.BERTH_NO_AUTOSTART === '1') {
    throw new BerthError(`no berth daemon is running for ${layout.root}; start one with berth daemon`);
  }
  if (!alive) {
    const pid = await startDaemon(layout);
    process.stderr.write(`berth: no daemon was running; started one in the background (pid ${pid}, log ${layout.daemonLog})\n`);
  }
  for (let i = 0; i < 300; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const ready = await connectEngine(target);
    if (ready) return ready;
  }
  throw new BerthError(alive
    ? `the daemon (pid ${running.pid}) is running but does not answer; see ${layout.daemonLog}`
    : `the daemon did not become ready; see ${layout.daemonLog}`);
}

/** Closes the client when `pick` fails, so that no connection is left open. */
async function narrowed<T>(client: EngineClient, pick: (client: EngineClient) => Promise<T>): Promise<T> {
  try {
    return await pick(client);
  } catch (error) {
    await client.close();
    throw error;
  }
}

/** The client `run` and `create` send to: the host named (or the local daemon's), or where placement puts it. */
export async function connectForCreate(globals: GlobalOptions, constraints: PlacementConstraint[]): Promise<EngineClient> {
  return narrowed(await connectClient(globals), (client) => client.forCreate(constraints));
}

/**
 * The client of the host that holds a container, and the ref as that host knows it: for
 * verbs that follow a host's subjects (logs, attach, exec), which need the host up front.
 */
export async function connectToContainer(globals: GlobalOptions, ref: string): Promise<{ client: EngineClient; ref: string }> {
  return narrowed(await connectClient(globals), (client) => client.toContainer(ref));
}
