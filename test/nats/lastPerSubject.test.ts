/**
 * The last message of every subject, against a real nats-server: a few subjects are fetched
 * one by one, many through a consumer; both give every subject's last message, its KV
 * operation, in stream order, and nothing of subjects outside the filter.
 */
import t from 'tap';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { readLastPerSubject } from '../../nats/store/lastPerSubject.js';
import { startNats } from '../helpers/nats.js';
import { gateFile, requiresNats } from '../helpers/gates.js';

gateFile(requiresNats());

const nats = await startNats(t);
const nc = await nats.connect();
await (await jetstreamManager(nc)).streams.add({ name: 'LAST', subjects: ['last.>'] });
const js = jetstream(nc);
const text = new TextDecoder();

async function publishRounds(prefix: string, subjects: number, rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < subjects; i++) await js.publish(`last.${prefix}.${i}`, `${round}`);
  }
}

for (const [prefix, subjects] of [['few', 3], ['many', 150]] as const) {
  t.test(`${subjects} subjects: each one's last message, in stream order`, async (t) => {
    await publishRounds(prefix, subjects, 3);
    await js.publish('last.other.0', 'not under the filter');
    const found = await readLastPerSubject(nc, 'LAST', `last.${prefix}.>`);
    t.equal(found.length, subjects, 'every subject once');
    t.ok(found.every((m) => text.decode(m.data) === '2'), 'each its last value');
    t.same(found.map((m) => m.seq), [...found.map((m) => m.seq)].sort((a, b) => a - b), 'in stream order');
    t.same(new Set(found.map((m) => m.subject)), new Set(Array.from({ length: subjects }, (_, i) => `last.${prefix}.${i}`)));
  });
}

t.test('a KV delete marker is the last message, with its operation', async (t) => {
  const kv = await new Kvm(nc).create('lastkv');
  await kv.put('a', 'one');
  await kv.put('b', 'two');
  await kv.delete('a');
  const found = await readLastPerSubject(nc, 'KV_lastkv', '$KV.lastkv.>');
  t.same(found.map((m) => [m.subject, m.operation ?? 'PUT']), [['$KV.lastkv.b', 'PUT'], ['$KV.lastkv.a', 'DEL']]);
});

t.test('no subject under the filter: nothing', async (t) => {
  t.same(await readLastPerSubject(nc, 'LAST', 'last.none.>'), []);
});

t.teardown(() => nc.close());
