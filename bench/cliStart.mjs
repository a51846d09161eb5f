#!/usr/bin/env node
/**
 * Where a read-only CLI command's fixed cost goes, against a running daemon (BERTH_ROOT,
 * BERTH_RUN_ROOT set). Each sample is a fresh process, and the kinds alternate sample by
 * sample, so that a shared machine's load falls on all of them alike:
 *
 *   node -e 0         Node's own start
 *   --version         Node plus loading the CLI (the bundle and its code cache), no NATS
 *   version, ps       the whole commands
 *   phases tls|plain  one fresh Node process: import the client modules, connect (the embedded
 *                     server with its pinned TLS, or a plain nats-server this script starts with
 *                     the same token on another port), the daemon's ping, a container.list
 *
 *   node bench/cliStart.mjs [ROUNDS]
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { summary } from './stats.mjs';

const rounds = Number(process.argv[2] ?? 20);
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const cli = path.join(dist, 'cli/main.cjs');
const runRoot = process.env.BERTH_RUN_ROOT;
if (!runRoot || !process.env.BERTH_ROOT) {
  console.error('usage: BERTH_ROOT=... BERTH_RUN_ROOT=... cliStart.mjs [ROUNDS]');
  process.exit(2);
}
const info = JSON.parse(fs.readFileSync(path.join(runRoot, 'nats.json'), 'utf8'));
const host = JSON.parse(fs.readFileSync(path.join(runRoot, 'berthd.json'), 'utf8')).host;

/** A plain nats-server with the embedded one's token, on a port of its own; ended at exit. */
async function plainServer() {
  const port = await new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => { const p = server.address().port; server.close(() => resolve(p)); });
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-nats-'));
  const config = path.join(dir, 'nats.conf');
  fs.writeFileSync(config, `listen: "127.0.0.1:${port}"\nauthorization { token: "${info.token}" }\n`);
  const child = spawn('nats-server', ['-c', config], { stdio: 'ignore' });
  child.unref(); // ended at exit: it must not keep this script from exiting
  process.on('exit', () => { child.kill('SIGKILL'); fs.rmSync(dir, { recursive: true, force: true }); });
  for (let i = 0; i < 200; i++) {
    const up = await new Promise((resolve) => net.connect(port, '127.0.0.1').once('connect', function () { this.destroy(); resolve(true); }).once('error', () => resolve(false)));
    if (up) return `nats://127.0.0.1:${port}`;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the plain nats-server did not start');
}

/** The phases script: run in a fresh process, prints its phase times as JSON. */
const phasesScript = `
const t0 = performance.now();
const { connectNats } = await import(${JSON.stringify(path.join(dist, 'nats/server/connect.js'))});
const { HostClient } = await import(${JSON.stringify(path.join(dist, 'client/hostClient.js'))});
const { buildRootStoreForPinnedServer } = await import(${JSON.stringify(path.join(dist, 'cli/pinnedTrust.js'))});
const t1 = performance.now();
const [url, token, pinned, host] = JSON.parse(process.argv[1]);
// As the CLI does for its own daemon (node --use-openssl-ca, cli/pinnedTrust.ts).
if (pinned) buildRootStoreForPinnedServer();
const nc = await connectNats({ url, token, pinnedCertificate: pinned || undefined }, 'bench', { reconnect: false });
const t2 = performance.now();
const client = new HostClient(nc, host, {});
let t3 = t2, t4 = t2;
if (!process.argv[2]) {
  await client.request({ op: 'system.ping' }, 2000);
  t3 = performance.now();
  await client.request({ op: 'container.list', all: true });
  t4 = performance.now();
}
await nc.close();
console.log(JSON.stringify({ boot: t0, import: t1 - t0, connect: t2 - t1, ping: t3 - t2, list: t4 - t3 }));
`;

const env = { ...process.env, BERTH_NO_AUTOSTART: '1' };
delete env.NODE_EXTRA_CA_CERTS;

function timed(file, args) {
  const start = performance.now();
  const out = execFileSync(file, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { ms: performance.now() - start, out };
}

const plainUrl = await plainServer();
const kinds = {
  'node -e 0': () => timed(process.execPath, ['-e', '0']).ms,
  'berth --version': () => timed(cli, ['--version']).ms,
  'berth version': () => timed(cli, ['version']).ms,
  'berth ps': () => timed(cli, ['ps']).ms,
  tls: () => timed(process.execPath, ['--use-openssl-ca', '--input-type=module', '-e', phasesScript, JSON.stringify([info.url, info.token, info.certificate, host])]),
  plain: () => timed(process.execPath, ['--input-type=module', '-e', phasesScript, JSON.stringify([plainUrl, info.token, '', host]), 'connect-only']),
};
const samples = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
for (let round = 0; round < rounds; round++) {
  for (const [kind, run] of Object.entries(kinds)) samples[kind].push(run());
}
const median = (values) => summary(values).median;
const row = (name, values) => console.log(`${name.padEnd(34)} ${median(values).toFixed(1).padStart(7)} ms`);
console.log(`${rounds} rounds, interleaved; load before: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const kind of ['node -e 0', 'berth --version', 'berth version', 'berth ps']) row(kind, samples[kind]);
for (const kind of ['tls', 'plain']) {
  const phases = samples[kind].map((s) => JSON.parse(s.out));
  row(`${kind}: whole process`, samples[kind].map((s) => s.ms));
  for (const phase of ['boot', 'import', 'connect', 'ping', 'list']) {
    if (kind === 'plain' && (phase === 'ping' || phase === 'list')) continue;
    row(`${kind}: ${phase}`, phases.map((p) => p[phase]));
  }
}
