/**
 * The embedded broker: Debian's nats-server, started by the daemon on 127.0.0.1 with a free
 * port, a random token in a 0600 file, TLS with a certificate of its own (pinned by every
 * client: runtime/nats/serverCertificate.ts), JetStream on file storage under the data root.
 * It is detached, so it outlives a daemon crash, and the next daemon reuses it; a daemon that
 * sees it die starts it again with the same port, token, certificate and store. A server kept
 * from an older berth gets this berth's config (the same port, token and certificate) through
 * nats-server's own reload (SIGHUP), so that its limits are never an older generator's; where
 * the reload cannot apply it (JetStream's limits), through a new process on the same store.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import { BerthError } from '../../events/errors.js';
import type { Layout } from '../../runtime/layout.js';
import { isAlive } from '../../runtime/processes.js';
import { connectNats, type NatsTarget } from './connect.js';
import { AUTH_TIMEOUT_SECONDS, TLS_TIMEOUT_SECONDS } from './handshake.js';
import { ensureServerCertificate, type ServerCertificate } from './serverCertificate.js';

export interface NatsInfo {
  url: string;
  token: string;
  pid: number;
  /** The server's certificate, PEM: a client talks to the server that proves to hold its key. */
  certificate: string;
}

const NATS_SERVER = process.env.BERTH_NATS_SERVER ?? 'nats-server';
/** JetStream's file store limit, far above any events stream's max_bytes (see configText). */
const MAX_FILE_STORE = '1T';

async function readRecorded(layout: Layout): Promise<Partial<NatsInfo> | null> {
  try {
    return JSON.parse(await fs.readFile(layout.natsInfo, 'utf8')) as Partial<NatsInfo>;
  } catch {
    return null;
  }
}

export async function readNatsInfo(layout: Layout): Promise<NatsInfo | null> {
  const info = await readRecorded(layout);
  // An info file of an older berth, without a certificate, names a server no client may trust.
  return typeof info?.certificate === 'string' ? (info as NatsInfo) : null;
}

/** Ends a server an older berth started without TLS, so that its store is not opened twice. */
async function endServerWithoutTls(layout: Layout): Promise<void> {
  const recorded = await readRecorded(layout);
  const pid = recorded?.pid;
  if (!pid || typeof recorded.certificate === 'string') return;
  await endServer(layout, pid);
}

/** How a client reaches the embedded server: its url, its token, its pinned certificate. */
export function embeddedTarget(info: NatsInfo): NatsTarget {
  return { url: info.url, token: info.token, pinnedCertificate: info.certificate };
}

/** Whether `pid` is this run root's nats-server (not a dead one's pid reused by another process). */
export function isEmbeddedServer(layout: Layout, pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(layout.natsConfig);
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether the server answers as itself: a TLS handshake against the pinned certificate, then CONNECT. */
async function answers(info: NatsInfo): Promise<boolean> {
  try {
    const nc = await connectNats(embeddedTarget(info), 'berthd-probe', { reconnect: false });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

/** Starts nats-server on the config the run root holds and waits until it answers; null if it does not. */
async function spawnServer(layout: Layout, info: Omit<NatsInfo, 'pid'>): Promise<NatsInfo | null> {
  const log = await fs.open(`${layout.natsStoreDir}.log`, 'a', 0o600);
  const child = spawn(NATS_SERVER, ['-c', layout.natsConfig], { detached: true, stdio: ['ignore', log.fd, log.fd] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) => reject(new BerthError(`cannot start nats-server (${error.message}); install Debian's nats-server package`)));
    });
  } finally {
    await log.close();
  }
  child.unref();
  const started: NatsInfo = { ...info, pid: child.pid! };
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null || child.signalCode !== null) return null;
    if (await answers(started)) return started;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return null;
}

