import t from 'tap';
import { chooseSubnet } from './subnets.js';
import { macFor, parseSubnet } from './addresses.js';

t.test('the first default pool that no route and no network overlaps', async (t) => {
  t.equal(chooseSubnet([]), '172.17.0.0/16');
  t.equal(chooseSubnet(['192.0.2.0/24', '10.255.255.53']), '172.17.0.0/16', "this machine's eth0 and resolver");
  t.equal(chooseSubnet(['172.16.0.0/12']), '192.168.0.0/20', 'a route over all of 172.16/12');
  t.equal(chooseSubnet(['172.17.0.0/16', '172.18.5.0/24']), '172.19.0.0/16');
  t.equal(chooseSubnet(['172.17.3.4']), '172.18.0.0/16', 'a host route');
  t.equal(chooseSubnet(['0.0.0.0/0']), '172.17.0.0/16', 'the default route covers nothing');
  t.equal(chooseSubnet(['172.16.0.0/12', '192.168.0.0/16']), null);
});

t.test('subnets and MACs as Docker writes them', async (t) => {
  t.same(parseSubnet('172.17.0.9/16'), { base: (172 * 2 ** 24) + (17 << 16), prefix: 16 }, 'host bits cleared');
  t.equal(parseSubnet('172.17.0.0'), null);
  t.equal(macFor('172.17.0.2'), '02:42:ac:11:00:02');
});
