import t from 'tap';
import { fieldText, journalctlArgs, parseJournalEntry, rfc3339FromMicroseconds } from './journalEntry.js';

t.test('an entry: MESSAGE with its newline again, PRIORITY 3 stderr, the receive time, the cursor', async (t) => {
  const line = JSON.stringify({ MESSAGE: 'hello', PRIORITY: '6', __REALTIME_TIMESTAMP: '1796318479103637', __CURSOR: 's=1;i=3', CONTAINER_ID_FULL: 'abc' });
  t.same(parseJournalEntry(line), { chunk: { stream: 'stdout', data: 'hello\n', time: '2026-12-03T17:21:19.103637Z' }, cursor: 's=1;i=3' });
  t.match(parseJournalEntry(JSON.stringify({ MESSAGE: 'bad', PRIORITY: '3' })), { chunk: { stream: 'stderr', data: 'bad\n' } });
  t.same(parseJournalEntry(JSON.stringify({ MESSAGE: 'part', CONTAINER_PARTIAL_MESSAGE: 'true', PRIORITY: '6' })), { chunk: { stream: 'stdout', data: 'part' } }, 'a partial line has no newline');
  t.match(parseJournalEntry(JSON.stringify({ MESSAGE: 'x', PRIORITY: '5' })), { chunk: { stream: 'stdout' } }, 'another priority: stdout');
});

t.test('journalctl\'s other forms of a value: bytes, null, repeated', async (t) => {
  t.equal(fieldText([104, 105, 0, 255]), 'hi\u0000\ufffd', 'bytes (not printable): decoded as UTF-8');
  t.equal(fieldText(null), undefined);
  t.equal(fieldText(['a', 'b']), 'b', 'repeated: the last');
  t.equal(fieldText([[104], 'z', [105]]), 'i');
  t.same(parseJournalEntry(JSON.stringify({ MESSAGE: null, __CURSOR: 'c' })), { cursor: 'c' }, 'no message: only the cursor moves on');
  t.equal(parseJournalEntry('-- No entries --'), null);
  t.equal(parseJournalEntry('null'), null);
});

t.test('times as the shim writes them: Go\'s RFC3339Nano, zeros trimmed', async (t) => {
  t.equal(rfc3339FromMicroseconds(1796318479000000), '2026-12-03T17:21:19Z');
  t.equal(rfc3339FromMicroseconds(1796318479100000), '2026-12-03T17:21:19.1Z');
  t.equal(rfc3339FromMicroseconds(1796318479000001), '2026-12-03T17:21:19.000001Z');
});

t.test('journalctl\'s arguments', async (t) => {
  t.same(journalctlArgs('abc', {}), ['--no-pager', '--output=json', '--all', 'CONTAINER_ID_FULL=abc']);
  t.same(journalctlArgs('abc', { directory: '/j', cursor: 's=1' }), ['--no-pager', '--output=json', '--all', '--directory=/j', '--after-cursor=s=1', 'CONTAINER_ID_FULL=abc']);
});
