/**
 * Fencing and rescheduling on real parts (docs/MULTIHOST.md): a `--restart always` container
 * of a host whose daemon is killed (its container keeps running: shims outlive the daemon)
 * is started on a live host once the lost host is fenced, exactly once although both live
 * daemons notice, on a host its recorded constraints allow; a container without a policy stays
 * lost, and so does one whose constraints only the lost host satisfies. The daemon restarted reads its
 * fence record before it serves, stops its duplicate (the process is gone, by its pid),
 * records why, clears the fence, and exactly one copy runs.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { isAlive } from '../../runtime/processes.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { until } from '../helpers/engine.js';
import { gateFile, requiresCluster } from '../helpers/gates.js';

gateFile(requiresCluster());

/** The live daemons' logs, for a failure's message. */
async function daemonLogs(cluster: TestCluster): Promise<string> {
  const logs = await Promise.all(['h1', 'h2'].map(async (h) => `${h}: ${(await fs.readFile(path.join(cluster.host(h).dir, 'berthd.log'), 'utf8').catch(() => '')).split('\n').filter((l) => /fenc|resched/.test(l)).slice(-10).join(' / ')}`));
  return logs.join('; ');
}

const json = (out: string) => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

async function hostLs(cluster: TestCluster, from: string): Promise<any[]> {
  const result = await cluster.berth(from, ['host', 'ls', '--format', 'json'], { timeoutMs: 20_000 }).catch(() => null);
  return result?.code === 0 ? json(result.stdout) : [];
}

async function psRows(cluster: TestCluster, from: string): Promise<string[]> {
  const result = await cluster.berth(from, ['ps', '-a', '--format', '{{.Names}} {{.State}} {{.Status}}'], { timeoutMs: 20_000 }).catch(() => null);
  if (result?.code !== 0) return [];
  return result.stdout.trim().split('\n').map((r) => r.replace(/ (Up|Exited) .*$/, '')).sort();
}

async function events(cluster: TestCluster, started: number, ...filters: string[]): Promise<any[]> {
  const until = String(Math.ceil(Date.now() / 1000) + 1);
  return json(await cluster.ok('h1', ['events', '--since', String(started), '--until', until, '--format', 'json', ...filters.flatMap((f) => ['--filter', f])]));
}

