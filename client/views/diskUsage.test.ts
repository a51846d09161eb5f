import t from 'tap';
import { percentOf, usageRows } from './diskUsage.js';

t.test('shared layers count once; reclaimable is what nothing running or linked holds', async (t) => {
  const rows = usageRows({
    layers: { a: 100, b: 50, c: 7 },
    images: [
      { id: '1', tags: ['x:1'], created: '', chainIds: ['a', 'b'], containers: 1 },
      { id: '2', tags: [], created: '', chainIds: ['a', 'c'], containers: 0 },
    ],
    containers: [
      { id: 'r', name: 'r', image: 'x:1', status: 'running', created: 0, size: 10 },
      { id: 'e', name: 'e', image: 'x:1', status: 'exited', created: 0, size: 5 },
    ],
    volumes: [{ name: 'v', size: 8, links: 0 }, { name: 'w', size: 2, links: 1 }],
  });
  t.same(rows, [
    { type: 'Images', total: 2, active: 1, size: 157, reclaimable: 7 },
    { type: 'Containers', total: 2, active: 1, size: 15, reclaimable: 5 },
    { type: 'Local Volumes', total: 2, active: 1, size: 10, reclaimable: 8 },
  ]);
  t.equal(percentOf(7, 157), '4%');
  t.equal(percentOf(0, 0), '0%');
});
