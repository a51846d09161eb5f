/**
 * Losing one NATS node of three under load: the events stream's leader node is killed while
 * two hosts run containers; every container the CLI saw finish has its whole history in the
 * stream afterwards, and the daemon whose node died reconnects to another by itself.
 */
import t from 'tap';
import { startCluster } from '../helpers/cluster.js';
import { until } from '../helpers/engine.js';
import { gateFile, requiresCluster } from '../helpers/gates.js';

gateFile(requiresCluster());

t.test('killing the events stream leader\'s node loses no acknowledged event', async (t) => {
  const cluster = await startCluster(t);
  await cluster.importBusybox(false);
  const started = Math.floor(Date.now() / 1000);
  const leader: string = (await cluster.streamInfo('h1', 'BERTH_EVENTS')).cluster.leader;
  const workers = cluster.hosts.map((h) => h.name).filter((name) => name !== leader);
  t.equal(workers.length, 2, `the leader is ${leader}; the other two hosts run containers`);

  const finished: string[] = [];
  let killed = false;
  const runs = workers.map(async (host) => {
    for (let i = 0; i < 6; i++) {
      const out = await cluster.ok(host, ['--host', host, 'run', '--rm', '--name', `${host}-c${i}`, 'busybox', 'echo', `run ${i}`]);
      t.equal(out, `run ${i}\n`);
      finished.push(`${host}-c${i}`);
    }
  });
  let hostsRightAfter: Awaited<ReturnType<typeof cluster.berth>> | null = null;
  const kill = (async () => {
    await until('a few runs done', async () => finished.length >= 3, 120_000);
    await cluster.stopNats(leader, 'SIGKILL');
    killed = true;
    // Read at once, while JetStream elects new leaders: the CLI reads again until it answers.
    hostsRightAfter = await cluster.berth(workers[1], ['host', 'ls', '--format', 'json'], { timeoutMs: 60_000 });
  })();
  await Promise.all([...runs, kill]);
  t.ok(killed, 'the leader\'s node was killed during the runs');
  t.equal(finished.length, 12, 'every run finished');
  const right = hostsRightAfter as Awaited<ReturnType<typeof cluster.berth>> | null;
  t.equal(right?.code, 0, `host ls right after the loss answers (${right?.stderr.trim()})`);
  t.equal(right?.stdout.trim().split('\n').length, 3, 'with the three hosts');

  const newLeader: string = (await cluster.streamInfo(workers[0], 'BERTH_EVENTS')).cluster.leader;
  t.not(newLeader, leader, `a new leader (${newLeader}) took over`);
  // A read that times out while JetStream settles after the loss is tried again by the CLI.
  const untilTime = String(Math.ceil(Date.now() / 1000) + 1);
  const read = await cluster.berth(workers[0], ['events', '--since', String(started), '--until', untilTime, '--format', 'json', '--filter', 'type=container'], { timeoutMs: 60_000 });
  t.equal(read.code, 0, `the history read answers (${read.stderr.trim()})`);
  const history = read.stdout.trim().split('\n').map((l) => JSON.parse(l));
  for (const name of finished) {
    const actions = history.filter((e) => e.Actor.Attributes.name === name).map((e) => e.Action);
    t.same(actions, ['create', 'start', 'die', 'destroy'], `${name}: its whole history is in the stream`);
  }

  // The daemon whose node died moved to another node: it still heartbeats and runs containers.
  await until(`${leader} ready through another node`, async () => {
    const read = await cluster.berth(workers[0], ['host', 'ls', '--format', 'json']);
    if (read.code !== 0) return false; // a read during the elections may time out
    return read.stdout.trim().split('\n').map((l) => JSON.parse(l)).every((h) => h.State === 'ready');
  }, 60_000);
  t.equal(await cluster.ok(workers[0], ['--host', leader, 'run', '--rm', 'busybox', 'echo', 'still here']), 'still here\n', `${leader}'s daemon answers`);
});
