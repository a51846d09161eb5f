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

t.test('tail after the window', async (t) => {
  t.equal(data(selectHistory(chunks, { tail: 2 })), 'cd');
  t.equal(data(selectHistory(chunks, { tail: 0 })), '');
  t.equal(data(selectHistory(chunks, { tail: 10 })), 'abcd');
  t.equal(data(selectHistory(chunks, { tail: 1, untilMs: 30_000 })), 'b');
});
