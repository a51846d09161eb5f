import t from 'tap';
import { chainIds, sha256 } from './digest.js';
import { normalizeReference, splitReference } from './reference.js';

t.test('references', async (t) => {
  t.equal(normalizeReference('busybox'), 'busybox:latest');
  t.equal(normalizeReference('busybox:1.35'), 'busybox:1.35');
  t.equal(normalizeReference('localhost:5000/team/app'), 'localhost:5000/team/app:latest');
  t.equal(normalizeReference('localhost:5000/team/app:v2'), 'localhost:5000/team/app:v2');
  t.throws(() => normalizeReference('BusyBox'), /invalid reference format/);
  t.throws(() => normalizeReference('a:b:c'), /invalid reference format/);
  t.throws(() => normalizeReference('app:-bad'), /bad tag/);
  t.same(splitReference('localhost:5000/app:v2'), { repository: 'localhost:5000/app', tag: 'v2' });
});

t.test('chain ids follow the OCI rule', async (t) => {
  const a = sha256('a');
  const b = sha256('b');
  t.same(chainIds([a]), [a]);
  t.same(chainIds([a, b]), [a, sha256(`${a} ${b}`)]);
});
