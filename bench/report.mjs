#!/usr/bin/env node
/**
 * Turns one bench run into bench/results.json (raw samples and statistics) and
 * bench/RESULTS.md (the same, for people, with an honest note on berth's gaps).
 *
 *   node bench/report.mjs WORK
 *
 * Reads WORK/facts.json (facts.mjs), WORK/samples.json (startLatency.mjs),
 * WORK/breakdown.json (berthBreakdown.mjs), the markers peers.sh left in WORK/state/, and
 * WORK/<scenario>.json of the other scenarios (reportScenarios.mjs). A scenario this run did
 * not measure (BENCH_SCENARIOS) keeps its figures from the previous bench/results.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { round, summary } from './stats.mjs';
import { collectScenarios, renderScenarios, summaryLines } from './reportScenarios.mjs';

const work = process.argv[2];
if (!work) {
  console.error('usage: report.mjs WORK');
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const readJson = (name) => JSON.parse(fs.readFileSync(path.join(work, name), 'utf8'));
const resultsFile = path.join(here, 'results.json');
const previous = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) : null;
const currentFacts = readJson('facts.json');
// Start latency: measured in this run, or carried over from the previous results.json.
const fresh = fs.existsSync(path.join(work, 'samples.json'));
if (!fresh && !previous?.results) {
  console.error('report: no start-latency figures, neither from this run nor in bench/results.json: run the start-latency scenario once');
  process.exit(1);
}
const facts = fresh ? currentFacts : previous.machine;
const measured = fresh ? readJson('samples.json') : {
  order: previous.method.order,
  runs: previous.method.runs,
  warmup: previous.method.warmupRoundsDiscarded,
  loadavg: previous.method.loadavg,
  subjects: previous.subjects,
  samples: Object.fromEntries(Object.entries(previous.results).map(([name, s]) => [name, s.samples.map((ms) => ({ ms }))])),
};
const breakdown = fresh ? readJson('breakdown.json') : previous.berthBreakdown;
const movedControllers = fresh
  ? fs.readdirSync(path.join(work, 'state')).filter((name) => name.startsWith('mount-cgroup-')).map((name) => name.slice('mount-cgroup-'.length))
  : previous.setup.cgroupControllersMovedToV1ByBench;
const scenarios = collectScenarios(work, previous, currentFacts);

const GOALS = { startVsPodman: 0.5, daemonVsCrun: 1.5 };
const stats = Object.fromEntries(measured.subjects.map((s) => {
  const ms = measured.samples[s.name].map((sample) => round(sample.ms, 3));
  return [s.name, { ...summary(ms), samples: ms }];
}));
const engines = measured.subjects.filter((s) => s.role === 'engine');
const references = measured.subjects.filter((s) => s.role === 'reference');
const bridges = measured.subjects.filter((s) => s.role === 'bridge');
const berth = stats.berth.median;
const ratios = Object.fromEntries(engines.filter((s) => s.name !== 'berth')
  .map((s) => [`berth/${s.name}`, round(berth / stats[s.name].median)]));
if (stats['berth-bridge'] && stats['podman-bridge']) ratios['berth-bridge/podman-bridge'] = round(stats['berth-bridge'].median / stats['podman-bridge'].median);
const phase = (name) => breakdown.phases[name]?.median ?? null;
const daemonSide = phase('create→destroy');
// Issue 14: the network's daemon-side cost per container, from the two runs' create→start.
const NETWORK_SETUP_GOAL_MS = 5;
const bridgeStart = breakdown.bridge?.phases['create→start']?.median ?? null;
const networkSetup = bridgeStart !== null && phase('create→start') !== null ? round(bridgeStart - phase('create→start'), 1) : null;
const networkSetupGoal = networkSetup === null ? {} : { networkSetupPerContainer: { goal: `create→start on the bridge - with --network none < ${NETWORK_SETUP_GOAL_MS} ms`, ms: networkSetup, met: networkSetup < NETWORK_SETUP_GOAL_MS } };
const goals = {
  startLatencyVsPodman: {
    goal: `berth median <= ${GOALS.startVsPodman} x podman median`,
    ratio: ratios['berth/podman'],
    met: ratios['berth/podman'] <= GOALS.startVsPodman,
  },
  daemonSideVsCrun: {
    goal: `daemon-side start <= ${GOALS.daemonVsCrun} x crun`,
    approximation: 'median of berth\'s container create→destroy event times (1 ms resolution) over the median of a whole `crun run`',
    ratio: daemonSide === null ? null : round(daemonSide / stats.crun.median),
    met: daemonSide === null ? null : daemonSide / stats.crun.median <= GOALS.daemonVsCrun,
  },
  ...networkSetupGoal,
};
const command = 'bash bench/run.sh';
const env = `BENCH_RUNS=${measured.runs} BENCH_WARMUP=${measured.warmup}`;

const generatedAt = new Date().toISOString();
const startLatencyAt = fresh ? generatedAt : (previous.startLatencyAt ?? previous.generatedAt);
const results = {
  generatedAt,
  /** When the start-latency figures below were measured (a run without that scenario keeps them). */
  startLatencyAt,
  command,
  env: { BENCH_RUNS: measured.runs, BENCH_WARMUP: measured.warmup, NODE_EXTRA_CA_CERTS: 'unset for every berth and node invocation' },
  machine: facts,
  setup: {
    podmanStorageDriver: fresh ? (process.env.PODMAN_DRIVER ?? null) : previous.setup.podmanStorageDriver,
    podmanRuntime: fresh ? (process.env.PODMAN_RUNTIME ?? null) : previous.setup.podmanRuntime,
    cgroupControllersMovedToV1ByBench: movedControllers,
  },
  method: {
    order: measured.order,
    warmupRoundsDiscarded: measured.warmup,
    runs: measured.runs,
    loadavg: measured.loadavg,
    timing: 'process.hrtime around spawn() to the child\'s exit, in one Node process (bench/startLatency.mjs); ms',
  },
  subjects: measured.subjects.map(({ name, role, display, note, argv }) => ({ name, role, display, note, argv })),
  results: stats,
  ratios,
  goals,
  berthBreakdown: breakdown,
  /** The other scenarios (reportScenarios.mjs): daemonReady, eventLog, eventLatency. */
  scenarios,
};
// measuredInThisRun only picks the terminal summary's lines; it is no result.
fs.writeFileSync(resultsFile, `${JSON.stringify(results, (key, value) => (key === 'measuredInThisRun' ? undefined : value), 2)}\n`);

