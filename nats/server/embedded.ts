/**
 * The embedded broker: Debian's nats-server, started by the daemon on 127.0.0.1 with a free
 * port, a random token in a 0600 file, JetStream on file storage under the data root. It is
 * detached, so it outlives a daemon crash, and the next daemon reuses it.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import { BerthError } from '../../events/errors.js';
import type { Layout } from '../../runtime/layout.js';
import { isAlive as alive } from '../../runtime/processes.js';

export interface NatsInfo {
  url: string;
  token: string;
  pid: number;
}

const NATS_SERVER = process.env.BERTH_NATS_SERVER ?? 'nats-server';

export async function readNatsInfo(layout: Layout): Promise<NatsInfo | null> {
  try {
    return JSON.parse(await fs.readFile(layout.natsInfo, 'utf8')) as NatsInfo;
  } catch {
    return null;
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

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** Returns the running embedded server, starting one when there is none. */
export async function ensureEmbeddedNats(layout: Layout): Promise<NatsInfo> {
  const existing = await readNatsInfo(layout);
  if (existing && alive(existing.pid) && (await canConnect(Number(new URL(existing.url).port)))) return existing;
  await fs.mkdir(layout.runRoot, { recursive: true, mode: 0o700 });
  await fs.mkdir(layout.natsStoreDir, { recursive: true, mode: 0o700 });
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const config = [
    `listen: "127.0.0.1:${port}"`,
    `authorization { token: "${token}" }`,
    `jetstream { store_dir: "${layout.natsStoreDir}" }`,
    `max_payload: 8MB`,
  ].join('\n');
  await fs.writeFile(layout.natsConfig, config, { mode: 0o600 });
  const log = await fs.open(`${layout.natsStoreDir}.log`, 'a', 0o600);
  const child = spawn(NATS_SERVER, ['-c', layout.natsConfig], { detached: true, stdio: ['ignore', log.fd, log.fd] });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new BerthError(`cannot start nats-server (${error.message}); install Debian's nats-server package`)));
  });
  child.unref();
  await log.close();
  for (let i = 0; i < 200 && !(await canConnect(port)); i++) {
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  if (!(await canConnect(port))) throw new BerthError(`nats-server did not start; see ${layout.natsStoreDir}.log`);
  const info: NatsInfo = { url: `nats://127.0.0.1:${port}`, token, pid: child.pid! };
  await fs.writeFile(layout.natsInfo, JSON.stringify(info), { mode: 0o600 });
  return info;
}
