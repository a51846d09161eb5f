/**
 * The daemon-ready, event-log and event-latency scenarios in bench/results.json and
 * bench/RESULTS.md (report.mjs calls these). A scenario measured in this bench run replaces
 * its previous figures; one not selected (BENCH_SCENARIOS) keeps them, with their own date.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Scenario name (BENCH_SCENARIOS, WORK/<name>.json) → key in results.json's `scenarios`. */
export const SCENARIOS = {
  'daemon-ready': { key: 'daemonReady', script: 'bench/daemonReady.mjs', env: ['BENCH_READY_SIZES', 'BENCH_READY_RUNS'] },
  'event-log': { key: 'eventLog', script: 'bench/eventLog.mjs', env: ['BENCH_LOG_SIZES', 'BENCH_LOG_RUNS'] },
  'event-latency': { key: 'eventLatency', script: 'bench/eventLatency.mjs', env: ['BENCH_EVENT_RUNS', 'BENCH_WARMUP'] },
  pull: { key: 'pull', script: 'bench/pull.mjs', env: ['BENCH_PULL_RUNS', 'BENCH_PULL_LAYERS', 'BENCH_PULL_LAYER_MB'] },
  lifecycle: { key: 'lifecycle', script: 'bench/lifecycle.mjs', env: ['BENCH_RUNS', 'BENCH_WARMUP', 'BENCH_BATCH_RUNS', 'BENCH_BATCH', 'BENCH_BATCH_PARALLEL'] },
  'shim-memory': { key: 'shimMemory', script: 'bench/shimMemory.mjs', env: ['BENCH_SHIM_CONTAINERS', 'BENCH_EXEC_RUNS', 'BENCH_WARMUP'] },
  network: { key: 'network', script: 'bench/network.mjs', env: ['BENCH_NET_RUNS', 'BENCH_IPERF_SECONDS', 'BENCH_NET_BATCH', 'BENCH_NET_PARALLEL'] },
  'docker-api': { key: 'dockerApi', script: 'bench/dockerApi.mjs', env: ['BENCH_API_RUNS', 'BENCH_WARMUP'] },
  build: { key: 'build', script: 'bench/build.mjs', env: ['BENCH_BUILD_RUNS'] },
  compose: { key: 'compose', script: 'bench/compose.mjs', env: ['BENCH_COMPOSE_RUNS'] },
  'daemon-memory': { key: 'daemonMemory', script: 'bench/daemonMemory.mjs', env: ['BENCH_DAEMON_COUNTS', 'BENCH_DAEMON_RUNNING', 'BENCH_DAEMON_PARALLEL', 'BENCH_DAEMON_SAMPLES'] },
};

/** The scenarios' results: this run's (WORK/<name>.json) over the previous results.json's. */
export function collectScenarios(work, previous, facts) {
  const merged = {};
  for (const [name, { key, script, env }] of Object.entries(SCENARIOS)) {
    const file = path.join(work, `${name}.json`);
    if (fs.existsSync(file)) {
      const quote = (value) => (/^[\w.,/-]+$/.test(value) ? value : `"${value}"`);
      const settings = env.filter((v) => process.env[v] !== undefined).map((v) => `${v}=${quote(process.env[v])}`);
      merged[key] = {
        ...JSON.parse(fs.readFileSync(file, 'utf8')),
        reproduce: `BENCH_SCENARIOS=${name} ${settings.length ? `${settings.join(' ')} ` : ''}bash bench/run.sh`,
        alone: `node ${script} OUT.json`,
        machine: facts,
        measuredInThisRun: true,
      };
    } else if (previous?.scenarios?.[key]) {
      merged[key] = { ...previous.scenarios[key], measuredInThisRun: false };
    }
  }
  return merged;
}

const f = (v, digits = 1) => (v === null || v === undefined ? 'n/a' : Number(v).toFixed(digits));
const k = (v) => (v === null || v === undefined ? 'n/a' : Math.round(v).toLocaleString('en-US'));
const row = (cells) => `| ${cells.join(' | ')} |`;
const mmm = (s, digits = 1) => [f(s?.median, digits), f(s?.min, digits), f(s?.max, digits)];
const load = (avg) => (avg ? avg.map((v) => v.toFixed(2)).join(', ') : 'n/a');
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(1)}x` : 'n/a');

function header(s) {
  const lines = [
    `- Measured ${s.startedAt} → ${s.finishedAt};` +
      ` load average (1, 5, 15 min) before: ${load(s.loadavg?.before)}, after: ${load(s.loadavg?.after)}` +
      `${s.machine ? ` on ${s.machine.nproc} × ${s.machine.cpu}, berth ${s.machine.berth?.commit ?? '?'} (working tree may differ)` : ''}`,
    `- Reproduce: \`${s.reproduce}\` (or alone: \`${s.alone}\`)`,
  ];
  const peak = Math.max(s.loadavg?.before?.[0] ?? 0, s.loadavg?.measuring?.[0] ?? 0, s.loadavg?.after?.[0] ?? 0);
  if (peak > (s.machine?.nproc ?? 2) * 0.75) {
    lines.push(`- **The machine was busy (1-min load up to ${peak.toFixed(2)} on ${s.machine?.nproc ?? '?'} cores, from other processes as well as the bench):` +
      ' the figures are inflated by it; rerun on a quiet machine for cleaner ones.**');
  }
  return lines.join('\n');
}

// ---- daemon ready ----