// ---- RESULTS.md ----
const f = (ms) => (ms === null || ms === undefined ? 'n/a' : ms.toFixed(1));
const x = (ratio) => (ratio === null || ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}x`);
const load = (avg) => (avg ? avg.map((v) => v.toFixed(2)).join(', ') : 'n/a');
const busy = measured.loadavg?.before?.[0] > facts.nproc * 0.75 ? measured.loadavg.before[0].toFixed(2) : null;
const row = (cells) => `| ${cells.join(' | ')} |`;

const engineTable = [
  row(['command', 'median ms', 'min ms', 'max ms', 'berth median / this median']),
  row(['---', '---:', '---:', '---:', '---:']),
  ...engines.map((s) => row([
    `\`${s.display}\``, f(stats[s.name].median), f(stats[s.name].min), f(stats[s.name].max),
    s.name === 'berth' ? '1.00x' : x(ratios[`berth/${s.name}`]),
  ])),
];
const bridgeTable = [
  row(['on the default bridge network', 'median ms', 'min ms', 'max ms', 'berth bridge median / this median']),
  row(['---', '---:', '---:', '---:', '---:']),
  ...bridges.map((s) => row([
    `\`${s.display}\``, f(stats[s.name].median), f(stats[s.name].min), f(stats[s.name].max),
    s.name === 'berth-bridge' ? '1.00x' : x(ratios[`berth-bridge/${s.name}`]),
  ])),
];
const referenceTable = [
  row(['reference (not a peer)', 'median ms', 'min ms', 'max ms', 'what']),
  row(['---', '---:', '---:', '---:', '---']),
  ...references.map((s) => row([`\`${s.display}\``, f(stats[s.name].median), f(stats[s.name].min), f(stats[s.name].max), s.note ?? ''])),
];
const phaseNotes = {
  'cli→create': 'CLI: Node start, module load, NATS connect + ping, subscribe, create request, until the daemon decides `create`',
  'create→start': 'daemon: rootfs, cgroups, shim launch, until `start`',
  'start→die': 'the container runs `true`',
  'die→destroy': 'daemon: exit recorded, `--rm` removal',
  'destroy→exit': 'CLI hears the last event, closes NATS, exits',
  'create→destroy': 'daemon side, whole lifecycle (compared with `crun run`)',
};
const breakdownTable = [
  row(['phase of `berth run --rm`', 'median ms', 'min ms', 'max ms', ...(breakdown.bridge ? ['on the bridge: median ms', 'min ms', 'max ms'] : []), 'what']),
  row(['---', '---:', '---:', '---:', ...(breakdown.bridge ? ['---:', '---:', '---:'] : []), '---']),
  ...Object.entries(breakdown.phases).map(([name, p]) => {
    const b = breakdown.bridge?.phases[name];
    return row([name, f(p.median), f(p.min), f(p.max), ...(breakdown.bridge ? [f(b?.median ?? null), f(b?.min ?? null), f(b?.max ?? null)] : []), phaseNotes[name] ?? '']);
  }),
];

