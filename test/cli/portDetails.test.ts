/** `port` (a container without published ports) and `logs --details` (--log-opt labels=/env=) through the real CLI. */
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);

t.test('port: nothing for a container without published ports, errors as Docker\'s', async (t) => {
  await engine.ok(['create', '--name', 'ported', 'busybox', 'true']);
  const listed = await engine.berth(['port', 'ported']);
  t.same([listed.code, listed.stdout, listed.stderr], [0, '', '']);
  t.equal((await engine.berth(['container', 'port', 'ported'])).code, 0);
  const asked = await engine.berth(['port', 'ported', '80']);
  t.same([asked.code, asked.stderr], [1, 'berth: No public port \'80/tcp\' published for ported\n']);
  t.match((await engine.berth(['port', 'ported', '53/udp'])).stderr, /No public port '53\/udp'/);
  const bad = await engine.berth(['port', 'ported', 'http']);
  t.same([bad.code, bad.stderr], [125, 'berth: Invalid port: http\n']);
  const missing = await engine.berth(['port', 'nosuch']);
  t.same([missing.code, missing.stderr], [1, 'berth: No such container: nosuch\n']);
  await engine.ok(['rm', 'ported']);
});

t.test('logs --details: the labels and env named by --log-opt, before each line', async (t) => {
  await engine.ok(['run', '--name', 'detailed', '-l', 'team=core', '-l', 'other=x', '-e', 'REGION=eu',
    '--log-opt', 'labels=team,missing', '--log-opt', 'env=REGION', 'busybox', 'sh', '-c', 'echo one; echo two >&2']);
  const details = await engine.berth(['logs', '--details', 'detailed']);
  t.equal(details.code, 0, details.stderr);
  t.equal(details.stdout, 'REGION=eu,team=core one\n');
  t.equal(details.stderr, 'REGION=eu,team=core two\n');
  t.equal(await engine.ok(['logs', 'detailed']), 'one\n', 'without --details: the lines alone');
  t.match(await engine.ok(['logs', '-t', '--details', 'detailed']), /^\d{4}-\d\d-\d\dT[\d:.]+Z REGION=eu,team=core one\n$/, 'the time first');
  const config = (await engine.inspect('detailed')).HostConfig.LogConfig.Config;
  t.same(config, { labels: 'team,missing', env: 'REGION' });

  await engine.ok(['run', '--name', 'plain', '-l', 'team=core', 'busybox', 'echo', 'plain']);
  t.equal(await engine.ok(['logs', '--details', 'plain']), 'plain\n', 'no labels/env options: nothing extra, as Docker');
  await engine.ok(['rm', 'detailed', 'plain']);
});
