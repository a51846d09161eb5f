import t from 'tap';
import { networkPruneFilters } from './networkPruneFilter.js';

t.test("network prune's filters, as Docker takes them", async (t) => {
  t.same(networkPruneFilters([]), { labels: [], notLabels: [] });
  t.same(networkPruneFilters(['label=team', 'label=env=prod', 'label!=keep']), { labels: ['team', 'env=prod'], notLabels: ['keep'] });
  t.same(networkPruneFilters(['until=1700000000']), { labels: [], notLabels: [], untilMs: 1_700_000_000_000 });
  t.same(networkPruneFilters(['until=1h'], 10_000_000), { labels: [], notLabels: [], untilMs: 10_000_000 - 3_600_000 }, 'a duration back from now');
  t.throws(() => networkPruneFilters(['driver=bridge']), { name: 'ValidationError', message: "invalid filter 'driver'" });
  t.throws(() => networkPruneFilters(['until!=1h']), { message: "invalid filter 'until!'" });
  t.throws(() => networkPruneFilters(['dangling']), { message: "invalid filter 'dangling'" });
});
