import t from 'tap';
import type { HostStatus } from '../actors/hostStatus.js';
import { parseConstraints, placeContainer } from './placement.js';
import { hostOfContainer, hostsMatching, splitHostRef } from './addressing.js';
import type { ContainerView } from '../events/requests.js';

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
  t.equal(placeContainer(hosts, parseConstraints(['zone=y'])), 'b');
  t.equal(placeContainer(hosts, parseConstraints(['zone=y', 'disk=ssd'])), 'b');
  t.equal(placeContainer(hosts, parseConstraints(['host=a'])), 'a');
  t.throws(() => placeContainer(hosts, parseConstraints(['zone=z'])), /no ready host satisfies zone=z \(ready: a, b\)/);
  t.throws(() => placeContainer([host('c', 'draining', 1)], []), /no ready host \(ready: none\)/);
  t.throws(() => parseConstraints(['zone']), /invalid --constraint "zone": use key=value/);
});

const view = (hostName: string, id: string, name: string) => ({ id, host: hostName, config: { name } }) as unknown as ContainerView;

t.test('HOST/NAME addressing and ambiguity', async (t) => {
  t.same(splitHostRef('h1/web'), { host: 'h1', ref: 'web' });
  t.same(splitHostRef('web'), { ref: 'web' });
  t.same(splitHostRef('/web'), { ref: '/web' });
  const views = [view('h1', 'aa11', 'web'), view('h2', 'bb22', 'web'), view('h2', 'cc33', 'db')];
  t.same(hostsMatching('web', views), ['h1', 'h2']);
  t.equal(hostOfContainer('db', views), 'h2');
  t.equal(hostOfContainer('aa', views), 'h1', 'an id prefix');
  t.throws(() => hostOfContainer('web', views), /web names containers on hosts h1, h2; use HOST\/web/);
  t.throws(() => hostOfContainer('nope', views), /No such container: nope/);
});
