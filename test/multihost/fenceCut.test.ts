/**
 * Fencing after a cut link (docs/MULTIHOST.md): the cut-off host self-fences (its lease runs
 * out: it freezes its `--restart always` container), then the majority fences it and starts
 * the container elsewhere. The test polls the old copy's cgroup freezer and process on this
 * machine from the cut on, and shows it frozen before the replacement was rescheduled, and
 * never running again. When the link heals, the same daemon reads its fence record, kills its
 * frozen duplicate and clears the fence, a plain assertion with a 60 s bound.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { isAlive } from '../../runtime/processes.js';
import { createCgroupManager } from '../../runtime/cgroups/detect.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { until } from '../helpers/engine.js';
import { mayRun } from '../helpers/chaos.js';
import { gateFile, requiresCluster } from '../helpers/gates.js';

gateFile(requiresCluster());

const json = (out: string) => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

let lastError = '';

/** A read that may time out while JetStream elects new leaders after the cut: [] is "not yet". */
async function psRows(cluster: TestCluster, from: string): Promise<string[]> {
  const result = await cluster.berth(from, ['ps', '-a', '--format', '{{.Names}} {{.State}} {{.Status}}'], { timeoutMs: 30_000 }).catch((error: Error) => { lastError = error.message; return null; });
  if (result && result.code !== 0) lastError = result.stderr;
  if (result?.code !== 0) return [];
  return result.stdout.trim().split('\n').map((r) => r.replace(/ (Up|Exited) .*$/, '')).sort();
}

async function events(cluster: TestCluster, started: number, filter: string): Promise<any[]> {
  const until = String(Math.ceil(Date.now() / 1000) + 1);
  const result = await cluster.berth('h1', ['events', '--since', String(started), '--until', until, '--format', 'json', '--filter', filter], { timeoutMs: 20_000 }).catch(() => null);
  return result?.code === 0 ? json(result.stdout) : [];
}

/**
 * Polls the old copy on the kernel side (its cgroup's freezer, its process) every 20 ms: when it
 * was first seen frozen (this machine's clock), and every read that saw it able to run after that.
 */
