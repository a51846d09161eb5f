/**
 * The EventStore against a real nats-server: a read ends where the log ends, not where the
 * server's pending count said it would when the read began.
 */
import t from 'tap';
import type { ContainerCommand, ContainerConfig } from '../../events/container.js';
import { JetStreamEventStore } from '../../events/jetStream.js';
import { eventFilter } from '../../events/subjects.js';
import type { ContainerState } from '../../actors/container/state.js';
import { Entity } from '../../actors/entity.js';
import { containerRules } from '../../actors/rules.js';
import { startNats } from '../helpers/nats.js';

const nats = await startNats(t);
const store = new JetStreamEventStore(await nats.connect());
const config: ContainerConfig = {
  name: 'c', image: 'b'.repeat(64), imageRef: 'busybox', cmd: ['true'], env: [], workingDir: '', hostname: 'h', autoRemove: false, labels: {},
};
let n = 0;
/** Appends one real container.created event for a new entity of `host`. */
const create = (host: string) =>
  new Entity<ContainerState, ContainerCommand>(containerRules, (++n).toString(16).padStart(64, '0'), host, store)
    .execute({ type: 'Create', config: { ...config, name: `c${n}` } }, { id: `cmd-${n}`, correlation: 't' });

t.test('events appended while a read is at its last message are read too', async (t) => {
  for (let i = 0; i < 5; i++) await create('reader');
  await create('other'); // another host's events are not read
  const seqs: number[] = [];
  for await (const stored of store.read(eventFilter('reader'))) {
    seqs.push(stored.seq);
    t.equal(stored.event.host, 'reader');
    // At the last of the five, the consumer's count says "done"; three more arrive now.
    if (seqs.length === 5) for (let i = 0; i < 3; i++) await create('reader');
  }
  t.equal(seqs.length, 8, 'all eight, not the five counted when the read began');
  t.same(seqs, [...seqs].sort((a, b) => a - b), 'in log order');
});

t.test('a read from a sequence starts there; an empty tail ends at once', async (t) => {
  const all: number[] = [];
  for await (const stored of store.read(eventFilter('reader'))) all.push(stored.seq);
  const tail: number[] = [];
  for await (const stored of store.read(eventFilter('reader'), { fromSeq: all[3]! })) tail.push(stored.seq);
  t.same(tail, all.slice(3));
  const none: number[] = [];
  for await (const stored of store.read(eventFilter('reader'), { fromSeq: all.at(-1)! + 1 })) none.push(stored.seq);
  t.same(none, []);
  for await (const stored of store.read(eventFilter('nobody'))) t.fail(`read ${stored.seq} of nobody`);
});
