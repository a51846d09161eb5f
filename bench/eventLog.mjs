#!/usr/bin/env node
/**
 * The event log: append rate and replay rate, at each size of BENCH_LOG_SIZES (default
 * "1000 10000 100000" events), against a nats-server of its own (JetStream, file store in a
 * temp dir, loopback; the stream BERTH_EVENTS as ensureEventStream makes it).
 *
 * The events are real container histories (bench/histories.mjs, decided by berth's rules),
 * written again under a fresh host per run. Append, four ways, each run into an empty stream
 * (purged first, untimed):
 *
 *   store.append ×1     JetStreamEventStore.append(batch, expectedLastSeq), one at a time
 *   store.append ×100   the same, 100 containers at once (each container's batches in order)
 *   js.publish ×1       raw js.publish of pre-encoded events with msgID, Berth-Type and
 *                       expect.lastSubjectSequence, one at a time
 *   js.publish ×100     the same, 100 in flight
 *
 * Replay, from a stream holding exactly that host's N events:
 *
 *   read                for await (… of JetStreamEventStore.read('berth.evt.<host>.>'))
 *   read + fold         actors/replay.js replay() into Entities: what a daemon's full replay does
 *
 * (The fold's own cost per event is the difference of the two. Folding events read beforehand
 * is no cleaner measure: holding them all first moves them to the old heap generation, and
 * the fold then pays for major garbage collections that a replay does not have.)
 *
 * BENCH_LOG_RUNS: runs per size, one number or one per size (default "5 3 1"), interleaved.
 *
 *   node bench/eventLog.mjs OUT.json
 */
import path from 'node:path';
import {
  connect, envInts, load, loadDist, mono, repo, runScenario, startNats, tempDir, writeJson,
} from './procs.mjs';
import { containerId, decideHistories } from './histories.mjs';
import { summary } from './stats.mjs';

const outFile = process.argv[2];
if (!outFile) {
  console.error('usage: eventLog.mjs OUT.json');
  process.exit(2);
}
const sizes = envInts('BENCH_LOG_SIZES', '1000 10000 100000');
const runsList = envInts('BENCH_LOG_RUNS', '5 3 1');
const runsFor = (index) => runsList[Math.min(index, runsList.length - 1)];
const log = (line) => process.stderr.write(`eventLog: ${line}\n`);
const round = (v) => Math.round(v);

const [{ ensureEventStream, JetStreamEventStore, TYPE_HEADER }, { AnyEvent }, { encode }, { eventFilter, eventSubject, EVENTS_STREAM },
  { Entity }, { containerRules }, { replay }, { jetstream, jetstreamManager }, { headers }] = await Promise.all([
  loadDist('nats/store/jetStream.js'), loadDist('events/all.js'), loadDist('events/codec.js'), loadDist('events/subjects.js'),
  loadDist('actors/entity.js'), loadDist('actors/rules.js'), loadDist('actors/replay.js'),
  import('@nats-io/jetstream'), import('@nats-io/transport-node'),
]);

/**
 * Exactly `n` events of real histories, re-hosted: a list of containers, each with its batches
 * (for store.append) and its pre-encoded messages (for js.publish).
 */
function rehost(histories, n, host) {
  const containers = [];
  let total = 0;
  let serial = 0;
  for (const [index, batches] of histories.entries()) {
    if (total >= n) break;
    const entity = containerId('10c', index);
    const subject = eventSubject(host, 'container', entity);
    const mine = [];
    for (const batch of batches) {
      if (total >= n) break;
      const events = batch.slice(0, n - total).map((event) => ({ ...event, host, entity, id: `${host}.${++serial}` }));
      total += events.length;
      mine.push(events);
    }
    const messages = mine.flat().map((event) => {
      const h = headers();
      h.set(TYPE_HEADER, event.type);
      return { id: event.id, headers: h, bytes: encode(AnyEvent, event) };
    });
    containers.push({ subject, batches: mine, messages });
  }
  if (total !== n) throw new Error(`the histories hold only ${total} events, ${n} wanted`);
  return containers;
}

/** Appends every container's events `inFlight` containers at a time; events/s overall and per tenth. */
async function appendAll({ containers, total, inFlight, method, store, js }) {
  let next = 0;
  let done = 0;
  const marks = [];
  const t0 = mono();
  const counted = (k) => {
    const before = Math.floor((done * 10) / total);
    done += k;
    if (Math.floor((done * 10) / total) > before) marks.push({ done, at: mono() });
  };
  const worker = async () => {
    while (next < containers.length) {
      const container = containers[next++];
      let last = 0;
      if (method === 'store.append') {
        for (const batch of container.batches) {
          const stored = await store.append(batch, last);
          last = stored.at(-1).seq;
          counted(batch.length);
        }
      } else {
        for (const m of container.messages) {
          const ack = await js.publish(container.subject, m.bytes, { msgID: m.id, headers: m.headers, expect: { lastSubjectSequence: last } });
          last = ack.seq;
          counted(1);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, containers.length) }, worker));
  const ms = mono() - t0;
  if (done !== total) throw new Error(`appended ${done} of ${total}`);
  let previous = { done: 0, at: t0 };
  const tenths = marks.map((mark) => {
    const rate = ((mark.done - previous.done) / (mark.at - previous.at)) * 1000;
    previous = mark;
    return round(rate);
  });
  return { ms, rate: (total / ms) * 1000, tenths };
}

