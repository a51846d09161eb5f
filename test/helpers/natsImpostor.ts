/**
 * A process that passes for a nats-server: run as `nobody` on a port a dead nats-server left,
 * it sends an INFO line (offering TLS, with a certificate of its own, in the 'tls' kind) and
 * records every byte a client sends it, so a test can show that no CONNECT and no token reach it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { until } from './engine.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

const SCRIPT = `
const net = require('node:net');
const tls = require('node:tls');
const [port, kind] = process.argv.slice(1);
const say = (record) => process.stdout.write(JSON.stringify(record) + '\\n');
const server = net.createServer((socket) => {
  say({ event: 'connection' });
  const info = { server_id: 'IMPOSTOR', version: '2.9.10', proto: 1, go: 'go', host: '127.0.0.1', port: Number(port), headers: true, max_payload: 8388608, auth_required: true, tls_required: kind === 'tls' };
  socket.on('error', () => {});
  socket.write('INFO ' + JSON.stringify(info) + '\\r\\n');
  const stream = kind === 'tls' ? new tls.TLSSocket(socket, { isServer: true, key: process.env.IMPOSTOR_KEY, cert: process.env.IMPOSTOR_CERT }) : socket;
  stream.on('error', (error) => say({ event: 'tls-error', message: error.message }));
  stream.on('data', (data) => say({ event: 'data', text: data.toString('latin1') }));
});
server.on('error', (error) => { say({ event: 'error', message: error.message }); process.exit(1); });
server.listen(Number(port), '127.0.0.1', () => say({ event: 'listening', uid: process.getuid() }));
`;

export interface Impostor {
  readonly pid: number;
  /** How many connections it accepted. */
  readonly connections: number;
  /** Everything clients sent it (decrypted, for the 'tls' kind, had a handshake succeeded). */
  readonly received: string[];
  stop(): Promise<void>;
}

async function impostorCertificate(): Promise<{ key: string; cert: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-impostor-'));
  try {
    await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=impostor', '-addext', 'subjectAltName=IP:127.0.0.1']);
    return { key: await fs.readFile(path.join(dir, 'key.pem'), 'utf8'), cert: await fs.readFile(path.join(dir, 'cert.pem'), 'utf8') };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Starts the impostor as uid/gid 65534 on 127.0.0.1:port; resolves once it listens. */
export async function startImpostor(t: Teardown, port: number, kind: 'plain' | 'tls'): Promise<Impostor> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  if (kind === 'tls') {
    const { key, cert } = await impostorCertificate();
    Object.assign(env, { IMPOSTOR_KEY: key, IMPOSTOR_CERT: cert });
  }
  const child: ChildProcess = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', SCRIPT, String(port), kind], {
    env, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'],
  });
  const state = { connections: 0, received: [] as string[], listening: false, failure: '' };
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const record = JSON.parse(line) as { event: string; text?: string; message?: string; uid?: number };
      if (record.event === 'listening') state.listening = record.uid === 65534;
      if (record.event === 'connection') state.connections++;
      if (record.event === 'data') state.received.push(record.text!);
      if (record.event === 'error') state.failure = record.message!;
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => { state.failure += chunk.toString(); });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const closed = new Promise((resolve) => child.once('close', resolve));
    child.kill('SIGKILL');
    await closed;
  };
  t.teardown(stop);
  await until(`the impostor listening on ${port} as nobody`, async () => {
    if (state.failure || child.exitCode !== null) throw new Error(`the impostor did not start: ${state.failure}`);
    return state.listening;
  });
  return {
    pid: child.pid!,
    get connections() { return state.connections; },
    get received() { return state.received; },
    stop,
  };
}
