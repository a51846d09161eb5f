/**
 * Two daemons (their own data roots) in one network namespace: the first manages the namespace's
 * networks (berth0 and the `inet berth` table); a second with the default bridge refuses to start,
 * and one with --bridge none runs but refuses to create a network, each in one clear line. The
 * first's bridge and table are left as they were. In a namespace of the test.
 */
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { NetworkNamespace } from '../helpers/netns.js';

t.test('a second daemon in the same network namespace', async (t) => {
  const inner = NetworkNamespace.create(t);
  const first = await startEngine(t, { netns: inner.prefix, image: false });
  await first.ok(['network', 'create', '--subnet', '10.61.0.0/24', 'mine']);
  const table = () => execFileSync('nsenter', [...inner.prefix.slice(1), 'nft', 'list', 'table', 'inet', 'berth']).toString();
  const before = { table: table(), bridge: inner.ip('-4', 'addr', 'show', 'dev', 'berth0') };

  await t.rejects(startEngine(t, { netns: inner.prefix, image: false }),
    /another berth daemon \(pid \d+, data root \S+\) manages the networks of this network namespace/, 'the default bridge: the second daemon does not start');

  const second = await startEngine(t, { netns: inner.prefix, image: false, daemonArgs: ['--bridge', 'none'] });
  const refused = await second.berth(['network', 'create', '--subnet', '10.62.0.0/24', 'theirs']);
  t.equal(refused.code, 125);
  t.match(refused.stderr, /another berth daemon \(pid \d+, data root \S+\) manages the networks of this network namespace/);
  t.equal(refused.stderr.trim().split('\n').length, 1, 'in one line');
  t.notMatch(await second.ok(['network', 'ls']), /theirs/, 'and nothing recorded');

  t.equal(table(), before.table, "the first daemon's table untouched");
  t.equal(inner.ip('-4', 'addr', 'show', 'dev', 'berth0'), before.bridge, 'and its bridge');
  t.match(await first.ok(['network', 'ls']), /mine/);
});