await runScenario(async () => {
  const startedAt = new Date().toISOString();
  const loadBefore = load();
  const dir = tempDir('eventlog');
  const nats = await startNats(path.join(dir, 'nats'));
  const nc = await connect(nats.url, 'bench-eventlog');
  await ensureEventStream(nc);
  const jsm = await jetstreamManager(nc);
  const purge = () => jsm.streams.purge(EVENTS_STREAM);
  const store = new JetStreamEventStore(nc);
  const js = jetstream(nc);

  const maxSize = Math.max(...sizes);
  log(`deciding ${maxSize} events of container histories in memory`);
  const histories = await decideHistories({ count: Math.ceil(maxSize / 15) + 100, seed: 7 });

  const appendModes = [
    { name: 'store.append ×1', method: 'store.append', inFlight: 1 },
    { name: 'store.append ×100', method: 'store.append', inFlight: 100 },
    { name: 'js.publish ×1', method: 'js.publish', inFlight: 1 },
    { name: 'js.publish ×100', method: 'js.publish', inFlight: 100 },
  ];
  const replayModes = ['read', 'read + fold'];
  const results = [];
  let runTag = 0;
  for (const [index, n] of sizes.entries()) {
    const runs = runsFor(index);
    const append = Object.fromEntries(appendModes.map((m) => [m.name, []]));
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? appendModes : [...appendModes].reverse();
      for (const mode of order) {
        const host = `log${++runTag}`;
        const containers = rehost(histories, n, host);
        await purge();
        const result = await appendAll({ containers, total: n, ...mode, store, js });
        append[mode.name].push(result);
        log(`${n} events, run ${run + 1}/${runs}: ${mode.name} ${round(result.rate)} events/s (${(result.ms / 1000).toFixed(2)} s)`);
      }
    }
    // Replay: a stream holding exactly N events of one host.
    await purge();
    const host = `replay${n}`;
    await appendAll({ containers: rehost(histories, n, host), total: n, method: 'js.publish', inFlight: 100, js });
    const streamState = (await jsm.streams.info(EVENTS_STREAM)).state;
    const replays = Object.fromEntries(replayModes.map((m) => [m, []]));
    const entityFor = (entities) => (_kind, id) => {
      if (!entities.has(id)) entities.set(id, new Entity(containerRules, id, host, store));
      return entities.get(id);
    };
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? replayModes : [...replayModes].reverse();
      for (const mode of order) {
        const t0 = mono();
        let count = 0;
        if (mode === 'read') {
          for await (const stored of store.read(eventFilter(host))) { void stored; count++; }
        } else {
          const stats = await replay({ host, store, entityFor: entityFor(new Map()) });
          count = stats.events;
        }
        const ms = mono() - t0;
        if (count !== n) throw new Error(`${mode} gave ${count} events, the stream holds ${n}`);
        replays[mode].push({ ms, rate: (n / ms) * 1000 });
        log(`${n} events, replay run ${run + 1}/${runs}: ${mode} ${round((n / ms) * 1000)} events/s (${(ms / 1000).toFixed(2)} s)`);
      }
    }
    const rates = (list) => ({ eventsPerSecond: summary(list.map((r) => round(r.rate))), seconds: summary(list.map((r) => r.ms / 1000)) });
    results.push({
      events: n,
      runs,
      stream: { messages: streamState.messages, bytes: streamState.bytes, bytesPerEvent: round(streamState.bytes / streamState.messages) },
      append: Object.fromEntries(Object.entries(append).map(([name, list]) => [name, {
        ...rates(list),
        perTenthEventsPerSecond: summary(list.flatMap((r) => r.tenths)),
        samples: list.map((r) => ({ eventsPerSecond: round(r.rate), seconds: Math.round(r.ms) / 1000, tenths: r.tenths })),
      }])),
      replay: Object.fromEntries(Object.entries(replays).map(([name, list]) => [name, {
        ...rates(list),
        samples: list.map((r) => ({ eventsPerSecond: round(r.rate), seconds: Math.round(r.ms) / 1000 })),
      }])),
    });
  }
  await nc.close();
  await nats.stop();
  writeJson(outFile, {
    scenario: 'event-log',
    startedAt,
    finishedAt: new Date().toISOString(),
    loadavg: { before: loadBefore, after: load() },
    settings: { sizes, runs: sizes.map((_, i) => runsFor(i)), order: 'interleaved (the four append modes, then reversed; the two replay modes, then reversed)' },
    nats: 'nats-server -c nats.conf (listen 127.0.0.1:<free port>, jetstream store_dir <temp>, max_payload 8MB); stream BERTH_EVENTS (file storage, 1 replica, 2-min duplicate window) from ensureEventStream',
    events: 'real container histories (bench/histories.mjs, decided by berth\'s rules), re-hosted per run; a batch is one command\'s events (1 or 2)',
    timing: 'process.hrtime around the whole append (or replay) of N events, in one Node process; events/s = N / time. perTenth: the rate over each tenth of a run (does it slow as the stream grows?)',
    sizes: results,
  });
  log(`wrote ${path.relative(repo, path.resolve(outFile))}`);
});
