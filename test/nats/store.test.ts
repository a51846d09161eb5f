/**
 * The JetStream EventStore's own failure modes against a real nats-server: a read for which no
 * consumer can be made reads the same events message by message; an append waits while the
 * stream cannot store. What every EventStore does is in test/conformance/eventStore.ts.
 */
import t from 'tap';
import type { ContainerCommand, ContainerConfig } from '../../events/container.js';
import { jetstreamManager, type ConsumeOptions, type Consumer } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { JetStreamEventStore, ensureEventStream } from '../../nats/store/jetStream.js';
import { EVENTS_STREAM, eventFilter, eventSubject } from '../../events/subjects.js';
import type { ContainerState } from '../../actors/container/state.js';
import { Entity } from '../../actors/entity.js';
import { containerRules } from '../../actors/rules.js';
import { startNats } from '../helpers/nats.js';
import { gateFile, requiresNats } from '../helpers/gates.js';
import { waitFor } from '../helpers/waitFor.js';

gateFile(requiresNats());

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

/** A store whose consumers cannot be made, as for a while after a NATS node is lost. */
class NoConsumers extends JetStreamEventStore {
  made = 0;
  protected override consumer(): never {
    this.made++;
    throw new Error('timeout');
  }
}

t.test('without consumers a read goes message by message, from a sequence or a time', async (t) => {
  const nc = await nats.connect();
  t.teardown(() => nc.close());
  const fallback = new NoConsumers(nc);
  for (let i = 0; i < 5; i++) await create('reader');
  await create('other'); // another host's events are not read
  const read = async (from: Parameters<typeof store.read>[1], reader = store) => {
    const seqs: number[] = [];
    for await (const stored of reader.read(eventFilter('reader'), from)) seqs.push(stored.seq);
    return seqs;
  };
  const all = await read({});
  t.same(await read({}, fallback), all, 'the whole history, in order, other hosts left out');
  t.ok(fallback.made > 0, 'after the consumer failed');
  t.same(await read({ fromSeq: all[2]! }, fallback), all.slice(2), 'from a sequence');

  // By time: events stored before and after a moment; the read by gets starts at the first after.
  // Event times are in ms: a moment strictly after the events so far, and events strictly after it.
  const last = Date.now();
  const moment = await waitFor(() => Date.now() > last && Date.now(), { what: 'the clock to pass the last event' });
  await waitFor(() => Date.now() > moment, { what: 'the clock to pass the moment' });
  for (let i = 0; i < 4; i++) {
    await create('reader');
    await create('other');
  }
  const since = await read({ since: moment });
  t.equal(since.length, 4, 'a consumer by time finds the four');
  t.same(await read({ since: moment }, fallback), since, 'and so do gets');
  t.same(await read({ since: Date.now() + 60_000 }, fallback), [], 'nothing after the end');
  t.same(await read({ since: 1 }, fallback), await read({}), 'everything from the start of time');

  const nothing: number[] = [];
  for await (const stored of fallback.read(eventFilter('nobody'), { since: moment })) nothing.push(stored.seq);
  t.same(nothing, [], 'a filter nothing matches');
  await t.rejects(async () => {
    for await (const stored of new (class extends JetStreamEventStore {
      protected override consumer(): never {
        throw new Error('permissions violation');
      }
    })(nc).read(eventFilter('reader'))) void stored;
  }, /permissions violation/, 'another failure is not hidden');
});

/**
 * A store whose consumers stop after `keep` messages and say nothing is pending, as NATS 2.9's
 * counts sometimes did, and which counts the reads' scans for the next message.
 */
class EarlyEnd extends JetStreamEventStore {
  scans = 0;
  constructor(nc: NatsConnection, private readonly keep: number, few?: number) {
    super(nc);
    if (few !== undefined) (this as unknown as { fewSubjects: number }).fewSubjects = few;
  }

  protected override async consumer(...args: Parameters<JetStreamEventStore['consumer']>): Promise<Consumer> {
    const real = await super.consumer(...args);
    const keep = this.keep;
    return {
      info: (cached?: boolean) => real.info(cached),
      consume: async (options?: ConsumeOptions) => {
        const messages = await real.consume(options);
        return {
          stop: () => messages.stop(),
          async* [Symbol.asyncIterator]() {
            let n = 0;
            for await (const m of messages) {
              n++;
              yield n < keep ? m : { subject: m.subject, seq: m.seq, data: m.data, info: { ...m.info, pending: 0 } };
              if (n >= keep) return;
            }
          },
        };
      },
    } as unknown as Consumer;
  }