function daemonReady(s, eventLog) {
  const sizes = s.sizes;
  const empty = sizes.find((x) => x.modes.empty)?.modes.empty;
  const table = [
    row(['history', 'events', 'start', 'spawn → berthd.json median ms', 'min', 'max', 'daemon\'s own "ready" ms (median, min, max)', 'replayed']),
    row(['---', '---:', '---', '---:', '---:', '---:', '---:', '---']),
  ];
  for (const size of sizes) {
    for (const [mode, label] of [['full', '`--no-snapshots` (full replay)'], ['snapshots', 'snapshots']]) {
      const m = size.modes[mode];
      table.push(row([`${k(size.containers)} containers`, k(size.events), label, ...mmm(m.spawnToBerthdJson),
        mmm(m.daemonReported, 0).join(', '), `${k(m.replayed.snapshots)} snapshots, ${k(m.replayed.events)} events`]));
    }
  }
  if (empty) {
    table.push(row(['empty host (same server)', '0', '`--no-snapshots`', ...mmm(empty.spawnToBerthdJson), mmm(empty.daemonReported, 0).join(', '), 'nothing']));
  }
  const small = sizes[0];
  const large = sizes.at(-1);
  const growth = [];
  if (sizes.length > 1) {
    for (const mode of ['full', 'snapshots']) {
      const a = small.modes[mode].spawnToBerthdJson.median;
      const b = large.modes[mode].spawnToBerthdJson.median;
      const perThousand = ((b - a) / (large.containers - small.containers)) * 1000;
      growth.push(`- ${mode === 'full' ? 'Full replay' : 'From snapshots'}: ${f(a, 0)} ms → ${f(b, 0)} ms from ${k(small.containers)} to` +
        ` ${k(large.containers)} containers (${ratio(b, a)} for ${large.containers / small.containers}x the history), about ${f(perThousand, 0)} ms more` +
        ` per 1,000 containers${mode === 'full' ? ` (${f(((b - a) / (large.events - small.events)) * 1000, 0)} µs per event)` : ''}.`);
    }
  }
  const goal = s.goal;
  const notes = [];
  const full = small.modes.full.spawnToBerthdJson.median;
  const snap = small.modes.snapshots.spawnToBerthdJson.median;
  const base = empty?.spawnToBerthdJson.median ?? null;
  const verdict = (v) => (v < 1000 ? 'under 1 s' : 'over 1 s');
  notes.push(`- **Goal: ${goal.text}: ${goal.met ? 'met' : 'not met'}** — ${snap < 1000 && full >= 1000 ? 'only with snapshots (the default)' : full < 1000 ? 'in both modes' : 'in neither mode'}:` +
    ` from snapshots ${f(snap, 0)} ms (${verdict(snap)}), with a full replay (\`--no-snapshots\`) ${f(full, 0)} ms (${verdict(full)}),` +
    ` for ${k(small.containers)} containers and ${k(small.events)} events (medians).`);
  if (sizes.length > 1) {
    const largeSnap = large.modes.snapshots.spawnToBerthdJson.median;
    notes.push(`- **Goal (issue 19): ${k(large.containers)} containers of history ready in under 1 s: ${largeSnap < 1000 ? 'met' : 'not met'}** —` +
      ` from snapshots (the default) ${f(largeSnap, 0)} ms, for ${k(large.events)} events (median).`);
  }
  if (base !== null) {
    notes.push(`- The fixed cost, a daemon on a host with no history, is ${f(base, 0)} ms, of which the daemon's own figure is only` +
      ` ${f(empty.daemonReported.median, 0)} ms: the rest (~${f(base - empty.daemonReported.median, 0)} ms) is Node start-up and loading the` +
      ' daemon\'s modules, before runDaemon() starts its clock.');
    notes.push(`- Above that, a full replay of ${k(small.events)} events costs ${f(full - base, 0)} ms (${f(((full - base) / small.events) * 1000, 0)} µs per event);` +
      ` a start from snapshots ${f(snap - base, 0)} ms for ${k(small.containers)} containers (${k(small.modes.snapshots.replayed.snapshots)} snapshots, those of the containers not removed and of the names they hold:` +
      ' a removed container\'s and a released name\'s are retired, and a start does not read them;' +
      ` ${f(((snap - base) / small.containers) * 1000, 0)} µs per container:` +
      ' the snapshots read from the KV bucket\'s stream in pages of about 64, decoded and checked, each restored into its machine; then every' +
      ' container that is not removed is reconciled, which looks at its exit and pid files).');
  }
  const logSize = eventLog?.sizes?.find((x) => x.events >= 10_000) ?? eventLog?.sizes?.at(-1);
  if (logSize) {
    const read = logSize.replay.read.eventsPerSecond.median;
    const both = logSize.replay['read + fold'].eventsPerSecond.median;
    const foldUs = 1e6 / both - 1e6 / read;
    notes.push(`- Where a full replay goes (event-log scenario, ${k(logSize.events)} events): reading and decoding alone runs at ${k(read)} events/s` +
      ` (${f(1e6 / read, 0)} µs each), reading and folding into Entities as the daemon does at ${k(both)} events/s (${f(1e6 / both, 0)} µs each):` +
      ` the fold itself (xstate's pure transition() per event, the entity's bookkeeping and the garbage they make) is the difference,` +
      ` ~${f(foldUs, 0)} µs per event, ${f((foldUs * both) / 1e4, 0)}% of a replay. Both grow linearly with the history, so a full replay does too.`);
  }
  if (full >= 1000 && base !== null) {
    notes.push(`- Why a full replay misses the goal: at ${f(((full - base) / small.events) * 1000, 0)} µs per event, ${k(small.events)} events take` +
      ` ${f(full - base, 0)} ms on top of the ${f(base, 0)} ms fixed cost; meeting 1 s this way would need the per-event cost below` +
      ` ~${f(((1000 - base) / small.events) * 1000, 0)} µs. Snapshots are the answer the design already has: they make the start depend on the number` +
      ' of containers, not on the length of their histories.');
  }
  if (sizes.length > 1 && large.modes.snapshots.spawnToBerthdJson.median >= 1000) {
    notes.push(`- At ${k(large.containers)} containers even the snapshot start takes ${f(large.modes.snapshots.spawnToBerthdJson.median, 0)} ms:` +
      ' every snapshot is read, decoded and restored at start, those of removed containers included (they stay as tombstones until' +
      ' compaction). Since 2026-12-05 they are stored in pages (512 records of about 25 kB for 20,000 snapshots, decoded as they arrive), not' +
      ' one record each. Where the rest goes, from the daemon\'s debug phases with 10,000 containers (7 starts, medians, 2026-12-05, b155b80,' +
      ' a quiet machine): Node start-up, module loading and noticing berthd.json 302 ms; connecting and opening the streams 53 ms; reading and' +
      ' decoding the 512 pages 736 ms (in a CPU profile: msgpack 165 ms, the garbage collector 143 ms, waiting on the server 61 ms); restoring' +
      ' 20,000 entities 40 ms; networks 29 ms; the containers\' reconciliation 175 ms (each state read once, 10,000 of them); names, volumes and' +
      ' tags 78 ms; the API socket 44 ms. What is left to cut is what holds all 20,000 in memory: keeping tombstones out of the start (3,078' +
      ' removed containers and their names), or decoding an entity when it is first read.');
  }
  const stops = sizes.flatMap((x) => Object.values(x.modes).map((m) => m.stop.median)).filter((v) => v !== null);
  if (stops.length) {
    // The daemon allows nc.drain() 2 s before it closes the connection anyway.
    notes.push(`- Observed, not timed above: every clean stop (SIGTERM) took ${f(Math.min(...stops), 0)}–${f(Math.max(...stops), 0)} ms (medians)` +
      (Math.min(...stops) >= 2000
        ? ', each just over the 2 s the daemon allows nc.drain() before it closes the connection anyway, which suggests the drain never finishes and the guard fires every time.'
        : '.'));
  }
  const argv = (mode) => `\`${small.modes[mode].argv.join(' ')}\``;
  return `## Daemon ready time vs history

How long \`berthd\` takes from spawn to ready (its \`berthd.json\` in the run root) when its host already has a history:
${sizes.map((x) => `${k(x.containers)} containers (${k(x.events)} events, ${x.eventsPerContainer} per container; ended ${Object.entries(x.finalStatuses).map(([st, n]) => `${k(n)} ${st}`).join(', ')}; stream ${f(x.stream.bytes / 2 ** 20)} MiB)`).join(' and ')},
written by berth's own Entity + JetStreamEventStore (bench/histories.mjs) into a nats-server of the bench's own. Nothing runs, so reconcile does no kernel work.

${header(s)}
- Commands: ${argv('full')} (full replay) and the same without \`--no-snapshots\`; R, RR and the nats-server (\`${s.nats}\`) in a temp dir.
- ${s.settings.runs} runs of each, ${s.settings.order}; each daemon stopped with SIGTERM and waited for before the next.
  Timing: ${s.timing}.
- Snapshots were primed by one start (a full replay: ${sizes.map((x) => `${k(x.priming.spawnToBerthdJsonMs)} ms for ${k(x.containers)}`).join(', ')}) whose SIGTERM stop wrote every snapshot and the checkpoint (${sizes.map((x) => `${k(x.priming.stopMs)} ms for ${k(x.containers)}`).join(', ')}).

${table.join('\n')}

${growth.join('\n')}

${notes.join('\n')}
`;
}

// ---- event log ----

