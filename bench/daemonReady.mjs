#!/usr/bin/env node
/**
 * Daemon ready time vs history. For each size (BENCH_READY_SIZES, default "1000 10000"
 * containers, about 20 events each, all ending exited or removed: bench/histories.mjs) it
 * starts a nats-server of its own (JetStream, file store in a temp dir, loopback, free port),
 * writes that host's history into it through berth's Entity + JetStreamEventStore, and times
 *
 *   node dist/cli/daemon.cjs --root R --run-root RR --host-id H --nats URL [--no-snapshots]
 *
 * from just before spawn() to RR/berthd.json appearing (inotify on RR), and reads the daemon's
 * own "ready: … N ms" line on stderr (its figure excludes Node start-up and module loading).
 *
 *   full       --no-snapshots: every start replays the whole log
 *   snapshots  the default: a priming start replays the log, and its SIGTERM stop writes every
 *              snapshot and the checkpoint; measured starts load the snapshots, then the tail
 *   empty      (first size only) a host with no history on the same server: the fixed cost
 *
 * BENCH_READY_RUNS (default 5) runs of each, interleaved (full, snapshots, empty, then the
 * other way round, ...). Every daemon is stopped with SIGTERM and waited for before the next.
 *
 *   node bench/daemonReady.mjs OUT.json
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  connect, daemonCli, envInt, envInts, load, loadDist, mono, node, repo, retryHalfBuilt, runScenario, spawnTracked,
  sleep, startNats, stopChild, tempDir, writeJson,
} from './procs.mjs';
import { writeHistories } from './histories.mjs';
import { summary } from './stats.mjs';

const outFile = process.argv[2];
if (!outFile) {
  console.error('usage: daemonReady.mjs OUT.json');
  process.exit(2);
}
const sizes = envInts('BENCH_READY_SIZES', '1000 10000');
const runs = envInt('BENCH_READY_RUNS', 5);
const log = (line) => process.stderr.write(`daemonReady: ${line}\n`);
const rel = (file) => path.relative(repo, file);

/**
 * The daemon's ready line (actors/daemon.ts, logfmt): `msg=ready host=H snapshots=N events=N
 * cgroup=M ms=N`. Matched on its message: the bench's temp dirs are named ready-N too.
 */
const READY_LINE = /\bmsg="?ready"?(\s|$)/;

/** One daemon start: spawn → berthd.json, and the daemon's own ready line. Leaves it running. */
async function startDaemon({ root, runRoot, host, url, snapshots }) {
  fs.mkdirSync(runRoot, { recursive: true, mode: 0o700 });
  const info = path.join(runRoot, 'berthd.json');
  fs.rmSync(info, { force: true });
  // No bridge: the bench's start-latency daemon manages the networks of its network namespace.
  const args = [daemonCli, '--root', root, '--run-root', runRoot, '--host-id', host, '--nats', url, '--bridge', 'none'];
  if (!snapshots) args.push('--no-snapshots');
  let stderr = '';
  let lineAt = null;
  let fileAt = null;
  let resolveReady;
  const ready = new Promise((resolve) => { resolveReady = resolve; });
  const check = () => {
    if (fileAt === null && fs.existsSync(info)) fileAt = mono();
    if (fileAt !== null && lineAt !== null) resolveReady();
  };
  const watcher = fs.watch(runRoot, (_event, name) => { if (name === 'berthd.json') check(); });
  const poll = setInterval(check, 50); // a fallback only; inotify sees the file first
  const t0 = mono();
  const child = spawnTracked(node, args, { stdio: ['ignore', 'ignore', 'pipe'] }, 'berthd');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    if (lineAt === null && READY_LINE.test(stderr)) { lineAt = mono(); check(); }
  });
  const exited = child.exited.then(({ code, signal }) => {
    throw new Error(`the daemon exited (${signal ?? `code ${code}`}) before it was ready:\n${stderr}`);
  });
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no ready daemon after 120 s:\n${stderr}`)), 120_000); });
  try {
    await Promise.race([ready, exited, timeout]);
  } finally {
    clearTimeout(timer);
    watcher.close();
    clearInterval(poll);
  }
  exited.catch(() => {}); // it will exit when we stop it
  const line = stderr.split('\n').find((l) => READY_LINE.test(l)) ?? '';
  const field = (name) => { const m = line.match(new RegExp(`\\b${name}=(\\d+)\\b`)); return m ? Number(m[1]) : null; };
  const reported = field('ms');
  const replayed = { snapshots: field('snapshots'), events: field('events') };
  return {
    child,
    argv: ['node', 'dist/cli/daemon.cjs', ...args.slice(1)],
    sample: {
      spawnToFileMs: fileAt - t0,
      spawnToLineMs: lineAt - t0,
      reportedMs: reported,
      snapshots: replayed.snapshots,
      events: replayed.events,
    },
    line,
  };
}

/** Starts, measures, stops (SIGTERM, waited for: that stop flushes snapshots and the checkpoint). */
async function timeStart(subject) {
  const started = await retryHalfBuilt('berthd', () => startDaemon(subject));
  // cli/commands/daemon.ts installs its SIGTERM handler only after runDaemon() returns, just
  // after the ready line: a SIGTERM at that very moment kills it without a clean stop. Let it settle.
  await sleep(100);
  const stopped = await stopChild(started.child, 30_000);
  if (stopped.code !== 0) throw new Error(`the daemon's stop exited ${stopped.signal ?? stopped.code}`);
  return { ...started.sample, stopMs: stopped.ms, line: started.line, argv: started.argv };
}

