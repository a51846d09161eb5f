import t from 'tap';
import { stampDaemonLog } from './daemonLog.js';

t.test('each line the daemon logs starts with its time, unless the journal is its stderr', async (t) => {
  const original = console.error;
  const write = process.stderr.write;
  const written: string[] = [];
  t.teardown(() => { console.error = original; process.stderr.write = write; });
  process.stderr.write = ((chunk: string) => { written.push(chunk); return true; }) as typeof process.stderr.write;

  stampDaemonLog({ JOURNAL_STREAM: '8:1234' });
  t.equal(console.error, original, 'under the journal, console.error is left as it is');

  stampDaemonLog({});
  console.error('berthd: ready: %s', 'h1');
  process.stderr.write = write;
  t.match(written[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z berthd: ready: h1\n$/);
});