function eventLog(s) {
  const modes = Object.keys(s.sizes[0].append);
  const appendTable = [
    row(['events', ...modes.map((m) => `${m} events/s (median, min–max)`)]),
    row(['---:', ...modes.map(() => '---:')]),
    ...s.sizes.map((size) => row([`${k(size.events)} (${size.runs} run${size.runs > 1 ? 's' : ''})`,
      ...modes.map((m) => { const r = size.append[m].eventsPerSecond; return `${k(r.median)} (${k(r.min)}–${k(r.max)})`; })])),
  ];
  const replayModes = Object.keys(s.sizes[0].replay);
  const replayTable = [
    row(['events', ...replayModes.map((m) => `${m} events/s (median, min–max)`), ...replayModes.map((m) => `${m} s (median)`)]),
    row(['---:', ...replayModes.map(() => '---:'), ...replayModes.map(() => '---:')]),
    ...s.sizes.map((size) => row([`${k(size.events)}`,
      ...replayModes.map((m) => { const r = size.replay[m].eventsPerSecond; return `${k(r.median)} (${k(r.min)}–${k(r.max)})`; }),
      ...replayModes.map((m) => f(size.replay[m].seconds.median, 2))])),
  ];
  const largest = s.sizes.at(-1);
  // Does appending slow down as the stream fills? The first and the last tenth of the largest runs.
  const median = (values) => { const v = [...values].sort((a, b) => a - b); return v.length ? (v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2) : null; };
  const growthNotes = modes.map((m) => {
    const samples = largest.append[m].samples.filter((x) => x.tenths?.length >= 10);
    const first = median(samples.map((x) => x.tenths[0]));
    const last = median(samples.map((x) => x.tenths.at(-1)));
    return { m, first, last };
  }).filter((x) => x.first && x.last);
  const slower = growthNotes.filter((x) => x.last < x.first * 0.8);
  const growthText = growthNotes.map((x) => `${x.m} ${k(x.first)} → ${k(x.last)}`).join(', ');
  const one = largest.append['store.append ×1']?.eventsPerSecond.median;
  const hundred = largest.append['store.append ×100']?.eventsPerSecond.median;
  const rawOne = largest.append['js.publish ×1']?.eventsPerSecond.median;
  return `## Event log: append and replay rates

Real container events (bench/histories.mjs, decided by berth's rules; ${largest.stream.bytesPerEvent} bytes per event in the stream on average), into a
nats-server of the bench's own (${s.nats}).

${header(s)}
- Events: ${s.events}. Every append run starts from an empty stream (purged, untimed); \`×1\` is one append at a time (awaited), \`×100\` is 100 containers
  appending at once (each container's events in order, each with its expected last sequence). \`store.append\` is
  \`JetStreamEventStore.append(batch, expectedLastSeq)\`; \`js.publish\` is the raw \`js.publish(subject, bytes, { msgID, headers: Berth-Type, expect: { lastSubjectSequence } })\`
  of pre-encoded events (so without berth's zod check and msgpack encoding).
- Replay from a stream holding exactly those N events of one host: \`read\` is \`for await (… of JetStreamEventStore.read('berth.evt.<host>.>'))\`;
  \`read + fold\` is actors/replay.js \`replay()\` into Entities, what a daemon's full replay does.
- Runs per size: ${s.settings.runs.join(', ')} (for ${s.settings.sizes.map(k).join(', ')} events), ${s.settings.order}. Timing: ${s.timing}.

${appendTable.join('\n')}

${replayTable.join('\n')}

- One at a time, an append is a full round trip to the server and its acknowledgement: ${k(one)} events/s through the store
  (${f(1000 / one, 2)} ms each), ${k(rawOne)} raw. With 100 in flight the round trips overlap: ${k(hundred)} events/s (${ratio(hundred, one)}).
  The gap between \`store.append\` and \`js.publish\` is berth's own per-event work (zod validation, msgpack, headers).
- As the stream fills: first tenth → last tenth of the ${k(largest.events)}-event runs, events/s: ${growthText}.
  ${slower.length ? `${slower.map((x) => x.m).join(', ')} ${slower.length > 1 ? 'are' : 'is'} more than 20% slower at the end;` +
    ' the tenths of one run also swing with whatever else the machine does, so read this with the load above.' : 'No mode is more than 20% slower at the end than at the start.'}
- JetStream's file store acknowledges once the message is in its write buffer (fsync every 2 minutes by default), so these rates are not disk-bound.
`;
}

// ---- event latency ----