/** The server's config as this berth writes it, for a port, a token and the run root's certificate. */
function configText(layout: Layout, port: number, token: string, certificate: ServerCertificate): string {
  return [
    `listen: "127.0.0.1:${port}"`,
    // The handshake's limits: see handshake.ts.
    `authorization { token: "${token}", timeout: ${AUTH_TIMEOUT_SECONDS} }`,
    `tls { cert_file: "${certificate.certFile}", key_file: "${certificate.keyFile}", timeout: ${TLS_TIMEOUT_SECONDS} }`,
    // An explicit store limit: without one, nats-server takes 75% of the disk's free space at
    // its start, and a stream whose max_bytes exceeds that is not loaded at all ("insufficient
    // storage resources", measured: after a restart on a fuller disk the events stream was
    // gone from view). The events stream's own max_bytes bounds what berth writes.
    `jetstream { store_dir: "${layout.natsStoreDir}", max_file_store: ${MAX_FILE_STORE} }`,
    `max_payload: 8MB`,
  ].join('\n');
}

/**
 * Writes this berth's config for the server `info` names (its port and token) when the file
 * holds another. A running server then needs to apply it: by a reload (SIGHUP), except for
 * JetStream's limits, which nats-server 2.9 refuses to reload ("config reload not supported
 * for jetstream max memory and store": the whole reload fails), so a change there needs a new process.
 */
async function refreshConfig(layout: Layout, info: NatsInfo): Promise<'same' | 'reload' | 'restart'> {
  const certificate = await ensureServerCertificate(layout.runRoot);
  const wanted = configText(layout, Number(new URL(info.url).port), info.token, certificate);
  const written = await fs.readFile(layout.natsConfig, 'utf8').catch(() => null);
  if (written === wanted) return 'same';
  await fs.writeFile(layout.natsConfig, wanted, { mode: 0o600 });
  const jetstream = (text: string | null) => text?.split('\n').find((line) => line.startsWith('jetstream '));
  return jetstream(written) === jetstream(wanted) ? 'reload' : 'restart';
}

/** Ends the server `pid` (SIGTERM, then SIGKILL after 10 s), waiting until it is gone. */
async function endServer(layout: Layout, pid: number): Promise<void> {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    if (!isEmbeddedServer(layout, pid)) return;
    process.kill(pid, signal);
    for (let i = 0; i < 400 && isAlive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Returns the running embedded server, starting one when there is none. */
export async function ensureEmbeddedNats(layout: Layout): Promise<NatsInfo> {
  const existing = await readNatsInfo(layout);
  if (existing && isEmbeddedServer(layout, existing.pid)) {
    // nats-server reloads its config file on SIGHUP: listen, token and certificate are the
    // same, so connected clients stay; the rest (timeouts, limits) becomes this berth's.
    const refresh = await refreshConfig(layout, existing);
    if (refresh === 'same') return existing;
    if (refresh === 'reload') {
      process.kill(existing.pid, 'SIGHUP');
      return existing;
    }
    // JetStream's limits changed: the same port, token, certificate and store, in a new process.
    await endServer(layout, existing.pid);
    const info = await restartEmbeddedNats(layout, existing);
    if (!info) throw new BerthError(`nats-server did not start again with this berth's config; see ${layout.natsStoreDir}.log`);
    return info;
  }
  await endServerWithoutTls(layout);
  await fs.mkdir(layout.runRoot, { recursive: true, mode: 0o700 });
  await fs.mkdir(layout.natsStoreDir, { recursive: true, mode: 0o700 });
  const certificate = await ensureServerCertificate(layout.runRoot);
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  await fs.writeFile(layout.natsConfig, configText(layout, port, token, certificate), { mode: 0o600 });
  const info = await spawnServer(layout, { url: `nats://127.0.0.1:${port}`, token, certificate: certificate.pem });
  if (!info) throw new BerthError(`nats-server did not start; see ${layout.natsStoreDir}.log`);
  await fs.writeFile(layout.natsInfo, JSON.stringify(info), { mode: 0o600 });
  return info;
}

/**
 * Starts the embedded server again after it died: the same config (port, token, certificate)
 * and store. Null while it cannot (the port is held by another process, say): try again later.
 */
export async function restartEmbeddedNats(layout: Layout, previous: NatsInfo): Promise<NatsInfo | null> {
  await refreshConfig(layout, previous);
  const info = await spawnServer(layout, { url: previous.url, token: previous.token, certificate: previous.certificate });
  if (info) await fs.writeFile(layout.natsInfo, JSON.stringify(info), { mode: 0o600 });
  return info;
}
