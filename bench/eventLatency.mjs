#!/usr/bin/env node
/**
 * Event latency: from a state change to a subscriber receiving it, for berth and for podman.
 *
 * berth: a nats-server of our own, a daemon (`node dist/cli/daemon.cjs … --nats URL`) and the
 * busybox image, then every round (BENCH_WARMUP discarded, BENCH_EVENT_RUNS kept, default 3
 * and 30) runs one container through
 *
 *   berth run -d busybox sleep 1000     (CLI)      → start
 *   berth kill ID                       (CLI)      → die
 *   container.start request             (NATS API) → start
 *   container.kill request              (NATS API) → die
 *   container.remove request (force)    untimed
 *
 * and three subscribers receive the events at the same time:
 *
 *   nats       the bench itself, a core NATS subscription on berth.evt.>
 *   jetstream  the bench itself, an ordered JetStream consumer on berth.evt.> (what
 *              `berth events` uses inside), which also gives the server's store time
 *   cli        a child `berth events --format json --filter event=start` (start events only)
 *
 * Delivery latency = receive time (wall clock, sub-ms) − the event's own time (berth: `time`,
 * set by the daemon just before it appends the event, whole ms, so each figure reads up to
 * 1 ms high, 0.5 ms on average). End to end = from the command being issued (spawn of the CLI,
 * or the request sent) to the event received on the nats subscriber (one clock: hrtime).
 *
 * podman (when BENCH_PODMAN_ARGS_JSON and CONTAINERS_CONF are set, as bench/run.sh does after
 * peers.sh prepare): a child `podman events --format json` and, each round,
 * `podman run -d --network none localhost/busybox sleep 1000`, `podman kill ID` and an untimed
 * `podman rm -f ID`; delivery latency = receive time − the event's Time.
 *
 * docker (when run.sh's dockerd is up, BENCH_DOCKER_HOST): a child
 * `docker events --format '{{json .}}' --filter type=container` and, each round,
 * `docker run -d --network none localhost/busybox sleep 1000`, `docker kill ID` and an untimed
 * `docker rm -f ID`; delivery latency = receive time − the event's timeNano.
 *
 *   node bench/eventLatency.mjs OUT.json      (BUSYBOX_TAR: an image tarball to use)
 */
import path from 'node:path';
import readline from 'node:readline';
import { podmanPeer, run, startBerth } from './berth.mjs';
import { dockerPeer } from './docker.mjs';
import {
  connect, envInt, load, loadDist, mono, repo, runScenario, sleep, spawnTracked, stopChild, tempDir, wallNow, writeJson,
} from './procs.mjs';
import { summary } from './stats.mjs';

const outFile = process.argv[2];
if (!outFile) {
  console.error('usage: eventLatency.mjs OUT.json');
  process.exit(2);
}
const runs = envInt('BENCH_EVENT_RUNS', 30);
const warmup = envInt('BENCH_WARMUP', 3);
const GOAL_MS = 5;
const log = (line) => process.stderr.write(`eventLatency: ${line}\n`);
const peer = podmanPeer();
const withPodman = peer.enabled;
const podmanArgs = peer.args;
const docker = dockerPeer();
const r3 = (v) => Math.round(v * 1000) / 1000;

/** What the subscribers received: one list per source, and waiters for what is still to come. */
class Inbox {
  records = [];
  waiters = [];
  add(record) {
    this.records.push(record);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(record)) return true;
      w.resolve(record);
      return false;
    });
  }
  /** The first record (received after `since`, mono ms) that matches; waits up to `timeoutMs`. */
  wait(match, what, since = 0, timeoutMs = 20_000) {
    const test = (r) => r.recvMono >= since && match(r);
    const found = this.records.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ match: test, resolve: (r) => { clearTimeout(timer); resolve(r); } });
    });
  }
}

