import t from 'tap';
import type { Heartbeat } from '../events/heartbeat.js';
import { hostStatuses } from './hostStatus.js';

const beat = (host: string): Heartbeat => ({
  host, time: 0, pid: 1, version: '0.1.0', labels: {},
  capacity: { cpus: 2, memoryTotal: 100, memoryFree: 50, containersRunning: 0 },
});

t.test('a host without a live heartbeat is lost; a drained one draining; else ready', async (t) => {
  const nodes = new Map([['a', 'node.joined' as const], ['b', 'node.drained' as const], ['c', 'node.activated' as const], ['d', 'node.drained' as const]]);
  const states = hostStatuses(nodes, [beat('a'), beat('b'), beat('c')]);
  t.same(states.map((s) => [s.host, s.state, s.availability]), [
    ['a', 'ready', 'active'],
    ['b', 'draining', 'drain'],
    ['c', 'ready', 'active'],
    ['d', 'lost', 'drain'],
  ]);
  t.equal(states[0].heartbeat?.capacity.cpus, 2);
  t.equal(states[3].heartbeat, undefined);
});

t.test('a host beating again before it acknowledged its fence is fenced, not ready; a lost one stays lost', async (t) => {
  const nodes = new Map([['a', 'node.joined' as const], ['b', 'node.joined' as const], ['c', 'node.joined' as const]]);
  const record = (host: string, state: 'fenced' | 'cleared') => ({ record: { host, state, by: 'x', time: 0, reason: 'host lost', replacements: [] }, revision: 9 });
  const states = hostStatuses(nodes, [beat('a'), beat('b')], [record('a', 'fenced'), record('b', 'cleared'), record('c', 'fenced')]);
  t.same(states.map((s) => [s.host, s.state, s.fence?.record.state]), [['a', 'fenced', 'fenced'], ['b', 'ready', 'cleared'], ['c', 'lost', 'fenced']]);
});
