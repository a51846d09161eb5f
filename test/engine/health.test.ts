/** Health checks: probes run inside the container, status changes are events, ps and inspect show them. */
import t from 'tap';
import { startEngine, until } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);
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
  const actions = (await engine.ok(['events', '--since', '0', '--until', '0s', '--format', 'json', '--filter', 'container=probed']))
    .trim().split('\n').map((l) => JSON.parse(l).Action).filter((a: string) => a.startsWith('health_status'));
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
