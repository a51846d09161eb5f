import t from 'tap';
import type { ContainerConfig } from '../../events/container.js';
import type { FenceRecord, StoredFence } from '../../events/fence.js';
import type { Heartbeat } from '../../events/heartbeat.js';
import type { HostStatus } from '../hostStatus.js';
import { initialContainerData, type ContainerState, type ContainerStatus } from '../container/state.js';
import { duplicatesToStop, mayJudgeOthers, planReplacements, replacementName, replacementsToCreate, reschedulable, shouldFence } from './plan.js';

const config = (policy: 'no' | 'always' | 'unless-stopped' | 'on-failure', extra: Partial<ContainerConfig> = {}): ContainerConfig => ({
  name: 'web', image: 'b'.repeat(64), imageRef: 'busybox', cmd: ['sleep', '60'], env: [], workingDir: '', hostname: 'h',
  autoRemove: false, labels: {}, restartPolicy: { name: policy, maximumRetryCount: 0 }, ...extra,
});
const container = (id: string, status: ContainerStatus, cfg: ContainerConfig, more: Partial<ContainerState> = {}): ContainerState =>
  ({ ...initialContainerData({ id, host: 'c' }), config: cfg, created: id.charCodeAt(0), status, ...more });
const beat = (host: string, memoryFree: number, containersRunning = 0): Heartbeat => ({
  host, time: 0, pid: 1, version: '0.1.0', labels: {}, capacity: { cpus: 2, memoryTotal: 1000, memoryFree, containersRunning },
});
const ready = (host: string, memoryFree: number, containersRunning = 0, labels: Record<string, string> = {}): HostStatus =>
  ({ host, state: 'ready', availability: 'active', heartbeat: { ...beat(host, memoryFree, containersRunning), labels } });
const record = (over: Partial<FenceRecord> = {}): FenceRecord => ({
  host: 'c', state: 'fenced', by: 'a', time: 1, reason: 'host lost', replacements: [], ...over,
});

t.test('a lost host not yet fenced is fenced; by anyone but itself; a cleared fence may be fenced again', async (t) => {
  const lost: HostStatus = { host: 'c', state: 'lost', availability: 'active' };
  t.ok(shouldFence(lost, 'a'));
  t.notOk(shouldFence(lost, 'c'), 'never by itself');
  t.notOk(shouldFence({ ...lost, fence: { record: record(), revision: 4 } }, 'a'), 'fenced already');
  t.ok(shouldFence({ ...lost, fence: { record: record({ state: 'cleared' }), revision: 5 } }, 'a'), 'fenced before, cleared since');
  t.notOk(shouldFence(ready('c', 10), 'a'), 'a live host is not fenced');
});

t.test('given its own beats not steady for a lost threshold and an interval, then a host does not judge others lost', async (t) => {
  const now = 1_000_000;
  t.notOk(mayJudgeOthers(null, now), 'its last beat failed');
  t.notOk(mayJudgeOthers(now - 1000, now), 'steady for a second only: the others may not have beaten again yet');
  t.notOk(mayJudgeOthers(now - 7999, now), 'just under 6 s + 2 s');
  t.ok(mayJudgeOthers(now - 8000, now), 'steady for 6 s + 2 s');
});

t.test('which containers are rescheduled', async (t) => {
  t.ok(reschedulable(container('1', 'running', config('always'))), 'always, running');
  t.ok(reschedulable(container('1', 'restarting', config('always'))), 'always, waiting for its restart');
  t.ok(reschedulable(container('1', 'running', config('unless-stopped'))), 'unless-stopped, running');
  t.notOk(reschedulable(container('1', 'running', config('no'))), 'no policy: stays lost');
  t.notOk(reschedulable(container('1', 'running', config('on-failure'))), 'on-failure: only a failure restarts it, and the host did not fail it');
  t.notOk(reschedulable(container('1', 'exited', config('always'))), 'not running when lost');
  t.notOk(reschedulable(container('1', 'stopping', config('always'))), 'a user was stopping it');
  t.notOk(reschedulable(container('1', 'running', config('always'), { fenced: { host: 'a', container: 'x', reason: 'r' } })), 'rescheduled before');
  t.notOk(reschedulable(container('1', 'running', config('always', { mounts: [{ type: 'volume', source: 'data', destination: '/data', readOnly: false }] }))), 'a volume: its data is on the lost host');
  t.ok(reschedulable(container('1', 'running', config('always', { mounts: [{ type: 'tmpfs', source: '', destination: '/tmp', readOnly: false }] }))), 'tmpfs is fine');
  t.notOk(reschedulable(container('1', 'running', config('always', { sealedEnv: { key: 'k', iv: '', data: '', tag: '' } }))), 'secrets sealed to the lost host: no other host can open them');
  t.ok(reschedulable(container('1', 'running', config('always', { env: ['PATH=/bin'] }))), 'the image\'s env in the clear is fine');
});

