#!/usr/bin/env node
/**
 * Turns one bench run into bench/results.json (raw samples and statistics) and
 * bench/RESULTS.md (the same, for people, with an honest note on berth's gaps).
 *
 *   node bench/report.mjs WORK
 *
 * Reads WORK/facts.json (facts.mjs), WORK/samples.json (startLatency.mjs),
 * WORK/breakdown.json (berthBreakdown.mjs) and the markers peers.sh left in WORK/state/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { round, summary } from './stats.mjs';

const work = process.argv[2];
if (!work) {
  console.error('usage: report.mjs WORK');
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const readJson = (name) => JSON.parse(fs.readFileSync(path.join(work, name), 'utf8'));
const facts = readJson('facts.json');
const measured = readJson('samples.json');
const breakdown = readJson('breakdown.json');
const movedControllers = fs.readdirSync(path.join(work, 'state'))
  .filter((name) => name.startsWith('mount-cgroup-')).map((name) => name.slice('mount-cgroup-'.length));

const GOALS = { startVsPodman: 0.25, daemonVsCrun: 1.5 };
const stats = Object.fromEntries(measured.subjects.map((s) => {
  const ms = measured.samples[s.name].map((sample) => round(sample.ms, 3));
  return [s.name, { ...summary(ms), samples: ms }];
}));
const engines = measured.subjects.filter((s) => s.role === 'engine');
const references = measured.subjects.filter((s) => s.role === 'reference');
const berth = stats.berth.median;
const ratios = Object.fromEntries(engines.filter((s) => s.name !== 'berth')
  .map((s) => [`berth/${s.name}`, round(berth / stats[s.name].median)]));
const phase = (name) => breakdown.phases[name]?.median ?? null;
const daemonSide = phase('create→destroy');
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
};
const command = 'bash bench/run.sh';
const env = `BENCH_RUNS=${measured.runs} BENCH_WARMUP=${measured.warmup}`;

const results = {
  generatedAt: new Date().toISOString(),
  command,
  env: { BENCH_RUNS: measured.runs, BENCH_WARMUP: measured.warmup, NODE_EXTRA_CA_CERTS: 'unset for every berth and node invocation' },
  machine: facts,
  setup: {
    podmanStorageDriver: process.env.PODMAN_DRIVER ?? null,
    podmanRuntime: process.env.PODMAN_RUNTIME ?? null,
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
};
fs.writeFileSync(path.join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

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
  row(['phase of `berth run --rm`', 'median ms', 'min ms', 'max ms', 'what']),
  row(['---', '---:', '---:', '---:', '---']),
  ...Object.entries(breakdown.phases).map(([name, p]) => row([name, f(p.median), f(p.min), f(p.max), phaseNotes[name] ?? ''])),
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
    ` A bare \`node -e 0\` costs ${f(nodeStart)} ms, and loading the modules \`berth run\` imports (NATS client, zod schemas,` +
    ` msgpackr, commander) costs ${f(modules - nodeStart)} ms more (${f(modules)} ms in all), before any connection;` +
    ` the remaining ~${f(Math.max(0, cliToCreate - modules))} ms are the NATS connect, the \`system.ping\` round trip,` +
    ' the subscriptions and flush, and the create request reaching the daemon.' +
    (modules > podmanBudget
      ? ` Loading the modules alone already exceeds the ${f(podmanBudget)} ms budget: a fresh Node process per command with this` +
        ' module graph cannot meet the goal; it needs a far lighter CLI entry (bundled or lazy imports, no schema library on' +
        ' the hot path, no ping round trip) or a V8 snapshot / compile cache.'
      : ''));
}
if (daemonSide !== null) {
  gaps.push(`- Daemon side: create→destroy takes ${f(daemonSide)} ms (create→start ${f(phase('create→start'))} ms,` +
    ` die→destroy ${f(phase('die→destroy'))} ms) against ${f(stats.crun.median)} ms for a whole \`crun run\`:` +
    ` ${x(goals.daemonSideVsCrun.ratio)} (goal ≤ ${GOALS.daemonVsCrun}x, ${goals.daemonSideVsCrun.met ? 'met' : 'not met'}, approximately:` +
    ' event times have 1 ms resolution and exclude decoding the request). Every lifecycle step is an event appended to' +
    ' JetStream and acknowledged before the next one; the shim is spawned from Node and reports over a pipe, and the exit' +
    ' is seen through the exit file the shim writes (inotify) before the removal starts.');
}
gaps.push(`- After the container is gone the CLI still needs ${f(phase('destroy→exit'))} ms to hear the \`destroy\` event, close its NATS connection and exit.`);
gaps.push('- podman also pays a fresh process per command (Go runtime, its database, conmon); crun and runc do no image or storage work' +
  ' at all (the bundle is ready-made, the rootfs read-only and shared), which berth and podman do (overlay mount, container record, removal).');

const md = `# berth start-latency benchmark

Walking skeleton of the benchmark suite: how long one \`run --rm … true\` of a busybox image takes, from the
caller's spawn to the caller seeing the command exit, for berth and for crun, runc and podman on the same machine.

- Date: ${results.generatedAt}
- Produced by: \`${command}\` (same as \`npm run bench\`), as root from the repository root, with ${env}${measured.runs === 30 && measured.warmup === 3 ? ' (the defaults)' : ''}
- berth ${facts.berth.version}, repository HEAD ${facts.berth.commit} (the working tree may differ)
- Load average (1, 5, 15 min) when measuring began: ${load(measured.loadavg?.before)}; when it ended: ${load(measured.loadavg?.after)}
${busy ? `- **The machine was busy when measuring began (1-min load ${busy} on ${facts.nproc} cores): every figure is inflated; rerun on a quiet machine.**\n` : ''}- NODE_EXTRA_CA_CERTS is **unset** for every berth (and reference node) invocation: the CLI needs no extra CA bundle,
  and loading it adds ~80 ms to every Node start on this machine.

## Machine

| fact | value |
| --- | --- |
| CPU | ${facts.nproc} × ${facts.cpu} (nproc ${facts.nproc}), ${facts.memoryGiB} GiB |
| kernel / OS | ${facts.kernel} / ${facts.os} |
| cgroups | ${facts.cgroup.mode}; v1 hierarchies: ${(facts.cgroup.v1Hierarchies ?? []).join(', ')}; on cgroup2: ${(facts.cgroup.cgroup2Controllers ?? []).join(', ') || 'none'} |
| hard nofile | ${facts.hardNofile} (no CAP_SYS_RESOURCE) |
| node | ${facts.versions.node} |
| nats-server | ${facts.versions['nats-server']} |
| crun | ${facts.versions.crun} |
| runc | ${facts.versions.runc} |
| podman | ${facts.versions.podman} (${facts.versions.conmon}; OCI runtime ${results.setup.podmanRuntime ?? 'n/a'}) |

## Results

${measured.runs} runs of each, **interleaved** (berth, crun, runc, podman, references, then again …) after ${measured.warmup}
discarded warm-up rounds; each run timed with \`process.hrtime\` from just before \`spawn()\` to the child's exit
(bench/startLatency.mjs). berth's daemon and nats-server were already running and warm.

${engineTable.join('\n')}

${referenceTable.join('\n')}

### Where a \`berth run --rm\` spends its time

From berth's own event log (\`berth events --format json\`): each measured run matched with its container's
\`create\`, \`start\`, \`die\` and \`destroy\` events (times decided by the daemon, 1 ms resolution, same clock);
${breakdown.matched} of ${measured.runs} runs matched.

${breakdownTable.join('\n')}

## Where berth falls short, and why

Project goals: start latency at most ${GOALS.startVsPodman}x podman's; daemon-side start at most ${GOALS.daemonVsCrun}x crun's.

${gaps.join('\n')}

## Setup, for a fair reading

- One busybox rootfs tarball (\`scripts/busybox-image.sh\`, Debian's busybox-static) feeds every engine:
  \`berth import\`, \`podman import … localhost/busybox\`, and an OCI bundle for crun and runc.
- crun and runc: \`crun spec\` with args \`["true"]\`, no terminal; namespaces pid, network, ipc, uts, mount (as
  berth's shim); read-only shared rootfs; state under the bench's temp dir (\`--root\`); a unique id per run.
- podman: own \`--root\`/\`--runroot\` under the temp dir, storage driver ${results.setup.podmanStorageDriver ?? 'n/a'},
  a containers.conf (CONTAINERS_CONF) with \`default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\` (it would
  otherwise ask for 1048576, refused without CAP_SYS_RESOURCE), cgroupfs, file events, tmp dirs under the temp dir;
  \`--network none\`.
- ${movedControllers.length
    ? `crun refuses a hybrid host while cgroup2 owns a controller, so the bench mounted ${movedControllers.join(', ')} as its own v1 hierarchy for the whole run (every engine saw the same host) and gave it back to cgroup2 at the end.`
    : 'No cgroup controller had to be moved for crun.'}
- Everything is removed at the end (bench/cleanup.sh, also on failure): berth's daemon and nats-server by pid,
  podman's storage (\`system reset\`), mounts, cgroups and host dirs the peers created, the temp dir.
- Raw samples: bench/results.json.
`;
fs.writeFileSync(path.join(here, 'RESULTS.md'), md);
process.stderr.write(`report: wrote bench/results.json and bench/RESULTS.md\n`);
