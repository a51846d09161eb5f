/**
 * Health checks: probes run inside the container, status changes are events (coalesced), ps and
 * inspect show them. The engine's event log has a small byte limit, for the last test's full log.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { startEngine, until } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import { REPORTS_PER_WINDOW } from '../../actors/container/healthReports.js';

gateFile(requiresEngine());

const engine = await startEngine(t, { daemonArgs: ['--events-max-bytes', '2m'] });
const actionsOf = async (name: string) => (await engine.ok(['events', '--since', '0', '--until', '0s', '--format', 'json', '--filter', `container=${name}`]))
  .trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).Action as string);
const inspect = (name: string) => engine.inspect(name);

t.test('a failing check makes it unhealthy after the retries; a passing one healthy', async (t) => {
  await engine.ok(['run', '-d', '--name', 'probed', '--health-cmd', 'test -e /tmp/ok', '--health-interval', '200ms',
    '--health-retries', '2', '--health-timeout', '5s', 'busybox', 'sleep', '1000']);
  t.ok(['starting', 'unhealthy'].includes((await inspect('probed')).State.Health.Status), 'it starts as starting');
  await until('unhealthy', async () => (await inspect('probed')).State.Health.Status === 'unhealthy');
  t.ok((await inspect('probed')).State.Health.FailingStreak >= 2);
  await engine.ok(['exec', 'probed', 'touch', '/tmp/ok']);
  await until('healthy', async () => (await inspect('probed')).State.Health.Status === 'healthy');
  t.match(await engine.ok(['ps']), /Up .* \(healthy\)/);
  const actions = (await actionsOf('probed')).filter((a) => a.startsWith('health_status'));
  t.same(actions, ['health_status: unhealthy', 'health_status: healthy'], 'each change is one event');
  await engine.ok(['rm', '-f', 'probed']);
});

t.test('health flags are checked', async (t) => {
  const bad = await engine.berth(['run', '--health-interval', 'soon', 'busybox', 'true']);
  t.equal(bad.code, 125);
  t.match(bad.stderr, /invalid value "soon" for --health-interval/);
  const conflict = await engine.berth(['run', '--no-healthcheck', '--health-cmd', 'true', 'busybox', 'true']);
  t.equal(conflict.code, 125);
  t.match(conflict.stderr, /conflicts/);
  const none = await engine.ok(['run', '-d', '--name', 'unchecked', 'busybox', 'sleep', '1000']);
  t.ok(none);
  t.equal((await inspect('unchecked')).State.Health, undefined, 'no check, no health');
  await engine.ok(['rm', '-f', 'unchecked']);
});

t.test('a check that flaps every probe appends a bounded number of events; inspect shows each probe', async (t) => {
  await engine.ok(['run', '-d', '--name', 'flapping', '--health-cmd', 'if [ -e /tmp/f ]; then rm /tmp/f; echo fail; false; else touch /tmp/f; echo pass; fi',
    '--health-interval', '20ms', '--health-retries', '1', '--health-timeout', '5s', 'busybox', 'sleep', '1000']);
  // Three seconds of probes, each one flipping the status (before: one event each, 37.7/s).
  await until('three seconds of probes', async () => {
    const { State } = await inspect('flapping');
    return State.Health.Log.length === 5 && Date.parse(State.Health.Log[4].End) - Date.parse(State.StartedAt) >= 3000;
  });
  const { State } = await inspect('flapping');
  const last = State.Health.Log[4];
  t.match(last.Output, /^(pass|fail)$/, 'the last probe\'s output');
  t.equal(last.ExitCode, last.Output === 'pass' ? 0 : 1);
  t.equal(State.Health.Status, last.ExitCode === 0 ? 'healthy' : 'unhealthy', 'the status is the last probe\'s, not the last recorded one');
  t.same(State.Health.Log.map((p: { Output: string }) => p.Output).join(','), State.Health.Log.map((_: unknown, i: number) => (last.Output === 'pass') === (i % 2 === 0) ? 'pass' : 'fail').join(','), 'five probes, alternating');
  const recorded = (await actionsOf('flapping')).filter((a) => a.startsWith('health_status'));
  t.ok(recorded.length >= 1 && recorded.length <= REPORTS_PER_WINDOW, `${recorded.length} health events for about 3 s of flapping`);
  await engine.ok(['rm', '-f', 'flapping']);
});

t.test('a nearly full event log refuses new things in one line, still stops and removes, and takes them again once there is room', async (t) => {
  // 120 KB of env a container (in its created event only, not in every event's attributes), less than the 200 KB headroom.
  const envFile = path.join(engine.dir, 'big.env');
  await fs.writeFile(envFile, [0, 1, 2].map((i) => `BIG${i}=${'x'.repeat(40_000)}`).join('\n'));
  const made: string[] = [];
  let refused = null;
  for (let i = 0; i < 30 && !refused; i++) {
    const created = await engine.berth(['create', '--name', `filler${i}`, '--env-file', envFile, 'busybox', 'true']);
    if (created.code === 0) made.push(`filler${i}`);
    else refused = created;
  }
  t.ok(refused, `refused after ${made.length} creates`);
  t.equal(refused!.code, 125);
  t.match(refused!.stderr, /the event log is nearly full \([\d.]+ MB of its 2\.0 MB limit, events-max-bytes\); it records only stops and removals/);
  t.equal(refused!.stderr.trim().split('\n').length, 1, 'one line');
  t.match(await engine.ok(['ps', '-a', '--format', '{{.Names}}']), /filler0/, 'the daemon still answers');
  t.ok((await actionsOf('filler0')).includes('create'), 'the oldest events are still in the log (discard=new)');
  await engine.ok(['rm', '-f', made[0]!]);
  // The next create finds the log still nearly full, compacts the removed container's history and goes through.
  await engine.ok(['create', '--name', 'after', 'busybox', 'true']);
  t.same(await actionsOf(made[0]!), [], 'the removed container\'s history made the room');
  await engine.ok(['rm', '-f', 'after', ...made.slice(1)]);
});
