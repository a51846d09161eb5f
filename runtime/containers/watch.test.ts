import t from 'tap';
import { parseLogLines } from './watch.js';
import { parseSignal } from '../signals.js';

t.test('log lines: whole JSON lines parse, the rest waits', async (t) => {
  const text = '{"stream":"stdout","time":"t","log":"a\\n"}\n{"stream":"stderr","time":"t","log":"b"}\n{"stream":"std';
  const { chunks, rest } = parseLogLines(text);
  t.same(chunks, [{ stream: 'stdout', data: 'a\n', time: 't' }, { stream: 'stderr', data: 'b', time: 't' }]);
  t.equal(rest, '{"stream":"std');
  t.same(parseLogLines('garbage\n').chunks, [], 'an unreadable line is skipped');
});

t.test('signals by name, short name or number', async (t) => {
  t.same(parseSignal('KILL'), { name: 'SIGKILL', number: 9 });
  t.same(parseSignal('sigterm'), { name: 'SIGTERM', number: 15 });
  t.same(parseSignal('1'), { name: 'SIGHUP', number: 1 });
  t.throws(() => parseSignal('NOPE'), /invalid signal: NOPE/);
  t.throws(() => parseSignal('999'), /invalid signal/);
});