/** A child that prints one JSON event per line; each line becomes a record in `inbox`. */
function lineSubscriber(argv, env, name, inbox, toRecord) {
  const child = spawnTracked(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] }, name);
  let stderr = '';
  const subscriber = { child, stderr: () => stderr, example: null };
  child.stderr.on('data', (c) => { stderr += c; });
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const recvWall = wallNow();
    const recvMono = mono();
    subscriber.example ??= line;
    try {
      inbox.add({ ...toRecord(JSON.parse(line)), recvWall, recvMono });
    } catch (error) {
      log(`${name}: unreadable line (${error.message}): ${line}`);
    }
  });
  return subscriber;
}

/**
 * A random pause of 0-250 ms before each timed command: podman's events reader polls every
 * 250 ms, and a command issued right after an event arrived would be in step with its polls.
 */
const jitter = () => sleep(Math.random() * 250);

/** Wall time in ms from an RFC 3339 time with up to nanoseconds (Date.parse keeps only ms). */
function parseNanoTime(text) {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)$/.exec(text);
  if (!m) return Date.parse(text);
  const fraction = Number(`0.${m[2] ?? '0'}`) * 1000;
  return Date.parse(`${m[1]}${m[3]}`) + fraction;
}

const latency = (r) => r.recvWall - r.time;

