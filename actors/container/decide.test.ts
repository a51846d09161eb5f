/** Container rules, given/when/then: given these events, when this command, then these events or this error. */
import t from 'tap';
import { initialTransition, transition } from 'xstate';
import type { ContainerCommand, ContainerEvent } from '../../events/container.js';
import type { Draft } from '../../events/envelope.js';
import { decideContainer } from './decide.js';
import { containerMachine } from './machine.js';
import { config, envelope, given, id } from './given.js';
import type { ContainerState } from './state.js';


const created: Draft<ContainerEvent> = { type: 'container.created', data: config };
const starting: Draft<ContainerEvent> = { type: 'container.starting', data: {} };
const started: Draft<ContainerEvent> = { type: 'container.started', data: { pid: 42, shimPid: 41 } };
const died: Draft<ContainerEvent> = { type: 'container.died', data: { exitCode: 0, signal: null, oomKilled: false } };
const removing: Draft<ContainerEvent> = { type: 'container.removing', data: {} };
const destroyed: Draft<ContainerEvent> = { type: 'container.destroyed', data: {} };

const types = (state: ContainerState, command: ContainerCommand) => decideContainer(state, command).map((d) => d.type);

t.test('create, start, run, die: the happy path', async (t) => {
  t.same(types(given(), { type: 'Create', config }), ['container.created']);
  t.same(types(given(created), { type: 'Start' }), ['container.starting']);
  t.same(types(given(created, starting), { type: 'ReportStarted', pid: 42, shimPid: 41 }), ['container.started']);
  const running = given(created, starting, started);
  t.equal(running.status, 'running');
  t.equal(running.pid, 42);
  t.same(types(running, { type: 'ReportExited', exitCode: 3, signal: null, oomKilled: false }), ['container.died']);
  const exited = given(created, starting, started, { type: 'container.died', data: { exitCode: 3, signal: null, oomKilled: false } });
  t.equal(exited.status, 'exited');
  t.equal(exited.exitCode, 3);
  t.equal(exited.pid, null);
});

t.test("StartedAt is when the worker started the process, before any output, not when the event was recorded", async (t) => {
  const drafts = decideContainer(given(created, starting), { type: 'ReportStarted', pid: 42, shimPid: 41, at: 500 });
  t.same(drafts, [{ type: 'container.started', data: { pid: 42, shimPid: 41, at: 500 } }]);
  t.equal(given(created, starting, drafts[0]!).startedAt, 500, 'the worker\'s time, though the event is later');
  t.same(decideContainer(given(created, starting), { type: 'ReportStarted', pid: 42, shimPid: 41 }), [{ type: 'container.started', data: { pid: 42, shimPid: 41 } }]);
  const recorded = given(created, starting, started);
  t.ok(recorded.startedAt !== null && recorded.startedAt > 1000, 'without it (a reconcile), the event\'s time');
});

t.test('stop records stopping and a SIGTERM kill; the exit then records die and stop', async (t) => {
  const running = given(created, starting, started);
  const drafts = decideContainer(running, { type: 'Stop', timeoutSeconds: 5 });
  t.same(drafts, [
    { type: 'container.stopping', data: { timeoutSeconds: 5 } },
    { type: 'container.killed', data: { signal: 'SIGTERM' } },
  ]);
  const stopping = given(created, starting, started, ...drafts);
  t.equal(stopping.status, 'stopping');
  t.same(types(stopping, { type: 'ReportExited', exitCode: 143, signal: 15, oomKilled: false }), ['container.died', 'container.stopped']);
  t.same(types(given(created), { type: 'Stop', timeoutSeconds: 1 }), [], 'stopping a container that is not running is a no-op');
});

t.test('the stop signal: stop -s, else the container\'s (--stop-signal or the image\'s), else SIGTERM', async (t) => {
  const withSignal: Draft<ContainerEvent> = { type: 'container.created', data: { ...config, stopSignal: 'SIGQUIT' } };
  const running = given(withSignal, starting, started);
  t.same(decideContainer(running, { type: 'Stop', timeoutSeconds: 5 })[1], { type: 'container.killed', data: { signal: 'SIGQUIT' } });
  t.same(decideContainer(running, { type: 'Stop', timeoutSeconds: 5, signal: 'SIGUSR1' })[1], { type: 'container.killed', data: { signal: 'SIGUSR1' } });
});

