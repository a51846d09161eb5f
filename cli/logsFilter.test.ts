import t from 'tap';
import { logsFilter } from './commands/logs.js';

t.test('--since, --until and --tail', async (t) => {
  const now = 1_000_000_000;
  t.same(logsFilter({}, now), {});
  t.same(logsFilter({ tail: 'all' }, now), {});
  t.same(logsFilter({ tail: '5' }, now), { tail: 5 });
  t.same(logsFilter({ tail: '0' }, now), { tail: 0 });
  t.same(logsFilter({ tail: '-1' }, now), {}, 'negative is all, as Docker');
  t.throws(() => logsFilter({ tail: 'x' }, now), /invalid value "x" for --tail/);
  t.same(logsFilter({ since: '10m' }, now), { sinceMs: now - 600_000 });
  t.same(logsFilter({ until: '1700000000.5' }, now), { untilMs: 1_700_000_000_500 });
  t.same(logsFilter({ since: '2026-01-01T00:00:00Z' }, now), { sinceMs: Date.parse('2026-01-01T00:00:00Z') });
  t.throws(() => logsFilter({ since: 'yesterday' }, now), /--since/);
});
