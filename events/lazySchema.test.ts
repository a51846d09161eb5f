import t from 'tap';
import { Packr } from 'msgpackr';
import * as z from 'zod';
import { lazySchema } from './lazySchema.js';
import { EventsOfKind, eventSchemaFor, AnyEvent } from './all.js';
import { decode, encode } from './codec.js';
import { decodeEvent, encodeEvent } from './eventCodec.js';
import { RequestEnvelope, requestEnvelopeOf } from './requests.js';

t.test('a lazy schema is built at its first use, once', async (t) => {
  let builds = 0;
  const Port = lazySchema(() => { builds++; return z.number().int().min(1).max(65535); });
  const Endpoint = lazySchema(() => z.object({ host: z.string(), port: Port.optional() }));
  t.equal(builds, 0, 'declaring it, and another that uses it, builds nothing');
  t.same(Endpoint.parse({ host: 'h', port: 80 }), { host: 'h', port: 80 });
  t.equal(builds, 1);
  t.throws(() => Endpoint.parse({ host: 'h', port: 0 }), /too small/i);
  t.equal(builds, 1, 'built once');
});

t.test('a lazy schema is the schema it builds to its readers: shape, extend, instanceof, unions', async (t) => {
  const Base = lazySchema(() => z.object({ kind: z.literal('a'), n: z.number() }));
  const Other = lazySchema(() => z.object({ kind: z.literal('b'), s: z.string() }));
  t.ok(Base instanceof z.ZodObject);
  t.same(Object.keys(Base.shape), ['kind', 'n']);
  t.same(Base.extend({ m: z.boolean() }).parse({ kind: 'a', n: 1, m: true }), { kind: 'a', n: 1, m: true });
  const Either = lazySchema(() => z.discriminatedUnion('kind', [Base, Other]));
  t.same(Either.parse({ kind: 'b', s: 'x' }), { kind: 'b', s: 'x' });
  t.notOk(Either.safeParse({ kind: 'c' }).success);
  t.same(z.array(Base).parse([{ kind: 'a', n: 2, extra: 1 }]), [{ kind: 'a', n: 2 }], 'unknown keys are dropped as before');
});

t.test('a client encodes one op with that op\'s envelope, and the daemon decodes it with every op\'s', async (t) => {
  const envelope = { id: 'r1', request: { op: 'container.stop' as const, ref: 'web', timeoutSeconds: 10 } };
  const bytes = encode(requestEnvelopeOf('container.stop'), envelope);
  t.same(decode(RequestEnvelope, bytes), envelope);
  t.equal(requestEnvelopeOf('container.stop'), requestEnvelopeOf('container.stop'), 'one envelope per op');
  t.throws(() => encode(requestEnvelopeOf('container.stop'), { id: 'r2', request: { op: 'container.stop', ref: 'web' } } as never), /timeoutSeconds/);
  t.throws(() => requestEnvelopeOf('container.explode' as never), /no such request: container\.explode/);
});

t.test('an event is decoded with its kind\'s schema, and one of no known kind with every event\'s', async (t) => {
  const event: AnyEvent = {
    type: 'container.started', id: 'r1.0', host: 'h1', kind: 'container', entity: 'a'.repeat(64), time: 1,
    causation: 'r1', correlation: 'r1', attributes: {}, data: { pid: 10, shimPid: 9 },
  };
  t.same(decodeEvent(encodeEvent(event)), event);
  t.equal(eventSchemaFor(event), EventsOfKind.container);
  t.equal(eventSchemaFor({ ...event, kind: 'toString' }), AnyEvent, 'a name on Object.prototype is no kind');
  t.equal(eventSchemaFor(null), AnyEvent);
  const packr = new Packr({ useRecords: false });
  // A container event that says it is an image's is refused: its kind's union has no such type.
  t.throws(() => decodeEvent(packr.pack({ ...event, kind: 'image' })), { name: 'ValidationError' });
  t.throws(() => decodeEvent(packr.pack({ ...event, kind: 'nothing' })), { name: 'ValidationError' });
  t.throws(() => decodeEvent(packr.pack({ ...event, data: { pid: 'x' } })), /data\.pid/);
});