function eventLatency(s) {
  const r = s.results;
  const d = r.delivery;
  const delivery = [
    row(['subscriber', 'event', 'median ms', 'min ms', 'max ms', 'n']),
    row(['---', '---', '---:', '---:', '---:', '---:']),
    row(['berth: core NATS subscription on `berth.evt.>`', 'start', ...mmm(d.nats.start, 2), d.nats.start.n]),
    row(['berth: core NATS subscription on `berth.evt.>`', 'die', ...mmm(d.nats.die, 2), d.nats.die.n]),
    row(['berth: ordered JetStream consumer (as `berth events`)', 'start', ...mmm(d.jetstream.start, 2), d.jetstream.start.n]),
    row(['berth: ordered JetStream consumer (as `berth events`)', 'die', ...mmm(d.jetstream.die, 2), d.jetstream.die.n]),
    row(['berth: `berth events --format json --filter event=start` (a child process)', 'start', ...mmm(d.cli.start, 2), d.cli.start.n]),
  ];
  if (d.podman?.start?.n) {
    delivery.push(row(['podman: `podman events --format json` (file events backend)', 'start', ...mmm(d.podman.start, 2), d.podman.start.n]));
    delivery.push(row(['podman: `podman events --format json` (file events backend)', 'died', ...mmm(d.podman.die, 2), d.podman.die.n]));
  }
  if (d.docker?.start?.n) {
    delivery.push(row(['docker: `docker events --format \'{{json .}}\'` (a child process)', 'start', ...mmm(d.docker.start, 2), d.docker.start.n]));
    delivery.push(row(['docker: `docker events --format \'{{json .}}\'` (a child process)', 'die', ...mmm(d.docker.die, 2), d.docker.die.n]));
  }
  const e2eRows = Object.entries(r.endToEnd).filter(([, v]) => v.n > 0);
  const e2e = [
    row(['from → to', 'median ms', 'min ms', 'max ms', 'n']),
    row(['---', '---:', '---:', '---:', '---:']),
    ...e2eRows.map(([name, v]) => row([name, ...mmm(v, 1), v.n])),
    ...Object.entries(r.commands).filter(([, v]) => v.n > 0).map(([name, v]) => row([`\`${name}\` until it exits (for reference)`, ...mmm(v, 1), v.n])),
  ];
  const goal = s.goal;
  const notes = [
    `- **Goal: ${goal.text}: ${goal.met ? 'met' : 'not met'}.** berth's events reach a NATS subscriber ${f(d.nats.start.median, 2)} ms (start) and` +
      ` ${f(d.nats.die.median, 2)} ms (die) after the daemon decided them, a \`berth events\` process ${f(d.cli.start.median, 2)} ms after.` +
      ' The event\'s time has whole-ms resolution (taken with Date.now() just before the append), so each figure reads up to 1 ms high (0.5 ms on average).',
    `- The ordered consumer's messages carry the server's store time: from stored to received took ${f(r.storedToReceived.jetstream.median, 2)} ms (median);` +
      ' the rest is the daemon encoding and publishing the event and the server storing it.',
  ];
  if (d.podman?.start?.n) {
    notes.push(`- podman: ${f(d.podman.start.median, 0)} ms (start) and ${f(d.podman.die.median, 0)} ms (died), ${ratio(d.podman.start.median, d.nats.start.median)}` +
      ' berth\'s core-NATS figure. With the file events backend (no systemd here) `podman events` follows the events file by polling it' +
      ' (the tail library\'s 250 ms poll), so its latency is spread between 0 and ~250 ms plus the read; journald would be a different figure.');
  } else {
    notes.push('- podman was not measured in this run (it needs bench/peers.sh\'s preparation: run the scenario through bench/run.sh).');
  }
  if (d.docker?.start?.n) {
    notes.push(`- docker: ${f(d.docker.start.median, 2)} ms (start) and ${f(d.docker.die.median, 2)} ms (die) from the event's timeNano to a \`docker events\` process` +
      ` reading it, against ${f(d.cli.start.median, 2)} ms for a \`berth events\` process (berth/docker ${ratio(d.cli.start.median, d.docker.start.median)} on start)` +
      `${d.podman?.start?.n ? ` and ${f(d.podman.start.median, 0)} ms for podman's` : ''}. dockerd streams its events to each subscriber over the open API connection.`);
    notes.push('- Why a `berth events` process is slower than `docker events` (measured 2026-12-05, docs/ARCHITECTURE.md, events): two hops where docker has one, and a store before the second.' +
      ' From the decision to the publish takes 0.13-0.16 ms; one plain NATS publish from a Node process to another\'s subscription takes 0.45 ms on this machine;' +
      ' the ordered consumer delivers about 0.4 ms after the core subscription, once JetStream has stored the event, and `berth events` prints only stored events' +
      ' (a publish the stream refuses still reaches core subscribers); the process then takes 0.5 ms from its socket\'s data to its stdout write.' +
      ' dockerd writes each event from memory to its subscribers\' connections. The event\'s whole-ms time adds 0.5 ms on average to berth\'s figures.');
  } else {
    notes.push('- docker was not measured in this run (it needs the dockerd bench/run.sh starts).');
  }
  const startE2e = r.endToEnd['container.start request → start received'];
  notes.push(`- \`container.start\` request → start received (${f(startE2e.median, 1)} ms) is the daemon's whole start of the container:` +
    ' the \`starting\` append, rootfs and cgroups, the shim launch and its answer, then the \`started\` append; the event itself is in' +
    ' the subscriber\'s hands about as fast as any other (the delivery figures above).');
  const cliE2e = r.endToEnd['berth kill (spawn) → die received'];
  const apiE2e = r.endToEnd['container.kill request → die received'];
  notes.push(`- End to end, \`berth kill\` → die received takes ${f(cliE2e.median, 0)} ms, almost all of it the CLI's own start-up` +
    ` (\`berth kill\` runs ${f(r.commands['berth kill'].median, 0)} ms; see the start-latency section); the same kill sent as a request over` +
    ` NATS takes ${f(apiE2e.median, 1)} ms to the die event: the request, the \`killed\` append, the signal, the shim noticing the exit,` +
    ' the daemon\'s inotify watch reading the exit file and the \`died\` append.');
  return `## Event latency

From a state change to a subscriber receiving it: a container is started and killed ${s.settings.runs} times (after ${s.settings.warmup}
discarded round${s.settings.warmup === 1 ? '' : 's'}), through berth's CLI and through its NATS request API${s.podman ? ', through podman' : ''}${s.docker ? ', through docker' : ''}; each event is received by
several subscribers at once.

${header(s)}
- berth: \`${s.commands.daemon}\` with \`${s.commands.nats}\`; per round \`${s.commands.berth.join('`, `')}\`;
  subscribers in the bench process and \`${s.commands.berthSubscriber}\`.
${s.podman ? `- podman: \`${s.commands.podmanSubscriber}\`; per round \`${s.commands.podman.join('`, `')}\` (${s.podman.eventsLogger}).\n` : ''}${s.docker ? `- docker (${s.docker.daemon}): \`${s.commands.dockerSubscriber}\`; per round \`${s.commands.docker.join('`, `')}\`.\n` : ''}- Order: ${s.settings.order}.
- Timing: ${s.timing}.

${delivery.join('\n')}

${e2e.join('\n')}

${notes.join('\n')}
`;
}

// ---- lifecycle, volumes and throughput ----
function lifecycle(s) {
  const names = {
    version: '`version` (idle host)',
    ps: '`ps` (idle host)',
    create: '`create busybox true`',
    start: '`start ID`',
    rm: '`rm ID` (exited)',
    volumeRun: '`run --rm -v benchvol:/data busybox true`',
    tmpfsRun: '`run --rm --tmpfs /t busybox true`',
    batchSerial: `${s.batch} × \`run -d busybox sleep 60\`, one after another (total)`,
    batchConcurrent: `${s.batch} × \`run -d busybox sleep 60\`, ${s.parallel} at a time (total)`,
    stopAll: `\`stop -t 0\` of those ${2 * s.batch} (one command)`,
    rmAll: `\`rm\` of those ${2 * s.batch} (one command)`,
  };
  const withDocker = Boolean(s.results.docker);
  const cell = (v) => (v ? `${f(v.median)} (${f(v.min)}–${f(v.max)})` : 'n/a');
  const x = (r) => (r === null || r === undefined ? 'n/a' : `${r}x`);
  const lines = [
    '## Lifecycle, volumes and throughput',
    '',
    header(s),
    `- ${s.runs} interleaved rounds (berth, podman${withDocker ? ', docker' : ''}, …) of the single operations after ${s.warmup} warm-up rounds; ${s.batchRuns} of the batch.` +
      ` podman ${s.podman.runtime ?? '?'} with the ${s.podman.driver ?? '?'} storage driver, \`--network none\`` +
      `${withDocker ? `; docker: ${s.docker.daemon}, \`--network none\`` : '; docker was not measured in this run'}. Milliseconds, the CLI included.`,
    '',
    row(['operation', 'berth median (min–max)', 'podman median (min–max)', ...(withDocker ? ['docker median (min–max)'] : []), 'berth / podman', ...(withDocker ? ['berth / docker'] : [])]),
    row(['---', '---', '---', ...(withDocker ? ['---'] : []), '---', ...(withDocker ? ['---'] : [])]),
  ];
  for (const [key, label] of Object.entries(names)) {
    const b = s.results.berth[key];
    if (!b) continue;
    lines.push(row([label, cell(b), cell(s.results.podman[key]), ...(withDocker ? [cell(s.results.docker[key])] : []),
      x(s.ratios[key]), ...(withDocker ? [x(s.ratiosVsDocker?.[key])] : [])]));
  }
  if (s.results.berth.version) {
    lines.push('', '`version` and `ps` are the CLIs\' own cost: berth\'s is a Node process starting, loading the bundled CLI and' +
      ' connecting to NATS; podman and docker are Go binaries. The start-latency section measures the parts (a bare `node -e 0`' +
      ' and the module loading, as references).');
  }
  lines.push('', `The goal for the ${s.batch}-container batch is at most 0.2× podman's: ${s.ratios.batchSerial}x one after another, ${s.ratios.batchConcurrent}x ${s.parallel} at a time.` +
    `${withDocker ? ` Against docker: ${x(s.ratiosVsDocker?.batchSerial)} and ${x(s.ratiosVsDocker?.batchConcurrent)}.` : ''}`, '');
  return lines.join('\n');
}

