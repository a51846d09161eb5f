/** The daemon's own heartbeats: since when they have gone in steadily, which fencing needs. */
import t from 'tap';
import type { Heartbeat } from '../events/heartbeat.js';
import { HEARTBEAT_INTERVAL_MS } from '../events/subjects.js';
import { createLogger } from '../log/logger.js';
import { MemoryHeartbeatStore } from '../memory/heartbeatStore.js';
import { Heartbeats } from './heartbeats.js';

/** The memory store, with puts that fail or take longer when told to. */
class FlakyStore extends MemoryHeartbeatStore {
  fail = false;
  delayMs = 0;
  override async put(heartbeat: Heartbeat): Promise<void> {
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.fail) throw new Error('no responders available for request');
    return super.put(heartbeat);
  }
}

const source = { host: 'h1', version: 'test', labels: {}, containersRunning: () => 0, log: createLogger({ level: 'error' }) };

t.test('given beats that go in, fail, and go in slowly, then steadiness starts at the first good one after each', async (t) => {
  const store = new FlakyStore();
  const beats = new Heartbeats(store, source);
  t.equal(beats.steadySince(), null, 'not before the first beat');
  await beats.beat();
  const first = beats.steadySince();
  t.ok(first !== null && first <= Date.now(), 'steady from the first beat');
  await beats.beat();
  t.equal(beats.steadySince(), first, 'a good beat keeps it');
  store.fail = true;
  await t.rejects(beats.beat());
  t.equal(beats.steadySince(), null, 'a failed beat ends it');
  store.fail = false;
  await beats.beat();
  const again = beats.steadySince();
  t.ok(again !== null && again >= first!, 'the next good beat starts it again');
  store.delayMs = HEARTBEAT_INTERVAL_MS + 100;
  await beats.beat();
  t.ok(beats.steadySince()! >= again! + HEARTBEAT_INTERVAL_MS, 'a beat slower than the interval starts it again from its end');
});

t.test('the lease is measured from when the last acknowledged put was sent, not from its answer', async (t) => {
  const store = new FlakyStore();
  const beats = new Heartbeats(store, source);
  t.equal(beats.acknowledgedSentAt(), null, 'no lease before the first acknowledged beat');
  store.delayMs = 300;
  const before = performance.now();
  await beats.beat();
  const sent = beats.acknowledgedSentAt()!;
  t.ok(sent >= before && sent < before + 300, 'the time it was sent, before its slow answer');
  store.fail = true;
  store.delayMs = 0;
  await t.rejects(beats.beat());
  t.equal(beats.acknowledgedSentAt(), sent, 'a failed put renews nothing');
});
