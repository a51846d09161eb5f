import t from 'tap';
import { interfaceNames, lowestFreeInterface } from './interfaceNames.js';

t.test('a new interface takes the lowest free ethN', async (t) => {
  t.equal(lowestFreeInterface([]), 'eth0');
  t.equal(lowestFreeInterface(['eth0', 'eth1']), 'eth2');
  t.equal(lowestFreeInterface(['eth1']), 'eth0', 'eth0 freed by a disconnect is taken again');
  t.equal(lowestFreeInterface(['eth0', 'eth2']), 'eth1');
  t.equal(lowestFreeInterface(['eth1', 'eth0', 'eth3']), 'eth2', 'in any order');
});

t.test('recorded names are kept, and missing ones fill the gaps', async (t) => {
  t.same(interfaceNames(['eth1', 'eth0']), ['eth1', 'eth0']);
  t.same(interfaceNames([undefined, undefined]), ['eth0', 'eth1'], 'a log without names: in order');
  t.same(interfaceNames([undefined, 'eth0', undefined]), ['eth1', 'eth0', 'eth2'], 'never a name another endpoint holds');
});
