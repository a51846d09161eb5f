// The embedded DNS, side by side: berth's resolver (runtime/network/dns/server.ts, as the daemon
// runs it, here in a Node process of its own) against podman's aardvark-dns 1.4, on one bridge
// address in a network namespace made here, asked by a client in a second namespace. Measures
// start cost, latency of 1000 sequential lookups of a container name and of a forwarded name
// (relayed to a fake upstream in the namespace: nothing leaves the machine), 2000 lookups with
// 50 in flight, and RSS. Needs root and a built tree (npm run build). Usage: node bench/dnsResolver.mjs
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const MESSAGE = `file://${ROOT}/dist/runtime/network/dns/message.js`;
const SERVER = `file://${ROOT}/dist/runtime/network/dns/server.js`;
const AARDVARK = '/usr/lib/podman/aardvark-dns';
const tag = randomBytes(3).toString('hex');
const ns = `berth-bd-${tag}`;
const client = `berth-bc-${tag}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dnsbench-'));
const ip = (...args) => execFileSync('ip', args).toString();
const children = [];

function inNs(name, code, onLine) {
  const child = spawn('ip', ['netns', 'exec', name, process.execPath, '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let buffered = '';
  child.stdout.on('data', (data) => {
    buffered += data.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop();
    for (const line of lines) onLine(line);
  });
  return child;
}
const firstLine = (name, code) => new Promise((resolve) => { inNs(name, code, resolve); });

function cleanup() {
  for (const child of children) child.kill('SIGKILL');
  const pidFile = path.join(dir, 'aardvark', 'aardvark.pid');
  if (fs.existsSync(pidFile)) { try { process.kill(Number(fs.readFileSync(pidFile, 'utf8')), 'SIGKILL'); } catch { /* gone */ } }
  for (const name of [ns, client]) { try { ip('netns', 'del', name); } catch { /* gone */ } }
  fs.rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
  fs.rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanup);

// The namespaces: a bridge with the resolver's address (.1) and the fake upstream's (.254), and a client on a veth.
ip('netns', 'add', ns);
ip('netns', 'add', client);
ip('-n', ns, 'link', 'set', 'lo', 'up');
ip('-n', ns, 'link', 'add', 'br0', 'type', 'bridge');
ip('-n', ns, 'addr', 'add', '10.99.0.1/24', 'dev', 'br0');
ip('-n', ns, 'addr', 'add', '10.99.0.254/24', 'dev', 'br0');
ip('-n', ns, 'link', 'set', 'br0', 'up');
ip('-n', ns, 'link', 'add', 'vc0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', client);
ip('-n', ns, 'link', 'set', 'vc0', 'master', 'br0', 'up');
ip('-n', client, 'addr', 'add', '10.99.0.2/24', 'dev', 'eth0');
ip('-n', client, 'link', 'set', 'eth0', 'up');
ip('-n', client, 'link', 'set', 'lo', 'up');
// `ip netns exec` bind-mounts /etc/netns/NS/resolv.conf: aardvark's upstream is the fake one.
fs.mkdirSync(`/etc/netns/${ns}`, { recursive: true });
fs.writeFileSync(`/etc/netns/${ns}/resolv.conf`, 'nameserver 10.99.0.254\n');

await firstLine(ns, `
  import dgram from 'node:dgram';
  import { parseQuery, buildResponse, RCODE } from ${JSON.stringify(MESSAGE)};
  const socket = dgram.createSocket('udp4');
  socket.on('message', (packet, remote) => {
    const q = parseQuery(packet);
    if (q) socket.send(buildResponse(q, RCODE.noError, q.type === 1 ? [{ type: 1, address: '10.1.1.1' }] : []), remote.port, remote.address);
  });
  socket.bind(53, '10.99.0.254', () => console.log('ready'));`);

// 50 containers' names, as both resolvers get them.
// The client is one of them: aardvark answers a container's names to the containers of its networks.
const containers = [{ id: randomBytes(32).toString('hex'), name: 'client', address: '10.99.0.2' },
  ...Array.from({ length: 50 }, (_, i) => ({ id: randomBytes(32).toString('hex'), name: `c${i}`, address: `10.99.0.${10 + i}` }))];

async function measure(label) {
  const line = await firstLine(client, `
    import dgram from 'node:dgram';
    import { buildQuery, parseResponse } from ${JSON.stringify(MESSAGE)};
    const socket = dgram.createSocket('udp4');
    const waiting = new Map();
    socket.on('message', (reply) => { const r = parseResponse(reply); waiting.get(r.id)?.(r); waiting.delete(r.id); });
    let next = 1;
    const ask = (name) => new Promise((resolve, reject) => {
      const id = next++ & 0xffff;
      const timer = setTimeout(() => { waiting.delete(id); reject(new Error('timeout ' + name)); }, 3000);
      waiting.set(id, (r) => { clearTimeout(timer); resolve(r); });
      socket.send(buildQuery(id, name), 53, '10.99.0.1');
    });
    const percentile = (values, p) => values.sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];
    async function sequential(name, count) {
      const times = [];
      for (let i = 0; i < count; i++) {
        const start = process.hrtime.bigint();
        const r = await ask(typeof name === 'function' ? name(i) : name);
        if (r.addresses.length !== 1) throw new Error('no answer for ' + name);
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      return { median: percentile(times, 0.5), p99: percentile(times, 0.99) };
    }
    socket.bind(0, async () => {
      await sequential('c0', 50); // warm-up
      const local = await sequential((i) => 'c' + (i % 50), 1000);
      const forwarded = await sequential((i) => 'x' + i + '.example.org', 1000);
      const start = process.hrtime.bigint();
      let sent = 0;
      await Promise.all(Array.from({ length: 50 }, async () => { while (sent < 2000) { sent++; await ask('c' + (sent % 50)); } }));
      const concurrentMs = Number(process.hrtime.bigint() - start) / 1e6;
      console.log(JSON.stringify({ local, forwarded, concurrentPerSecond: Math.round(2000 / concurrentMs * 1000) }));
      process.exit(0);
    });`);
  return { label, ...JSON.parse(line) };
}

const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
const results = [];

// berth: the resolver as the daemon runs it, with the same 50 names.
{
  const started = process.hrtime.bigint();
  let pid = 0;
  let inProcess = 0;
  let heapBefore = 0;
  const ready = new Promise((resolve) => {
    const child = inNs(ns, `
      import { DnsServer } from ${JSON.stringify(SERVER)};
      const table = new Map(${JSON.stringify(containers.map((c) => [c.name, c.address]))});
      const before = process.memoryUsage().rss;
      const t0 = process.hrtime.bigint();
      const server = new DnsServer('10.99.0.1', ({ name }) => table.has(name) ? { kind: 'local', answers: [{ type: 1, address: table.get(name) }] } : { kind: 'forward', servers: ['10.99.0.254'] });
      await server.start();
      console.log(JSON.stringify({ bindMs: Number(process.hrtime.bigint() - t0) / 1e6, before }));
      setInterval(() => console.log(JSON.stringify({ rss: process.memoryUsage().rss })), 500);`, (line) => {
      const data = JSON.parse(line);
      if (data.bindMs !== undefined) { inProcess = data.bindMs; heapBefore = data.before; resolve(); }
    });
    pid = child.pid;
  });
  await ready;
  const startMs = Number(process.hrtime.bigint() - started) / 1e6;
  const result = await measure('berth (in the daemon)');
  const rss = rssKb(pid);
  results.push({ ...result, startMs, bindMs: inProcess, rssKb: rss, addedKb: rss - Math.round(heapBefore / 1024) });
  children.pop().kill('SIGKILL');
}

// aardvark-dns: its config dir, one file per network, then `run`, which returns once it serves.
{
  const config = path.join(dir, 'aardvark');
  fs.mkdirSync(config);
  fs.writeFileSync(path.join(config, 'bench'), ['10.99.0.1', ...containers.map((c) => `${c.id} ${c.address}  ${c.name},${c.id.slice(0, 12)}`)].join('\n') + '\n');
  const started = process.hrtime.bigint();
  execFileSync('ip', ['netns', 'exec', ns, AARDVARK, '--config', config, '-p', '53', 'run'], { stdio: 'ignore' });
  const startMs = Number(process.hrtime.bigint() - started) / 1e6;
  const pid = Number(fs.readFileSync(path.join(config, 'aardvark.pid'), 'utf8'));
  const result = await measure('aardvark-dns 1.4');
  results.push({ ...result, startMs, rssKb: rssKb(pid) });
}

for (const r of results) {
  console.log(`${r.label}: start ${r.startMs.toFixed(1)} ms${r.bindMs !== undefined ? ` (bind in process ${r.bindMs.toFixed(2)} ms)` : ''}; `
    + `container name median ${r.local.median.toFixed(3)} ms p99 ${r.local.p99.toFixed(3)} ms; forwarded median ${r.forwarded.median.toFixed(3)} ms p99 ${r.forwarded.p99.toFixed(3)} ms; `
    + `${r.concurrentPerSecond}/s with 50 in flight; RSS ${(r.rssKb / 1024).toFixed(1)} MB${r.addedKb !== undefined ? ` (${(r.addedKb / 1024).toFixed(1)} MB added by the resolver)` : ''}`);
}
process.exit(0);