// ---- pull ----
function pull(s) {
  const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
  const lines = [
    '## Pull from a local registry',
    '',
    header(s),
    `- The image: ${s.image.layers} layers (busybox and ${s.image.layers - 1} of ${s.image.layerMiB} MiB of random bytes), ${mib(s.image.compressedBytes)} MiB compressed, on a docker-registry at 127.0.0.1.` +
      ` ${s.runs} interleaved rounds after one warm-up. Cold: nothing of the image stored (berth: \`rmi\`, then its blobs removed once the daemon has deleted its layers, which it does in the background after \`rmi\` returns, while a pull that comes meanwhile waits for it; podman: \`rmi\`, which deletes before it returns; skopeo: a new OCI dir).` +
      ' Warm: all of it stored. skopeo only fetches and stores (no unpacking). Milliseconds, the CLI included.',
    '',
    row(['tool', 'cold median (min–max)', 'warm median (min–max)']),
    row(['---', '---', '---']),
  ];
  for (const [name, r] of Object.entries(s.results)) {
    lines.push(row([name, `${f(r.cold.median, 0)} (${f(r.cold.min, 0)}–${f(r.cold.max, 0)})`, `${f(r.warm.median, 0)} (${f(r.warm.min, 0)}–${f(r.warm.max, 0)})`]));
  }
  lines.push('', `berth / podman: cold ${s.ratios.coldVsPodman}x (goal at most 0.5x), warm ${s.ratios.warmVsPodman}x (goal at most 1x); berth / skopeo: cold ${s.ratios.coldVsSkopeo}x, warm ${s.ratios.warmVsSkopeo}x.`);
  const request = s.results['berth request'];
  if (request) {
    lines.push(`- \`berth request\` is the same pull sent as one \`image.pull\` request over an open NATS connection: the daemon's part alone.` +
      ` Warm, the daemon takes ${f(request.warm.median, 0)} ms of berth's ${f(s.results.berth.warm.median, 0)}; the other ${f(s.results.berth.warm.median - request.warm.median, 0)} ms are the CLI's process (Node start-up, module load, connect, ping).` +
      ` The daemon's part alone is ${s.ratios.requestWarmVsPodman}x podman's whole warm pull.` +
      ` Cold, the daemon takes ${f(request.cold.median, 0)} ms of berth's ${f(s.results.berth.cold.median, 0)} (fetching, checking and unpacking ${mib(s.image.compressedBytes)} MiB; skopeo's fetch and store alone takes ${f(s.results.skopeo.cold.median, 0)}).`);
  }
  lines.push('- Since 559eb55 each layer fetched from its first byte is unpacked as its bytes arrive, instead of from the stored blob once it is complete.' +
    ' Measured first in this scenario, five runs with the two daemon builds in turn: the daemon\'s part 406 and 387 ms against 430, 445 and 446 (berth 584 and 542' +
    ' against 617, 608 and 665), about 10 % less; against fresh daemons with nothing else stored the difference was within the noise (block medians 253-314 ms against' +
    ' 233-294, 420-525 against 434-550). Three layers are fetched at once, so fetching and unpacking already overlapped across layers; the pull is bound by the' +
    ' daemon\'s one thread (the two sha256 hashes, gunzip\'s callbacks, the tar writes, and collections: reading the blob back allocated 33 MiB more).');
  lines.push('');
  return lines.join('\n');
}

// ---- shim memory and exec latency ----

