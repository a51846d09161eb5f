import t from 'tap';
import { frame, outputBytes } from './stdcopy.js';

t.test('a frame: stream byte, three zeros, big-endian length, data', async (t) => {
  t.same([...frame('stderr', Buffer.from('hi'))], [2, 0, 0, 0, 0, 0, 0, 2, 0x68, 0x69]);
  t.same([...frame('stdout', Buffer.alloc(0))], [1, 0, 0, 0, 0, 0, 0, 0]);
  t.equal(frame('stdout', Buffer.alloc(70_000)).readUInt32BE(4), 70_000);
  t.same(outputBytes('stdout', 'é', true), Buffer.from('é'), 'raw with a TTY');
  t.equal(outputBytes('stdout', 'é', false).readUInt32BE(4), 2, 'the length counts bytes, not characters');
});
