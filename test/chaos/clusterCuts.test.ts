/**
 * Chaos on the three-host cluster (issue 23): while containers are run, stopped and removed
 * from every host's namespace, the harness cuts a host's link for a random while and heals
 * it, or SIGKILLs a host's nats-server node and starts it again. Half the runs are
 * `--restart always`, which fencing reschedules off a cut-off host.
 *
 * Throughout, the kernel is read every 50 ms: each `--restart always` container runs
 * `sleep BASE+k`, its lineage k, which its replacements keep; no read may find two processes of
 * one lineage able to run (not frozen by the freezer, not dying). At the end, with every link
 * up and every host ready, the invariant checker (test/helpers/invariants.ts) reads the whole
 * log: every acknowledged run, stop and rm has its events, no event is in the log twice, each
 * container's events keep a lifecycle's order, no name ever had two running containers on one
 * host. Then everything is removed and no container process, cgroup or veth may be left.
 *
 * Daemons are not killed here: fencing assumes the cut-off host's daemon runs (a killed one
 * freezes nothing, docs/MULTIHOST.md); their SIGKILLs are the single-host harnesses' (mixed,
 * daemonKill, inFlight).
 *
 * Short form in CI (BERTH_CHAOS_CUT_ROUNDS, default 2); the long form sets more rounds
 * (docs/ARCHITECTURE.md gives a run's figures). BERTH_CHAOS_SEED replays a run,
 * BERTH_CHAOS_WIDTH sets the commands per round, BERTH_CHAOS_MINUTES stops starting rounds.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import t from 'tap';
import { createCgroupManager } from '../../runtime/cgroups/detect.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { cgroupDirsOf, until, type Result } from '../helpers/engine.js';
import { mayRun, seededChoices } from '../helpers/chaos.js';
import { checkLog } from '../helpers/invariants.js';
import { gateFile, requiresCluster } from '../helpers/gates.js';

gateFile(requiresCluster());

const run = promisify(execFile);
const rounds = Number(process.env.BERTH_CHAOS_CUT_ROUNDS ?? 2);
const width = Number(process.env.BERTH_CHAOS_WIDTH ?? 4);
const minutes = Number(process.env.BERTH_CHAOS_MINUTES ?? Infinity);
const seed = Number(process.env.BERTH_CHAOS_SEED ?? Date.now() % 1_000_000);
t.comment(`cluster chaos seed ${seed} (BERTH_CHAOS_SEED=${seed} replays it), ${rounds} rounds`);
const { random, pick } = seededChoices(seed);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const HOSTS = ['h1', 'h2', 'h3'] as const;
/** `sleep BASE+k` marks lineage k; nothing else on this machine sleeps that long. */
const BASE = 8_710_000;
const LINEAGES = 100_000;

/** The lineage a process runs (its command is `sleep BASE+k`), or null for any other process. */
async function lineageOf(pid: string): Promise<number | null> {
  const match = /^sleep\0(\d+)\0$/.exec(await fs.readFile(`/proc/${pid}/cmdline`, 'latin1').catch(() => ''));
  const lineage = match ? Number(match[1]) - BASE : -1;
  return lineage >= 0 && lineage < LINEAGES ? lineage : null;
}

/**
 * Reads the kernel every 50 ms: per lineage, the processes able to run. Any read with two is
 * a violation, kept with its time and the containers (from their cgroups).
 */
function watchLineages() {
  const cgroups = createCgroupManager();
  // copies: per lineage, its processes in the last read, frozen or not.
  const seen = { reads: 0, doubles: [] as string[], lineages: new Set<number>(), copies: new Map<number, number>() };
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const at = new Date().toISOString();
      const able = new Map<number, string[]>();
      const copies = new Map<number, number>();
      for (const entry of await fs.readdir('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        const lineage = await lineageOf(entry);
        if (lineage === null) continue;
        seen.lineages.add(lineage);
        copies.set(lineage, (copies.get(lineage) ?? 0) + 1);
        const id = /\/berth\/([0-9a-f]{64})/.exec(await fs.readFile(`/proc/${entry}/cgroup`, 'utf8').catch(() => ''))?.[1];
        if (id && (await cgroups.frozen(`berth/${id}`))) continue;
        if (!(await mayRun(Number(entry)))) continue;
        able.set(lineage, [...(able.get(lineage) ?? []), `${entry}:${id?.slice(0, 12) ?? '?'}`]);
      }
      for (const [lineage, running] of able) if (running.length > 1) seen.doubles.push(`${at} lineage ${lineage}: ${running.join(', ')}`);
      seen.copies = copies;
      seen.reads++;
      await sleep(50);
    }
  })();
  return { seen, stop: async () => { stopped = true; await done; } };
}

/** The veths and bridges berth could have left in a host's namespace. */
async function linksIn(netns: string): Promise<string[]> {
  const { stdout } = await run('ip', ['-n', netns, '-o', 'link', 'show']);
  return stdout.split('\n').map((line) => line.split(': ')[1]?.split('@')[0] ?? '').filter((name) => /^veth/.test(name));
}

