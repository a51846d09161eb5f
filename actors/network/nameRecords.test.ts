import t from 'tap';
import type { NetworkRecord } from '../../events/network.js';
import { TYPE_A, TYPE_AAAA, TYPE_PTR } from '../../runtime/network/dns/message.js';
import { resolveName, type NamedContainer } from './nameRecords.js';
import type { NetworkState } from './state.js';

const network = (name: string, third: number, endpoints: Array<[string, string, string[]]>, extra: Partial<NetworkRecord> = {}): NetworkState => ({
  id: name, host: 'h', created: 0, status: 'present',
  record: { name, networkId: 'f'.repeat(64), driver: 'bridge', subnet: `10.${third}.0.0/24`, gateway: `10.${third}.0.1`, bridge: `br-${name}`, internal: false, labels: {}, options: {}, predefined: false, ...extra },
  endpoints: Object.fromEntries(endpoints.map(([container, address, aliases]) => [container, { container, containerName: container, address, aliases }])),
});
const ID = (c: string) => c.repeat(64);
const web = network('web', 1, [[ID('a'), '10.1.0.2', ['api']], [ID('b'), '10.1.0.3', []], [ID('c'), '10.1.0.4', []]]);
const db = network('db', 2, [[ID('b'), '10.2.0.2', []], [ID('d'), '10.2.0.3', ['store']]]);
const bridge = network('bridge', 17, [[ID('a'), '10.17.0.2', []]], { predefined: true });
const containers: Record<string, NamedContainer> = {
  [ID('a')]: { name: 'front', status: 'running', dns: [] },
  [ID('b')]: { name: 'back', status: 'running', dns: ['10.9.9.9'] },
  [ID('c')]: { name: 'stopped', status: 'exited', dns: [] },
  [ID('d')]: { name: 'pg', status: 'running', dns: [] },
};
const ask = (listen: string, client: string, name: string, type = TYPE_A, networks = [web, db, bridge]) =>
  resolveName({ listen, client, name, type }, networks, (id) => containers[id], ['10.255.255.53']);
const found = (...addresses: string[]) => ({ kind: 'local', answers: addresses.map((address) => ({ type: TYPE_A, address })) });

t.test('names, short ids and aliases of the networks the asker shares', async (t) => {
  t.same(ask('10.1.0.1', '10.1.0.3', 'front'), found('10.1.0.2'), 'by name');
  t.same(ask('10.1.0.1', '10.1.0.3', 'aaaaaaaaaaaa'), found('10.1.0.2'), 'by short id');
  t.same(ask('10.1.0.1', '10.1.0.3', 'api'), found('10.1.0.2'), 'by --network-alias');
  t.same(ask('10.1.0.1', '10.1.0.3', 'api.web'), found('10.1.0.2'), 'NAME.NETWORK');
  t.same(ask('10.1.0.1', '10.1.0.3', 'store'), found('10.2.0.3'), "on the asker's other network, through either resolver");
  t.same(ask('10.1.0.1', '10.1.0.2', 'store'), { kind: 'forward', servers: ['10.255.255.53'] }, 'not for one that does not share it');
  t.same(ask('10.1.0.1', '10.1.0.3', 'stopped'), { kind: 'forward', servers: ['10.9.9.9'] }, "a stopped container is not found; the asker's --dns gets the rest");
  t.same(ask('10.1.0.1', '10.1.0.2', 'back'), found('10.1.0.3'));
  t.same(ask('10.1.0.1', '10.2.0.3', 'front'), { kind: 'forward', servers: ['10.255.255.53'] }, 'an asker from elsewhere learns no name');
  t.same(ask('10.2.0.1', '10.2.0.3', 'back'), found('10.2.0.2'), 'the address on the network they share');
});

t.test('reverse names, the default bridge, internal networks', async (t) => {
  t.same(ask('10.1.0.1', '10.1.0.3', '2.0.1.10.in-addr.arpa', TYPE_PTR), { kind: 'local', answers: [{ type: TYPE_PTR, name: 'front.web' }] });
  t.same(ask('10.17.0.1', '10.17.0.2', 'front'), { kind: 'refused' }, 'no resolver on the default bridge');
  const closed = network('closed', 3, [[ID('a'), '10.3.0.2', []]], { internal: true });
  t.same(ask('10.3.0.1', '10.3.0.2', 'front', TYPE_A, [closed]), found('10.3.0.2'));
  t.same(ask('10.3.0.1', '10.3.0.2', 'example.org', TYPE_A, [closed]), { kind: 'refused' }, 'an internal network forwards nothing');
});

t.test('AAAA: an IPv6 network answers a name with both addresses; the server keeps those of the question type', async (t) => {
  const six = network('six', 5, [[ID('a'), '10.5.0.2', []], [ID('b'), '10.5.0.3', []]], { subnet6: 'fd95::/64', gateway6: 'fd95::1' });
  six.endpoints[ID('a')] = { ...six.endpoints[ID('a')], address6: 'fd95::2' };
  t.same(ask('10.5.0.1', '10.5.0.3', 'front', TYPE_AAAA, [six]), { kind: 'local', answers: [{ type: TYPE_A, address: '10.5.0.2' }, { type: TYPE_AAAA, address: 'fd95::2' }] });
  const ptr6 = (address: string) => `${[...BigInt(`0x${address}`).toString(16).padStart(32, '0')].reverse().join('.')}.ip6.arpa`;
  t.same(ask('10.5.0.1', '10.5.0.3', ptr6('fd950000000000000000000000000002'), TYPE_PTR, [six]), { kind: 'local', answers: [{ type: TYPE_PTR, name: 'front.six' }] }, 'ip6.arpa: the name of an IPv6 address');
  t.same(ask('10.5.0.1', '10.5.0.3', ptr6('fd950000000000000000000000000009'), TYPE_PTR, [six]).kind, 'forward', 'an address of no container goes upstream');
  t.same(ask('10.5.0.1', '10.5.0.2', 'back', TYPE_AAAA, [six]), found('10.5.0.3'), 'one without an IPv6 address: its A only (an empty AAAA answer), not a forward');
});
