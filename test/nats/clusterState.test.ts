/**
 * Reading the cluster's hosts against a real nats-server: buckets that do not exist yet hold
 * no heartbeats and no fence records; a bucket that cannot be read is an error, never "every
 * host lost".
 */
import t from 'tap';
import { Kvm } from '@nats-io/kv';
import { encode } from '../../events/codec.js';
import { readFences, readHeartbeats } from '../../nats/store/clusterState.js';
import { Heartbeat } from '../../events/heartbeat.js';
import { HEARTBEAT_BUCKET } from '../../events/subjects.js';
import { startNats } from '../helpers/nats.js';
import { gateFile, requiresNats } from '../helpers/gates.js';

gateFile(requiresNats());

const nats = await startNats(t);

t.test('no buckets yet: no heartbeats, no fences', async (t) => {
  const nc = await nats.connect();
  t.same(await readHeartbeats(nc), []);
  t.same(await readFences(nc), []);
});

t.test('a heartbeat stored is read; an unreadable bucket is an error', async (t) => {
  const nc = await nats.connect();
  const kv = await new Kvm(nc).create(HEARTBEAT_BUCKET);
  const beat: Heartbeat = {
    host: 'h1', pid: process.pid, version: 'test', time: Date.now(), labels: {},
    capacity: { cpus: 2, memoryTotal: 1 << 30, memoryFree: 1 << 29, containersRunning: 0 },
  };
  await kv.put('h1', encode(Heartbeat, beat));
  t.same((await readHeartbeats(nc)).map((h) => h.host), ['h1']);
  await nc.close();
  await t.rejects(readHeartbeats(nc), 'a closed connection is an error, not an empty cluster');
});