/** Each host's state as h1's `host ls` reads it; {} while a read fails (leaders being elected). */
async function hostStates(cluster: TestCluster, from: string): Promise<Record<string, string>> {
  const result = await cluster.berth(from, ['host', 'ls', '--format', 'json'], { timeoutMs: 20_000 }).catch(() => null);
  if (result?.code !== 0) return {};
  return Object.fromEntries(result.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).map((h) => [h.Host, h.State]));
}

/** Every host reads ready from every other, and answers a command of its own. */
async function untilHealed(cluster: TestCluster, bound: number): Promise<void> {
  await until('every host ready and answering', async () => {
    for (const from of HOSTS) {
      const states = await hostStates(cluster, from);
      if (!HOSTS.every((h) => states[h] === 'ready')) return false;
    }
    for (const host of HOSTS) if ((await cluster.berth(host, ['--host', host, 'ps', '-q'], { timeoutMs: 20_000 }).catch(() => null))?.code !== 0) return false;
    return true;
  }, bound);
}

t.test(`${rounds} rounds of lifecycles on three hosts while links are cut and nats-server nodes killed`, async (t) => {
  const cluster = await startCluster(t, { hostLost: '4s' });
  await cluster.importBusybox(false);
  const watch = watchLineages();
  t.teardown(watch.stop);

  const acknowledged = { runs: new Set<string>(), stops: new Set<string>(), removes: new Set<string>() };
  const unanswered: string[] = [];
  const live: string[] = [];
  const strikes = { cuts: 0, natsKills: 0, cutSeconds: 0 };
  const healedMs: number[] = [];
  let lifecycles = 0;
  let lineage = 0;
  let tokens = 0;
  const deadline = Date.now() + minutes * 60_000;
  /** A CLI call the chaos may cut short: never a throw, a timeout is its own outcome. */
  const launch = (from: string, args: string[]): Promise<Result | null> =>
    cluster.berth(from, args, { timeoutMs: 120_000 }).catch(() => null);

  let round = 0;
  for (; round < rounds && Date.now() < deadline; round++) {
    const began = Date.now();
    // Round 0 cuts a link past the lost threshold (a fence and a reschedule) and round 1 kills a
    // nats-server, so even the short form does both; then at random.
    const strike = round === 0 ? 'cut' : round === 1 ? 'nats' : pick(['cut', 'cut', 'cut', 'nats'] as const);
    let target: string = pick(HOSTS);
    const inFlight: Array<Promise<void>> = [];
    const placed = lineage;
    for (let i = 0, n = Math.max(1, Math.round(width / 2)) + Math.floor(random() * width); i < n; i++) {
      // Most commands come from the hosts that stay connected, some from the struck one.
      const from = random() < 0.8 ? pick(HOSTS.filter((h) => h !== target)) : target;
      const choice = random();
      const victim = live.length ? pick(live) : null;
      lifecycles++;
      if (choice < 0.4 || !victim || i === 0) {
        const k = lineage++;
        const args = ['run', '-d', '--name', `l${k}`, '--restart', 'always', 'busybox', 'sleep', String(BASE + k)];
        inFlight.push(launch(from, args).then((r) => {
          if (r?.code !== 0) return;
          const id = r.stdout.trim();
          if (!/^[0-9a-f]{64}$/.test(id)) return void unanswered.push(`run -d l${k} from ${from}: ${JSON.stringify(r.stdout)}`);
          acknowledged.runs.add(id);
          live.push(id);
        }));
      } else if (choice < 0.6) {
        const token = `c${round}-t${tokens++}`;
        inFlight.push(launch(from, ['run', '--rm', 'busybox', 'echo', token]).then((r) => {
          if (r?.code === 0 && r.stdout !== `${token}\n`) unanswered.push(`run --rm ${token} from ${from}: ${JSON.stringify(r.stdout)}`);
        }));
      } else if (choice < 0.8) {
        inFlight.push(launch(from, ['stop', '-t', '1', victim]).then((r) => {
          if (r?.code !== 0) return;
          if (r.stdout !== `${victim}\n`) return void unanswered.push(`stop ${victim.slice(0, 12)} from ${from}: ${JSON.stringify(r.stdout)}`);
          acknowledged.stops.add(victim);
        }));
      } else {
        live.splice(live.indexOf(victim), 1);
        inFlight.push(launch(from, ['rm', '-f', victim]).then((r) => {
          if (r?.code !== 0) return;
          if (r.stdout !== `${victim}\n`) return void unanswered.push(`rm ${victim.slice(0, 12)} from ${from}: ${JSON.stringify(r.stdout)}`);
          acknowledged.removes.add(victim);
        }));
      }
    }
    // Let a random number of the commands finish, then strike at a random, seeded moment.
    let finished = 0;
    const wanted = Math.floor(random() * (inFlight.length + 1));
    for (const p of inFlight) void p.then(() => { finished++; });
    await until('commands to finish', async () => finished >= wanted, 150_000);
    // Round 0 cuts the host its first run was placed on, once it answered, so that the cut has a
    // copy to fence (a run pinned with --constraint would never be rescheduled).
    if (round === 0) {
      await inFlight[0];
      const rows = (await launch(pick(HOSTS), ['ps', '--format', '{{.Names}}']))?.stdout ?? '';
      target = /^(h\d)\/l\d+$/m.exec(rows.split('\n').find((row) => row.endsWith(`/l${placed}`)) ?? '')?.[1] ?? target;
    }
    await sleep(Math.floor(random() * 500));
    if (strike === 'cut') {
      // Longer than the lost threshold (4 s) or not: a blip, or a fence and a reschedule.
      // Round 0 holds the cut until the copy placed on the host has a replacement (a second
      // process of its lineage: a fence and a reschedule), at most 60 s; the others at random.
      const cutAt = Date.now();
      await cluster.setLink(target, false);
      if (round === 0) {
        await until('the copy on the cut-off host replaced', async () => (watch.seen.copies.get(placed) ?? 0) >= 2, 60_000).catch(() => {});
        await sleep(1000);
      } else {
        await sleep(2000 + Math.floor(random() * 23_000));
      }
      await cluster.setLink(target, true);
      const holdMs = Date.now() - cutAt;
      t.comment(`round ${round}: cut ${target}'s link for ${holdMs} ms, ${cutAt - began} ms in`);
      strikes.cuts++;
      strikes.cutSeconds += holdMs / 1000;
    } else {
      const downMs = Math.floor(random() * 3000);
      t.comment(`round ${round}: SIGKILL ${target}'s nats-server, started again ${downMs} ms later, ${Date.now() - began} ms in`);
      await cluster.stopNats(target, 'SIGKILL');
      await sleep(downMs);
      await cluster.startNats(target);
      strikes.natsKills++;
    }
    const healing = Date.now();
    await Promise.all(inFlight);
    await untilHealed(cluster, 180_000);
    healedMs.push(Date.now() - healing);
    t.comment(`round ${round}: every host ready and answering ${Date.now() - healing} ms after the heal; round took ${Date.now() - began} ms`);
  }

  const log = await cluster.events('h1');
  const violations = checkLog(log, acknowledged);
  await watch.stop();
  const { seen } = watch;
  const median = [...healedMs].sort((a, b) => a - b)[Math.floor(healedMs.length / 2)] ?? 0;
  const created = new Set(log.filter((e) => e.type === 'container.created').map((e) => e.entity)).size;
  t.comment(`FIGURES rounds ${round}, commands ${lifecycles}, containers created ${created}, acknowledged: ${acknowledged.runs.size} runs, ${acknowledged.stops.size} stops, ${acknowledged.removes.size} rms; strikes: ${strikes.cuts} cuts (${Math.round(strikes.cutSeconds)} s cut in all), ${strikes.natsKills} nats-server kills; ${log.length} events, ${log.filter((e) => e.type === 'container.rescheduled').length} reschedules, ${log.filter((e) => e.type === 'container.fenced').length} fenced duplicates; healed in ${median} ms (median), ${Math.max(0, ...healedMs)} ms (slowest); ${seen.reads} kernel reads of ${seen.lineages.size} lineages; ${violations.length + seen.doubles.length} violations`);
  t.ok(acknowledged.runs.size > 0, 'some runs were acknowledged: the checks below are not empty');
  t.ok(seen.reads > 0 && seen.lineages.size > 0, 'the kernel was read while lineages ran');
  t.same(seen.doubles, [], 'no kernel read found two copies of one container able to run');
  t.same(violations, [], `the log keeps every invariant (${log.length} events)`);
  t.same(unanswered, [], 'every command that exited 0 printed its answer');

  const ids = (await cluster.ok('h1', ['ps', '-aq', '--no-trunc'], { timeoutMs: 60_000 })).split('\n').filter(Boolean);
  if (ids.length) await cluster.ok('h1', ['rm', '-f', ...ids], { timeoutMs: 120_000 });
  t.same((await cluster.ok('h1', ['ps', '-aq'], { timeoutMs: 60_000 })).trim(), '', 'everything removed');
  const containers = [...new Set(log.filter((e) => e.type.startsWith('container.')).map((e) => e.entity))];
  const cgroupsLeft: string[] = [];
  for (const id of containers) if ((await cgroupDirsOf(id)).length) cgroupsLeft.push(id.slice(0, 12));
  t.same(cgroupsLeft, [], 'no cgroup is left');
  for (const host of cluster.hosts) t.same(await linksIn(host.netns), [], `no veth left in ${host.name}'s namespace`);
  await until('every lineage\'s process to end', async () => {
    const left: string[] = [];
    for (const entry of await fs.readdir('/proc')) if (/^\d+$/.test(entry) && (await lineageOf(entry)) !== null) left.push(entry);
    return left.length === 0;
  }, 30_000).then(() => t.pass('no container process is left'), (error: Error) => t.fail(error.message));
});
