import t from 'tap';
import { parseNetworkFlags } from './networkFlags.js';

t.test('published ports reach the daemon with none and host, which discards them', async (t) => {
  const ports = [{ containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: '8080' }];
  t.match(parseNetworkFlags({ network: 'host', publish: ['8080:80'] }).networking, { ports }, 'host: the daemon warns');
  t.match(parseNetworkFlags({ network: 'none', publish: ['8080:80'] }).networking, { ports });
  t.notOk(parseNetworkFlags({ network: 'host', publish: ['8080:80'] }).networking?.network, 'no network named: host stays a security option');
  t.match(parseNetworkFlags({ network: 'host', publishAll: true }).networking, { publishAll: true });
  t.same(parseNetworkFlags({ network: 'host' }), {}, 'nothing published: no networking');
  t.same(parseNetworkFlags({ network: 'none', addHost: ['a:10.0.0.1'] }), {}, 'other flags with none: dropped, as before');
});
