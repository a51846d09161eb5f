/** The in-memory twins held to the same conformance suites as the NATS stores (test/nats/conformance.test.ts). */
import t from 'tap';
import { eventStoreConformance } from '../test/conformance/eventStore.js';
import { fenceStoreConformance } from '../test/conformance/fenceStore.js';
import { heartbeatStoreConformance } from '../test/conformance/heartbeatStore.js';
import { snapshotStoreConformance } from '../test/conformance/snapshotStore.js';
import { MemoryEventStore } from './eventStore.js';
import { MemoryFenceStore } from './fenceStore.js';
import { MemoryHeartbeatStore } from './heartbeatStore.js';
import { MemorySnapshotStore } from './snapshotStore.js';
import { subjectMatches } from './subjects.js';

t.test('event store', async (t) => {
  eventStoreConformance(t, async () => {
    const store = new MemoryEventStore();
    return { store, publishRaw: async (subject, data) => store.publishRaw(subject, data) };
  });
});

t.test('snapshot store', async (t) => {
  snapshotStoreConformance(t, async () => new MemorySnapshotStore());
});

t.test('fence store', async (t) => {
  const shared = new MemoryFenceStore();
  fenceStoreConformance(t, async () => shared);
});

t.test('heartbeat store', async (t) => {
  heartbeatStoreConformance(t, async () => {
    let now = 1_000_000;
    const store = new MemoryHeartbeatStore(6000, () => now);
    return { store, expire: async () => { now += 6000; } };
  });
});

t.test('subject filters match as NATS does', async (t) => {
  t.ok(subjectMatches('berth.evt.>', 'berth.evt.h.container.c'));
  t.notOk(subjectMatches('berth.evt.>', 'berth.evt'), '> needs one token at least');
  t.ok(subjectMatches('berth.evt.*.node.*', 'berth.evt.h.node.h'));
  t.notOk(subjectMatches('berth.evt.*.node.*', 'berth.evt.h.node.h.x'), '* is one token');
  t.notOk(subjectMatches('berth.evt.h.>', 'berth.evt.hh.container.c'));
  t.ok(subjectMatches('berth.evt.h.container.c', 'berth.evt.h.container.c'));
});
