/** Pause, unpause, exec and oom rules, given/when/then through the machine. */
import t from 'tap';
import { initialTransition, transition } from 'xstate';
import type { ContainerEvent } from '../../events/container.js';
import type { Draft } from '../../events/envelope.js';
import { decideContainer } from './decide.js';
import { containerMachine } from './machine.js';
import { config, envelope, given, id } from './given.js';

const execId = 'e'.repeat(64);
const running: Draft<ContainerEvent>[] = [
  { type: 'container.created', data: config }, { type: 'container.starting', data: {} },
  { type: 'container.started', data: { pid: 42, shimPid: 41 } },
];
const paused: Draft<ContainerEvent> = { type: 'container.paused', data: {} };
const exec = { execId, cmd: ['ls'], env: [], workingDir: '', user: '' };

t.test('pause and unpause', async (t) => {
  t.same(decideContainer(given(...running), { type: 'Pause' }), [paused]);
  const state = given(...running, paused);
  t.equal(state.status, 'paused');
  t.throws(() => decideContainer(state, { type: 'Pause' }), { name: 'ConflictError', message: /already paused/ });
  t.throws(() => decideContainer(state, { type: 'Stop', timeoutSeconds: 1 }), { name: 'ConflictError', message: /unpause/ });
  t.throws(() => decideContainer(state, { type: 'Kill', signal: 'SIGKILL' }), { name: 'ConflictError', message: /unpause/ });
  t.throws(() => decideContainer(state, { type: 'Remove', force: false }), { name: 'ConflictError' });
  t.same(decideContainer(state, { type: 'Remove', force: true }).map((d) => d.type), ['container.removing'], 'rm -f of a paused container');
  t.same(decideContainer(state, { type: 'Unpause' }), [{ type: 'container.unpaused', data: {} }]);
  t.equal(given(...running, paused, { type: 'container.unpaused', data: {} }).status, 'running');
  t.throws(() => decideContainer(given(...running), { type: 'Unpause' }), { name: 'ConflictError', message: /not paused/ });
  t.throws(() => decideContainer(given(running[0]), { type: 'Pause' }), { name: 'ConflictError', message: /not running/ });
});

t.test('exec: created only while running; started and died are recorded', async (t) => {
  t.same(decideContainer(given(...running), { type: 'Exec', exec }), [{ type: 'container.exec_created', data: exec }]);
  t.throws(() => decideContainer(given(...running, paused), { type: 'Exec', exec }), { message: /paused/ });
  t.throws(() => decideContainer(given(running[0]), { type: 'Exec', exec }), { message: /not running/ });
  t.same(decideContainer(given(...running), { type: 'ReportExecStarted', execId, pid: 7 }), [{ type: 'container.exec_started', data: { execId, pid: 7 } }]);
  t.same(decideContainer(given(...running), { type: 'ReportExecExited', execId, exitCode: 127, error: 'not found' }),
    [{ type: 'container.exec_died', data: { execId, exitCode: 127, error: 'not found' } }]);
  const [, actions] = transition(containerMachine, initialTransition(containerMachine, { id, host: 'h1' })[0], envelope(running[0]));
  t.ok(actions.every((a) => a.type !== 'startExec'));
});

t.test('an OOM kill records oom before die', async (t) => {
  const types = decideContainer(given(...running), { type: 'ReportExited', exitCode: 137, signal: 9, oomKilled: true }).map((d) => d.type);
  t.same(types, ['container.oom', 'container.died']);
  t.same(decideContainer(given(...running, paused), { type: 'ReportExited', exitCode: 137, signal: 9, oomKilled: false }).map((d) => d.type), ['container.died'], 'a paused container can die');
});