function shimMemory(s) {
  const { berthShim, conmon, containerdShim } = s.memory;
  const memRow = (name, m) => row([name, m.rssKb.n, ...mmm(m.rssKb, 0), f(m.pssKb.median, 0), f(m.ussKb.median, 0)]);
  const memory = [
    row(['monitor (one per running container)', 'n', 'RSS median kB', 'min', 'max', 'PSS median kB', 'USS median kB']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:']),
    memRow('berth-shim (static, `berth run -d busybox sleep 1000`)', berthShim),
    ...(conmon ? [memRow(`conmon (podman${s.podman?.runtime ? `, OCI runtime ${s.podman.runtime}` : ''})`, conmon)] : []),
    ...(containerdShim ? [memRow('containerd-shim-runc-v2 (docker, OCI runtime runc)', containerdShim)] : []),
  ];
  const execRows = Object.entries(s.exec).filter(([, v]) => v.n > 0);
  const exec = [
    row(['command', 'median ms', 'min ms', 'max ms', 'n']),
    row(['---', '---:', '---:', '---:', '---:']),
    ...execRows.map(([name, v]) => row([`\`${name}\``, ...mmm(v, 1), v.n])),
  ];
  const berthExec = s.exec['berth exec C true'];
  const podmanExec = s.exec['podman exec C true'];
  const notes = [
    `- **Goal: ${s.goal.text}: ${s.goal.met ? 'met' : 'not met'}** — median RSS ${f(berthShim.rssKb.median, 0)} kB, of which` +
      ` ${f(berthShim.ussKb.median, 0)} kB private to each shim; the rest is the static binary's pages, shared by every shim (PSS ${f(berthShim.pssKb.median, 0)} kB` +
      ` with ${berthShim.rssKb.n} shims running).`,
  ];
  notes.push('- berth-shim runs from a read-only overlayfs view of its own file (CVE-2019-5736\'s guard, runtime/native/sealedview.c): its text is the' +
    ' binary\'s page cache, shared by every shim, and what is private to each is its data, bss, heap and stack. At 698953f each shim ran from a' +
    ' sealed memfd copy of its own, whose 1.1 MB binary\'s touched pages (684 kB USS) were private to it; kernels before 6.15 still take that copy.');
  if (conmon) {
    const share = berthShim.ussKb.median / conmon.ussKb.median;
    notes.push(`- **Goal (issue 19): USS at most 0.2× conmon's: ${share <= 0.2 ? 'met' : 'not met'}** — ${f(berthShim.ussKb.median, 0)} kB against` +
      ` ${f(conmon.ussKb.median, 0)} kB, ${share.toFixed(2)}×.`);
    notes.push(`- conmon/berth-shim: RSS ${ratio(conmon.rssKb.median, berthShim.rssKb.median)}, PSS ${ratio(conmon.pssKb.median, berthShim.pssKb.median)},` +
      ` USS ${ratio(conmon.ussKb.median, berthShim.ussKb.median)}. conmon links glib and libc dynamically, so much of its RSS is shared libraries;` +
      ' USS (pages no other process maps) is what one more container really costs in each.');
  } else {
    notes.push('- podman was not measured in this run (it needs bench/peers.sh\'s preparation: run the scenario through bench/run.sh).');
  }
  if (containerdShim) {
    notes.push(`- containerd-shim-runc-v2/berth-shim (docker's per-container monitor): RSS ${ratio(containerdShim.rssKb.median, berthShim.rssKb.median)},` +
      ` PSS ${ratio(containerdShim.pssKb.median, berthShim.pssKb.median)}, USS ${ratio(containerdShim.ussKb.median, berthShim.ussKb.median)}` +
      `${conmon ? ` (conmon: ${ratio(conmon.rssKb.median, berthShim.rssKb.median)}, ${ratio(conmon.pssKb.median, berthShim.pssKb.median)}, ${ratio(conmon.ussKb.median, berthShim.ussKb.median)})` : ''}.` +
      ' The shim is a Go program (its runtime, a ttrpc server and goroutines), one per container; its binary\'s pages are shared between the shims as berth-shim\'s are.');
  } else {
    notes.push('- docker was not measured in this run (it needs the dockerd bench/run.sh starts).');
  }
  const dockerExec = s.exec['docker exec C true'];
  if (berthExec?.n && dockerExec?.n) {
    notes.push(`- \`docker exec\` ${f(dockerExec.median, 0)} ms: berth/docker ${ratio(berthExec?.median, dockerExec.median)}.`);
  }
  if (berthExec?.n && podmanExec?.n) {
    notes.push(`- Exec: \`berth exec\` ${f(berthExec.median, 0)} ms against \`podman exec\` ${f(podmanExec.median, 0)} ms (${ratio(berthExec.median, podmanExec.median)}).` +
      ' Most of berth\'s is the CLI\'s Node start-up and module loading (see the start-latency section); the daemon\'s part is a spawn of' +
      ' `berth-shim exec`, the setns calls and the exec_created/exec_started/exec_died events.');
  }
  return `## Shim memory and exec latency

The monitor process each running container costs (berth-shim, podman's conmon, docker's containerd-shim-runc-v2), with ${s.settings.containers} containers running on each
engine at once, and the latency of an exec into a running container, ${s.settings.execRuns} rounds after ${s.settings.warmup} discarded.

${header(s)}
- berth: \`${s.commands.berth.join('`, `')}\`${s.commands.podman ? `; podman: \`${s.commands.podman.join('`, `')}\`` : ''}${s.commands.docker ? `; docker: \`${s.commands.docker.join('`, `')}\`` : ''}.
- Order: ${s.settings.order}. Measured: ${s.timing}.

${memory.join('\n')}

${exec.join('\n')}

${notes.join('\n')}
`;
}

// ---- daemon memory ----

function daemonMemory(s) {
  const mib = (kb) => f(kb / 1024, 1);
  const cells = (m) => [`${mib(m.rssKb.median)} (${mib(m.rssKb.max)})`, `${mib(m.pssKb.median)} (${mib(m.pssKb.max)})`];
  const engines = [['berth', s.results.berth], ['docker', s.results.docker]].filter(([, steps]) => steps);
  const table = [
    row(['engine', 'containers', 'process', 'RSS MiB median (max)', 'PSS MiB median (max)']),
    row(['---', '---', '---', '---:', '---:']),
  ];
  for (const [engine, steps] of engines) {
    for (const step of steps) {
      for (const [name, m] of Object.entries(step.processes)) {
        table.push(row([engine, step.label, name === 'total' ? '**total**' : name, ...cells(m)]));
      }
    }
  }
  const total = (steps, label) => steps?.find((x) => x.label === label)?.processes.total;
  const notes = [];
  /** "+X MiB for the first 50 (~Y kB each), +… for the next 450 (…)": RSS growth between the created steps. */
  const growth = (steps) => {
    const created = steps.filter((x) => x.state !== 'running');
    return created.slice(1).map((x, i) => {
      const before = created[i];
      const kb = x.processes.total.rssKb.median - before.processes.total.rssKb.median;
      const n = x.containers - before.containers;
      return `${kb >= 0 ? '+' : ''}${mib(kb)} MiB for the ${i === 0 ? 'first' : 'next'} ${n} (~${f(kb / n, 0)} kB each)`;
    }).join(', ');
  };
  const idle = s.results.berth[0].processes.total;
  const biggest = s.results.berth.filter((x) => x.state === 'created').at(-1);
  const berthRunning = s.results.berth.find((x) => x.state === 'running');
  if (biggest) {
    notes.push(`- berth (daemon + nats-server): ${mib(idle.rssKb.median)} MiB RSS idle, ${mib(biggest.processes.total.rssKb.median)} MiB with ${biggest.containers} created` +
      ` containers: ${growth(s.results.berth)}.` +
      `${berthRunning ? ` With ${berthRunning.containers} running (fresh daemon): ${mib(berthRunning.processes.total.rssKb.median)} MiB.` : ''}` +
      ' A V8 heap grows in steps and is collected when V8 decides, so RSS alone cannot tell what the daemon keeps per container from garbage' +
      ' not yet collected; uneven growth between the steps is a reason to look with a heap snapshot, not a measured per-container cost.');
  }
  if (s.results.docker) {
    const dIdle = s.results.docker[0].processes.total;
    const dBig = biggest ? total(s.results.docker, biggest.label) : null;
    notes.push(`- docker (dockerd + containerd): ${mib(dIdle.rssKb.median)} MiB RSS idle` +
      `${dBig ? `, ${mib(dBig.rssKb.median)} MiB with ${biggest.containers} created: ${growth(s.results.docker)}` : ''}.` +
      ` berth/docker, RSS: ` +
      s.results.berth.map((x) => `${x.label} ${ratio(x.processes.total.rssKb.median, total(s.results.docker, x.label)?.rssKb.median)}`).join(', ') +
      '; PSS: ' + s.results.berth.map((x) => `${x.label} ${ratio(x.processes.total.pssKb.median, total(s.results.docker, x.label)?.pssKb.median)}`).join(', ') + '.');
  } else {
    notes.push('- docker was not measured in this run (its dockerd needs BENCH_WORK: run the scenario through bench/run.sh).');
  }
  notes.push('- PSS divides each shared page among the processes mapping it: berthd shares the node binary\'s pages with every other Node process' +
    ' on the machine (the bench itself and whatever else runs), so its PSS falls as more of them run; dockerd\'s and containerd\'s pages are their own' +
    ' Go binaries\' (dynamically linked, but mostly Go code that only another dockerd would share). RSS is what one daemon holds; PSS what it costs on this machine at that moment.');
  notes.push('- podman has no daemon: between commands nothing of it stays resident; each running container costs a conmon (see the shim-memory section).');
  notes.push('- Created means `create` only (never started): the daemons hold each container\'s record; running containers add a monitor process each' +
    ' (berth-shim, containerd-shim-runc-v2), not counted here.' +
    `${s.settings.running < Math.max(...s.settings.counts) ? ` ${Math.max(...s.settings.counts)} running containers on this shared 2-core machine were not attempted; the running step has ${s.settings.running}.` : ''}`);
  return `## Daemon memory with 0, ${s.settings.counts.join(' and ')} containers

The resident memory of each engine's long-lived processes: idle, with ${s.settings.counts.join(' and ')} created containers, and with ${s.settings.running} running
(on a fresh daemon of the engine${/fresh/.test(s.settings.order) ? '' : ' — not in this run: the running step followed the removal of the created ones'}).

${header(s)}
- berth: ${s.commands.berth}.
${s.commands.docker ? `- docker: ${s.commands.docker}.\n` : ''}- podman: ${s.commands.podman}.
- Order: ${s.settings.order}; containers made ${s.settings.parallel} at a time. Measured: ${s.timing}.

${table.join('\n')}

${notes.join('\n')}
`;
}

// ---- engine against engine, one interleaved run: network, docker-api, build, compose ----

/** `uptime` before and after, and why the ratios are what to read. */
function loadNote(s) {
  return `- \`uptime\` before: \`${s.uptime?.before ?? 'n/a'}\`; after: \`${s.uptime?.after ?? 'n/a'}\`. The machine was shared with other work` +
    ' while this ran, so the absolute figures carry that load; the engines were measured in turn within the same rounds, so the' +
    ' **ratios within this run** are what to compare.';
}

/**
 * One row per metric: each subject's median (min–max), then each ratio column.
 * `metrics`: [[key, label, digits]]; `subjects`: [[name, label]]; `ratios`: [[label, ratiosByMetric]].
 */
function compareTable(s, metrics, subjects, ratios) {
  const present = subjects.filter(([name]) => s.results[name]);
  const columns = ratios.filter(([, byMetric]) => byMetric);
  const cell = (v, digits) => (v ? `${f(v.median, digits)} (${f(v.min, digits)}–${f(v.max, digits)})` : '—');
  const x = (r) => (r === null || r === undefined ? '—' : `${r.toFixed(2)}x`);
  return [
    row(['', ...present.map(([, label]) => `${label} median (min–max)`), ...columns.map(([label]) => label)]),
    row(['---', ...present.map(() => '---:'), ...columns.map(() => '---:')]),
    ...metrics.filter(([key]) => s.results.berth[key]).map(([key, label, digits = 1]) => row([label,
      ...present.map(([name]) => cell(s.results[name][key], digits)), ...columns.map(([, byMetric]) => x(byMetric[key]))])),
  ].join('\n');
}

const goalLine = (text, value, limit, atLeast = false) => {
  if (value === null || value === undefined) return `- Goal: ${text}: not measured.`;
  const met = atLeast ? value >= limit : value <= limit;
  return `- **Goal: ${text}: ${met ? 'met' : 'not met'}** (${value.toFixed(2)}x).`;
};

