import t from 'tap';
import type { ContainerEvent } from '../../events/container.js';
import type { Draft } from '../../events/envelope.js';
import { decideContainer } from './decide.js';
import { reconcileContainer } from './reconcile.js';
import { config, given } from './given.js';

const always = { ...config, restartPolicy: { name: 'always' as const, maximumRetryCount: 0 } };
const fence = { type: 'Fence' as const, reason: 'fenced: rescheduled to host a as 0123', host: 'a', container: 'n'.repeat(64) };
const types = (drafts: Array<{ type: string }>) => drafts.map((d) => d.type);
const running: Array<Draft<ContainerEvent>> = [
  { type: 'container.created', data: always },
  { type: 'container.starting', data: {} },
  { type: 'container.started', data: { pid: 5, shimPid: 4 } },
];

t.test('a running duplicate is recorded fenced and stopped as by stop', async (t) => {
  const drafts = decideContainer(given(...running), fence);
  t.same(types(drafts), ['container.fenced', 'container.stopping', 'container.killed']);
  t.same(drafts[0].data, { reason: fence.reason, host: 'a', container: fence.container });
});

t.test('paused: thawed first; restarting: the pending restart is cancelled; exited: only recorded; twice: nothing', async (t) => {
  t.same(types(decideContainer(given(...running, { type: 'container.paused', data: {} }), fence)),
    ['container.fenced', 'container.unpaused', 'container.stopping', 'container.killed']);
  const died = { type: 'container.died' as const, data: { exitCode: 1, signal: null, oomKilled: false } };
  t.same(types(decideContainer(given(...running, died, { type: 'container.restarting', data: { delayMs: 100, restartCount: 1 } }), fence)),
    ['container.fenced', 'container.stopped']);
  t.same(types(decideContainer(given(...running, died), fence)), ['container.fenced']);
  const fenced = given(...running, died, { type: 'container.fenced', data: { reason: 'r', host: 'a', container: 'n' } });
  t.same(decideContainer(fenced, fence), [], 'fenced once is enough');
});

t.test('a fenced container never starts again here: not by its policy at the daemon start, not by a user', async (t) => {
  const died = { type: 'container.died' as const, data: { exitCode: 0, signal: null, oomKilled: false } };
  const fenced = given(...running, { type: 'container.fenced', data: { reason: 'r', host: 'a', container: 'n'.repeat(64) } }, died);
  t.equal(fenced.status, 'exited');
  t.same(reconcileContainer(fenced, { alive: false, exit: null, started: null, frozen: false, settingUp: false }).commands, [], 'no restart with the daemon');
  t.same(reconcileContainer(given(...running, died), { alive: false, exit: null, started: null, frozen: false, settingUp: false }).commands, [{ type: 'Start' }], 'an unfenced one is restarted');
  t.throws(() => decideContainer(fenced, { type: 'Start' }), /rescheduled to host a as nnnnnnnnnnnn; start that one/);
});

t.test('a replacement is created with where it came from and why', async (t) => {
  const from = { host: 'c', container: 'o'.repeat(64), reason: 'host lost', fencedBy: 'a', fenceRevision: 7 };
  const drafts = decideContainer(given(), { type: 'Create', config: always, rescheduledFrom: from });
  t.same(types(drafts), ['container.created', 'container.rescheduled']);
  t.same(drafts[1].data, from);
  t.same(types(decideContainer(given(), { type: 'Create', config: always })), ['container.created'], 'a plain create records no rescheduling');
});
