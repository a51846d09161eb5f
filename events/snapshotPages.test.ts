import t from 'tap';
import { isRetiredPageKey, PAGE_BYTES, PAGE_ENTITIES, pageNumberOf, pageOf, pagesFor, retiredPageKey, retiredPagesFilter } from './snapshotPages.js';

const id = (n: number) => n.toString(16).padStart(64, '0');

t.test('an entity has one page, the same every time, within the count', async (t) => {
  for (const pages of [1, 2, 64, 512]) {
    for (let n = 0; n < 200; n++) {
      const page = pageOf('container', id(n), pages);
      t.ok(page >= 0 && page < pages && Number.isInteger(page));
      if (page !== pageOf('container', id(n), pages)) t.fail('not the same twice');
    }
  }
  t.not(pageOf('container', 'web', 1 << 20), pageOf('name', 'web', 1 << 20), 'the kind is part of the key');
});

t.test('entities spread over the pages about evenly', async (t) => {
  const pages = 64;
  const counts = new Array<number>(pages).fill(0);
  for (let n = 0; n < 64 * 100; n++) counts[pageOf('container', id(n * 7919), pages)]!++;
  t.ok(Math.min(...counts) > 50 && Math.max(...counts) < 150, `between ${Math.min(...counts)} and ${Math.max(...counts)} a page for 100 on average`);
  // Ids that differ in their first characters only (container ids are random; names are not).
  const names = new Array<number>(pages).fill(0);
  for (let n = 0; n < 64 * 100; n++) names[pageOf('name', `web-${n}`, pages)]!++;
  t.ok(Math.min(...names) > 50 && Math.max(...names) < 150, `names: between ${Math.min(...names)} and ${Math.max(...names)}`);
});

t.test('the count is a power of two that grows with the entities and the bytes, and never shrinks', async (t) => {
  t.equal(pagesFor(0, 0), 1);
  t.equal(pagesFor(PAGE_ENTITIES, 0), 1);
  t.equal(pagesFor(PAGE_ENTITIES + 1, 0), 2);
  t.equal(pagesFor(20_000, 10_000_000), 512, '10,000 containers and their names');
  t.equal(pagesFor(10, PAGE_BYTES * 3), 4, 'large snapshots: by bytes');
  t.equal(pagesFor(10, 100, 256), 256, 'fewer entities than before: the same count');
  for (let n = 0; n < 100_000; n += 997) {
    const pages = pagesFor(n, n * 500);
    t.equal(pages & (pages - 1), 0, 'a power of two');
    if (n > pages * PAGE_ENTITIES || n * 500 > pages * PAGE_BYTES) t.fail(`${n} entities do not fit ${pages} pages`);
  }
});

t.test('a page key is told from an entity key', async (t) => {
  t.equal(pageNumberOf('_page.0'), 0);
  t.equal(pageNumberOf('_page.511'), 511);
  t.equal(pageNumberOf('container.' + id(1)), null);
  t.equal(pageNumberOf('_checkpoint'), null);
  t.equal(pageNumberOf('_page.x'), null);
  t.equal(pageNumberOf('_page.1.2'), null);
});

t.test('a retired page key is told from a page key and an entity key', async (t) => {
  t.equal(retiredPageKey(3, 17), '_retired.3.17');
  t.ok(isRetiredPageKey(retiredPageKey(1, 0)));
  t.notOk(isRetiredPageKey('_page.0'));
  t.notOk(isRetiredPageKey('_retired.1'));
  t.notOk(isRetiredPageKey('_retired.1.2.3'));
  t.notOk(isRetiredPageKey('_retired.x.2'));
  t.equal(pageNumberOf(retiredPageKey(1, 2)), null, 'no live page either');
  t.equal(retiredPagesFilter(4), '_retired.4.*');
});