async function measureSize(containers, withEmpty) {
  const dir = tempDir(`ready-${containers}`);
  const nats = await startNats(path.join(dir, 'nats'));
  const host = `bench-${containers}`;
  const nc = await connect(nats.url, 'bench-history');
  const [{ ensureEventStream, JetStreamEventStore }, { jetstreamManager }] = await Promise.all([
    loadDist('nats/store/jetStream.js'), import('@nats-io/jetstream'),
  ]);
  await ensureEventStream(nc);
  log(`${containers} containers: writing the history of host ${host}`);
  const t0 = mono();
  const history = await writeHistories({
    store: new JetStreamEventStore(nc), host, count: containers, seed: containers,
    onProgress: (n, events) => { if (n % 5000 === 0) log(`  ${n} containers, ${events} events`); },
  });
  const generateMs = mono() - t0;
  const stream = (await (await jetstreamManager(nc)).streams.info('BERTH_EVENTS')).state;
  await nc.close();
  log(`  ${history.events} events in ${(generateMs / 1000).toFixed(1)} s (${JSON.stringify(history.statuses)}), stream ${(stream.bytes / 2 ** 20).toFixed(1)} MiB`);

  const subject = (name, snapshots, h = host) => ({
    name, snapshots, host: h, url: nats.url, root: path.join(dir, `${name}-root`), runRoot: path.join(dir, `${name}-run`),
  });
  const subjects = [subject('full', false), subject('snapshots', true)];
  if (withEmpty) subjects.push(subject('empty', false, 'bench-empty'));

  // Priming: this start replays the whole log; its stop writes every snapshot and the checkpoint.
  const prime = await timeStart(subjects[1]);
  log(`  priming start (writes the snapshots at its stop): ready in ${prime.spawnToFileMs.toFixed(0)} ms, stop ${prime.stopMs.toFixed(0)} ms`);

  const samples = Object.fromEntries(subjects.map((s) => [s.name, []]));
  let argv = {};
  for (let round = 0; round < runs; round++) {
    const order = round % 2 === 0 ? subjects : [...subjects].reverse();
    for (const s of order) {
      const sample = await timeStart(s);
      argv[s.name] = sample.argv;
      samples[s.name].push(sample);
      if (s.name === 'snapshots' && sample.events !== 0) throw new Error(`a start from snapshots replayed ${sample.events} events: ${sample.line}`);
      if (s.name === 'full' && sample.events !== null && sample.events !== history.events) {
        throw new Error(`a full replay folded ${sample.events} events, the history has ${history.events}: ${sample.line}`);
      }
    }
    log(`  round ${round + 1}/${runs}: ${subjects.map((s) => `${s.name} ${samples[s.name].at(-1).spawnToFileMs.toFixed(0)} ms`).join(', ')}`);
  }
  await nats.stop();
  fs.rmSync(dir, { recursive: true, force: true });

  const modes = Object.fromEntries(subjects.map((s) => {
    const list = samples[s.name];
    const field = (key) => { const v = list.map((x) => x[key]).filter((x) => x !== null); return { ...summary(v), samples: v.map((x) => Math.round(x * 100) / 100) }; };
    return [s.name, {
      host: s.host,
      argv: argv[s.name].map((a) => (a === nats.url ? 'URL' : a.startsWith(dir) ? a.replace(dir, 'TMP') : a)),
      spawnToBerthdJson: field('spawnToFileMs'),
      spawnToReadyLine: field('spawnToLineMs'),
      daemonReported: field('reportedMs'),
      stop: field('stopMs'),
      replayed: { snapshots: list[0]?.snapshots ?? null, events: list[0]?.events ?? null },
      readyLine: list[0]?.line ?? null,
    }];
  }));
  return {
    containers,
    host,
    events: history.events,
    eventsPerContainer: Math.round((history.events / containers) * 10) / 10,
    finalStatuses: history.statuses,
    stream: { messages: stream.messages, bytes: stream.bytes },
    generateMs: Math.round(generateMs),
    priming: { spawnToBerthdJsonMs: Math.round(prime.spawnToFileMs), stopMs: Math.round(prime.stopMs), readyLine: prime.line },
    modes,
  };
}

await runScenario(async () => {
  const startedAt = new Date().toISOString();
  const loadBefore = load();
  const results = [];
  for (const [index, containers] of sizes.entries()) results.push(await measureSize(containers, index === 0));
  const first = results.find((r) => r.containers === 1000) ?? results[0];
  const best = Math.min(first.modes.full.spawnToBerthdJson.median, first.modes.snapshots.spawnToBerthdJson.median);
  writeJson(outFile, {
    scenario: 'daemon-ready',
    startedAt,
    finishedAt: new Date().toISOString(),
    loadavg: { before: loadBefore, after: load() },
    settings: { sizes, runs, order: 'interleaved (full, snapshots[, empty]; then reversed), after one priming start per size' },
    command: 'node dist/cli/daemon.cjs --root R --run-root RR --host-id H --nats URL [--no-snapshots]',
    timing: 'process.hrtime from just before spawn() to RR/berthd.json appearing (fs.watch on RR); the daemon\'s own figure from its "ready … N ms" stderr line (performance.now() from runDaemon\'s start, so without Node start-up and module loading)',
    nats: 'nats-server -c nats.conf (listen 127.0.0.1:<free port>, jetstream store_dir <temp>, max_payload 8MB): one per size',
    history: 'bench/histories.mjs: berth\'s Entity + containerRules + JetStreamEventStore, 100 containers in flight; each container\'s name claimed before its create and released after its removal (nameRules), as the daemon writes them',
    sizes: results,
    goal: {
      text: '1,000 containers of history ready in under 1 s (spawn → berthd.json)',
      containers: first.containers,
      full: first.modes.full.spawnToBerthdJson.median,
      snapshots: first.modes.snapshots.spawnToBerthdJson.median,
      met: best < 1000,
    },
  });
  log(`wrote ${rel(path.resolve(outFile))}`);
});
