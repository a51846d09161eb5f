import t from 'tap';
import { parseHumanSize } from '../events/logDrivers.js';
import { logDetails, parseLogOpts } from './logOptions.js';

t.test('sizes are decimal, as Docker\'s FromHumanSize', async (t) => {
  t.equal(parseHumanSize('10m'), 10_000_000);
  t.equal(parseHumanSize('10MB'), 10_000_000);
  t.equal(parseHumanSize('1.5k'), 1500);
  t.equal(parseHumanSize('2 g'), 2_000_000_000);
  t.equal(parseHumanSize('512'), 512);
  t.equal(parseHumanSize('1kib'), 1000);
  t.throws(() => parseHumanSize('ten'), /invalid size: 'ten'/);
  t.throws(() => parseHumanSize('10x'), /invalid size/);
  t.throws(() => parseHumanSize('-1m'), /invalid size/);
});

t.test('max-size and max-file', async (t) => {
  t.equal(parseLogOpts([]), undefined, 'no option: no config (never rotated)');
  t.same(parseLogOpts(['max-size=10m', 'max-file=3']), { maxSizeBytes: 10_000_000, maxFiles: 3 });
  t.same(parseLogOpts(['max-size=1k']), { maxSizeBytes: 1000 });
  t.same(parseLogOpts(['max-file=2', 'max-file=5']), { maxFiles: 5 }, 'the last one wins');
  t.same(parseLogOpts([], 'local'), { driver: 'local' }, '--log-driver alone');
});

t.test('Docker\'s messages for bad options', async (t) => {
  t.throws(() => parseLogOpts(['max-size=0']), /max-size must be a positive number/);
  t.throws(() => parseLogOpts(['max-file=0']), /max-file cannot be less than 1/);
  t.throws(() => parseLogOpts(['max-file=-2']), /max-file cannot be less than 1/);
  t.throws(() => parseLogOpts(['max-file=two']), /invalid value "two" for max-file/);
  t.throws(() => parseLogOpts(['path=/x'], 'json-file'), /unknown log opt 'path' for json-file log driver/);
  t.throws(() => parseLogOpts(['colour=red']), /unknown log opt 'colour' for json-file log driver/, 'no driver given: an option no driver takes');
  t.throws(() => parseLogOpts(['max-size']), /invalid log opt "max-size": use key=value/);
  t.throws(() => parseLogOpts(['=3']), /use key=value/);
});

t.test('labels and env, and what logs --details shows of them', async (t) => {
  t.same(parseLogOpts(['labels=team,tier', 'env=REGION']), { labels: ['team', 'tier'], env: ['REGION'] });
  t.equal(parseLogOpts(['labels=']), undefined, 'an empty list is no option');
  const config = parseLogOpts(['labels=tier,team,absent', 'env=REGION,NOPE'])!;
  t.equal(logDetails(config, { team: 'core', tier: 'web', other: 'x' }, ['PATH=/bin', 'REGION=eu=1']), 'REGION=eu=1,team=core,tier=web ');
  t.equal(logDetails(undefined, { team: 'core' }, ['REGION=eu']), '', 'no options: nothing, as Docker');
  t.equal(logDetails(config, {}, []), '', 'none of them set: nothing');
});
