/** A RUN step's output records become lines per stream, an unfinished line kept until its rest or the end. */
import t from 'tap';
import { OutputLines } from './outputLines.js';

t.test('whole lines at once, parts joined per stream, the rest at the end', async (t) => {
  const seen: string[] = [];
  const lines = new OutputLines((stream, line) => seen.push(`${stream}:${line}`));
  lines.push('stdout', 'one\ntwo\n');
  t.same(seen, ['stdout:one', 'stdout:two']);
  lines.push('stdout', 'thr');
  lines.push('stderr', 'err\n');
  t.same(seen, ['stdout:one', 'stdout:two', 'stderr:err'], 'an unfinished line waits; the other stream is not held by it');
  lines.push('stdout', 'ee\n\nfour');
  t.same(seen.slice(3), ['stdout:three', 'stdout:'], 'joined with its rest; an empty line is a line');
  lines.end();
  t.same(seen.slice(5), ['stdout:four'], 'the end sends what is left');
  lines.end();
  t.equal(seen.length, 6, 'and only once');
});