  protected override nextMessage(filter: string, seq: number): ReturnType<JetStreamEventStore['nextMessage']> {
    this.scans++;
    return super.nextMessage(filter, seq);
  }
}

t.test('a read whose consumer ends early reads on; one that has read everything asks the server\'s index, not a scan', async (t) => {
  const nc = await nats.connect();
  t.teardown(() => nc.close());
  for (let i = 0; i < 5; i++) {
    await create('early');
    await create('noise');
  }
  const read = async (reader: JetStreamEventStore, filter: string) => {
    const seqs: number[] = [];
    for await (const stored of reader.read(filter)) seqs.push(stored.seq);
    return seqs;
  };
  const all = await read(store, eventFilter('early'));
  t.equal(all.length, 5, 'five events of the host, the other host\'s between them');
  let subject = '';
  for await (const stored of store.read(eventFilter('early'))) subject ||= eventSubject('early', stored.event.kind, stored.event.entity);
  const ofOne = await read(store, subject);
  t.equal(ofOne.length, 1, 'one of them on one entity\'s subject');

  const early = new EarlyEnd(nc, 2);
  t.same(await read(early, eventFilter('early')), all, 'a consumer that stops after two: the read goes on to the last');
  t.ok(early.scans > 0, 'from the next message the server finds');

  // Every one of the host's messages is now far behind the stream's end: the other host's come after.
  for (let i = 0; i < 5; i++) await create('noise');
  const whole = new EarlyEnd(nc, Number.MAX_SAFE_INTEGER);
  t.same(await read(whole, eventFilter('early')), all, 'a consumer that ends where the messages end');
  t.equal(whole.scans, 0, 'is confirmed from the subjects under its filter and their last messages, with no scan');
  t.same(await read(whole, subject), ofOne, 'one subject likewise');
  t.equal(whole.scans, 0, 'with no scan either');
  t.same(await read(whole, eventFilter('nobody')), [], 'a filter nothing matches');
  t.equal(whole.scans, 0, 'is empty by the index too');
  const many = new EarlyEnd(nc, Number.MAX_SAFE_INTEGER, 2);
  t.same(await read(many, eventFilter('early')), all, 'a read of more messages than a few subjects');
  t.equal(many.scans, 1, 'asks for the next message after its last');
});

t.test('an append waits while the stream cannot store, instead of losing the event', async (t) => {
  const nc = await nats.connect();
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(EVENTS_STREAM);
  // No stream: a publish finds no responders, as while a new stream leader is elected. The
  // client's own five tries give up within about a second; the stream is back after two.
  const appended = create('patient');
  // Not synchronisation: the subject. The stream stays away for two seconds.
  setTimeout(() => void ensureEventStream(nc), 2000);
  const events = await appended;
  t.equal(events.length, 1, 'the event was appended once the stream was back');
  const seqs: number[] = [];
  for await (const stored of store.read(eventFilter('patient'))) seqs.push(stored.seq);
  t.same(seqs, [1], 'and is the new stream\'s only event');
});

t.test('a full stream refuses an append with LogFullError and drops nothing; with room again it appends', async (t) => {
  const nc = await nats.connect();
  const jsm = await jetstreamManager(nc);
  await create('full');
  const { state } = await jsm.streams.info(EVENTS_STREAM);
  // The limit as the stream holds now: nothing more fits (ensureEventStream never sets one below what it holds).
  await ensureEventStream(nc, 1, state.bytes);
  t.same(await store.usage(), { bytes: state.bytes, maxBytes: Math.ceil(state.bytes * 1.25) }, 'the limit keeps a quarter above what it holds');
  const { config: held } = await jsm.streams.info(EVENTS_STREAM);
  await jsm.streams.update(EVENTS_STREAM, { ...held, max_bytes: state.bytes });
  await t.rejects(create('full'), { name: 'LogFullError', exitCode: 125, message: /^the event log is full \(stream BERTH_EVENTS: maximum bytes exceeded\); nothing was recorded for container\.created/ });
  t.equal((await jsm.streams.info(EVENTS_STREAM)).state.messages, state.messages, 'discard=new: no old event was dropped for it');
  await ensureEventStream(nc, 1, state.bytes * 4);
  t.equal((await create('full')).length, 1, 'room again, no restart: appended');
});
