import t from 'tap';
import { hostIdOf, mapText } from './userNamespace.js';

const map = [{ containerId: 0, hostId: 100000, size: 1000 }, { containerId: 1000, hostId: 300000, size: 10 }];

t.test('a container id maps through its range; one outside every range is refused', async (t) => {
  t.equal(hostIdOf(map, 0), 100000);
  t.equal(hostIdOf(map, 999), 100999);
  t.equal(hostIdOf(map, 1000), 300000);
  t.equal(hostIdOf(map, 1009), 300009);
  t.throws(() => hostIdOf(map, 1010), /container id 1010 cannot be mapped to a host id/);
});

t.test('the kernel\'s map text: one line per range', async (t) => {
  t.equal(mapText(map), '0 100000 1000\n1000 300000 10\n');
});