await runScenario(async () => {
  const startedAt = new Date().toISOString();
  const loadBefore = load();
  const dir = tempDir('el');
  const { nats, root, runRoot, host, env: berthEnv, berth, stop: stopBerth } = await startBerth(dir, 'bench-events', log);

  // Subscribers.
  const inboxes = { nats: new Inbox(), jetstream: new Inbox(), cli: new Inbox(), podman: new Inbox(), docker: new Inbox() };
  const nc = await connect(nats.url, 'bench-events');
  const [{ decode }, { AnyEvent }, { jetstream, DeliverPolicy }, { HostClient }, { layoutFrom }] = await Promise.all([
    loadDist('events/codec.js'), loadDist('events/all.js'), import('@nats-io/jetstream'), loadDist('client/hostClient.js'), loadDist('runtime/layout.js'),
  ]);
  const toRecord = (data) => {
    const event = decode(AnyEvent, data);
    return { id: event.entity, type: event.type, time: event.time };
  };
  nc.subscribe('berth.evt.>', {
    callback: (error, m) => {
      if (error) return;
      const recvWall = wallNow(); // first, before decoding
      const recvMono = mono();
      inboxes.nats.add({ ...toRecord(m.data), recvWall, recvMono });
    },
  });
  const consumer = await jetstream(nc).consumers.get('BERTH_EVENTS', {
    filter_subjects: 'berth.evt.>', deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date().toISOString(),
  });
  const messages = await consumer.consume();
  const following = (async () => {
    for await (const m of messages) {
      const recvWall = wallNow();
      const recvMono = mono();
      inboxes.jetstream.add({ ...toRecord(m.data), storedWall: m.info.timestampNanos / 1e6, recvWall, recvMono });
    }
  })();
  await nc.flush();
  const startEventsCli = () => lineSubscriber(berth('events', '--format', 'json', '--filter', 'event=start'), berthEnv, 'berth events', inboxes.cli,
    (e) => ({ id: e.id, type: e.Action, time: e.timeNano / 1e6 }));
  let eventsCli = startEventsCli();

  const client = new HostClient(nc, host, layoutFrom({ root, runRoot }));
  let podmanEvents = null;
  const podman = peer.argv;
  const podmanEnv = peer.env;
  if (withPodman) {
    podmanEvents = lineSubscriber(podman('events', '--format', 'json'), podmanEnv, 'podman events', inboxes.podman, (e) => ({
      id: e.ID ?? e.id, type: e.Status ?? e.status, time: e.timeNano ? e.timeNano / 1e6 : parseNanoTime(e.Time ?? e.time),
    }));
  } else {
    log('podman: not configured (run through bench/run.sh, which prepares it with peers.sh); berth only');
  }
  let dockerEvents = null;
  if (docker.enabled) {
    dockerEvents = lineSubscriber(docker.argv('events', '--format', '{{json .}}', '--filter', 'type=container'), docker.env, 'docker events', inboxes.docker,
      (e) => ({ id: e.id ?? e.Actor?.ID, type: e.Action ?? e.status, time: e.timeNano / 1e6 }));
  } else {
    log('docker: no dockerd (BENCH_DOCKER_HOST; run through bench/run.sh); without docker');
  }

  // Wait until every subscriber is live: start containers until each has seen one.
  const ready = async (what, live, makeOne) => {
    for (let i = 0; ; i++) {
      if (eventsCli.child.exitCode !== null) {
        log(`berth events exited (${eventsCli.stderr().trim().split('\n').at(-1)}); starting it again`);
        eventsCli = startEventsCli();
        await sleep(1000);
      }
      const since = mono();
      const id = await makeOne();
      try {
        await Promise.all(live.map((inbox) => inbox.wait((r) => r.id === id && /^(start|container\.started)$/.test(r.type), `${what} start`, since, 3000)));
        return;
      } catch (error) {
        if (i >= 10) throw new Error(`${what}: a subscriber never got going (${error.message})`);
      }
    }
  };
  // Containers still to remove (a failure half-way must not leave one running: the shim outlives the daemon).
  const berthIds = new Set();
  const podmanIds = new Set();
  const dockerIds = new Set();
  const removeLeftovers = async () => {
    for (const id of berthIds) {
      await client.request({ op: 'container.remove', ref: id, force: true }).catch((error) => log(`removing berth container ${id}: ${error.message}`));
      berthIds.delete(id);
    }
    for (const id of podmanIds) {
      await run(podman('rm', '-f', '-t', '0', id), podmanEnv, 'podman rm').catch((error) => log(error.message));
      podmanIds.delete(id);
    }
    for (const id of dockerIds) {
      await run(docker.argv('rm', '-f', id), docker.env, 'docker rm').catch((error) => log(error.message));
      dockerIds.delete(id);
    }
  };

  const samples = {
    delivery: { nats: { start: [], die: [] }, jetstream: { start: [], die: [] }, cli: { start: [] }, podman: { start: [], die: [] }, docker: { start: [], die: [] } },
    storedToReceived: { jetstream: [] },
    endToEnd: {
      'berth run -d (spawn) → start received': [],
      'berth kill (spawn) → die received': [],
      'container.start request → start received': [],
      'container.kill request → die received': [],
      'podman run -d (spawn) → start received': [],
      'podman kill (spawn) → died received': [],
      'docker run -d (spawn) → start received': [],
      'docker kill (spawn) → die received': [],
    },
    commands: { 'berth run -d': [], 'berth kill': [], 'podman run -d': [], 'podman kill': [], 'docker run -d': [], 'docker kill': [] },
  };
  const isStart = (id) => (r) => r.id === id && r.type === 'container.started';
  const isDie = (id) => (r) => r.id === id && (r.type === 'container.died' || r.type === 'container.start_failed');
  const keep = (list, value, measured) => { if (measured) list.push(r3(value)); };
  const deliveries = async (id, kind, since, measured) => {
    const match = kind === 'start' ? isStart(id) : isDie(id);
    const viaNats = await inboxes.nats.wait(match, `nats ${kind} of ${id}`, since);
    const viaJs = await inboxes.jetstream.wait(match, `jetstream ${kind} of ${id}`, since);
    keep(samples.delivery.nats[kind], latency(viaNats), measured);
    keep(samples.delivery.jetstream[kind], latency(viaJs), measured);
    keep(samples.storedToReceived.jetstream, viaJs.recvWall - viaJs.storedWall, measured);
    if (kind === 'start') {
      const viaCli = await inboxes.cli.wait((r) => r.id === id && r.type === 'start', `berth events start of ${id}`, since);
      keep(samples.delivery.cli.start, latency(viaCli), measured);
    }
    return viaNats;
  };

  const round = async (measured) => {
    const e2e = samples.endToEnd;
    // berth through its CLI
    await jitter();
    let since = mono();
    const started = await run(berth('run', '-d', 'busybox', 'sleep', '1000'), berthEnv, 'berth run -d');
    const id = started.stdout;
    berthIds.add(id);
    keep(samples.commands['berth run -d'], started.ms, measured);
    let got = await deliveries(id, 'start', since, measured);
    keep(e2e['berth run -d (spawn) → start received'], got.recvMono - started.t0, measured);
    await jitter();
    since = mono();
    const killed = await run(berth('kill', id), berthEnv, 'berth kill');
    keep(samples.commands['berth kill'], killed.ms, measured);
    got = await deliveries(id, 'die', since, measured);
    keep(e2e['berth kill (spawn) → die received'], got.recvMono - killed.t0, measured);
    // berth through its request API (no CLI start-up)
    await jitter();
    since = mono();
    await client.request({ op: 'container.start', ref: id });
    got = await deliveries(id, 'start', since, measured);
    keep(e2e['container.start request → start received'], got.recvMono - since, measured);
    await jitter();
    since = mono();
    await client.request({ op: 'container.kill', ref: id, signal: 'KILL' });
    got = await deliveries(id, 'die', since, measured);
    keep(e2e['container.kill request → die received'], got.recvMono - since, measured);
    await client.request({ op: 'container.remove', ref: id, force: true });
    berthIds.delete(id);
    if (docker.enabled) await dockerRound(measured);
    if (!withPodman) return;
    // podman
    await jitter();
    since = mono();
    const pStarted = await run(podman('run', '-d', '--network', 'none', 'localhost/busybox', 'sleep', '1000'), podmanEnv, 'podman run -d');
    const pid = pStarted.stdout;
    podmanIds.add(pid);
    keep(samples.commands['podman run -d'], pStarted.ms, measured);
    got = await inboxes.podman.wait((r) => r.id === pid && r.type === 'start', `podman start of ${pid}`, since);
    keep(samples.delivery.podman.start, latency(got), measured);
    keep(e2e['podman run -d (spawn) → start received'], got.recvMono - pStarted.t0, measured);
    await jitter();
    since = mono();
    const pKilled = await run(podman('kill', pid), podmanEnv, 'podman kill');
    keep(samples.commands['podman kill'], pKilled.ms, measured);
    got = await inboxes.podman.wait((r) => r.id === pid && (r.type === 'died' || r.type === 'die'), `podman died of ${pid}`, since);
    keep(samples.delivery.podman.die, latency(got), measured);
    keep(e2e['podman kill (spawn) → died received'], got.recvMono - pKilled.t0, measured);
    await run(podman('rm', '-f', '-t', '0', pid), podmanEnv, 'podman rm');
    podmanIds.delete(pid);
  };

  async function dockerRound(measured) {
    const e2e = samples.endToEnd;
    await jitter();
    let since = mono();
    const started = await run(docker.argv('run', '-d', '--network', 'none', 'localhost/busybox', 'sleep', '1000'), docker.env, 'docker run -d');
    const id = started.stdout;
    dockerIds.add(id);
    keep(samples.commands['docker run -d'], started.ms, measured);
    let got = await inboxes.docker.wait((r) => r.id === id && r.type === 'start', `docker start of ${id}`, since);
    keep(samples.delivery.docker.start, latency(got), measured);
    keep(e2e['docker run -d (spawn) → start received'], got.recvMono - started.t0, measured);
    await jitter();
    since = mono();
    const killed = await run(docker.argv('kill', id), docker.env, 'docker kill');
    keep(samples.commands['docker kill'], killed.ms, measured);
    got = await inboxes.docker.wait((r) => r.id === id && r.type === 'die', `docker die of ${id}`, since);
    keep(samples.delivery.docker.die, latency(got), measured);
    keep(e2e['docker kill (spawn) → die received'], got.recvMono - killed.t0, measured);
    await run(docker.argv('rm', '-f', id), docker.env, 'docker rm');
    dockerIds.delete(id);
  }

  let loadMeasured;
  let loadAfter;
  try {
    await ready('berth', [inboxes.nats, inboxes.jetstream, inboxes.cli], async () => {
      const { stdout } = await run(berth('run', '-d', 'busybox', 'sleep', '1000'), berthEnv, 'berth run -d');
      berthIds.add(stdout);
      return stdout;
    });
    if (withPodman) {
      await ready('podman', [inboxes.podman], async () => {
        const { stdout } = await run(podman('run', '-d', '--network', 'none', 'localhost/busybox', 'sleep', '1000'), podmanEnv, 'podman run -d');
        podmanIds.add(stdout);
        return stdout;
      });
    }
    if (docker.enabled) {
      await ready('docker', [inboxes.docker], async () => {
        const { stdout } = await run(docker.argv('run', '-d', '--network', 'none', 'localhost/busybox', 'sleep', '1000'), docker.env, 'docker run -d');
        dockerIds.add(stdout);
        return stdout;
      });
    }
    await removeLeftovers();
    log('subscribers live');

    loadMeasured = load();
    for (let i = 0; i < warmup; i++) await round(false);
    for (let i = 0; i < runs; i++) {
      await round(true);
      if ((i + 1) % 10 === 0 || i + 1 === runs) log(`${i + 1}/${runs} rounds`);
    }
    loadAfter = load();
  } finally {
    await removeLeftovers();
  }

  // Stop what we started: subscribers, then the daemon, then NATS.
  await stopChild(eventsCli.child);
  if (podmanEvents) await stopChild(podmanEvents.child);
  if (dockerEvents) await stopChild(dockerEvents.child);
  messages.stop();
  await following.catch(() => {});
  await nc.close();
  await stopBerth();

  const stat = (list) => ({ ...summary(list), samples: list });
  const tree = (value) => (Array.isArray(value) ? stat(value) : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tree(v)])));
  const results = tree(samples);
  const berthMedian = results.delivery.nats.start.median === null ? null : Math.max(results.delivery.nats.start.median, results.delivery.nats.die.median);
  writeJson(outFile, {
    scenario: 'event-latency',
    startedAt,
    finishedAt: new Date().toISOString(),
    loadavg: { before: loadBefore, measuring: loadMeasured, after: loadAfter },
    settings: {
      runs,
      warmup,
      order: 'each round: berth CLI (run -d, kill), berth API (start, kill, remove), docker (run -d, kill, rm -f), podman (run -d, kill, rm -f); a random 0-250 ms pause before each timed command',
    },
    exampleLines: { berthEvents: eventsCli.example, podmanEvents: podmanEvents?.example ?? null, dockerEvents: dockerEvents?.example ?? null },
    commands: {
      daemon: 'node dist/cli/daemon.cjs --root R --run-root RR --host-id bench-events --nats URL',
      nats: 'nats-server -c nats.conf (listen 127.0.0.1:<free port>, jetstream store_dir <temp>, max_payload 8MB)',
      berthSubscriber: 'berth events --format json --filter event=start',
      berth: ['berth run -d busybox sleep 1000', 'berth kill ID', 'container.start / container.kill / container.remove requests (dist/client/hostClient.js HostClient.request)'],
      podmanSubscriber: withPodman ? 'podman [--root … --runroot … --storage-driver …] events --format json' : null,
      podman: withPodman ? ['podman run -d --network none localhost/busybox sleep 1000', 'podman kill ID', 'podman rm -f -t 0 ID'] : null,
      dockerSubscriber: docker.enabled ? 'docker events --format \'{{json .}}\' --filter type=container' : null,
      docker: docker.enabled ? ['docker run -d --network none localhost/busybox sleep 1000', 'docker kill ID', 'docker rm -f ID'] : null,
    },
    docker: docker.enabled ? { cli: docker.argv()[0], daemon: 'dockerd of the bench\'s own (bench/dockerd.sh)' } : null,
    podman: withPodman ? { args: podmanArgs, eventsLogger: 'events_logger = "file" (containers.conf from bench/peers.sh)' } : null,
    timing: 'delivery: receive wall time (performance.timeOrigin + performance.now()) − the event\'s own time (berth: whole ms, so up to 1 ms high; podman and docker: ns); end to end: process.hrtime from the spawn / request to the event received on the core NATS subscription (podman, docker: on their events subscribers)',
    results,
    goal: {
      text: `median delivery latency under ${GOAL_MS} ms (state change → subscriber)`,
      berthNatsMedian: berthMedian,
      berthCliMedian: results.delivery.cli.start.median,
      met: berthMedian !== null && berthMedian < GOAL_MS,
    },
  });
  log(`wrote ${path.relative(repo, path.resolve(outFile))}`);
});
