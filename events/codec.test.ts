import t from 'tap';
import { Packr } from 'msgpackr';
import { AnyEvent } from './all.js';
import { decode, encode } from './codec.js';
import { RequestEnvelope } from './requests.js';

const event: AnyEvent = {
  type: 'container.started', id: 'r1.0', host: 'h1', kind: 'container', entity: 'a'.repeat(64), time: 1,
  causation: 'r1', correlation: 'r1', attributes: { name: 'web' }, data: { pid: 10, shimPid: 9 },
};

t.test('round trip', async (t) => {
  t.same(decode(AnyEvent, encode(AnyEvent, event)), event);
});

t.test('encode refuses what its schema refuses', async (t) => {
  t.throws(() => encode(AnyEvent, { ...event, data: { pid: 'x' } } as never), { name: 'ValidationError' });
});

t.test('decode rejects, with a ValidationError, anything invalid and never throws anything else', async (t) => {
  const packr = new Packr({ useRecords: false });
  t.throws(() => decode(AnyEvent, packr.pack({ ...event, type: 'container.exploded' })), { name: 'ValidationError' });
  t.throws(() => decode(AnyEvent, packr.pack({ ...event, kind: undefined })), { name: 'ValidationError' });
  t.throws(() => decode(RequestEnvelope, packr.pack({ id: 'x', request: { op: 'container.stop', ref: 'a' } })), /timeoutSeconds/);
  t.throws(() => decode(AnyEvent, new Uint8Array([0xc1])), { name: 'ValidationError' });
  // Random bytes: always a ValidationError, never a crash.
  for (let i = 0; i < 500; i++) {
    const bytes = new Uint8Array(1 + Math.floor(Math.random() * 64)).map(() => Math.floor(Math.random() * 256));
    try {
      decode(AnyEvent, bytes);
      t.fail('random bytes decoded');
    } catch (error) {
      if ((error as Error).name !== 'ValidationError') t.fail(`threw ${(error as Error).name}`);
    }
  }
});
