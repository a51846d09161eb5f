import t from 'tap';
import { subnetFlags } from './subnetFlags.js';

t.test('--subnet and --gateway once per family, --ipv6', async (t) => {
  t.same(subnetFlags([], [], false), {});
  t.same(subnetFlags([], [], true), { ipv6: true }, 'IPv6 from the default pool');
  t.same(subnetFlags(['10.1.0.0/24', 'fd95::/64'], ['fd95::9', '10.1.0.9'], false), { subnet: '10.1.0.0/24', gateway: '10.1.0.9', ipv6: true, subnet6: 'fd95::/64', gateway6: 'fd95::9' }, 'an IPv6 subnet implies --ipv6, as podman does');
  t.throws(() => subnetFlags(['10.1.0.0/24', '10.2.0.0/24'], [], false), { message: 'only one IPv4 subnet per network: 10.1.0.0/24, 10.2.0.0/24' });
  t.throws(() => subnetFlags(['10.1.0.0/24'], ['fd95::1'], true), { message: 'every ip-range or gateway must have a corresponding subnet' });
});