t.test('placement of the replacements: ready hosts only, spread as runs would be', async (t) => {
  let n = 0;
  const newId = () => `new${++n}`;
  const statuses: HostStatus[] = [
    ready('a', 500), ready('b', 500, 1),
    { host: 'd', state: 'draining', availability: 'drain', heartbeat: beat('d', 900) },
    { host: 'e', state: 'fenced', availability: 'active', heartbeat: beat('e', 900) },
  ];
  const plan = planReplacements([
    container('x', 'running', config('always')),
    container('y', 'running', config('always', { memoryBytes: 100 })),
    container('z', 'running', config('no')),
    container('w', 'running', config('unless-stopped')),
  ], statuses, newId);
  t.same(plan.replacements.map((r) => [r.container, r.host, r.id]), [['w', 'a', 'new1'], ['x', 'a', 'new2'], ['y', 'b', 'new3']],
    'oldest first: a (fewer running), a again (a tie with b, a by name), then b (a now runs two)');
  t.same(plan.unplaced, []);
  t.equal(plan.replacements[0].config.name, 'web', 'the old config travels with it');
  t.equal(statuses[0].heartbeat!.capacity.containersRunning, 0, 'the statuses given are not changed');
  const none = planReplacements([container('x', 'running', config('always'))], [statuses[2]], newId);
  t.same(none, { replacements: [], unplaced: ['x'] }, 'no ready host: unplaced');
});

t.test('a replacement keeps the constraints it was run with', async (t) => {
  let n = 0;
  const newId = () => `new${++n}`;
  // given hosts a (the most room, zone x) and b (zone y), and a lost container run with --constraint zone=y
  const statuses = [ready('a', 900, 0, { zone: 'x' }), ready('b', 100, 3, { zone: 'y' })];
  const zoned = config('always', { constraints: [{ key: 'zone', value: 'y' }] });
  // when its replacement is planned
  const plan = planReplacements([container('x', 'running', zoned)], statuses, newId);
  // then it goes to b, the only host satisfying it, though a has more room
  t.same(plan.replacements.map((r) => [r.container, r.host]), [['x', 'b']]);
  t.same(plan.replacements[0].config.constraints, [{ key: 'zone', value: 'y' }], 'and the constraints travel on with it');
  // and a container pinned to the lost host (host=c) has nowhere to go
  const pinned = planReplacements([container('p', 'running', config('always', { constraints: [{ key: 'host', value: 'c' }] }))], statuses, newId);
  t.same(pinned, { replacements: [], unplaced: ['p'] });
});

t.test('the replacements a host must create, and their names', async (t) => {
  const fences: StoredFence[] = [
    { revision: 3, record: record({ replacements: [
      { container: 'x', host: 'a', id: 'n1', config: config('always') },
      { container: 'y', host: 'b', id: 'n2', config: config('always') },
      { container: 'z', host: 'a', id: 'n3', config: config('always') },
    ] }) },
    { revision: 7, record: record({ host: 'd', state: 'cleared', replacements: [{ container: 'q', host: 'a', id: 'n4', config: config('always') }] }) },
  ];
  t.same(replacementsToCreate(fences, 'a', (id) => id === 'n3').map((r) => [r.replacement.id, r.fence.revision]), [['n1', 3], ['n4', 7]],
    'those placed here and not held yet, of fenced and cleared records alike');
  t.equal(replacementName('web', 'c', () => false), 'web');
  const taken = new Set(['web', 'web-c']);
  t.equal(replacementName('web', 'c', (n) => taken.has(n)), 'web-c-2');
  t.equal(replacementName('web', 'c', (n) => n === 'web'), 'web-c');
});

t.test('what a returning host stops: its rescheduled containers, not yet fenced nor removed', async (t) => {
  const fence = record({ replacements: [
    { container: 'x', host: 'a', id: 'n1', config: config('always') },
    { container: 'y', host: 'a', id: 'n2', config: config('always') },
    { container: 'z', host: 'b', id: 'n3', config: config('always') },
    { container: 'gone', host: 'b', id: 'n4', config: config('always') },
    { container: 'r', host: 'b', id: 'n5', config: config('always') },
  ] });
  const mine = [
    container('x', 'running', config('always')),
    container('y', 'exited', config('always')),
    container('z', 'exited', config('always'), { fenced: { host: 'b', container: 'n3', reason: 'r' } }),
    container('r', 'removed', config('always')),
    container('other', 'running', config('always')),
  ];
  t.same(duplicatesToStop(fence, mine).map((d) => [d.id, d.replacement.id]), [['x', 'n1'], ['y', 'n2']],
    'running or not (an exited one must not start again); never one not rescheduled');
});
