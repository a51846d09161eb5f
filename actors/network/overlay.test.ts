import t from 'tap';
import type { NetworkCommand, NetworkEvent, NetworkRecord } from '../../events/network.js';
import { peerCommands } from '../../runtime/network/vxlan.js';
import { decideNetwork } from './decide.js';
import { evolveNetwork } from './evolve.js';
import { heldHere, overlayPeers, overlayPools, overlayVni, vxlanName } from './overlay.js';
import { initialNetworkData, type NetworkState } from './state.js';

const record: NetworkRecord = {
  name: 'ov', networkId: 'b'.repeat(64), driver: 'overlay', vni: overlayVni('b'.repeat(64)), subnet: '10.0.0.0/29', gateway: '10.0.0.1',
  bridge: 'br-bbbbbbbbbbbb', internal: false, labels: {}, options: {}, predefined: false,
};

function fold(state: NetworkState, events: Array<Pick<NetworkEvent, 'type' | 'data'>>): NetworkState {
  let data: NetworkState = state;
  for (const event of events) {
    data = { ...evolveNetwork(data, { ...event, id: 'e', host: '_cluster', kind: 'network', entity: 'n', time: 5, causation: 'c', correlation: 'c', attributes: {} } as NetworkEvent), status: 'present' };
  }
  return data;
}

const created = fold({ ...initialNetworkData({ id: 'n', host: '_cluster' }), status: 'none' }, [{ type: 'network.created', data: record }]);
const connect = (container: string, host: string, vtep: string, address?: string): Extract<NetworkCommand, { type: 'Connect' }> => ({ type: 'Connect', container, containerName: container, aliases: [], host, vtep, ...(address ? { address } : {}) });

t.test('leases of two hosts in one overlay never collide', async (t) => {
  // Given h1's lease, h2's connect (decided after h1's was appended, as the expected sequence forces) takes the next address.
  const first = decideNetwork(created, connect('c1', 'h1', '192.0.2.1'));
  t.match(first, [{ type: 'network.connected', data: { address: '10.0.0.2', host: 'h1', vtep: '192.0.2.1' } }]);
  const afterFirst = fold(created, first);
  const second = decideNetwork(afterFirst, connect('c2', 'h2', '192.0.2.2'));
  t.match(second, [{ type: 'network.connected', data: { address: '10.0.0.3', host: 'h2' } }]);
  // The same address asked from another host is refused.
  t.throws(() => decideNetwork(afterFirst, connect('c3', 'h3', '192.0.2.3', '10.0.0.2')), { name: 'ConflictError', message: /Address already in use: 10.0.0.2/ });
  // A /29 has five addresses for containers: the sixth connect, whichever host, is refused.
  let state = fold(afterFirst, second);
  for (const [i, host] of ['h1', 'h2', 'h3'].entries()) state = fold(state, decideNetwork(state, connect(`d${i}`, host, `192.0.2.${i + 1}`)));
  t.throws(() => decideNetwork(state, connect('e', 'h2', '192.0.2.2')), { name: 'ConflictError', message: /no available IPv4 addresses/ });
});

t.test('an overlay endpoint names its host and VTEP', async (t) => {
  t.throws(() => decideNetwork(created, { type: 'Connect', container: 'c', containerName: 'c', aliases: [] }), { name: 'ValidationError' });
  t.throws(() => decideNetwork(created, connect('c', 'h1', 'not-an-address')), { name: 'ValidationError' });
  t.throws(() => decideNetwork({ ...initialNetworkData({ id: 'n', host: '_cluster' }), status: 'none' }, { type: 'Create', record: { ...record, vni: undefined } }), { name: 'ValidationError', message: /VXLAN id/ });
});

t.test('a host holds an overlay while it runs a container on it; its peers are the other hosts\' endpoints', async (t) => {
  const state = fold(created, [
    { type: 'network.connected', data: { container: 'a', containerName: 'a', address: '10.0.0.2', aliases: [], host: 'h1', vtep: '192.0.2.1' } },
    { type: 'network.connected', data: { container: 'b', containerName: 'b', address: '10.0.0.3', aliases: [], host: 'h2', vtep: '192.0.2.2' } },
  ]);
  t.ok(heldHere(state, 'h1'));
  t.notOk(heldHere(state, 'h3'));
  t.same(overlayPeers(state, 'h1', '192.0.2.1'), [{ address: '10.0.0.3', mac: '02:42:0a:00:00:03', vtep: '192.0.2.2' }]);
  const gone = fold(state, [{ type: 'network.disconnected', data: { container: 'a', address: '10.0.0.2' } }]);
  t.notOk(heldHere(gone, 'h1'), 'its last container gone, the host drops the overlay');
  t.same(overlayPeers(gone, 'h2', '192.0.2.2'), []);
});

t.test('a rescheduled container takes over the lease of the one it replaces', async (t) => {
  const state = fold(created, decideNetwork(created, connect('old', 'h3', '192.0.2.3')));
  const events = decideNetwork(state, { ...connect('new', 'h1', '192.0.2.1'), replaces: 'old' });
  t.match(events, [{ type: 'network.connected', data: { container: 'new', address: '10.0.0.2', host: 'h1', vtep: '192.0.2.1', replaces: 'old' } }], 'one claim: the takeover');
  const after = fold(state, events);
  t.same(Object.keys(after.endpoints), ['new']);
  t.same(overlayPeers(after, 'h2', '192.0.2.2'), [{ address: '10.0.0.2', mac: '02:42:0a:00:00:02', vtep: '192.0.2.1' }], 'the other hosts now forward its address to its new host');
  t.match(decideNetwork(after, { ...connect('newer', 'h2', '192.0.2.2'), replaces: 'gone' }), [{ type: 'network.connected', data: { address: '10.0.0.3' } }], 'nothing to take over: a new lease');
});

t.test('names, ids and pools', async (t) => {
  t.equal(vxlanName('0123456789abcdef'.repeat(4)), 'vx-0123456789ab');
  const vni = overlayVni('f'.repeat(64));
  t.ok(vni >= 4096 && vni <= 16_777_215);
  t.equal(overlayPools().length, 4096);
});

t.test('peer entries: the diff between what the device holds and what the log says', async (t) => {
  const current = {
    fdb: [{ mac: '02:42:0a:00:00:03', dst: '192.0.2.2' }, { mac: '02:42:0a:00:00:04', dst: '192.0.2.3' }],
    neighbours: [{ address: '10.0.0.3', mac: '02:42:0a:00:00:03' }, { address: '10.0.0.4', mac: '02:42:0a:00:00:04' }],
  };
  const wanted = [{ address: '10.0.0.3', mac: '02:42:0a:00:00:03', vtep: '192.0.2.2' }, { address: '10.0.0.5', mac: '02:42:0a:00:00:05', vtep: '192.0.2.3' }];
  t.same(peerCommands('vx-x', current, wanted), {
    bridge: ['fdb del 02:42:0a:00:00:04 dev vx-x self', 'fdb replace 02:42:0a:00:00:05 dev vx-x dst 192.0.2.3 self permanent'],
    ip: ['neigh del 10.0.0.4 dev vx-x', 'neigh replace 10.0.0.5 lladdr 02:42:0a:00:00:05 dev vx-x nud permanent'],
  });
  t.same(peerCommands('vx-x', { fdb: [], neighbours: [] }, []), { bridge: [], ip: [] });
});
