// Overlay network throughput and latency (issue 20): two containers on two hosts of a three-host
// cluster, over berth's VXLAN overlay, against the same two hosts over their own link. The
// cluster is the tests' (test/helpers/cluster.ts): network namespaces made here, one per host
// and one holding the bridge the hosts' veths join, a nats-server node and a daemon in each; the
// machine's own network is never touched, and nothing leaves the namespaces.
//
// Measured, interleaved round by round (link, then overlay): iperf3 TCP throughput (one stream,
// BENCH_OVERLAY_SECONDS each, default 5) and ping round-trip times (BENCH_OVERLAY_PINGS, default
// 50, 0.05 s apart). iperf3 runs from the machine (/usr/bin/iperf3) inside the containers'
// network namespaces (busybox has none): it is the same program on both paths.
// Needs root and a built tree (npm run build). Usage: node bench/overlay.mjs [rounds, default 5]
// Prints a Markdown section; with BENCH_OVERLAY_OUT=FILE writes it there too (bench/overlay.md,
// which report.mjs appends to RESULTS.md).
import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { startCluster } = await import(`file://${ROOT}/dist/test/helpers/cluster.js`);
const run = promisify(execFile);
const rounds = Number(process.argv[2] ?? 5);
const seconds = Number(process.env.BENCH_OVERLAY_SECONDS ?? 5);
const pings = Number(process.env.BENCH_OVERLAY_PINGS ?? 50);
const uptime = () => execFileSync('uptime').toString().trim();

const teardowns = [];
const servers = [];
async function cleanup() {
  for (const child of servers) if (child.exitCode === null) child.kill('SIGKILL');
  for (const fn of teardowns.reverse()) await fn();
}
process.on('SIGINT', () => { void cleanup().then(() => process.exit(130)); });

