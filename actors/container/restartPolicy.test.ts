import t from 'tap';
import { initialTransition, transition } from 'xstate';
import type { ContainerConfig, ContainerEvent, RestartPolicy } from '../../events/container.js';
import type { Draft } from '../../events/envelope.js';
import { decideContainer } from './decide.js';
import { containerMachine } from './machine.js';
import { nextDelay, restartsAfterExit, restartsWithDaemon } from './restartPolicy.js';
import type { ContainerState } from './state.js';

const policy = (name: RestartPolicy['name'], maximumRetryCount = 0): RestartPolicy => ({ name, maximumRetryCount });

t.test('which exits restart', async (t) => {
  t.notOk(restartsAfterExit(undefined, 1, 0));
  t.notOk(restartsAfterExit(policy('no'), 1, 0));
  t.ok(restartsAfterExit(policy('always'), 0, 99));
  t.ok(restartsAfterExit(policy('unless-stopped'), 0, 0));
  t.notOk(restartsAfterExit(policy('on-failure'), 0, 0), 'on-failure: not after success');
  t.ok(restartsAfterExit(policy('on-failure'), 1, 50), 'no maximum: forever');
  t.ok(restartsAfterExit(policy('on-failure', 2), 1, 1));
  t.notOk(restartsAfterExit(policy('on-failure', 2), 1, 2), 'gives up after the maximum');
  t.ok(restartsWithDaemon(policy('always'), true), 'always comes back with the daemon, even after a stop');
  t.ok(restartsWithDaemon(policy('unless-stopped'), false));
  t.notOk(restartsWithDaemon(policy('unless-stopped'), true), 'unless-stopped remembers the stop');
  t.notOk(restartsWithDaemon(policy('on-failure'), false));
});

t.test("Docker's backoff: 100 ms doubling, capped, reset after 10 s of uptime", async (t) => {
  t.equal(nextDelay(0, 0), 100);
  t.equal(nextDelay(100, 50), 200);
  t.equal(nextDelay(400, 9_999), 800);
  t.equal(nextDelay(51_200, 10), 60_000);
  t.equal(nextDelay(60_000, 10), 60_000);
  t.equal(nextDelay(6_400, 10_000), 100);
});

const config = (restartPolicy: RestartPolicy): ContainerConfig => ({
  name: 'r', image: 'b'.repeat(64), imageRef: 'busybox', cmd: ['false'], env: [], workingDir: '', hostname: 'h',
  autoRemove: false, labels: {}, restartPolicy,
});
function run(p: RestartPolicy, ...more: Draft<ContainerEvent>[]): ContainerState {
  let snapshot = initialTransition(containerMachine, { id: 'a'.repeat(64), host: 'h' })[0];
  const drafts: Draft<ContainerEvent>[] = [
    { type: 'container.created', data: config(p) }, { type: 'container.starting', data: {} },
    { type: 'container.started', data: { pid: 5, shimPid: 4 } }, ...more,
  ];
  let time = 1_000;
  for (const draft of drafts) {
    const event = { ...draft, id: String(time), host: 'h', kind: 'container', entity: 'a'.repeat(64), time: (time += 1000), causation: 'c', correlation: 'c', attributes: {} } as ContainerEvent;
    snapshot = transition(containerMachine, snapshot, event)[0];
  }
  return { ...snapshot.context, status: snapshot.value as ContainerState['status'] };
}

t.test('an exit under a policy records die and restarting; the timer start and a stop race safely', async (t) => {
  const running = run(policy('on-failure', 2));
  const drafts = decideContainer(running, { type: 'ReportExited', exitCode: 1, signal: null, oomKilled: false, at: (running.startedAt ?? 0) + 50 });
  t.same(drafts, [
    { type: 'container.died', data: { exitCode: 1, signal: null, oomKilled: false } },
    { type: 'container.restarting', data: { delayMs: 100, restartCount: 1 } },
  ]);
  const restarting = run(policy('on-failure', 2), ...drafts);
  t.equal(restarting.status, 'restarting');
  t.equal(restarting.restartCount, 1);
  t.ok(restarting.restartDueAt! > 0);
  t.same(decideContainer(restarting, { type: 'Start', byRestartPolicy: true }), [{ type: 'container.starting', data: { byRestartPolicy: true } }]);
  t.same(decideContainer(restarting, { type: 'Stop', timeoutSeconds: 1 }), [{ type: 'container.stopped', data: {} }], 'a stop cancels the restart');
  const stopped = run(policy('on-failure', 2), ...drafts, { type: 'container.stopped', data: {} });
  t.equal(stopped.status, 'exited');
  t.ok(stopped.manuallyStopped);
  t.same(decideContainer(stopped, { type: 'Start', byRestartPolicy: true }), [], 'a late timer does nothing');
  t.throws(() => decideContainer(restarting, { type: 'Remove', force: false }), { name: 'ConflictError' });
  const again = run(policy('on-failure', 2), ...drafts, { type: 'container.starting', data: { byRestartPolicy: true } }, { type: 'container.started', data: { pid: 6, shimPid: 5 } });
  t.equal(again.restartCount, 1, 'a policy start keeps the count');
  const second = decideContainer(again, { type: 'ReportExited', exitCode: 1, signal: null, oomKilled: false, at: (again.startedAt ?? 0) + 50 });
  t.same(second[1], { type: 'container.restarting', data: { delayMs: 200, restartCount: 2 } }, 'the delay doubles');
  const manual = run(policy('on-failure', 2), ...drafts, { type: 'container.starting', data: {} });
  t.equal(manual.restartCount, 0, 'a user start resets it');
  const success = decideContainer(run(policy('on-failure', 2)), { type: 'ReportExited', exitCode: 0, signal: null, oomKilled: false });
  t.same(success.map((d) => d.type), ['container.died'], 'success does not restart under on-failure');
});