function network(s) {
  const r = s.results;
  const table = compareTable(s, [
    ['containerToContainerGbps', 'iperf3 container → container on one user network, Gbit/s', 2],
    ['hostToPublishedGbps', 'iperf3 namespace → port published on 127.0.0.1, Gbit/s', 2],
    ['batchStart', `${s.settings.batch} × \`run -d --network ${s.settings.network} busybox sleep 600\`, ${s.settings.parallel} at a time, ms (total)`, 0],
    ['batchRm', `\`rm -f\` of those ${s.settings.batch}, ms (one command)`, 0],
  ], [['berth', 'berth'], ['podman', 'podman (netavark)']], [['berth / podman', s.ratios]]);
  const distinct = Object.entries(s.distinctAddresses ?? {}).map(([engine, counts]) => `${engine} ${counts.join(', ')}`).join('; ');
  return `## Network: throughput and 50 containers on one network

${header(s)}
${loadNote(s)}
- In the bench's own network namespace (run.sh), both engines at once: berth's bridge and nft table, podman's netavark; each engine
  a user network \`${s.settings.network}\` of its own (berth ${s.settings.subnets.berth}, podman ${s.settings.subnets.podman}).
  The image is the busybox rootfs plus the host's \`${s.iperf3}\` and the libraries it links, imported into both.
- Container → container: \`run -d --network ${s.settings.network} iperf iperf3 -s\`, then \`run --rm --network ${s.settings.network} iperf iperf3 -c SERVER_IP -t ${s.settings.seconds} -J\`
  (the client's received rate; TCP, one stream). Namespace → published port: the server on the engine's default bridge with
  \`-p 127.0.0.1:PORT:5201\`, the namespace's own iperf3 as the client on 127.0.0.1:PORT (DNAT from loopback).
- ${s.settings.runs} interleaved rounds (berth, podman, …) after ${s.settings.warmup} discarded, for the throughput and for the batch.
  Distinct addresses per batch (each must be ${s.settings.batch}): ${distinct}.

${table}

${goalLine('throughput within 10% of podman\'s (container → container)', s.ratios.containerToContainerGbps, 0.9, true)}
${goalLine('throughput within 10% of podman\'s (namespace → published port)', s.ratios.hostToPublishedGbps, 0.9, true)}
- Throughput on this 2-core machine is bound by the CPU (both ends and the bridge on the same two cores, shared with other work), so
  it measures the per-packet cost of each engine's path (veth, bridge, nft rules and conntrack) more than any link.
`;
}

function dockerApi(s) {
  const subjects = [['berth', 'docker → berth'], ['podman', 'docker → podman service'], ['docker', 'docker → dockerd']];
  const table = compareTable(s, [
    ['version', '`docker version`'],
    ['ps', '`docker ps`'],
    ['runRm', '`docker run --rm --network none localhost/busybox true`'],
    ['inspect', '`docker inspect C`'],
    ['apiPing', 'dockerode `ping()` (in process, no CLI)', 2],
    ['apiVersion', 'dockerode `version()`', 2],
    ['apiList', 'dockerode `listContainers({ all: true })`', 2],
    ['apiInspect', 'dockerode `getContainer(C).inspect()`', 2],
    ['batchRunD', `${s.settings.batch ?? 50} × \`docker run -d --network none localhost/busybox sleep 600\`, one after another (total)`, 0],
    ['ps100', `\`docker ps -a\` with ${2 * (s.settings.batch ?? 50)} containers`],
  ], subjects, [['berth / podman', s.ratios.vsPodman], ['berth / dockerd', s.ratios.vsDocker]]);
  const podmanCli = s.results['podman CLI']?.runRm;
  return `## Docker API socket: the docker CLI against berth, podman and dockerd

${header(s)}
${loadNote(s)}
- The same CLI, \`${s.cli}\`, with \`DOCKER_HOST=unix://…\` pointed at each: ${Object.entries(s.targets).map(([k, v]) => `${k}: ${v}`).join('; ')}.
  Each command is a fresh CLI process (the Go CLI's start and its API version negotiation included); C is a container created beforehand.
  The dockerode rows are the same requests from this Node process over an open client: the socket server's own answer time.
- ${s.settings.runs} rounds after ${s.settings.warmup} discarded, ${s.settings.order}. Milliseconds.${s.settings.batchRounds ? `
  The batch rows: ${s.settings.batchRounds} rounds, engines alternating; each runs ${s.settings.batch} containers one after another, creates ${s.settings.batch} more, lists all ${2 * s.settings.batch} (\`ps -a\`, the median of 3), then removes them.` : ''}

${table}

${s.results.podman?.apiVersion?.median > 10 * (s.results.berth.apiVersion?.median ?? Infinity) ? `- podman's \`/version\` is slow here because the service looks up its components' package versions (it runs \`dpkg-query --search\` for conmon and the OCI runtime) on every call; \`docker version\` through podman pays it too.\n` : ''}- For reference, podman's own CLI \`podman run --rm --network none localhost/busybox true\`: ${podmanCli ? `${f(podmanCli.median)} ms (${f(podmanCli.min)}–${f(podmanCli.max)})` : 'n/a'}.
${goalLine('`docker run --rm` through berth at most 0.5x podman\'s own `run --rm`', s.ratios.runRmVsPodmanCli, 0.5)}
${goalLine('`docker run --rm` through berth at most 0.4x the same CLI through dockerd', s.ratios.vsDocker?.runRm, 0.4)}
`;
}

function build(s) {
  const table = compareTable(s, [
    ['cold', 'cold: `build --no-cache`', 0],
    ['cached', 'cached: the same build again (after an untimed one)', 0],
  ], [['berth', 'berth build'], ['podman', 'podman build'], ['buildah', 'buildah bud'], ['docker', 'docker build (legacy)']],
  [['berth / podman', s.ratios.vsPodman], ['berth / buildah', s.ratios.vsBuildah], ['berth / docker', s.ratios.vsDocker]]);
  const steps = s.dockerfile.trim().split('\n');
  return `## Build: berth build against podman, buildah and docker

${header(s)}
${loadNote(s)}
- The same context (${s.context}) and Dockerfile, FROM the same busybox rootfs (localhost/busybox in each engine), RUN steps without a network:

\`\`\`dockerfile
${steps.join('\n')}
\`\`\`

- Commands: ${Object.entries(s.commands).map(([k, v]) => `${k}: \`${v}\``).join('; ')}. ${s.versions.buildah ?? ''}${s.versions.docker ? `; ${s.versions.docker}` : ''}.
  podman and buildah share peers.sh's storage (${s.podman.driver ?? '?'} driver), so buildah's cache also holds podman's (identical) layers.
- ${s.settings.runs} rounds after ${s.settings.warmup} discarded, ${s.settings.order}. Milliseconds, the CLI included.

${table}

- The cached build gave the same image id as the untimed build before it (per round): ${Object.entries(s.sameImage ?? {}).map(([k, v]) => `${k} ${v.map((same) => (same ? 'yes' : 'no')).join(', ')}`).join('; ')}.

${goalLine('cold build at most 1x podman\'s', s.ratios.vsPodman?.cold, 1)}
${goalLine('cached rebuild at most 0.3x podman\'s', s.ratios.vsPodman?.cached, 0.3)}
`;
}

function compose(s) {
  const table = compareTable(s, [
    ['up', '`compose up -d` (5 services, a network, 2 volumes)', 0],
    ['down', '`compose down -v -t 0`', 0],
  ], [['berth', 'berth compose'], ['podman-compose', 'podman-compose'], ['podman-steps', 'podman-compose\'s podman commands, no sleeps'], ['docker-compose', 'docker-compose 1.29 → dockerd']],
  [['berth / podman-compose', s.ratios.vsPodmanCompose], ['berth / podman steps', s.ratios.vsPodmanSteps], ['berth / docker-compose', s.ratios.vsDockerCompose]]);
  return `## Compose: a 5-service project, berth compose against podman-compose

