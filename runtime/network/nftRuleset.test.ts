import t from 'tap';
import { nftRuleset } from './nftRuleset.js';
import { hostsFile, resolvConf } from './containerFiles.js';

const web = { bridge: 'br-web', subnet: '10.1.0.0/24', gateway: '10.1.0.1', internal: false };
const db = { bridge: 'br-db', subnet: '10.2.0.0/24', gateway: '10.2.0.1', internal: true };

t.test('one table, replaced whole', async (t) => {
  t.equal(nftRuleset([]), 'table inet berth\ndelete table inet berth\n', 'no network: the table is gone');
  const rules = nftRuleset([web, db]);
  t.match(rules, /^table inet berth\ndelete table inet berth\ntable inet berth \{/, 'declared, deleted and made again in one transaction');
  t.match(rules, /ip saddr 10\.1\.0\.0\/24 oifname != "br-web" masquerade/);
  t.notMatch(rules, /10\.2\.0\.0\/24/, 'an internal network is not masqueraded');
  t.match(rules, /iifname "br-web" oifname \{ "br-db" \} drop/, 'networks are kept apart');
  t.match(rules, /iifname "br-db" oifname != "br-db" drop/, 'an internal network talks only within its bridge');
  t.notMatch(rules, /iptables|docker|podman/i);
});

t.test('IPv6: masquerade of the IPv6 subnet, published ports over both families', async (t) => {
  const six = { ...web, subnet6: 'fd95::/64', gateway6: 'fd95::1' };
  const forwards = [
    { hostIp: '', hostPort: 8080, protocol: 'tcp' as const, address: '10.1.0.2', address6: 'fd95::2', containerPort: 80 },
    { hostIp: '::', hostPort: 8081, protocol: 'tcp' as const, address: '10.1.0.2', address6: 'fd95::2', containerPort: 81 },
    { hostIp: 'fd00::9', hostPort: 8082, protocol: 'udp' as const, address: '10.1.0.2', address6: 'fd95::2', containerPort: 82 },
    { hostIp: '::', hostPort: 8083, protocol: 'tcp' as const, address: '10.1.0.3', containerPort: 83 },
  ];
  const rules = nftRuleset([six], forwards);
  t.match(rules, /ip6 saddr fd95::\/64 oifname != "br-web" masquerade/);
  t.match(rules, /meta nfproto ipv4 tcp dport 8080 dnat ip to 10\.1\.0\.2:80/, '-p 8080:80: IPv4');
  t.match(rules, /meta nfproto ipv6 tcp dport 8080 dnat ip6 to \[fd95::2\]:80/, 'and IPv6, as Docker 28 binds both');
  t.match(rules, /meta nfproto ipv6 tcp dport 8081 dnat ip6 to \[fd95::2\]:81/, '[::]');
  t.notMatch(rules, /dport 8081 dnat ip to/, 'on IPv6 only');
  t.match(rules, /ip6 daddr fd00::9 udp dport 8082 dnat ip6 to \[fd95::2\]:82/, 'one IPv6 address');
  t.notMatch(rules, /dport 8083/, 'a container without an IPv6 address has no IPv6 forward (no family translation)');
  t.match(rules, /oifname "br-web" ip6 saddr fd95::\/64 ct status dnat masquerade/, 'hairpin over IPv6');
  t.notMatch(nftRuleset([web]), /ip6/, 'an IPv4 network: no IPv6 rule');
});

t.test("Docker's name files", async (t) => {
  const names = { hostname: 'web1', addresses: ['172.17.0.2'], extraHosts: ['db:10.0.0.5'], dns: [], dnsSearch: [], dnsOptions: [] };
  t.match(hostsFile(names), /^127\.0\.0\.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n/);
  t.match(hostsFile(names), /10\.0\.0\.5\tdb\n172\.17\.0\.2\tweb1\n$/);
  const host = 'search example.org\nnameserver 127.0.0.53\nnameserver 10.255.255.53\noptions edns0\n';
  t.equal(resolvConf(host, names), 'search example.org\nnameserver 10.255.255.53\noptions edns0\n', 'loopback resolvers dropped');
  t.equal(resolvConf('nameserver 127.0.0.1\n', names), 'nameserver 8.8.8.8\nnameserver 8.8.4.4\n', "Google's when none is left");
  t.equal(resolvConf(host, { ...names, dns: ['10.9.9.9'], dnsSearch: ['a.b'], dnsOptions: ['ndots:2'] }), 'search a.b\nnameserver 10.9.9.9\noptions ndots:2\n');
  t.equal(resolvConf(host, { ...names, dns: ['10.9.9.9'], resolver: '10.1.0.1' }), 'search example.org\nnameserver 10.1.0.1\noptions edns0 ndots:0\n', 'a user network: the embedded resolver only, ndots:0 as Docker writes it');
  t.equal(resolvConf(host, { ...names, resolver: '10.1.0.1', dnsOptions: ['ndots:3'] }), 'search example.org\nnameserver 10.1.0.1\noptions ndots:3\n');
});

t.test('published ports', async (t) => {
  const forwards = [
    { hostIp: '', hostPort: 8080, protocol: 'tcp' as const, address: '10.1.0.2', containerPort: 80 },
    { hostIp: '127.0.0.1', hostPort: 5353, protocol: 'udp' as const, address: '10.1.0.3', containerPort: 53 },
  ];
  t.notMatch(nftRuleset([web]), /dnat|chain published/, 'none published: no nat chains');
  const rules = nftRuleset([web, db], forwards);
  t.match(rules, /meta nfproto ipv4 tcp dport 8080 dnat ip to 10\.1\.0\.2:80/, 'every address');
  t.match(rules, /ip daddr 127\.0\.0\.1 udp dport 5353 dnat ip to 10\.1\.0\.3:53/, 'one address');
  t.match(rules, /type nat hook prerouting priority dstnat;[^}]*fib daddr type local jump published/, 'from outside and from containers');
  t.match(rules, /type nat hook output priority -100;[^}]*fib daddr type local jump published/, "the host's own traffic");
  t.match(rules, /iifname != "lo" ip daddr 127\.0\.0\.0\/8 counter drop/, 'loopback addresses only from lo');
  t.match(rules, /oifname "br-web" ip saddr 127\.0\.0\.0\/8 masquerade/);
  t.match(rules, /oifname "br-web" ip saddr 10\.1\.0\.0\/24 ct status dnat masquerade/, 'hairpin');
  t.match(rules, /chain forward \{\n[^\n]*\n    ct status dnat accept/, 'DNATed traffic passes first');
});
