import t from 'tap';
import type { ContainerConfig } from '../../events/container.js';
import type { FenceRecord } from '../../events/fence.js';
import { HOST_LOST_MS } from '../../events/subjects.js';
import { initialContainerData, type ContainerState, type ContainerStatus } from '../container/state.js';
import { LEASE_MS, SELF_FENCE_CHECK_MS, decideSelfFence, leaseExpired, liftRecord, planLift } from './selfFence.js';

const config = (policy: 'no' | 'always' | 'unless-stopped', extra: Partial<ContainerConfig> = {}): ContainerConfig => ({
  name: 'web', image: 'b'.repeat(64), imageRef: 'busybox', cmd: ['sleep', '60'], env: [], workingDir: '', hostname: 'h',
  autoRemove: false, labels: {}, restartPolicy: { name: policy, maximumRetryCount: 0 }, ...extra,
});
const container = (id: string, status: ContainerStatus, cfg: ContainerConfig): ContainerState =>
  ({ ...initialContainerData({ id, host: 'c' }), config: cfg, created: 1, status });
const record = (over: Partial<FenceRecord> = {}): FenceRecord => ({
  host: 'c', state: 'fenced', by: 'a', time: 1, reason: 'host lost', replacements: [], ...over,
});
const replacement = (old: string) => ({ container: old, host: 'a', id: `new-${old}`, config: config('always') });

const containers = [
  container('always', 'running', config('always')),
  container('unless', 'starting', config('unless-stopped')),
  container('no', 'running', config('no')),
  container('volume', 'running', config('always', { mounts: [{ type: 'volume', source: 'v', destination: '/d', readOnly: false }] })),
  container('sealed', 'running', config('always', { sealedEnv: { key: 'k', iv: 'i', data: 'd', tag: 't' } })),
  container('paused', 'paused', config('always')),
  container('exited', 'exited', config('always')),
];

t.test('the lease: measured from the last acknowledged send, well inside the bucket\'s expiry', async (t) => {
  t.ok(LEASE_MS + SELF_FENCE_CHECK_MS <= HOST_LOST_MS - 1500, 'a check late by one period still leaves 1.5 s for the freeze and a late timer');
  t.notOk(leaseExpired(1000, 1000 + LEASE_MS - 1));
  t.ok(leaseExpired(1000, 1000 + LEASE_MS));
});

t.test('given the lease run out, then exactly what fencing would reschedule and still runs is frozen, once', async (t) => {
  const now = 100_000;
  // when the last acknowledged heartbeat was sent LEASE_MS ago
  const step = decideSelfFence(now - LEASE_MS, now, containers, new Set());
  // then the always and unless-stopped ones that run (a starting one runs its process) freeze;
  // not one without a policy, with a volume, with sealed env, a paused one (frozen already) or an exited one
  t.same(step, { type: 'freeze', ids: ['always', 'unless'] });
  t.same(decideSelfFence(now - LEASE_MS, now, containers, new Set(['always', 'unless'])), { type: 'hold' }, 'frozen ones are not frozen again');
  t.same(decideSelfFence(now - LEASE_MS, now, containers, new Set(['always'])), { type: 'freeze', ids: ['unless'] }, 'one whose freeze failed is tried again');
});

t.test('given the lease valid, then nothing freezes; once frozen, the self-fence is lifted', async (t) => {
  const now = 100_000;
  t.same(decideSelfFence(now - LEASE_MS + 1, now, containers, new Set()), { type: 'hold' }, 'a beat late by under two intervals changes nothing');
  t.same(decideSelfFence(now - 100, now, containers, new Set(['always'])), { type: 'lift' }, 'a put acknowledged again: lift');
});

t.test('lifting: fenced, the rescheduled duplicates stay frozen to be stopped, the rest thaw; not fenced, all thaw', async (t) => {
  const frozen = new Set(['always', 'unless']);
  const fenced = record({ replacements: [replacement('always')] });
  t.same(planLift(frozen, fenced, containers), { stop: ['always'], thaw: ['unless'] }, 'unless was not placed anywhere: it runs on');
  t.same(planLift(frozen, null, containers), { stop: [], thaw: ['always', 'unless'] }, 'never fenced');
  t.same(planLift(frozen, { ...fenced, state: 'cleared' }, containers), { stop: [], thaw: ['always', 'unless'] }, 'an earlier fencing, acknowledged already');
  t.same(planLift(new Set(['unless']), fenced, containers), { stop: [], thaw: ['unless'] }, 'a duplicate not frozen here is left to fencing');
});

t.test('the record a host writes to lift: cleared, keeping an earlier record\'s replacements', async (t) => {
  t.match(liftRecord('c', null, 5), { host: 'c', state: 'cleared', by: 'c', replacements: [], clearedAt: 5 });
  const earlier = record({ state: 'cleared', clearedAt: 3, replacements: [replacement('x')] });
  t.same(liftRecord('c', earlier, 5), earlier, 'the same record, written again at the revision read');
});
