import t from 'tap';
import { DEFAULT_TIMINGS, MAX_HOST_LOST_MS, MIN_HOST_LOST_MS, SELF_FENCE_MARGIN_MS, hostTimings, parseHostLost } from './hostTimings.js';
import { HEARTBEAT_INTERVAL_MS, HOST_LOST_MS } from './subjects.js';

t.test('the default is the timings berth always had', async (t) => {
  t.same(DEFAULT_TIMINGS, { hostLostMs: HOST_LOST_MS, leaseMs: 4000, heartbeatIntervalMs: 2000, selfFenceCheckMs: 250 });
});

t.test('at every threshold: the lease keeps its margin, one lost beat is tolerated, a late check still leaves 1.5 s', async (t) => {
  for (const threshold of [MIN_HOST_LOST_MS, 3001, 4000, 4500, 6000, 10_000, 60_000, MAX_HOST_LOST_MS]) {
    const timings = hostTimings(threshold);
    t.equal(timings.hostLostMs - timings.leaseMs, SELF_FENCE_MARGIN_MS, `${threshold}: the margin`);
    t.ok(2 * timings.heartbeatIntervalMs <= timings.leaseMs, `${threshold}: two beats within the lease`);
    t.ok(timings.heartbeatIntervalMs > 0 && Number.isInteger(timings.heartbeatIntervalMs));
    t.ok(timings.heartbeatIntervalMs <= HEARTBEAT_INTERVAL_MS, `${threshold}: beats at least every 2 s (the embedded nats-server's supervisor reads them as its pulse)`);
    t.ok(timings.leaseMs + timings.selfFenceCheckMs <= timings.hostLostMs - 1500, `${threshold}: a check late by one period`);
  }
  t.same(hostTimings(4000), { hostLostMs: 4000, leaseMs: 2000, heartbeatIntervalMs: 1000, selfFenceCheckMs: 250 });
});

t.test('a threshold out of range is refused', async (t) => {
  for (const bad of [0, -6000, MIN_HOST_LOST_MS - 1, MAX_HOST_LOST_MS + 1, 4000.5, Number.NaN]) {
    t.throws(() => hostTimings(bad), { name: 'ValidationError', message: /invalid lost threshold/ }, String(bad));
  }
});

t.test('given as a duration', async (t) => {
  t.equal(parseHostLost('6s'), 6000);
  t.equal(parseHostLost('4500ms'), 4500);
  t.equal(parseHostLost(' 4s '), 4000);
  t.throws(() => parseHostLost('4'), { name: 'ValidationError', message: /invalid value "4" for host-lost: use a duration like 6s or 4500ms/ });
  t.throws(() => parseHostLost('1m'), /use a duration/);
  t.throws(() => parseHostLost('2s', '--host-lost'), { message: /invalid value "2s" for --host-lost: invalid lost threshold 2000 ms/ });
});