function watchOldCopy(id: string, pid: number) {
  const cgroups = createCgroupManager();
  const seen = { frozenAt: null as number | null, lastRunnableAt: null as number | null, ranAfterFreeze: [] as string[], reads: 0 };
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const at = Date.now();
      const frozen = await cgroups.frozen(`berth/${id}`);
      const runnable = !frozen && await mayRun(pid);
      seen.reads++;
      if (frozen && seen.frozenAt === null) seen.frozenAt = at;
      if (runnable && seen.frozenAt === null) seen.lastRunnableAt = at;
      if (runnable && seen.frozenAt !== null) seen.ranAfterFreeze.push(new Date(at).toISOString());
      if (!isAlive(pid)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return { seen, stop: async () => { stopped = true; await done; } };
}

t.test('a cut-off host is fenced by the majority; healed, it stops its duplicate', async (t) => {
  const started = Math.floor(Date.now() / 1000);
  const cluster = await startCluster(t, { hostLost: '4s' });
  await cluster.importBusybox(false);
  await cluster.ok('h1', ['--host', 'h3', 'run', '-d', '--name', 'web', '--restart', 'always', 'busybox', 'sleep', '600']);
  const [oldId, oldPid] = (await cluster.ok('h1', ['inspect', '--format', '{{.Id}} {{.State.Pid}}', 'h3/web'])).trim().split(' ');
  const daemonPid = cluster.host('h3').daemon!.pid;

  const old = watchOldCopy(oldId!, Number(oldPid));
  t.teardown(old.stop);
  const cut = Date.now();
  await cluster.setLink('h3', false);
  let rows: string[] = [];
  let lostAt: number | null = null;
  // One read shows both: a ps that could not read the fence records (their stream's leader
  // moving after the cut) shows the old copy lost without where it went, and is read again.
  await until('web rescheduled and running on h1 or h2, the old copy lost', async () => {
    rows = await psRows(cluster, 'h1');
    if (lostAt === null && rows.some((r) => r.startsWith('h3/web lost'))) lostAt = Date.now();
    return rows.some((r) => /^h[12]\/web running$/.test(r)) && rows.some((r) => r.startsWith('h3/web lost Lost (host h3 is lost; rescheduled to'));
  }, 180_000).catch(async (error: Error) => {
    const logs = await Promise.all(['h1', 'h2'].map(async (h) => (await fs.readFile(path.join(cluster.host(h).dir, 'berthd.log'), 'utf8').catch(() => '')).split('\n').slice(-8).join(' / ')));
    throw new Error(`${error.message}; ps: ${rows.join(' | ')}; last error: ${lastError}; logs: ${logs.join(' ;; ')}`);
  });
  const newHost = rows.find((r) => /^h[12]\/web running$/.test(r))!.slice(0, 2);
  let moved: any[] = [];
  await until('the reschedule event readable', async () => (moved = await events(cluster, started, 'event=reschedule')).length > 0, 60_000);
  t.equal(moved.length, 1, 'exactly one replacement');
  t.match(moved[0].Actor.Attributes, { fromHost: 'h3', fromContainer: oldId, reason: 'host lost' }, 'where from and why');
  t.equal(moved[0].host, newHost);
  t.ok(rows.some((r) => r.startsWith('h3/web lost Lost (host h3 is lost; rescheduled to')), 'the old one shows as lost and where it went');
  const runningAt = Date.now();
  const rescheduledAt = moved[0].timeNano / 1e6;
  const { seen } = old;
  t.comment(`cut -> self-freeze seen ${seen.frozenAt! - cut} ms (last seen able to run at ${seen.lastRunnableAt! - cut} ms); cut -> lost in ps ${lostAt! - cut} ms; cut -> rescheduled (event) ${Math.round(rescheduledAt - cut)} ms; cut -> replacement running in ps ${runningAt - cut} ms; ${seen.reads} kernel reads`);
  t.ok(seen.frozenAt !== null && seen.frozenAt < rescheduledAt, 'the old copy was frozen (its cgroup, read on this machine) before its replacement was even created');
  t.same(seen.ranAfterFreeze, [], 'and no read since showed it able to run');
  t.ok(isAlive(Number(oldPid)), 'it is frozen, not gone: the cut-off host cannot learn yet that it was fenced');
  // Asked on the cut-off side (its own node, core NATS), the host says what it did.
  const local = await cluster.berth('h3', ['--host', 'h3', 'ps', '--format', '{{.Names}} {{.State}} {{.Status}}'], { timeoutMs: 15_000 });
  t.match(local.stdout, /web paused Up .* \(Paused: self-fenced, its host is cut off from the cluster\)/, 'and its own ps shows it paused, self-fenced', { stderr: local.stderr });

  t.comment(`the link was cut for ${Math.round((Date.now() - cut) / 1000)} s`);
  await cluster.setLink('h3', true);
  const healing = performance.now();
  t.comment(`link healed at ${new Date().toISOString()}`);
  await until('the duplicate stopped once the link is back', async () => !isAlive(Number(oldPid)), 60_000);
  t.comment(`the healed host stopped its duplicate ${Math.round(performance.now() - healing)} ms after the link healed`);
  t.pass('the healed host stopped its duplicate (its process is gone, by pid)');
  await old.stop();
  t.same(old.seen.ranAfterFreeze, [], 'killed frozen: no read from the freeze to its end showed the old copy able to run');
  t.equal(cluster.host('h3').daemon!.pid, daemonPid, 'the same daemon, reconnected, learned it was fenced');
  let fenced: any[] = [];
  await until('the fence event readable', async () => (fenced = await events(cluster, started, 'event=fence')).length > 0, 60_000);
  t.equal(fenced[0].Actor.ID, oldId, 'recorded on the old container');
  const selfFenced = await events(cluster, started, 'event=self-fence');
  for (const e of selfFenced) t.comment(`self-fence on ${e.host}/${e.Actor.ID.slice(0, 12)}: frozen at ${e.Actor.Attributes.frozenAt}, ${e.Actor.Attributes.outcome} (recorded ${new Date(e.timeNano / 1e6).toISOString()}): ${e.Actor.Attributes.reason}`);
  t.same(selfFenced.filter((e) => e.Actor.ID === oldId).map((e) => e.Actor.Attributes.outcome), ['fenced'], 'its self-fence recorded on it too: frozen until stopped');
  // A bucket leader election longer than the lease (after the heal) freezes the live hosts'
  // containers too, the replacement among them, until their heartbeats go in again: thawed.
  t.same(selfFenced.filter((e) => e.Actor.ID !== oldId && e.Actor.Attributes.outcome !== 'thawed'), [], 'any other self-fence ended thawed');
  t.match(fenced[0].Actor.Attributes.reason, new RegExp(`^fenced: rescheduled to host ${newHost} as ${moved[0].Actor.ID.slice(0, 12)}$`), 'with why');
  // Read until every host answers ps (one that has not yet leaves its rows out); no read
  // may show both copies running.
  const runningCopies = (rows: string[]) => rows.filter((r) => r.includes('web') && r.includes('running'));
  let both = false;
  let copies: string[] = [];
  await until('ps shows the new copy running', async () => {
    copies = runningCopies(await psRows(cluster, 'h1'));
    both ||= copies.length > 1;
    return copies.length > 0;
  }, 60_000);
  t.notOk(both, 'no ps read showed two running copies');
  // A CI run once saw one running copy that was not the new host's: what the cluster recorded
  // since the cut goes with a failure, so that the next one says which copy and why.
  const history = copies.length === 1 && copies[0] === `${newHost}/web running` ? {} : {
    rows: await psRows(cluster, 'h1'),
    events: (await events(cluster, started, 'type=container')).map((e) => `${e.time} ${e.host} ${e.Actor.Attributes.name} ${e.Action} ${e.Actor.ID.slice(0, 12)}`),
  };
  t.same(copies, [`${newHost}/web running`], 'exactly one running copy', history);
});