const median = (values) => { const s = [...values].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

/** A program in a network namespace: a host's (/run/netns/NAME) or a container's (/proc/PID/ns/net). */
const inNet = (netPath, argv, options = {}) => run('nsenter', [`--net=${netPath}`, '--', ...argv], { maxBuffer: 1 << 24, timeout: 120_000, ...options });

async function throughput(fromNet, address, port) {
  const { stdout } = await inNet(fromNet, ['iperf3', '-c', address, '-p', String(port), '-t', String(seconds), '-J']);
  return JSON.parse(stdout).end.sum_received.bits_per_second / 1e9;
}

async function latency(fromNet, address) {
  const { stdout } = await inNet(fromNet, ['busybox', 'ping', '-q', '-c', String(pings), '-i', '0.05', address]);
  const match = /= ([\d.]+)\/([\d.]+)\/([\d.]+)(?:\/[\d.]+)? ms/.exec(stdout);
  return { min: Number(match[1]), avg: Number(match[2]), max: Number(match[3]) };
}

const before = uptime();
let section;
try {
  const cluster = await startCluster({ teardown: (fn) => teardowns.push(fn) }, { daemons: false });
  await Promise.all(cluster.hosts.map((host) => cluster.startDaemon(host.name, ['--data-interface', 'eth0'])));
  await cluster.importBusybox();
  await cluster.ok('h1', ['network', 'create', '--driver', 'overlay', '--subnet', '10.0.9.0/24', 'ov']);
  for (const host of ['h1', 'h2']) await cluster.ok('h1', ['--host', host, 'run', '-d', '--name', `c-${host}`, '--network', 'ov', 'busybox', 'sleep', '3600']);
  const inspect = async (ref) => JSON.parse(await cluster.ok('h1', ['inspect', ref]))[0];
  const [a, b] = [await inspect('h1/c-h1'), await inspect('h2/c-h2')];
  const paths = {
    link: { from: `/run/netns/${cluster.host('h1').netns}`, to: `/run/netns/${cluster.host('h2').netns}`, address: cluster.host('h2').address },
    overlay: { from: `/proc/${a.State.Pid}/ns/net`, to: `/proc/${b.State.Pid}/ns/net`, address: b.NetworkSettings.Networks.ov.IPAddress },
  };
  const mtus = {};
  for (const [name, p] of Object.entries(paths)) {
    const child = spawn('nsenter', [`--net=${p.to}`, '--', 'iperf3', '-s', '-p', '5201'], { stdio: 'ignore' });
    servers.push(child);
    const { stdout } = await inNet(p.from, ['ip', '-o', 'route', 'get', p.address]);
    const dev = /dev (\S+)/.exec(stdout)[1];
    mtus[name] = Number(/mtu (\d+)/.exec((await inNet(p.from, ['ip', '-o', 'link', 'show', 'dev', dev])).stdout)[1]);
  }
  // The servers listen: a client that connects too early is tried again.
  for (const p of Object.values(paths)) {
    for (let tries = 0; ; tries++) {
      try { await inNet(p.from, ['iperf3', '-c', p.address, '-p', '5201', '-t', '1', '-J']); break; } catch (error) { if (tries > 50) throw error; await new Promise((r) => setTimeout(r, 200)); }
    }
  }
  const results = { link: { gbps: [], rtt: [] }, overlay: { gbps: [], rtt: [] } };
  for (let round = 1; round <= rounds; round++) {
    for (const [name, p] of Object.entries(paths)) {
      results[name].gbps.push(await throughput(p.from, p.address, 5201));
      results[name].rtt.push(await latency(p.from, p.address));
    }
    console.error(`round ${round}: link ${results.link.gbps.at(-1).toFixed(2)} Gbit/s, overlay ${results.overlay.gbps.at(-1).toFixed(2)} Gbit/s`);
  }
  const after = uptime();
  const row = (name) => {
    const r = results[name];
    return `| ${name} | ${mtus[name]} | ${median(r.gbps).toFixed(2)} | ${Math.min(...r.gbps).toFixed(2)}–${Math.max(...r.gbps).toFixed(2)} | ${median(r.rtt.map((x) => x.avg)).toFixed(3)} | ${Math.min(...r.rtt.map((x) => x.min)).toFixed(3)} | ${Math.max(...r.rtt.map((x) => x.max)).toFixed(3)} |`;
  };
  const ratio = median(results.overlay.gbps) / median(results.link.gbps);
  // Round by round (the two paths measured seconds apart, under the same load): overlay / link.
  const paired = results.overlay.gbps.map((gbps, i) => gbps / results.link.gbps[i]);
  section = [
    '## Overlay network: throughput and latency between two hosts',
    '',
    `\`node bench/overlay.mjs ${rounds}\` (${new Date().toISOString().slice(0, 10)}): two busybox containers on hosts h1 and h2 of the tests' three-host cluster (test/helpers/cluster.ts: network namespaces joined by veths on one bridge, on this one machine), over the overlay \`ov\` (VXLAN on the hosts' eth0), against h1 → h2 over that same link. ${rounds} interleaved rounds; each: iperf3 TCP, one stream, ${seconds} s; busybox ping, ${pings} echoes 0.05 s apart.`,
    '',
    '| path | MTU | iperf3 Gbit/s (median) | range | ping avg ms (median) | min | max |',
    '|---|---|---|---|---|---|---|',
    row('link'),
    row('overlay'),
    '',
    `Overlay / link throughput: **${(ratio * 100).toFixed(0)}%** of the medians; round by round ${paired.map((r) => `${(r * 100).toFixed(0)}%`).join(', ')} (median ${(median(paired) * 100).toFixed(0)}%). Goal: at least 80%. Added round-trip time: ${(median(results.overlay.rtt.map((x) => x.avg)) - median(results.link.rtt.map((x) => x.avg))).toFixed(3)} ms (median of averages).`,
    '',
    `Load: before \`${before}\`; after \`${after}\`. Both paths run on the same two cores as the cluster's daemons and nats-servers (and, at the time, other work on the machine), so both figures are CPU-bound copies between namespaces, not a wire's speed: the link is a veth pair through a bridge, the overlay adds the container's veth, its bridge and the VXLAN encapsulation on each side.`,
    '',
  ].join('\n');
} finally {
  await cleanup();
}
console.log(section);
if (process.env.BENCH_OVERLAY_OUT) fs.writeFileSync(process.env.BENCH_OVERLAY_OUT, section);
