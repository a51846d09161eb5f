/** Restart policies against the real engine, including across a daemon restart. */
import { request } from 'node:http';
import t from 'tap';
import { startEngine, until } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import { waitFor } from '../helpers/waitFor.js';
import { cgroupHasProcesses } from '../helpers/chaos.js';
import { dockerSocket } from '../helpers/docker.js';

gateFile(requiresEngine());

const engine = await startEngine(t);

const inspect = (name: string) => engine.inspect(name);

t.test('on-failure:2 runs a failing container three times, then gives up', async (t) => {
  await engine.ok(['run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'echo try; exit 3']);
  await until('two restarts', async () => {
    const s = await inspect('flaky');
    return s.RestartCount === 2 && s.State.Status === 'exited';
  });
  // Not synchronisation: the subject. Nothing may restart it in the second after the maximum.
  await new Promise((r) => setTimeout(r, 1000));
  const state = await inspect('flaky');
  t.equal(state.State.Status, 'exited', 'it stays down after the maximum');
  t.equal(state.State.ExitCode, 3);
  t.equal(state.RestartCount, 2);
  t.same(state.HostConfig.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 2 });
  t.equal(await engine.ok(['logs', 'flaky']), 'try\ntry\ntry\n', 'the log keeps every run');
  const actions = (await engine.ok(['events', '--since', '0', '--until', '0s', '--format', 'json', '--filter', 'container=flaky']))
    .trim().split('\n').map((l) => JSON.parse(l).Action);
  t.same(actions, ['create', 'start', 'die', 'start', 'die', 'start', 'die']);
  await engine.ok(['rm', 'flaky']);
});

t.test('always restarts after an exit, a stop is final, and the daemon brings it back', async (t) => {
  await engine.ok(['run', '-d', '--name', 'keeper', '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 0.3; exit 0']);
  await until('a restart', async () => (await inspect('keeper')).RestartCount >= 1);
  await engine.ok(['stop', '-t', '0', 'keeper']);
  // Not synchronisation: the subject. The policy must not undo the stop within this time.
  await new Promise((r) => setTimeout(r, 800));
  const stopped = await inspect('keeper');
  t.equal(stopped.State.Running, false, 'a manual stop is not undone by the policy');
  t.not(stopped.State.Status, 'restarting');

  await engine.ok(['run', '-d', '--name', 'stays-down', '--restart', 'unless-stopped', 'busybox', 'sleep', '1000']);
  await engine.ok(['stop', '-t', '0', 'stays-down']);
  await engine.ok(['run', '-d', '--name', 'comes-back', '--restart', 'unless-stopped', 'busybox', 'sh', '-c', 'sleep 0.2; exit 1']);

  const comesBack = (await inspect('comes-back')).Id;
  await engine.killDaemon('SIGKILL');
  // comes-back exits while no daemon runs; the new daemon must notice and restart it.
  await waitFor(async () => !(await cgroupHasProcesses(comesBack)), { what: 'comes-back to exit while the daemon is down' });
  await engine.startDaemon();
  await until('keeper back after the daemon restart', async () => (await inspect('keeper')).State.Status === 'running' || (await inspect('keeper')).RestartCount > 0);
  t.ok(['running', 'restarting', 'starting'].includes((await inspect('keeper')).State.Status) || (await inspect('keeper')).RestartCount > 0, 'always: started again by the new daemon');
  t.equal((await inspect('stays-down')).State.Status, 'exited', 'unless-stopped remembers the stop across the restart');
  await until('comes-back restarting', async () => (await inspect('comes-back')).RestartCount >= 2);
  t.pass('unless-stopped keeps restarting a container that exits by itself, across the daemon restart');
  await engine.ok(['rm', '-f', 'keeper', 'stays-down', 'comes-back']);
});

t.test('--restart with --rm is refused; a bad policy is refused', async (t) => {
  const both = await engine.berth(['run', '--rm', '--restart', 'always', 'busybox', 'true']);
  t.equal(both.code, 125);
  t.match(both.stderr, /Conflicting options: --restart and --rm/);
  const bad = await engine.berth(['run', '--restart', 'sometimes', 'busybox', 'true']);
  t.equal(bad.code, 125);
  t.match(bad.stderr, /invalid restart policy/);
});

t.test('wait conditions', async (t) => {
  // Under a restart policy there is always a next exit, whenever wait starts listening.
  await engine.ok(['run', '-d', '--name', 'waited', '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 0.2; exit 9']);
  t.equal((await engine.ok(['wait', '--condition', 'next-exit', 'waited'])).trim(), '9');
  await engine.ok(['update', '--restart', 'no', 'waited']);
  await until('the last run to end', async () => (await inspect('waited')).State.Status === 'exited');
  t.equal((await engine.ok(['wait', 'waited'])).trim(), '9', 'not-running returns at once for an exited container');
  // Through the Engine API, whose answer's headers come once the wait listens (as Docker's do
  // once its waiter is registered): the removal cannot come before it. The CLI shares the wait.
  const removed = await new Promise<{ body: Promise<string> }>((resolve, reject) => {
    const r = request({ socketPath: dockerSocket(engine), path: '/containers/waited/wait?condition=removed', method: 'POST' }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      resolve({ body: new Promise((done) => res.on('end', () => done(text))) });
    });
    r.on('error', reject);
    r.end();
  });
  await engine.ok(['rm', 'waited']);
  t.same(JSON.parse(await removed.body), { StatusCode: 9, Error: null }, 'removed: the exit code of its last run');
  const gone = await engine.berth(['wait', '--condition', 'removed', 'waited']);
  t.equal(gone.code, 1);
  t.match(gone.stderr, /No such container: waited/);
  const bad = await engine.berth(['wait', '--condition', 'soon', 'x']);
  t.equal(bad.code, 125);
});

t.test('rename and update, live', async (t) => {
  const id = (await engine.ok(['run', '-d', '--name', 'before', '-m', '32m', 'busybox', 'sleep', '1000'])).trim();
  await engine.ok(['run', '-d', '--name', 'other', 'busybox', 'sleep', '1000']);
  await engine.ok(['rename', 'before', 'after']);
  t.equal((await inspect(id)).Name, '/after');
  const clash = await engine.berth(['rename', 'after', 'other']);
  t.equal(clash.code, 125);
  t.match(clash.stderr, /is already in use/);
  const fs = await import('node:fs/promises');
  const limitFile = `/sys/fs/cgroup/memory/berth/${id}/memory.limit_in_bytes`;
  t.equal((await fs.readFile(limitFile, 'utf8')).trim(), String(32 * 1024 * 1024));
  await engine.ok(['update', '--memory', '64m', '--restart', 'on-failure:5', 'after']);
  const state = await inspect('after');
  t.equal(state.HostConfig.Memory, 64 * 1024 * 1024);
  t.same(state.HostConfig.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 5 });
  t.equal((await fs.readFile(limitFile, 'utf8')).trim(), String(64 * 1024 * 1024), 'the running cgroup has the new limit');
  const none = await engine.berth(['update', 'after']);
  t.equal(none.code, 125);
  t.match(none.stderr, /one or more flags/);
  const actions = (await engine.ok(['events', '--since', '0', '--until', '0s', '--format', 'json', '--filter', `container=${id}`]))
    .trim().split('\n').map((l) => JSON.parse(l)).map((e) => e.Action);
  t.same(actions.slice(-2), ['rename', 'update']);
  await engine.ok(['rm', '-f', 'after', 'other']);
});
