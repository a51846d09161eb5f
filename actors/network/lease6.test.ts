import t from 'tap';
import type { NetworkRecord } from '../../events/network.js';
import { decideNetwork } from './decide.js';
import { initialNetworkData, type NetworkState } from './state.js';

const record: NetworkRecord = {
  name: 'six', networkId: 'a'.repeat(64), driver: 'bridge', subnet: '10.9.0.0/24', gateway: '10.9.0.1', subnet6: 'fd95::/64', gateway6: 'fd95::1',
  bridge: 'br-aaaaaaaaaaaa', internal: false, labels: {}, options: {}, predefined: false,
};
const state = (endpoints: NetworkState['endpoints'], changes: Partial<NetworkRecord> = {}): NetworkState =>
  ({ ...initialNetworkData({ id: 'n', host: 'h' }), status: 'present', record: { ...record, ...changes }, endpoints });
const connect = (address6?: string) => ({ type: 'Connect' as const, container: 'c9', containerName: 'c9', aliases: [], ...(address6 ? { address6 } : {}) });
const endpoint = (container: string, address: string, address6?: string) => ({ container, containerName: container, address, aliases: [], ...(address6 ? { address6 } : {}) });

t.test('a connect on an IPv6 network leases an IPv6 address beside the IPv4 one', async (t) => {
  t.match(decideNetwork(state({}), connect()), [{ type: 'network.connected', data: { address: '10.9.0.2', address6: 'fd95::2' } }], 'the lowest after the gateway');
  t.match(decideNetwork(state({ a: endpoint('a', '10.9.0.2', 'fd95::2') }), connect()), [{ data: { address6: 'fd95::3' } }], 'not one leased');
  t.match(decideNetwork(state({}, { gateway6: 'fd95::2' }), connect()), [{ data: { address6: 'fd95::1' } }], 'never the gateway');
  t.match(decideNetwork(state({}), connect('FD95::0:50')), [{ data: { address6: 'fd95::50' } }], '--ip6, canonical');
  t.throws(() => decideNetwork(state({ a: endpoint('a', '10.9.0.2', 'fd95::50') }), connect('fd95::50')), { name: 'ConflictError', message: 'Address already in use: fd95::50 on network six' });
  t.throws(() => decideNetwork(state({}), connect('fd96::5')), { name: 'ValidationError', message: /does not belong to any of this network's subnets \(fd95::\/64\)/ });
  t.throws(() => decideNetwork(state({}), connect('fd95::')), { name: 'ValidationError' }, 'not the subnet-router anycast address');
  t.throws(() => decideNetwork(state({}), connect('nope')), { message: 'invalid IPv6 address: nope' });
  const full = state({ a: endpoint('a', '10.9.0.2', 'fd95::2'), b: endpoint('b', '10.9.0.3', 'fd95::3') }, { subnet6: 'fd95::/126' });
  t.throws(() => decideNetwork(full, connect()), { name: 'ConflictError', message: /no available IPv6 addresses/ }, 'a full subnet');
});

t.test('an IPv4-only network', async (t) => {
  const plain = state({}, { subnet6: undefined, gateway6: undefined });
  t.notOk((decideNetwork(plain, connect())[0].data as { address6?: string }).address6, 'no IPv6 lease');
  t.throws(() => decideNetwork(plain, connect('fd95::5')), { name: 'ValidationError', message: /has no IPv6 subnet/ });
});

t.test('create checks the IPv6 half', async (t) => {
  const none: NetworkState = { ...initialNetworkData({ id: 'n', host: 'h' }), status: 'none' };
  const create = (changes: Partial<NetworkRecord>) => () => decideNetwork(none, { type: 'Create', record: { ...record, ...changes } });
  t.doesNotThrow(create({}));
  t.throws(create({ subnet6: 'fd95::/127' }), { message: 'invalid subnet fd95::/127: an IPv6 CIDR of /126 or wider' });
  t.throws(create({ subnet6: 'nope' }), { name: 'ValidationError' });
  t.throws(create({ gateway6: 'fd96::1' }), { message: 'no matching subnet for gateway fd96::1' });
  t.throws(create({ subnet6: undefined, gateway6: 'fd95::1' }), { message: 'no matching subnet for gateway fd95::1' });
  t.throws(create({ driver: 'overlay', vni: 5 }), { message: /bridge networks only/ });
});
