import t from 'tap';
import type { NetworkCommand, NetworkEvent, NetworkRecord } from '../../events/network.js';
import { decideNetwork } from './decide.js';
import { evolveNetwork } from './evolve.js';
import { initialNetworkData, type NetworkState } from './state.js';

const record: NetworkRecord = {
  name: 'web', networkId: 'a'.repeat(64), driver: 'bridge', subnet: '10.9.0.0/29', gateway: '10.9.0.1', bridge: 'br-aaaaaaaaaaaa',
  internal: false, labels: {}, options: {}, predefined: false,
};
const none: NetworkState = { ...initialNetworkData({ id: 'n', host: 'h' }), status: 'none' };

/** Folds events through evolve, as the machine does, with the status the machine would have. */
function given(...events: Array<Pick<NetworkEvent, 'type' | 'data'>>): NetworkState {
  let data = initialNetworkData({ id: 'n', host: 'h' });
  let status: NetworkState['status'] = 'none';
  for (const event of events) {
    data = evolveNetwork(data, { ...event, id: 'e', host: 'h', kind: 'network', entity: 'n', time: 5, causation: 'c', correlation: 'c', attributes: {} } as NetworkEvent);
    if (event.type === 'network.created') status = 'present';
    if (event.type === 'network.removed') status = 'removed';
  }
  return { ...data, status };
}

const created = given({ type: 'network.created', data: record });

/** From a created network, runs commands one after the other, each seeing the events of the ones before. */
function run(...commands: NetworkCommand[]): NetworkState {
  let events: Array<Pick<NetworkEvent, 'type' | 'data'>> = [];
  let current = created;
  for (const command of commands) {
    events = [...events, ...decideNetwork(current, command)];
    current = given({ type: 'network.created', data: record }, ...events);
  }
  return current;
}

const connect = (container: string, address?: string): NetworkCommand => ({ type: 'Connect', container, containerName: container, aliases: [], ...(address ? { address } : {}) });

t.test('create checks the subnet and the gateway', async (t) => {
  t.same(decideNetwork(none, { type: 'Create', record }), [{ type: 'network.created', data: record }]);
  t.throws(() => decideNetwork(created, { type: 'Create', record }), { name: 'ConflictError', message: 'network with name web already exists' });
  t.throws(() => decideNetwork(none, { type: 'Create', record: { ...record, subnet: '10.9.0.0/33' } }), { name: 'ValidationError' });
  t.throws(() => decideNetwork(none, { type: 'Create', record: { ...record, gateway: '10.9.1.1' } }), { name: 'ValidationError', message: 'no matching subnet for gateway 10.9.1.1' });
  t.throws(() => decideNetwork(none, { type: 'Create', record: { ...record, gateway: '10.9.0.7' } }), { name: 'ValidationError' }, 'the broadcast address is no gateway');
});

t.test('connect leases the lowest free address, never the gateway', async (t) => {
  t.same(decideNetwork(created, connect('c1')), [{ type: 'network.connected', data: { container: 'c1', containerName: 'c1', address: '10.9.0.2', aliases: [] } }]);
  const three = run(connect('c1'), connect('c2'), connect('c3'));
  t.same(Object.values(three.endpoints).map((e) => e.address), ['10.9.0.2', '10.9.0.3', '10.9.0.4']);
});

t.test('connect records the interface name it was given', async (t) => {
  t.same(decideNetwork(created, { type: 'Connect', container: 'c1', containerName: 'c1', aliases: [], ifname: 'eth2' })[0].data, { container: 'c1', containerName: 'c1', address: '10.9.0.2', aliases: [], ifname: 'eth2' });
});

t.test('a retried connect leases nothing more', async (t) => {
  const once = run(connect('c1'));
  t.same(decideNetwork(once, connect('c1')), [], 'the same container again: no second lease');
  t.throws(() => decideNetwork(once, connect('c1', '10.9.0.5')), { name: 'ConflictError' }, 'but not under another address');
});

t.test('--ip leases the address asked for, if it is free and in the subnet', async (t) => {
  t.same(decideNetwork(created, connect('c1', '10.9.0.5'))[0].data, { container: 'c1', containerName: 'c1', address: '10.9.0.5', aliases: [] });
  const taken = run(connect('c1', '10.9.0.5'));
  t.throws(() => decideNetwork(taken, connect('c2', '10.9.0.5')), { name: 'ConflictError', message: 'Address already in use: 10.9.0.5 on network web' });
  t.throws(() => decideNetwork(created, connect('c2', '10.9.0.1')), { name: 'ConflictError' }, 'the gateway is taken');
  t.throws(() => decideNetwork(created, connect('c2', '10.9.1.5')), { name: 'ValidationError' }, 'outside the subnet');
  t.throws(() => decideNetwork(created, connect('c2', '10.9.0.0')), { name: 'ValidationError' }, 'the network address');
  t.throws(() => decideNetwork(created, connect('c2', '10.9.0.300')), { name: 'ValidationError', message: 'invalid IPv4 address: 10.9.0.300' });
  t.same(Object.values(run(connect('c1', '10.9.0.5'), connect('c2'), connect('c3'), connect('c4')).endpoints).map((e) => e.address).sort(), ['10.9.0.2', '10.9.0.3', '10.9.0.4', '10.9.0.5'], 'automatic leases go around it');
});

t.test('a full subnet refuses the next container', async (t) => {
  // /29: .0 network, .1 gateway, .7 broadcast: .2 to .6 are five leases.
  const full = run(connect('c1'), connect('c2'), connect('c3'), connect('c4'), connect('c5'));
  t.equal(Object.keys(full.endpoints).length, 5);
  t.throws(() => decideNetwork(full, connect('c6')), { name: 'ConflictError', message: /no available IPv4 addresses/ });
});

t.test('disconnect frees the address for the next lease', async (t) => {
  const two = run(connect('c1'), connect('c2'));
  t.same(decideNetwork(two, { type: 'Disconnect', container: 'c1' }), [{ type: 'network.disconnected', data: { container: 'c1', address: '10.9.0.2' } }]);
  const freed = run(connect('c1'), connect('c2'), { type: 'Disconnect', container: 'c1' }, connect('c3'));
  t.equal(freed.endpoints.c3.address, '10.9.0.2');
  t.same(decideNetwork(freed, { type: 'Disconnect', container: 'c1' }), [], 'disconnecting again does nothing');
  t.same(decideNetwork(none, { type: 'Disconnect', container: 'c1' }), [], 'nor on a network that is gone');
});

t.test('remove is refused while containers are connected, and for the predefined network', async (t) => {
  const used = run(connect('c1'));
  t.throws(() => decideNetwork(used, { type: 'Remove' }), { name: 'ConflictError', message: `error while removing network: network web id ${'a'.repeat(64)} has active endpoints` });
  t.same(decideNetwork(created, { type: 'Remove' }), [{ type: 'network.removed', data: {} }]);
  const predefined = given({ type: 'network.created', data: { ...record, name: 'bridge', predefined: true } });
  t.throws(() => decideNetwork(predefined, { type: 'Remove' }), { name: 'ValidationError', message: 'bridge is a pre-defined network and cannot be removed' });
  const removed = given({ type: 'network.created', data: record }, { type: 'network.removed', data: {} });
  t.throws(() => decideNetwork(removed, connect('c1')), { name: 'NotFoundError', message: 'network web not found' });
  t.same(decideNetwork(removed, { type: 'Create', record }).map((d) => d.type), ['network.created'], 'a removed name can be used again');
});
