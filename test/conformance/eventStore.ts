/**
 * What every EventStore (events/store.ts) does, run against each implementation: the in-memory
 * twin as a unit test (memory/stores.test.ts), JetStream against a real nats-server
 * (test/nats/conformance.test.ts). Failure modes of one implementation stay in its own tests.
 */
import type { Test } from 'tap';
import { ConcurrencyError, ValidationError } from '../../events/errors.js';
import type { EventStore, InvalidEvent, ReadFrom, StoredEvent } from '../../events/store.js';
import { eventFilter, eventSubject } from '../../events/subjects.js';
import { created, entityId, freshHost, renamed } from './events.js';

export interface EventStoreUnderTest {
  store: EventStore;
  /** Stores raw bytes on a subject, as a broken or foreign writer would; returns the sequence. */
  publishRaw(subject: string, data: Uint8Array): Promise<number>;
}

async function readAll(store: EventStore, filter: string, from?: ReadFrom, onInvalid?: (invalid: InvalidEvent) => void): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for await (const stored of store.read(filter, from, onInvalid)) all.push(stored);
  return all;
}

/** The condition, checked until it holds; fails after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('the condition did not hold in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export function eventStoreConformance(t: Test, open: () => Promise<EventStoreUnderTest>): void {
  t.test('appends come back in order, with rising sequences, under their subject', async (t) => {
    const { store } = await open();
    const host = freshHost('order');
    const [first] = await store.append([created(host, entityId(1))], 0);
    const last = renamed(host, entityId(1), 'b');
    const [second, third] = await store.append([renamed(host, entityId(1), 'a'), last], first!.seq);
    t.ok(first!.seq < second!.seq && second!.seq < third!.seq, 'sequences rise');
    await store.append([created(freshHost('other'), entityId(1))], 0);
    const read = await readAll(store, eventSubject(host, 'container', entityId(1)));
    t.same(read.map((s) => s.seq), [first!.seq, second!.seq, third!.seq]);
    t.same(read.map((s) => s.event.type), ['container.created', 'container.renamed', 'container.renamed']);
    t.same(read[2]!.event, last, 'the event as appended');
  });

  t.test('an append at a stale sequence is refused and writes nothing', async (t) => {
    const { store } = await open();
    const host = freshHost('stale');
    const [first] = await store.append([created(host, entityId(2))], 0);
    await t.rejects(store.append([created(host, entityId(2), 'again')], 0), ConcurrencyError, 'expecting an empty subject that has events');
    await store.append([renamed(host, entityId(2), 'a')], first!.seq);
    await t.rejects(store.append([renamed(host, entityId(2), 'b')], first!.seq), ConcurrencyError, 'expecting a sequence that moved on');
    t.equal((await readAll(store, eventFilter(host))).length, 2, 'nothing written by the refused appends');
    await store.append([created(host, entityId(3))], 0);
    t.pass('another entity of the host has its own sequence');
  });

  t.test('an event appended again with its id is stored once', async (t) => {
    const { store } = await open();
    const host = freshHost('dedupe');
    const event = created(host, entityId(4));
    const [first] = await store.append([event], 0);
    const [again] = await store.append([event], 0);
    t.equal(again!.seq, first!.seq, 'the same sequence');
    t.equal((await readAll(store, eventFilter(host))).length, 1, 'one copy in the log');
  });

  t.test('filters select hosts, kinds and entities', async (t) => {
    const { store } = await open();
    const host = freshHost('filter');
    await store.append([created(host, entityId(5))], 0);
    await store.append([created(host, entityId(6))], 0);
    t.equal((await readAll(store, eventFilter(host))).length, 2, 'a host');
    t.equal((await readAll(store, eventFilter(host, 'container'))).length, 2, 'a kind');
    t.equal((await readAll(store, eventFilter(host, 'image'))).length, 0, 'another kind');
    t.equal((await readAll(store, eventSubject(host, 'container', entityId(6)))).length, 1, 'an entity');
    t.same(await readAll(store, eventFilter(freshHost('nobody'))), [], 'a filter nothing matches ends at once');
  });

  t.test('events appended while a read is at its last message are read too', async (t) => {
    const { store } = await open();
    const host = freshHost('reader');
    for (let i = 0; i < 5; i++) await store.append([created(host, entityId(100 + i))], 0);
    const seqs: number[] = [];
    for await (const stored of store.read(eventFilter(host))) {
      seqs.push(stored.seq);
      if (seqs.length === 5) for (let i = 0; i < 3; i++) await store.append([created(host, entityId(200 + i))], 0);
    }
    t.equal(seqs.length, 8, 'all eight, not the five there when the read began');
    t.same(seqs, [...seqs].sort((a, b) => a - b), 'in log order');
  });

  t.test('a read from a sequence or a time starts there; an empty tail ends at once', async (t) => {
    const { store } = await open();
    const host = freshHost('from');
    for (let i = 0; i < 4; i++) await store.append([created(host, entityId(300 + i))], 0);
    const all = (await readAll(store, eventFilter(host))).map((s) => s.seq);
    t.same((await readAll(store, eventFilter(host), { fromSeq: all[2]! })).map((s) => s.seq), all.slice(2));
    t.same(await readAll(store, eventFilter(host), { fromSeq: all.at(-1)! + 1 }), []);
    // A moment after the four were stored and before the next two are (one clock on this machine).
    const moment = Date.now() + 1;
    await until(() => Date.now() > moment);
    for (let i = 0; i < 2; i++) await store.append([created(host, entityId(400 + i))], 0);
    t.equal((await readAll(store, eventFilter(host), { since: moment })).length, 2, 'the two stored after the moment');
    t.same(await readAll(store, eventFilter(host), { since: Date.now() + 60_000 }), [], 'nothing after the end');
  });

  t.test('purge deletes one entity\'s history and nothing else', async (t) => {
    const { store } = await open();
    const host = freshHost('purge');
    const [first] = await store.append([created(host, entityId(7))], 0);
    await store.append([renamed(host, entityId(7), 'a')], first!.seq);
    await store.append([created(host, entityId(8))], 0);
    await store.purge(host, 'container', entityId(7));
    t.same((await readAll(store, eventFilter(host))).map((s) => s.event.entity), [entityId(8)]);
  });

  t.test('an invalid message is handed to the reader with its subject and sequence, never skipped silently', async (t) => {
    const under = await open();
    const { store } = under;
    const host = freshHost('invalid');
    const subject = eventSubject(host, 'container', entityId(9));
    const [first] = await store.append([created(host, entityId(9))], 0);
    const garbage = await under.publishRaw(subject, new Uint8Array([0xc1, 0x00, 0xff]));
    await store.append([created(host, entityId(10))], 0);
    const invalid: InvalidEvent[] = [];
    const read = await readAll(store, eventFilter(host), {}, (i) => invalid.push(i));
    t.same(read.map((s) => s.event.entity), [entityId(9), entityId(10)], 'the valid events are read on');
    t.equal(invalid.length, 1);
    t.equal(invalid[0]!.subject, subject);
    t.equal(invalid[0]!.seq, garbage);
    t.type(invalid[0]!.error, ValidationError, 'the codec\'s problem');
    await t.rejects(readAll(store, eventFilter(host)), { name: 'ValidationError', message: new RegExp(`seq ${garbage} on ${subject.replaceAll('.', '\\.')}`) },
      'a reader that takes no invalid message fails naming it');
    await t.rejects(store.append([renamed(host, entityId(9), 'a')], first!.seq), ConcurrencyError, 'the invalid message counts in the subject\'s sequence');
    await store.append([renamed(host, entityId(9), 'a')], garbage);
    t.pass('an append after it expects its sequence');
  });

  t.test('a follower gets the events from its start on, then live ones, until stopped', async (t) => {
    const { store } = await open();
    const host = freshHost('follow');
    await store.append([created(host, entityId(11))], 0);
    const seen: string[] = [];
    const invalid: InvalidEvent[] = [];
    const follower = await store.follow(eventFilter(host), {}, (s) => seen.push(s.event.entity), (i) => invalid.push(i));
    await store.append([created(host, entityId(12))], 0);
    await until(() => seen.length === 2);
    t.same(seen, [entityId(11), entityId(12)]);
    await follower.stop();
    await store.append([created(host, entityId(13))], 0);
    const after = await readAll(store, eventFilter(host));
    t.equal(after.length, 3);
    t.equal(seen.length, 2, 'nothing after stop');
    t.same(invalid, []);
  });
}
