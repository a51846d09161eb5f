import t from 'tap';
import { goDurationMs } from './goDuration.js';

t.test('Go durations, µs in both spellings', async (t) => {
  t.equal(goDurationMs('0'), 0);
  t.equal(goDurationMs('1m30s'), 90_000);
  t.equal(goDurationMs('1.5s'), 1500);
  t.equal(goDurationMs('500ms'), 500);
  t.equal(goDurationMs('250us'), 0.25);
  t.equal(goDurationMs('250µs'), 0.25, 'the micro sign (U+00B5)');
  t.equal(goDurationMs('1h2m'), 3_720_000);
  t.equal(goDurationMs('10'), null, 'no unit');
  t.equal(goDurationMs('1s '), null);
  t.equal(goDurationMs('5d'), null);
});
