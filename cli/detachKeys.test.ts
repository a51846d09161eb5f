import t from 'tap';
import { DEFAULT_DETACH_KEYS, DetachKeyMatcher, parseDetachKeys } from './detachKeys.js';

t.test('Docker\'s key names', async (t) => {
  t.same(parseDetachKeys(DEFAULT_DETACH_KEYS), [0x10, 0x11]);
  t.same(parseDetachKeys('ctrl-@,ctrl-a,ctrl-z,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_'), [0, 1, 26, 27, 28, 29, 30, 31]);
  t.same(parseDetachKeys('a,b,DEL'), [97, 98, 127]);
  t.throws(() => parseDetachKeys(','), /unknown key ''/, 'an empty key is not a key');
  t.throws(() => parseDetachKeys('ctrl-p,ctrl-'), /Invalid detach keys \(ctrl-p,ctrl-\) provided: unknown key 'ctrl-'/);
  t.throws(() => parseDetachKeys('ctrl-1'), /unknown key 'ctrl-1'/);
  t.throws(() => parseDetachKeys('é'), /unknown key/);
});

t.test('the matcher holds a prefix back and lets it go when the sequence breaks', async (t) => {
  const m = new DetachKeyMatcher([0x10, 0x11]);
  const feed = (s: string) => { const r = m.feed(Buffer.from(s, 'latin1')); return [r.send.toString('latin1'), r.detach]; };
  t.same(feed('ab'), ['ab', false]);
  t.same(feed('x\x10'), ['x', false], 'ctrl-p held');
  t.same(feed('y'), ['\x10y', false], 'not followed by ctrl-q: sent after all');
  t.same(feed('\x10\x10'), ['\x10', false], 'a second ctrl-p restarts the match');
  t.same(feed('\x11after'), ['', true], 'detach; the rest of the chunk is dropped');
  t.same(feed('z\x10'), ['z', false]);
  t.same(m.flush().toString('latin1'), '\x10', 'held at the end of input');
  const one = new DetachKeyMatcher([0x1d]);
  t.same([one.feed(Buffer.from('ab\x1dc')).send.toString(), true], ['ab', true]);
  const three = new DetachKeyMatcher([97, 97, 98]);
  t.same(three.feed(Buffer.from('aaab')).detach, true, 'an overlapping prefix');
});