t.test('a lost host is fenced, its always container rescheduled once; back, it stops its duplicate', async (t) => {
  const started = Math.floor(Date.now() / 1000);
  const cluster = await startCluster(t, { labels: [['zone=a'], ['zone=b'], ['zone=b']], hostLost: '4s' });
  await cluster.importBusybox(false);
  // web may run in zone b only: h3 now, and h2 (not h1) once h3 is lost
  await cluster.ok('h1', ['--host', 'h3', 'run', '-d', '--name', 'web', '--restart', 'always', '--constraint', 'zone=b', 'busybox', 'sleep', '600']);
  await cluster.ok('h1', ['run', '-d', '--name', 'plain', '--constraint', 'host=h3', 'busybox', 'sleep', '600']);
  await cluster.ok('h1', ['run', '-d', '--name', 'pinned', '--restart', 'always', '--constraint', 'host=h3', 'busybox', 'sleep', '600']);
  const [oldId, oldPid] = (await cluster.ok('h1', ['inspect', '--format', '{{.Id}} {{.State.Pid}}', 'h3/web'])).trim().split(' ');
  const plainPid = Number((await cluster.ok('h1', ['inspect', '--format', '{{.State.Pid}}', 'h3/plain'])).trim());

  await cluster.killDaemon('h3', 'SIGKILL');
  t.ok(isAlive(Number(oldPid)), 'the container outlives its daemon');

  // Lost, fenced by one of h1 and h2, and the container started on the other side.
  let rows: string[] = [];
  await until('web rescheduled and running on h1 or h2', async () => {
    rows = await psRows(cluster, 'h2');
    // In one read: a ps that missed the fence records shows the old copy lost without where it went.
    return rows.some((r) => /^h[12]\/web running$/.test(r)) && rows.some((r) => r.startsWith('h3/web lost Lost (host h3 is lost; rescheduled to'));
  }, 120_000).catch(async (error: Error) => { throw new Error(`${error.message}; ps: ${rows.join(' | ')}; logs: ${await daemonLogs(cluster)}`); });
  const newHost = rows.find((r) => /^h[12]\/web running$/.test(r))!.slice(0, 2);
  t.equal(newHost, 'h2', 'rescheduled where its constraint zone=b holds, though h1 was free too');
  let h3: any;
  await until('host ls answers', async () => (h3 = (await hostLs(cluster, 'h1')).find((h) => h.Host === 'h3')) !== undefined, 30_000);
  t.equal(h3?.State, 'lost', 'h3 reads lost');
  t.equal(h3?.Fence?.State, 'fenced', 'and fenced');
  t.ok(['h1', 'h2'].includes(h3?.Fence?.By), `fenced by a live daemon (${h3?.Fence?.By})`);
  t.equal(h3?.Fence?.Rescheduled, 1, 'one container rescheduled');

  const rescheduled = await events(cluster, started, 'event=reschedule');
  t.equal(rescheduled.length, 1, 'one reschedule event: exactly one replacement although two daemons saw h3 lost');
  const [moved] = rescheduled;
  t.equal(moved.host, newHost, 'recorded on the new host');
  t.match(moved.Actor.Attributes, { name: 'web', fromHost: 'h3', fromContainer: oldId, reason: 'host lost', fencedBy: h3.Fence.By }, 'where from and why');
  const newId = moved.Actor.ID as string;
  t.same(rows.filter((r) => r.includes('web')), [`${newHost}/web running`, `h3/web lost Lost (host h3 is lost; rescheduled to ${newHost} as ${newId.slice(0, 12)})`], 'ps: running on its new host, the old one lost and where it went');
  t.ok(rows.includes('h3/plain lost Lost (host h3 is lost)'), 'a container without a restart policy is not rescheduled and stays lost');
  t.equal(rows.filter((r) => r.includes('plain')).length, 1);
  t.ok(rows.includes('h3/pinned lost Lost (host h3 is lost)'), 'a container constrained to the lost host (host=h3) stays lost');
  t.equal(rows.filter((r) => r.includes('pinned')).length, 1);

  // The daemon comes back: before it serves, it stops its duplicate and says why.
  await cluster.startDaemon('h3');
  await until('the duplicate\'s process gone', async () => !isAlive(Number(oldPid)), 60_000);
  t.pass('the duplicate\'s process is gone (by its pid)');
  t.equal((await cluster.ok('h1', ['inspect', '--format', '{{.State.Status}}', 'h3/web'])).trim(), 'exited', 'the old container is exited');
  const fenced = await events(cluster, started, 'event=fence');
  t.equal(fenced.length, 1, 'one fence event');
  t.equal(fenced[0]?.host, 'h3');
  t.equal(fenced[0]?.Actor.ID, oldId, 'on the old container');
  t.equal(fenced[0]?.Actor.Attributes.reason, `fenced: rescheduled to host ${newHost} as ${newId.slice(0, 12)}`, 'saying why');
  t.ok((await events(cluster, started, 'host=h3', 'event=die')).some((e) => e.Actor.ID === oldId), 'and it died after');

  await until('h3 ready again, its fence cleared', async () => {
    const back = (await hostLs(cluster, 'h1')).find((h) => h.Host === 'h3');
    return back?.State === 'ready' && back?.Fence?.State === 'cleared';
  }, 60_000);
  t.pass('h3 is ready and its fence acknowledged');
  // Both hosts' rows in one read (a host that has not answered yet leaves its rows out).
  let after: string[] = [];
  await until('ps shows both hosts\' rows', async () => {
    after = await psRows(cluster, 'h1');
    return [`${newHost}/`, 'h3/'].every((h) => after.some((r) => r.startsWith(h)));
  }, 30_000);
  t.same(after.filter((r) => r.includes('web') && r.includes('running')), [`${newHost}/web running`], 'exactly one running copy remains');
  t.ok(after.includes('h3/web exited'), 'the old one shows as exited');
  t.ok(after.includes('h3/plain running') && isAlive(plainPid), 'the container that was not rescheduled ran on and is seen again');
  const start = await cluster.berth('h1', ['start', 'h3/web']);
  t.not(start.code, 0, 'the fenced copy does not start again');
  t.match(start.stderr, new RegExp(`rescheduled to host ${newHost}`));
});
