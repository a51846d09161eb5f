/** decodeFollowed: what a follow reads of an event is checked, and only that. */
import { Packr } from 'msgpackr';
import t from 'tap';
import { encodeEvent } from '../events/eventCodec.js';
import { decodeFollowed } from './followContainer.js';

const raw = new Packr({ useRecords: false, moreTypes: false });
const envelope = { id: 'r1.0', host: 'h1', kind: 'container', entity: 'a'.repeat(64), time: 1, causation: 'r1', correlation: 'r1', attributes: {} };

t.test('a died and an exec_died are read whole, checked against their schemas', async (t) => {
  const died = { ...envelope, type: 'container.died', data: { exitCode: 3, signal: null, oomKilled: false } };
  t.same((decodeFollowed(encodeEvent(died as never)) as { data: unknown }).data, died.data);
  const execDied = { ...envelope, type: 'container.exec_died', data: { execId: 'e1', exitCode: 127, error: 'exec: "x": executable file not found in $PATH' } };
  t.same((decodeFollowed(encodeEvent(execDied as never)) as { data: unknown }).data, execDied.data);
  t.throws(() => decodeFollowed(raw.pack({ ...died, data: { exitCode: 'three', signal: null, oomKilled: false } })), { name: 'ValidationError' }, 'a died whose code is not a number is refused');
  t.throws(() => decodeFollowed(raw.pack({ ...execDied, data: { exitCode: 1 } })), { name: 'ValidationError' }, 'an exec_died without its exec id is refused');
});

t.test('any other event: its type alone, its data neither read nor checked', async (t) => {
  t.same(decodeFollowed(raw.pack({ ...envelope, type: 'container.created', data: { config: 'not a configuration' } })), { type: 'container.created' });
  t.same(decodeFollowed(raw.pack({ ...envelope, type: 'container.destroyed', data: {} })), { type: 'container.destroyed' });
  t.throws(() => decodeFollowed(raw.pack({ ...envelope, type: 42 })), { name: 'ValidationError' }, 'an event without a type is refused');
  t.throws(() => decodeFollowed(new Uint8Array([0xc1])), { name: 'ValidationError' }, 'and so is what is not msgpack');
});