const nodeStart = stats.node?.median ?? null;
const modules = stats['berth-modules']?.median ?? null;
const cliToCreate = phase('cli→create');
const podmanBudget = stats.podman.median * GOALS.startVsPodman;
const gaps = [];
gaps.push(`- **Start latency vs podman: ${x(ratios['berth/podman'])} (goal ≤ ${GOALS.startVsPodman}x, ${goals.startLatencyVsPodman.met ? 'met' : 'not met'}).` +
  ` The goal means a \`berth run --rm\` of at most ${f(podmanBudget)} ms here; it takes ${f(berth)} ms.**`);
if (cliToCreate !== null && nodeStart !== null && modules !== null) {
  gaps.push(`- Most of it is the CLI before the daemon does anything: ${f(cliToCreate)} ms from spawn to the \`create\` event.` +
    ` A bare \`node -e 0\` costs ${f(nodeStart)} ms, and loading the bundled CLI (NATS client, zod schemas, msgpackr,` +
    ` commander; one file, compiled from V8's code cache) costs ${f(modules - nodeStart)} ms more (${f(modules)} ms in all), before any connection;` +
    ` the remaining ~${f(Math.max(0, cliToCreate - modules))} ms are the NATS connect, the \`system.ping\` round trip,` +
    ' the subscriptions and flush, and the create request reaching the daemon.' +
    (modules > podmanBudget
      ? ` Loading the modules alone already exceeds the ${f(podmanBudget)} ms budget.`
      : ''));
  if (!goals.startLatencyVsPodman.met) {
    const viaGo = stats['docker-berth'];
    gaps.push('- Why a fresh Node process per command misses it, even bundled and from the code cache: much of a command\'s CPU' +
      ' here is page faults, about 10 µs for each fresh 4 KiB page on this machine (a PVM guest; `node -e 0` alone takes about' +
      ' 2,200 of them, `ps` about 4,400). The launcher puts malloc\'s heap on transparent huge pages, but V8\'s heap, mapped' +
      ' 256 KiB at a time, and the objects its code cache deserializes cannot use them. Measured and not kept (docs/ARCHITECTURE.md,' +
      ' the CLI): a V8 start-up snapshot (slower here: it deserializes a whole heap), V8 young-generation sizes, `--use-largepages`,' +
      ' ending with `process.exit()`, and connecting without the ping round trip (2-5 ms).' +
      (viaGo
        ? ` The same engine driven by a Go client, the docker CLI through berth's API socket (the reference row above), takes` +
          ` ${f(viaGo.median)} ms: ${x(viaGo.median / stats.podman.median)} podman's (the goal ≤ ${GOALS.startVsPodman}x ${viaGo.median / stats.podman.median <= GOALS.startVsPodman ? 'met' : 'not met'} that way).`
        : ' The same engine driven by a Go client, the docker CLI through berth\'s API socket, is measured in its own section below.'));
    const nodeClient = stats['node-client'];
    const daemonSide = phase('create→destroy');
    if (nodeClient && daemonSide !== null) {
      const floor = nodeClient.median + daemonSide;
      const room = podmanBudget - floor;
      gaps.push(`- The floor of a Node process per command: a minimal Node client (the reference row; bench/minimalClient.mjs) that only connects over TLS` +
        ` to the daemon's pinned certificate, sends one \`container.list\` and prints takes ${f(nodeClient.median)} ms (${x(nodeClient.median / nodeStart)} \`node -e 0\`; the goal for \`ps\` and \`version\`, at most 1.3x \`node -e 0\`, lies below it).` +
        ` A \`run --rm\` from such a client would add at least the daemon's create→destroy (${f(daemonSide)} ms): about ${f(floor)} ms, where the goal allows ${f(podmanBudget)} ms,` +
        ` which leaves ${room > 0 ? `${f(room)} ms` : `nothing (${f(room)} ms)`} for what berth's CLI does beyond that client (its flags and schemas, the ping, following the container's events);` +
        ` berth's CLI takes ${f(stats.berth.median - floor)} ms more than that floor.`);
    }
  }
}
if (networkSetup !== null) {
  // A difference of two medians of whole-ms event times: within a millisecond of the goal it
  // says met or not met by less than the resolution.
  const atEdge = Math.abs(networkSetup - NETWORK_SETUP_GOAL_MS) < 1 ? ', by less than the 1 ms resolution of the event times' : '';
  gaps.push(`- **Network setup per container, daemon side: ${f(networkSetup)} ms (goal under ${NETWORK_SETUP_GOAL_MS} ms, ${networkSetup < NETWORK_SETUP_GOAL_MS ? 'met' : 'not met'}${atEdge}):**` +
    ` create→start takes ${f(bridgeStart)} ms on the default bridge against ${f(phase('create→start'))} ms with \`--network none\`` +
    ' (medians of the same interleaved runs; event times have 1 ms resolution). The shim makes the veth pair, the addresses and the' +
    ' route over one netlink socket (runtime/native/netsetup.c); the daemon leases the address and writes the hosts files before it.');
}
if (daemonSide !== null) {
  gaps.push(`- Daemon side: create→destroy takes ${f(daemonSide)} ms (create→start ${f(phase('create→start'))} ms,` +
    ` die→destroy ${f(phase('die→destroy'))} ms) against ${f(stats.crun.median)} ms for a whole \`crun run\`:` +
    ` ${x(goals.daemonSideVsCrun.ratio)} (goal ≤ ${GOALS.daemonVsCrun}x, ${goals.daemonSideVsCrun.met ? 'met' : 'not met'}, approximately:` +
    ' event times have 1 ms resolution and exclude decoding the request). Every lifecycle step is an event appended to' +
    ' JetStream and acknowledged before the next one; the shim is forked by the daemon\'s shim spawner (runtime/native/spawner.c)' +
    ' and reports over its socket, and the exit' +
    ' is seen through the exit file the shim writes (inotify) before the removal starts.');
}
gaps.push(`- After the container is gone the CLI still needs ${f(phase('destroy→exit'))} ms to hear the \`destroy\` event, close its NATS connection and exit.`);
gaps.push('- podman also pays a fresh process per command (Go runtime, its database, conmon); crun and runc do no image or storage work' +
  ' at all (the bundle is ready-made, the rootfs read-only and shared), which berth and podman do (overlay mount, container record, removal).');

