import t from 'tap';
import type { ContainerConfig } from '../../events/container.js';
import { cgroupVerdict, kernelMatters, NOTHING_SEEN, reconcileContainer } from './reconcile.js';
import { CONTAINER_STATUSES } from '../../events/containerStatus.js';
import { initialContainerData, type ContainerState, type ContainerStatus } from './state.js';

const config = { autoRemove: false } as ContainerConfig;
const state = (status: ContainerStatus, extra: Partial<ContainerState> = {}): ContainerState =>
  ({ ...initialContainerData({ id: 'a'.repeat(64), host: 'h' }), config, status, ...extra });
const nothing = { started: null, alive: false, exit: null, frozen: false, settingUp: false };
const running = { started: { pid: 10, shimPid: 9 }, alive: true, exit: null, frozen: false, settingUp: false };
const exited = { started: { pid: 10, shimPid: 9 }, alive: false, exit: { exitCode: 7, signal: null, time: 't' }, frozen: false, settingUp: false };

t.test('a start cut short by the crash is finished or failed', async (t) => {
  t.same(reconcileContainer(state('starting'), running), { commands: [{ type: 'ReportStarted', pid: 10, shimPid: 9 }], resume: 'watch' });
  t.same(reconcileContainer(state('starting'), exited).commands, [{ type: 'ReportStarted', pid: 10, shimPid: 9 }], 'started, then the watch reports the exit');
  t.match(reconcileContainer(state('starting'), nothing), { commands: [{ type: 'ReportStartFailed', exitCode: 125 }], resume: 'cleanup' });
  t.same(reconcileContainer(state('starting'), { ...nothing, settingUp: true }), { commands: [], resume: 'await-start' }, 'its shim is still setting it up: wait');
});

t.test('given a start cut short under a policy that restarts with the daemon, then it fails and starts again after the cleanup', async (t) => {
  const under = (Name: string, extra: Partial<ContainerState> = {}) => state('starting', { config: { autoRemove: false, restartPolicy: { name: Name, maximumRetryCount: 0 } } as ContainerConfig, ...extra });
  for (const policy of ['always', 'unless-stopped']) {
    const repair = reconcileContainer(under(policy), nothing);
    t.same(repair.commands.map((c) => c.type), ['ReportStartFailed', 'Start'], policy);
    t.equal(repair.resume, 'cleanup', `${policy}: the cleanup comes first (the host awaits it)`);
  }
  t.same(reconcileContainer(under('on-failure'), nothing).commands.map((c) => c.type), ['ReportStartFailed'], 'on-failure: not with the daemon');
  t.same(reconcileContainer(under('always', { fenced: { host: 'h2', container: 'b'.repeat(64), reason: 'fenced' } }), nothing).commands.map((c) => c.type), ['ReportStartFailed'], 'fenced: it runs elsewhere now');
});

t.test('a running container is watched again, or its end recorded', async (t) => {
  t.same(reconcileContainer(state('running'), running), { commands: [], resume: 'watch' });
  t.same(reconcileContainer(state('running'), exited), { commands: [], resume: 'watch' }, 'the watch reads the exit file');
  t.same(reconcileContainer(state('running'), nothing), { commands: [{ type: 'ReportExited', exitCode: 255, signal: null, oomKilled: false }], resume: null });
  t.same(reconcileContainer(state('stopping'), running), { commands: [{ type: 'Kill', signal: 'SIGKILL' }], resume: 'watch' });
});

t.test('a running container left frozen (a daemon killed during cp) is thawed; a paused one stays frozen', async (t) => {
  const frozen = { ...running, frozen: true };
  t.same(reconcileContainer(state('running'), frozen), { commands: [], resume: 'watch', thaw: true });
  t.same(reconcileContainer(state('stopping'), frozen), { commands: [{ type: 'Kill', signal: 'SIGKILL' }], resume: 'watch', thaw: true });
  t.same(reconcileContainer(state('paused'), frozen), { commands: [], resume: 'watch' });
});

t.test('removal resumes; exited --rm containers are removed; the rest stays', async (t) => {
  t.same(reconcileContainer(state('removing'), nothing), { commands: [], resume: 'remove' });
  t.same(reconcileContainer(state('exited', { config: { autoRemove: true } as ContainerConfig }), nothing), { commands: [{ type: 'Remove', force: false }], resume: null });
  t.same(reconcileContainer(state('exited'), nothing), { commands: [], resume: null });
  t.same(reconcileContainer(state('created'), nothing), { commands: [], resume: null });
});

t.test('given a container cgroup, then it is kept while its container may hold processes, removed once it holds none, and unknown without a container', async (t) => {
  for (const status of ['starting', 'running', 'paused', 'stopping', 'restarting', 'removing'] as const) t.equal(cgroupVerdict(status), 'keep', status);
  for (const status of ['created', 'exited', 'dead', 'removed'] as const) t.equal(cgroupVerdict(status), 'remove', status);
  t.equal(cgroupVerdict(undefined), 'unknown', 'no container of that id');
  t.equal(cgroupVerdict('none'), 'unknown', 'an entity never created');
});

t.test('a status whose repair does not read the kernel gets the same repair whatever the kernel shows', async (t) => {
  const frozenRunning = { ...running, frozen: true };
  const settingUp = { ...nothing, settingUp: true };
  for (const status of CONTAINER_STATUSES) {
    for (const autoRemove of [false, true]) {
      const s = state(status, { config: { autoRemove } as ContainerConfig });
      const repairs = [nothing, running, exited, frozenRunning, settingUp].map((kernel) => reconcileContainer(s, kernel));
      const same = repairs.every((r) => JSON.stringify(r) === JSON.stringify(repairs[0]));
      if (kernelMatters(status)) t.notOk(same, `${status}: the repair depends on the kernel`);
      else t.ok(same, `${status}${autoRemove ? ' (--rm)' : ''}: the kernel is not read`);
      if (!kernelMatters(status)) t.same(reconcileContainer(s, NOTHING_SEEN), repairs[0]);
    }
  }
  t.ok(['starting', 'running', 'paused', 'stopping'].every((status) => kernelMatters(status as ContainerStatus)));
});
