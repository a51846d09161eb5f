import t from 'tap';
import { encodeUlimit, parseUlimit, parseUlimits } from './ulimit.js';

t.test('name=soft[:hard]', async (t) => {
  t.same(parseUlimit('nofile=1024:2048'), { name: 'nofile', soft: 1024, hard: 2048 });
  t.same(parseUlimit('nproc=10'), { name: 'nproc', soft: 10, hard: 10 }, 'one value is both');
  t.same(parseUlimit('core=unlimited'), { name: 'core', soft: -1, hard: -1 });
  t.same(parseUlimit('core=0:-1'), { name: 'core', soft: 0, hard: -1 });
  t.same(parseUlimits(['nofile=1:2', 'nofile=3:4']), [{ name: 'nofile', soft: 3, hard: 4 }], 'the last one wins');
});

t.test('bad entries are refused with the reason', async (t) => {
  t.throws(() => parseUlimit('nofile'), /use name=soft\[:hard\]/);
  t.throws(() => parseUlimit('files=1'), /unknown limit "files"/);
  t.throws(() => parseUlimit('nofile=2:1'), /above the hard limit/);
  t.throws(() => parseUlimit('nofile=a'), /not a number/);
  t.throws(() => parseUlimit('nofile=1:2:3'), /use name=soft/);
});

t.test('the shim line: resource number, soft, hard; unlimited as RLIM_INFINITY', async (t) => {
  t.equal(encodeUlimit({ name: 'nofile', soft: 1024, hard: 2048 }), '7 1024 2048');
  t.equal(encodeUlimit({ name: 'core', soft: -1, hard: -1 }), '4 18446744073709551615 18446744073709551615');
});
