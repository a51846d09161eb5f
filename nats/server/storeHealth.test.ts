import t from 'tap';
import { FULL_BYTES, judgeStore, RESTART_FREE_BYTES, WEDGED_AFTER_FULL_MS, WEDGED_MS } from './storeHealth.js';

const plenty = RESTART_FREE_BYTES * 10;

t.test('JetStream that answered recently is healthy, full disk or not', async (t) => {
  t.same(judgeStore({ now: 10_000, answeredAt: 9_000, freeBytes: 0, fullSeen: true }), { kind: 'healthy' });
  t.same(judgeStore({ now: 10_000, answeredAt: 10_000 - WEDGED_AFTER_FULL_MS + 1, freeBytes: plenty, fullSeen: true }), { kind: 'healthy' });
});

t.test('silent without a full disk: slow, not wedged, until a minute has passed', async (t) => {
  t.same(judgeStore({ now: WEDGED_MS - 1, answeredAt: 0, freeBytes: plenty, fullSeen: false }), { kind: 'healthy' });
  t.same(judgeStore({ now: WEDGED_MS, answeredAt: 0, freeBytes: plenty, fullSeen: false }), { kind: 'restart', silentMs: WEDGED_MS, reason: 'silent' });
});

t.test('silent after the disk filled: restarted once there is room, not before', async (t) => {
  const silent = { now: WEDGED_AFTER_FULL_MS, answeredAt: 0, fullSeen: true };
  t.same(judgeStore({ ...silent, freeBytes: FULL_BYTES / 2 }), { kind: 'wait-for-space', freeBytes: FULL_BYTES / 2, silentMs: WEDGED_AFTER_FULL_MS });
  t.same(judgeStore({ ...silent, freeBytes: RESTART_FREE_BYTES - 1 }).kind, 'wait-for-space', 'some room is not enough room');
  t.same(judgeStore({ ...silent, freeBytes: RESTART_FREE_BYTES }), { kind: 'restart', silentMs: WEDGED_AFTER_FULL_MS, reason: 'disk-full' });
  t.same(judgeStore({ ...silent, freeBytes: null }).kind, 'restart', 'an unreadable free space does not hold a restart back');
});
