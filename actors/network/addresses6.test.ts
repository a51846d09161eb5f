import t from 'tap';
import { canonicalAddress6, chooseSubnet6, formatAddress6, overlaps6, parseAddress6, parseSubnet6, ulaBase } from './addresses6.js';

t.test('IPv6 text forms, parsed and written as RFC 5952 says', async (t) => {
  t.equal(parseAddress6('::'), 0n);
  t.equal(parseAddress6('::1'), 1n);
  t.equal(parseAddress6('fd00::1'), (0xfd00n << 112n) | 1n);
  t.equal(parseAddress6('::ffff:1.2.3.4'), (0xffffn << 32n) | 0x01020304n, 'an IPv4 tail');
  for (const bad of ['', '1.2.3.4', 'fd00', ':::', '1::2::3', 'fd00::g', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'fe80::1%eth0', '::1.2.3.256']) {
    t.equal(parseAddress6(bad), null, `refused: ${JSON.stringify(bad)}`);
  }
  t.equal(canonicalAddress6('FD00:0:0:0:0:0:0:1'), 'fd00::1');
  t.equal(canonicalAddress6('1:0:0:2:0:0:0:3'), '1:0:0:2::3', 'the longest run of zeros');
  t.equal(canonicalAddress6('1:0:2:3:4:5:6:7'), '1:0:2:3:4:5:6:7', 'a single zero group stays');
  t.equal(formatAddress6(0n), '::');
  t.equal(formatAddress6(parseAddress6('1:2:3:4:5:6:7:8')!), '1:2:3:4:5:6:7:8');
});

t.test('subnets', async (t) => {
  t.same(parseSubnet6('fd95::5/64'), { base: 0xfd95n << 112n, prefix: 64 }, 'host bits cleared');
  t.equal(parseSubnet6('fd95::/129'), null);
  t.equal(parseSubnet6('10.0.0.0/8'), null);
  t.ok(overlaps6(parseSubnet6('fd00::/8')!, parseSubnet6('fd95::/64')!));
  t.notOk(overlaps6(parseSubnet6('fd95::/64')!, parseSubnet6('fd95:0:0:1::/64')!));
});

t.test("Docker's default pool: a ULA /48 from the host id, split into /64s", async (t) => {
  const base = ulaBase('host-a');
  t.equal(base.prefix, 48);
  t.equal(base.base >> 120n, 0xfdn, 'fd00::/8, the L bit set');
  t.not(ulaBase('host-b').base, base.base, 'another host, another prefix');
  const first = chooseSubnet6('host-a', []);
  t.match(first, /^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/64$/);
  t.equal(chooseSubnet6('host-a', []), first, 'stable');
  const second = chooseSubnet6('host-a', [first!, '10.0.0.0/8', 'fe80::/64']);
  t.not(second, first, 'the next /64 when the first is taken');
  t.equal(parseSubnet6(second!)!.base - parseSubnet6(first!)!.base, 1n << 64n);
});
