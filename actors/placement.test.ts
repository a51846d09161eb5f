import t from 'tap';
import type { HostStatus } from './hostStatus.js';
import { placeContainer } from './placement.js';

const host = (name: string, state: HostStatus['state'], memoryFree: number, labels: Record<string, string> = {}, running = 0): HostStatus => ({
  host: name,
  state,
  availability: state === 'draining' ? 'drain' : 'active',
  heartbeat: state === 'lost' ? undefined : {
    host: name, time: 0, pid: 1, version: '0.1.0', labels,
    capacity: { cpus: 2, memoryTotal: 8e9, memoryFree, containersRunning: running },
  },
});

t.test('placement spreads by free memory among ready hosts', async (t) => {
  const hosts = [host('a', 'ready', 1e9), host('b', 'ready', 3e9), host('c', 'draining', 9e9), host('d', 'lost', 0)];
  t.equal(placeContainer(hosts, []), 'b', 'the most free memory wins; draining and lost hosts are skipped');
  t.equal(placeContainer([host('a', 'ready', 1e9, {}, 3), host('b', 'ready', 1e9, {}, 1)], []), 'b', 'a tie goes to the fewest running');
  t.equal(placeContainer([host('b', 'ready', 1e9), host('a', 'ready', 1e9)], []), 'a', 'then to the first by name');
});

t.test('constraints match labels, or host=NAME', async (t) => {
  const hosts = [host('a', 'ready', 5e9, { zone: 'x' }), host('b', 'ready', 1e9, { zone: 'y', disk: 'ssd' }), host('c', 'draining', 9e9, { zone: 'y' })];
  t.equal(placeContainer(hosts, [{ key: 'zone', value: 'y' }]), 'b');
  t.equal(placeContainer(hosts, [{ key: 'zone', value: 'y' }, { key: 'disk', value: 'ssd' }]), 'b');
  t.equal(placeContainer(hosts, [{ key: 'host', value: 'a' }]), 'a');
  t.throws(() => placeContainer(hosts, [{ key: 'zone', value: 'z' }]), /no ready host satisfies zone=z \(ready: a, b\)/);
  t.throws(() => placeContainer([host('c', 'draining', 1)], []), /no ready host \(ready: none\)/);
});
