import t from 'tap';
import { inWindow, selectHistory } from './logFilter.js';
import type { LogChunk } from './watch.js';

const at = (s: number, data: string): LogChunk => ({ stream: 'stdout', data, time: new Date(s * 1000).toISOString().replace('Z', '123456Z') });
const chunks = [at(10, 'a'), at(20, 'b'), at(30, 'c'), at(40, 'd')];
const data = (list: LogChunk[]) => list.map((c) => c.data).join('');

t.test('time window: since inclusive, until exclusive', async (t) => {
  t.equal(data(selectHistory(chunks, {})), 'abcd');
  t.equal(data(selectHistory(chunks, { sinceMs: 20_000 })), 'bcd');
  t.equal(data(selectHistory(chunks, { untilMs: 30_000 })), 'ab');
  t.equal(data(selectHistory(chunks, { sinceMs: 15_000, untilMs: 35_000 })), 'bc');
  t.ok(inWindow({ stream: 'stdout', data: 'x' }, { sinceMs: 1 }), 'no time: shown');
  t.ok(inWindow({ stream: 'stdout', data: 'x', time: 'garbage' }, { sinceMs: 1 }));
});

t.test('tail after the window, in lines', async (t) => {
  const lines = [at(10, 'a\n'), at(20, 'b\n'), at(30, 'c\n'), at(40, 'd\n')];
  t.equal(data(selectHistory(lines, { tail: 2 })), 'c\nd\n');
  t.equal(data(selectHistory(lines, { tail: 0 })), '');
  t.equal(data(selectHistory(lines, { tail: 10 })), 'a\nb\nc\nd\n');
  t.equal(data(selectHistory(lines, { tail: 1, untilMs: 30_000 })), 'b\n');
});

t.test('tail counts lines, not the reads they came in', async (t) => {
  // What the shim may read under load: a line split across reads, several lines in one.
  const reads = [at(10, 'line 1\nline'), at(11, ' 2\n'), at(12, 'line 3\nline 4\nli'), at(13, 'ne 5\n')];
  t.equal(data(selectHistory(reads, { tail: 3 })), 'line 3\nline 4\nline 5\n');
  t.equal(data(selectHistory(reads, { tail: 4 })), 'line 2\nline 3\nline 4\nline 5\n', 'a line split across reads comes whole');
  t.equal(data(selectHistory(reads, { tail: 1 })), 'line 5\n');
  t.equal(data(selectHistory([at(1, 'no newline at the end\nlast')], { tail: 1 })), 'last');
  t.equal(data(selectHistory(reads, { tail: 9 })), data(reads));
});
