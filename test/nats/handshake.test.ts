/**
 * The NATS handshake against a real nats-server: the embedded server's generated config holds
 * a silent connection past nats-server's default TLS and auth timers, and a client whose
 * handshake the server cut (its TLS timer ran out: on a loaded machine, a slow client) makes
 * the connection again, a bounded number of times, and never after a wrong credential.
 *
 * A proxy in front of the server holds back everything a client sends on its first
 * connections, so the server, not the test, cuts them.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import t, { type Test } from 'tap';
import { connectNats } from '../../nats/server/connect.js';
import { embeddedTarget, ensureEmbeddedNats, type NatsInfo } from '../../nats/server/embedded.js';
import { CONNECT_ATTEMPTS } from '../../nats/server/handshake.js';
import { ensureServerCertificate } from '../../nats/server/serverCertificate.js';
import { Layout } from '../../runtime/layout.js';
import { isAlive } from '../../runtime/processes.js';
import { gateFile, requiresNats } from '../helpers/gates.js';
import { untilListening } from '../helpers/nats.js';

gateFile(requiresNats());

async function tempDir(t: Test, prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

async function endProcess(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 400 && isAlive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 25));
}

/** A silent TCP connection to `port`: resolves when the server closes it. */
function silentConnection(port: number): { closed: Promise<void>; isOpen: () => boolean; destroy: () => void } {
  const socket = net.connect(port, '127.0.0.1');
  let open = true;
  const closed = new Promise<void>((resolve) => socket.once('close', () => { open = false; resolve(); }));
  socket.on('error', () => {});
  socket.on('data', () => {});
  return { closed, isOpen: () => open, destroy: () => socket.destroy() };
}

/**
 * A TCP proxy to `upstream` that forwards nothing a client sends on its first `held`
 * connections (the server's answers pass, and its close); the count of connections it took.
 */
async function holdingProxy(t: Test, upstream: number, held: number): Promise<{ port: number; connections: () => number }> {
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    accepted++;
    const hold = accepted <= held;
    const target = net.connect(upstream, '127.0.0.1');
    for (const socket of [client, target]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.once('close', () => { sockets.delete(socket); client.destroy(); target.destroy(); });
    }
    target.pipe(client);
    if (!hold) client.pipe(target);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as net.AddressInfo).port, connections: () => accepted };
}

/** nats-server with TLS and a token, and short timers: 1 s to the TLS upgrade, 2 s to CONNECT. */
async function shortTimerServer(t: Test): Promise<{ port: number; token: string; certificate: string }> {
  const dir = await tempDir(t, 'berth-handshake-');
  const certificate = await ensureServerCertificate(dir);
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const token = 'handshake-test-token';
  const config = path.join(dir, 'nats.conf');
  await fs.writeFile(config, [
    `listen: "127.0.0.1:${port}"`,
    `authorization { token: "${token}", timeout: 2 }`,
    `tls { cert_file: "${certificate.certFile}", key_file: "${certificate.keyFile}", timeout: 1 }`,
  ].join('\n'));
  const child = spawn('nats-server', ['-c', config], { stdio: 'ignore' });
  t.teardown(() => endProcess(child.pid!));
  await untilListening(port);
  return { port, token, certificate: certificate.pem };
}

/** The embedded server of a run root in a temp dir, ended at teardown. */
async function embeddedServer(t: Test): Promise<{ layout: Layout; info: NatsInfo; port: number }> {
  const dir = await tempDir(t, 'berth-handshake-');
  const layout = new Layout(path.join(dir, 'root'), path.join(dir, 'run'));
  const info = await ensureEmbeddedNats(layout);
  t.teardown(() => endProcess(info.pid));
  return { layout, info, port: Number(new URL(info.url).port) };
}