${header(s)}
${loadNote(s)}
- The same compose file for both (below), project \`-p benchc\`; each round \`up -d\`, a GET on the published port (untimed), \`down -v -t 0\`.
  ${s.versions['podman-compose'] ?? 'podman-compose'} on peers.sh's podman (\`--podman-args\` with its storage arguments).
- podman-compose 1.0.3 sleeps 1 s after most podman commands it runs in \`up\`; the third column replays the podman commands it printed in
  that round (${s.podmanSteps ? ['up', 'down'].map((phase) => `${phase}: ${Object.entries(s.podmanSteps[phase]).map(([verb, n]) => `${n} × \`${verb}\``).join(', ')}`).join('; ') : 'n/a'}),
  one after another without the sleeps: podman's own cost of the same steps.
- ${s.settings.runs} rounds after ${s.settings.warmup} discarded, ${s.settings.order}. Milliseconds, the CLI included.

\`\`\`yaml
${s.composeFile.trim()}
\`\`\`

${table}

${goalLine('`up` at most 0.5x podman\'s (podman-compose)', s.ratios.vsPodmanCompose?.up, 0.5)}
${goalLine('`down` at most 0.5x podman\'s (podman-compose)', s.ratios.vsPodmanCompose?.down, 0.5)}
`;
}

/** The scenario sections of RESULTS.md (empty when none was ever measured). */
export function renderScenarios(scenarios) {
  const parts = [];
  if (scenarios.daemonReady) parts.push(daemonReady(scenarios.daemonReady, scenarios.eventLog));
  if (scenarios.eventLog) parts.push(eventLog(scenarios.eventLog));
  if (scenarios.eventLatency) parts.push(eventLatency(scenarios.eventLatency));
  if (scenarios.lifecycle) parts.push(lifecycle(scenarios.lifecycle));
  if (scenarios.pull) parts.push(pull(scenarios.pull));
  if (scenarios.shimMemory) parts.push(shimMemory(scenarios.shimMemory));
  if (scenarios.daemonMemory) parts.push(daemonMemory(scenarios.daemonMemory));
  if (scenarios.network) parts.push(network(scenarios.network));
  if (scenarios.dockerApi) parts.push(dockerApi(scenarios.dockerApi));
  if (scenarios.build) parts.push(build(scenarios.build));
  if (scenarios.compose) parts.push(compose(scenarios.compose));
  return parts.join('\n');
}

/** One-line summaries for the terminal. */
export function summaryLines(scenarios) {
  const lines = [];
  const dr = scenarios.daemonReady;
  if (dr?.measuredInThisRun) {
    for (const size of dr.sizes) {
      lines.push(`daemon-ready   ${String(size.containers).padStart(6)} containers: full ${f(size.modes.full.spawnToBerthdJson.median, 0)} ms, snapshots ${f(size.modes.snapshots.spawnToBerthdJson.median, 0)} ms`);
    }
  }
  const el = scenarios.eventLog;
  if (el?.measuredInThisRun) {
    for (const size of el.sizes) {
      lines.push(`event-log      ${String(size.events).padStart(6)} events: ${Object.entries(size.append).map(([m, v]) => `${m} ${k(v.eventsPerSecond.median)}/s`).join(', ')};` +
        ` replay ${Object.entries(size.replay).map(([m, v]) => `${m} ${k(v.eventsPerSecond.median)}/s`).join(', ')}`);
    }
  }
  const lat = scenarios.eventLatency;
  if (lat?.measuredInThisRun) {
    const d = lat.results.delivery;
    lines.push(`event-latency  nats start ${f(d.nats.start.median, 2)} ms, die ${f(d.nats.die.median, 2)} ms; berth events ${f(d.cli.start.median, 2)} ms` +
      `${d.podman?.start?.n ? `; podman events start ${f(d.podman.start.median, 1)} ms, died ${f(d.podman.die.median, 1)} ms` : ''}` +
      `${d.docker?.start?.n ? `; docker events start ${f(d.docker.start.median, 2)} ms, die ${f(d.docker.die.median, 2)} ms` : ''}`);
  }
  const pl = scenarios.pull;
  if (pl?.measuredInThisRun) lines.push(`pull           berth/podman cold ${pl.ratios.coldVsPodman}x, warm ${pl.ratios.warmVsPodman}x; berth/skopeo cold ${pl.ratios.coldVsSkopeo}x`);
  const lc = scenarios.lifecycle;
  if (lc?.measuredInThisRun) {
    lines.push(`lifecycle      berth/podman: ${Object.entries(lc.ratios).map(([name, r]) => `${name} ${r}x`).join(', ')}`);
    if (lc.ratiosVsDocker) lines.push(`lifecycle      berth/docker: ${Object.entries(lc.ratiosVsDocker).map(([name, r]) => `${name} ${r}x`).join(', ')}`);
  }
  const sm = scenarios.shimMemory;
  if (sm?.measuredInThisRun) {
    const { berthShim, conmon } = sm.memory;
    lines.push(`shim-memory    berth-shim RSS ${f(berthShim.rssKb.median, 0)} kB (USS ${f(berthShim.ussKb.median, 0)})` +
      `${conmon ? `, conmon RSS ${f(conmon.rssKb.median, 0)} kB (USS ${f(conmon.ussKb.median, 0)})` : ''}` +
      `${sm.memory.containerdShim ? `, containerd-shim RSS ${f(sm.memory.containerdShim.rssKb.median, 0)} kB (USS ${f(sm.memory.containerdShim.ussKb.median, 0)})` : ''}; exec ` +
      Object.entries(sm.exec).filter(([, v]) => v.n).map(([name, v]) => `${name.split(' ')[0]} ${f(v.median, 0)} ms`).join(', '));
  }
  const dm = scenarios.daemonMemory;
  if (dm?.measuredInThisRun) {
    const mib = (kb) => f(kb / 1024, 1);
    lines.push(`daemon-memory  RSS MiB, berth: ${dm.results.berth.map((x) => `${x.label} ${mib(x.processes.total.rssKb.median)}`).join(', ')}` +
      `${dm.results.docker ? `; docker: ${dm.results.docker.map((x) => `${x.label} ${mib(x.processes.total.rssKb.median)}`).join(', ')}` : ''}`);
  }
  const ratioLine = (name, label, byMetric) => {
    if (byMetric) lines.push(`${name.padEnd(14)} ${label}: ${Object.entries(byMetric).map(([m, r]) => `${m} ${r}x`).join(', ')}`);
  };
  if (scenarios.network?.measuredInThisRun) ratioLine('network', 'berth/podman', scenarios.network.ratios);
  if (scenarios.dockerApi?.measuredInThisRun) {
    ratioLine('docker-api', 'berth/podman', scenarios.dockerApi.ratios.vsPodman);
    ratioLine('docker-api', 'berth/dockerd', scenarios.dockerApi.ratios.vsDocker);
  }
  if (scenarios.build?.measuredInThisRun) {
    ratioLine('build', 'berth/podman', scenarios.build.ratios.vsPodman);
    ratioLine('build', 'berth/buildah', scenarios.build.ratios.vsBuildah);
    ratioLine('build', 'berth/docker', scenarios.build.ratios.vsDocker);
  }
  if (scenarios.compose?.measuredInThisRun) {
    ratioLine('compose', 'berth/podman-compose', scenarios.compose.ratios.vsPodmanCompose);
    ratioLine('compose', 'berth/podman steps', scenarios.compose.ratios.vsPodmanSteps);
  }
  return lines;
}