t.test('a failed start ends in exited with the exec error code', async (t) => {
  const state = given(created, starting, { type: 'container.start_failed', data: { exitCode: 127, error: 'not found' } });
  t.equal(state.status, 'exited');
  t.equal(state.exitCode, 127);
  t.equal(state.error, 'not found');
  t.same(types(state, { type: 'Start' }), ['container.starting'], 'it can be started again');
});

t.test('illegal commands are refused with a classified error and no events', async (t) => {
  const running = given(created, starting, started);
  t.throws(() => decideContainer(running, { type: 'Remove', force: false }), { name: 'ConflictError' });
  t.throws(() => decideContainer(given(created), { type: 'Kill', signal: 'SIGKILL' }), { name: 'ConflictError' });
  t.throws(() => decideContainer(given(), { type: 'Start' }), { name: 'NotFoundError' });
  t.throws(() => decideContainer(given(created), { type: 'Create', config }), { name: 'ConflictError' });
  const removed = given(created, removing, destroyed);
  t.equal(removed.status, 'removed');
  t.throws(() => decideContainer(removed, { type: 'Start' }), { name: 'NotFoundError' });
  t.throws(() => decideContainer(given(created, removing), { type: 'Start' }), { name: 'ConflictError' });
});

t.test('force removal of a running container records its death while removing', async (t) => {
  const running = given(created, starting, started);
  t.same(types(running, { type: 'Remove', force: true }), ['container.removing']);
  const state = given(created, starting, started, removing);
  t.equal(state.status, 'removing');
  t.same(types(state, { type: 'ReportExited', exitCode: 137, signal: 9, oomKilled: false }), ['container.died']);
  t.same(types(given(created, starting, started, removing, died), { type: 'ReportExited', exitCode: 137, signal: 9, oomKilled: false }), [], 'only once');
  t.same(types(given(created, starting, started, removing, died), { type: 'ReportRemoved' }), ['container.destroyed']);
});

t.test('stale worker reports are ignored, never errors', async (t) => {
  t.same(types(given(created), { type: 'ReportStarted', pid: 1, shimPid: 2 }), []);
  t.same(types(given(created), { type: 'ReportExited', exitCode: 0, signal: null, oomKilled: false }), []);
  t.same(types(given(created), { type: 'ReportRemoved' }), []);
  t.same(types(given(created, starting, started), { type: 'Start' }), [], 'starting a running container is a no-op');
});

t.test('the machine names the effects of each transition, and replay through transition() runs none', async (t) => {
  let snapshot = initialTransition(containerMachine, { id, host: 'h1' })[0];
  const actionsOf = (draft: Draft<ContainerEvent>) => {
    const [next, actions] = transition(containerMachine, snapshot, envelope(draft));
    snapshot = next;
    return actions.map((a) => a.type).filter((type) => !type.startsWith('xstate.'));
  };
  t.same(actionsOf(created), []);
  t.same(actionsOf(starting), ['startProcess']);
  t.same(actionsOf(started), ['watchProcess']);
  t.same(actionsOf({ type: 'container.killed', data: { signal: 'SIGHUP' } }), ['signalProcess']);
  t.same(actionsOf(died), ['autoRemove']);
  t.same(actionsOf(removing), ['removeContainer']);
  t.same(actionsOf(destroyed), []);
  t.equal(snapshot.status, 'done');
});

t.test('a removal that fails leaves the container dead until it is removed again', async (t) => {
  const removing = given(created, starting, started, died, { type: 'container.removing', data: {} });
  t.same(types(removing, { type: 'ReportRemovalFailed', error: 'EBUSY' }), ['container.removal_failed']);
  const dead = given(created, starting, started, died, { type: 'container.removing', data: {} }, { type: 'container.removal_failed', data: { error: 'removal failed: EBUSY' } });
  t.equal(dead.status, 'dead');
  t.equal(dead.error, 'removal failed: EBUSY');
  t.throws(() => decideContainer(dead, { type: 'Start' }), { name: 'ConflictError' });
  t.same(types(dead, { type: 'Remove', force: false }), ['container.removing'], 'rm tries again');
  t.same(types(given(created), { type: 'ReportRemovalFailed', error: 'x' }), [], 'a stale report changes nothing');
});

t.test('given no container, when it is created with an empty command, then "No command specified" and nothing is written', async (t) => {
  t.throws(() => decideContainer(given(), { type: 'Create', config: { ...config, cmd: [], entrypoint: [] } }), { message: 'No command specified' });
  t.same(types(given(), { type: 'Create', config }), ['container.created']);
});
