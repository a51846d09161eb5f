/** A real nats-server with JetStream for one test: loopback, a free port, its own store dir. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { ensureEventStream } from '../../nats/store/jetStream.js';
import { connectNats } from '../../nats/server/connect.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Waits (up to 5 s) until something accepts connections on 127.0.0.1:`port`. */
export async function untilListening(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface TestNats {
  url: string;
  process: ChildProcess;
  /** A connection, closed at teardown, with the events stream in place. */
  connect(): Promise<NatsConnection>;
}

export async function startNats(t: Teardown): Promise<TestNats> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-nats-'));
  const port = await freePort();
  const { child, connections } = await serve(t, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], dir, port);
  const url = `nats://127.0.0.1:${port}`;
  return {
    url,
    process: child,
    async connect() {
      const nc = await connectNats({ url }, 'test', { reconnect: false });
      connections.push(nc);
      await ensureEventStream(nc);
      return nc;
    },
  };
}

/** A principal of startNatsWithUsers: its password and what it may publish and subscribe to. */
export interface TestNatsUser {
  password: string;
  permissions?: { publish: string[]; subscribe: string[]; allowResponses: boolean };
}

/**
 * A real nats-server with JetStream whose clients log in as one of `users` (no permissions: all),
 * for what a principal's credentials may and may not do (a cluster host's: nats/cluster/permissions.ts).
 */
export async function startNatsWithUsers(t: Teardown, users: Record<string, TestNatsUser>): Promise<{
  url: string;
  /** A connection as `user`, closed at teardown; `inboxPrefix` for a principal that may use no other. */
  connectAs(user: string, inboxPrefix?: string): Promise<NatsConnection>;
}> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-nats-'));
  const port = await freePort();
  const config = {
    listen: `127.0.0.1:${port}`,
    jetstream: { store_dir: dir },
    authorization: {
      users: Object.entries(users).map(([user, { password, permissions }]) => ({
        user, password,
        ...(permissions ? {
          permissions: { publish: { allow: permissions.publish }, subscribe: { allow: permissions.subscribe }, ...(permissions.allowResponses ? { allow_responses: true } : {}) },
        } : {}),
      })),
    },
  };
  const file = path.join(dir, 'nats.conf');
  await fs.writeFile(file, JSON.stringify(config));
  const { connections } = await serve(t, ['-c', file], dir, port);
  const url = `nats://127.0.0.1:${port}`;
  return {
    url,
    async connectAs(user, inboxPrefix) {
      const { connect } = await import('@nats-io/transport-node');
      const nc = await connect({ servers: url, user, pass: users[user]!.password, inboxPrefix, reconnect: false });
      connections.push(nc);
      return nc;
    },
  };
}

/** Starts nats-server with `args` until it listens on `port`; at teardown, its connections, it and `dir` go. */
async function serve(t: Teardown, args: string[], dir: string, port: number): Promise<{ child: ChildProcess; connections: NatsConnection[] }> {
  const child = spawn('nats-server', args, { stdio: 'ignore' });
  const connections: NatsConnection[] = [];
  t.teardown(async () => {
    await Promise.all(connections.map((nc) => nc.close().catch(() => {})));
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    await fs.rm(dir, { recursive: true, force: true });
  });
  await untilListening(port);
  return { child, connections };
}