const scenarioMd = renderScenarios(scenarios);
const md = `# berth benchmarks

The benchmark suite, one section per scenario: **start latency** (\`run --rm … true\` of a busybox image, from the
caller's spawn to the caller seeing the command exit, for berth and for crun, runc, podman and docker on the same machine),
**daemon ready time vs history**, the **event log**'s append and replay rates, **event latency** (state change →
subscriber, berth, podman and docker), **lifecycle** steps with volume and tmpfs runs, **pulls**, **shim memory** per
running container (berth-shim against conmon and containerd-shim-runc-v2) with exec latency, **daemon memory**
with 0, 50 and 500 containers (berth against dockerd + containerd), **network** throughput (iperf3) and 50 containers on one
network (berth against podman's netavark), the **Docker API socket** (the docker CLI against berth, podman's service and dockerd),
**builds** (berth build against podman build, buildah and docker build) and **compose** (a 5-service project against podman-compose).

- Report written: ${results.generatedAt}; each section gives when it was measured and the load then.
- Produced by: \`${command}\` (same as \`npm run bench\`), as root from the repository root: every scenario, or those named in
  \`BENCH_SCENARIOS\` (any of \`start-latency daemon-ready event-log event-latency shim-memory lifecycle pull daemon-memory overlay network docker-api build compose\`, space-separated); a scenario not run keeps its
  previous figures here and in bench/results.json. Each scenario but start latency also runs alone: \`node bench/<script>.mjs OUT.json\`.
- berth ${currentFacts.berth.version}, repository HEAD ${currentFacts.berth.commit} (the working tree may differ)
- NODE_EXTRA_CA_CERTS is **unset** for every berth (and reference node) invocation: the CLI needs no extra CA bundle,
  and loading it adds ~80 ms to every Node start on this machine.

## Machine

| fact | value |
| --- | --- |
| CPU | ${currentFacts.nproc} × ${currentFacts.cpu} (nproc ${currentFacts.nproc}), ${currentFacts.memoryGiB} GiB |
| kernel / OS | ${currentFacts.kernel} / ${currentFacts.os} |
| cgroups | ${currentFacts.cgroup.mode}; v1 hierarchies: ${(currentFacts.cgroup.v1Hierarchies ?? []).join(', ')}; on cgroup2: ${(currentFacts.cgroup.cgroup2Controllers ?? []).join(', ') || 'none'} |
| hard nofile | ${currentFacts.hardNofile} (no CAP_SYS_RESOURCE) |
| node | ${currentFacts.versions.node} |
| nats-server | ${currentFacts.versions['nats-server']} |
| crun | ${currentFacts.versions.crun} |
| runc | ${currentFacts.versions.runc} |
| podman | ${currentFacts.versions.podman} (${currentFacts.versions.conmon}; OCI runtime ${results.setup.podmanRuntime ?? 'n/a'}) |
| docker | ${currentFacts.versions.dockerd ?? 'n/a'} (Debian docker.io: /usr/sbin/dockerd, /usr/bin/docker); ${currentFacts.versions.containerd ?? 'n/a'}; OCI runtime runc |

## Start latency

- Measured: ${startLatencyAt}, berth ${facts.berth.version} at ${facts.berth.commit}
- Reproduce: \`BENCH_SCENARIOS=start-latency ${env} bash bench/run.sh\`${measured.runs === 30 && measured.warmup === 3 ? ' (the defaults)' : ''}
- Load average (1, 5, 15 min) when measuring began: ${load(measured.loadavg?.before)}; when it ended: ${load(measured.loadavg?.after)}
${busy ? `- **The machine was busy when measuring began (1-min load ${busy} on ${facts.nproc} cores): every figure is inflated; rerun on a quiet machine.**\n` : ''}
### Results

${measured.runs} runs of each, **interleaved** (${engines.map((s) => s.name).join(", ")}, references, then again …) after ${measured.warmup}
discarded warm-up rounds; each run timed with \`process.hrtime\` from just before \`spawn()\` to the child's exit
(bench/startLatency.mjs). berth's daemon and nats-server were already running and warm.

${engineTable.join('\n')}
${bridges.length ? `
The same on each engine's default bridge network (a veth, an address, NAT rules), in the bench's own network
namespace: berth's bridge against podman's netavark (the bench's dockerd runs without a bridge). Goal: at most 0.5x podman's.

${bridgeTable.join('\n')}
` : ''}
${referenceTable.join('\n')}

### Where a \`berth run --rm\` spends its time

From berth's own event log (\`berth events --format json\`): each measured run matched with its container's
\`create\`, \`start\`, \`die\` and \`destroy\` events (times decided by the daemon, 1 ms resolution, same clock);
${breakdown.matched} of ${measured.runs} runs matched${breakdown.bridge ? ` (on the bridge, ${breakdown.bridge.matched} of ${measured.runs})` : ''}.

${breakdownTable.join('\n')}

### Where berth falls short, and why

Project goals: start latency at most ${GOALS.startVsPodman}x podman's; daemon-side start at most ${GOALS.daemonVsCrun}x crun's.

${gaps.join('\n')}

### Setup, for a fair reading

- One busybox rootfs tarball (\`scripts/busybox-image.sh\`, Debian's busybox-static) feeds every engine:
  \`berth import\`, \`podman import … localhost/busybox\`, \`docker import … localhost/busybox\`, and an OCI bundle for crun and runc.
- crun and runc: \`crun spec\` with args \`["true"]\`, no terminal; namespaces pid, network, ipc, uts, mount (as
  berth's shim); read-only shared rootfs; state under the bench's temp dir (\`--root\`); a unique id per run.
- podman: own \`--root\`/\`--runroot\` under the temp dir, storage driver ${results.setup.podmanStorageDriver ?? 'n/a'},
  a containers.conf (CONTAINERS_CONF) with \`default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\` (it would
  otherwise ask for 1048576, refused without CAP_SYS_RESOURCE), cgroupfs, file events, tmp dirs under the temp dir;
  \`--network none\`.
- docker: Debian's docker.io by path (\`/usr/local/bin/docker\` on this machine is a separate upstream 28.2 CLI with no daemon),
  a dockerd of the bench's own (bench/dockerd.sh): data root, exec root (with the containerd it starts), pid file, socket
  and config under the temp dir, \`--iptables=false --ip6tables=false --bridge=none\`, no userland proxy,
  \`--default-ulimit nofile=1024:20000\` (within the hard limit, no CAP_SYS_RESOURCE), cgroupfs on cgroup v1 under a
  cgroup parent of the bench's own; the same tarball through \`docker import\`; \`--network none\`.
- ${movedControllers.length
    ? `crun refuses a hybrid host while cgroup2 owns a controller, so the bench mounted ${movedControllers.join(', ')} as its own v1 hierarchy for the whole run (every engine saw the same host) and gave it back to cgroup2 at the end.`
    : 'No cgroup controller had to be moved for crun.'}
- Everything is removed at the end (bench/cleanup.sh, also on failure): berth's daemon and nats-server by pid,
  podman's storage (\`system reset\`), mounts, cgroups and host dirs the peers created, the temp dir.
- Raw samples: bench/results.json.

${scenarioMd}`;
// Sections a scenario writes whole (overlay.md) and those measured outside this suite (the MediaWiki
// example's end-to-end test) go last, as they are.
const handKept = ['overlay.md', 'mediawiki.md'].filter((name) => fs.existsSync(path.join(here, name))).map((name) => fs.readFileSync(path.join(here, name), 'utf8'));
fs.writeFileSync(path.join(here, 'RESULTS.md'), [md, ...handKept].join('\n'));
process.stderr.write(`report: wrote bench/results.json and bench/RESULTS.md\n`);
for (const line of summaryLines(scenarios)) process.stderr.write(`${line}\n`);
