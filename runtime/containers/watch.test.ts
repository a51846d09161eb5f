import t from 'tap';
import { parseSignal } from '../signals.js';

t.test('signals by name, short name or number', async (t) => {
  t.same(parseSignal('KILL'), { name: 'SIGKILL', number: 9 });
  t.same(parseSignal('sigterm'), { name: 'SIGTERM', number: 15 });
  t.same(parseSignal('1'), { name: 'SIGHUP', number: 1 });
  t.throws(() => parseSignal('NOPE'), /invalid signal: NOPE/);
  t.throws(() => parseSignal('999'), /invalid signal/);
});
