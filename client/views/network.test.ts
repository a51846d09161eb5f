import t from 'tap';
import type { NetworkView } from '../../events/requests.js';
import { networkJson } from './network.js';

const id = 'ab12cd34ef56'.padEnd(64, '0');
const network = (extra: Partial<NetworkView>): NetworkView => ({
  name: 'front', id, host: 'h', driver: 'bridge', created: 0, subnet: '10.1.0.0/24', gateway: '10.1.0.1',
  bridge: `br-${id.slice(0, 12)}`, internal: false, labels: {}, options: {}, endpoints: [], ...extra,
});

t.test("Options: what the network was created with, as compose compares them to its file's", async (t) => {
  t.same(networkJson(network({})).Options, {}, "a user network's br-<id12> is Docker's name, not listed");
  t.same(networkJson(network({ options: { 'com.docker.network.driver.mtu': '1400' } })).Options, { 'com.docker.network.driver.mtu': '1400' });
  t.same(networkJson(network({ name: 'bridge', bridge: 'berth0' })).Options, { 'com.docker.network.bridge.name': 'berth0' }, 'the default network lists its bridge, as Docker lists docker0');
});