t.test('the embedded server waits past nats-server\'s default handshake timers, then closes', async (t) => {
  const { info, port } = await embeddedServer(t);
  const silent = silentConnection(port);
  // nats-server 2.9.10's defaults close it at 2 s (no TLS upgrade) and 3 s (no CONNECT).
  await new Promise((resolve) => setTimeout(resolve, 3500));
  t.ok(silent.isOpen(), 'a connection silent for 3.5 s is still open');
  await Promise.race([silent.closed, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  t.notOk(silent.isOpen(), 'and the server closes it in the end');
  silent.destroy();
  const nc = await connectNats({ url: info.url, token: info.token, pinnedCertificate: info.certificate }, 'handshake-test', { reconnect: false });
  t.ok(nc.info?.tls_required, 'a client connects over TLS');
  await nc.close();
});

/** Resolves once the embedded server's log says it reloaded its config `count` times. */
async function reloaded(layout: Layout, count: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const log = await fs.readFile(`${layout.natsStoreDir}.log`, 'utf8').catch(() => '');
    if ((log.match(/Reloaded server configuration/g) ?? []).length >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`nats-server did not log ${count} reloads`);
}

t.test('a server kept from an older berth is given this berth\'s config by a reload', async (t) => {
  const { layout, info, port } = await embeddedServer(t);
  const current = await fs.readFile(layout.natsConfig, 'utf8');
  // An older berth's config: the same server, with nats-server's default handshake timers.
  const older = current.replace(/, timeout: \d+ \}/g, ' }');
  t.not(older, current, 'the older config has no handshake timeouts');
  await fs.writeFile(layout.natsConfig, older);
  process.kill(info.pid, 'SIGHUP');
  await reloaded(layout, 1);
  const early = silentConnection(port);
  await Promise.race([early.closed, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  t.notOk(early.isOpen(), 'under the older config a silent connection is cut at the default timer');

  const again = await ensureEmbeddedNats(layout);
  t.equal(again.pid, info.pid, 'the running server is kept');
  t.equal(await fs.readFile(layout.natsConfig, 'utf8'), current, 'its config file is this berth\'s again');
  await reloaded(layout, 2);
  const silent = silentConnection(port);
  await new Promise((resolve) => setTimeout(resolve, 3500));
  t.ok(silent.isOpen(), 'and after the reload a connection silent for 3.5 s is still open');
  silent.destroy();
  const nc = await connectNats(embeddedTarget(again), 'handshake-test', { reconnect: false });
  t.ok(nc.info, 'a client connects with the same token and certificate');
  await nc.close();
});

t.test('a server kept from an older berth without a JetStream store limit is started again on the same store', async (t) => {
  const { layout, info } = await embeddedServer(t);
  const current = await fs.readFile(layout.natsConfig, 'utf8');
  const nc = await connectNats(embeddedTarget(info), 'handshake-test', { reconnect: false });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'KEPT', subjects: ['kept.>'] });
  await jetstream(nc).publish('kept.a', 'before');
  await nc.close();
  // The older berth's server: its config had no max_file_store (nats-server 2.9 cannot reload that).
  const older = current.replace(/, max_file_store: \w+/, '');
  t.not(older, current, 'the older config has no store limit');
  await endProcess(info.pid);
  await fs.writeFile(layout.natsConfig, older);
  const log = await fs.open(`${layout.natsStoreDir}.log`, 'a');
  const child = spawn('nats-server', ['-c', layout.natsConfig], { detached: true, stdio: ['ignore', log.fd, log.fd] });
  await log.close();
  child.unref();
  const olderPid = child.pid!;
  t.teardown(() => endProcess(olderPid));
  await fs.writeFile(layout.natsInfo, JSON.stringify({ ...info, pid: olderPid }));
  await untilListening(Number(new URL(info.url).port));

  const again = await ensureEmbeddedNats(layout);
  t.teardown(() => endProcess(again.pid));
  t.not(again.pid, olderPid, 'a new server');
  t.notOk(isAlive(olderPid), 'the older one is gone');
  t.equal(again.url, info.url, 'on the same address');
  t.equal(await fs.readFile(layout.natsConfig, 'utf8'), current, 'with this berth\'s config');
  t.notMatch(await fs.readFile(`${layout.natsStoreDir}.log`, 'utf8'), /Failed to reload/, 'no reload was tried and refused');
  const back = await connectNats(embeddedTarget(again), 'handshake-test', { reconnect: false });
  const kept = await (await jetstreamManager(back)).streams.getMessage('KEPT', { seq: 1 });
  t.equal(kept?.string(), 'before', 'the store is the same');
  await back.close();
});

t.test('a handshake the server cut is made again', async (t) => {
  const server = await shortTimerServer(t);
  const proxy = await holdingProxy(t, server.port, 1);
  const nc = await connectNats({ url: `nats://127.0.0.1:${proxy.port}`, token: server.token, pinnedCertificate: server.certificate }, 'handshake-test', { reconnect: false });
  t.ok(nc.info, 'connected');
  t.equal(proxy.connections(), 2, 'on the second connection');
  await nc.close();
});

t.test('a connection cut every time is given up after CONNECT_ATTEMPTS', async (t) => {
  const server = await shortTimerServer(t);
  const proxy = await holdingProxy(t, server.port, Infinity);
  await t.rejects(connectNats({ url: `nats://127.0.0.1:${proxy.port}`, token: server.token, pinnedCertificate: server.certificate }, 'handshake-test', { reconnect: false }),
    /cannot connect to NATS at nats:\/\/127\.0\.0\.1:\d+: /);
  t.equal(proxy.connections(), CONNECT_ATTEMPTS);
});

t.test('a wrong token is not tried again', async (t) => {
  const server = await shortTimerServer(t);
  const proxy = await holdingProxy(t, server.port, 0);
  await t.rejects(connectNats({ url: `nats://127.0.0.1:${proxy.port}`, token: 'wrong', pinnedCertificate: server.certificate }, 'handshake-test', { reconnect: false }),
    /cannot connect to NATS.*Authorization Violation/i);
  t.equal(proxy.connections(), 1);
});
