/** The NATS stores against a real nats-server, held to the suites the in-memory twins pass (memory/stores.test.ts). */
import t from 'tap';
import { jetstream } from '@nats-io/jetstream';
import { eventStoreConformance } from '../conformance/eventStore.js';
import { fenceStoreConformance } from '../conformance/fenceStore.js';
import { heartbeatStoreConformance } from '../conformance/heartbeatStore.js';
import { snapshotStoreConformance } from '../conformance/snapshotStore.js';
import { JetStreamEventStore } from '../../nats/store/jetStream.js';
import { KvFenceStore } from '../../nats/store/kvFences.js';
import { KvHeartbeatStore } from '../../nats/store/kvHeartbeats.js';
import { KvSnapshotStore } from '../../nats/store/kvSnapshots.js';
import { startNats } from '../helpers/nats.js';

const nats = await startNats(t);
/** The heartbeat bucket's max age here: short, so that an expiry is seen within a test. */
const EXPIRY_MS = 1000;

t.test('event store', async (t) => {
  eventStoreConformance(t, async () => {
    const nc = await nats.connect();
    const js = jetstream(nc);
    return { store: new JetStreamEventStore(nc), publishRaw: async (subject, data) => (await js.publish(subject, data)).seq };
  });
});

t.test('snapshot store', async (t) => {
  snapshotStoreConformance(t, async () => KvSnapshotStore.open(await nats.connect()));
});

t.test('fence store', async (t) => {
  fenceStoreConformance(t, async () => KvFenceStore.open(await nats.connect(), 1));
});

t.test('heartbeat store', async (t) => {
  heartbeatStoreConformance(t, async () => {
    const store = await KvHeartbeatStore.open(await nats.connect(), 1, EXPIRY_MS);
    return {
      store,
      async expire(host) {
        const end = Date.now() + 20 * EXPIRY_MS;
        while ((await store.readAll()).some((h) => h.host === host)) {
          if (Date.now() > end) throw new Error(`the heartbeat of ${host} did not expire within ${20 * EXPIRY_MS} ms`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
    };
  });
});

t.test('the heartbeat bucket\'s max age is the cluster\'s lost threshold: adopted, or refused when another is asked', async (t) => {
  t.equal((await KvHeartbeatStore.open(await nats.connect(), 1, EXPIRY_MS)).expiryMs, EXPIRY_MS, 'made (or found) with it');
  t.equal((await KvHeartbeatStore.open(await nats.connect(), 1)).expiryMs, EXPIRY_MS, 'adopted by a host that asks for none');
  await t.rejects(KvHeartbeatStore.open(await nats.connect(), 1, 6000), { name: 'ValidationError', message: /the host-lost threshold asked for is 6000 ms, but the existing heartbeat bucket berth_heartbeats has 1000 ms/ });
});
