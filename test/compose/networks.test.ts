/**
 * `berth compose` on bridge networks, the engine inside a network namespace the test makes: the
 * project's default network `<project>_default` and a declared one, each container on them
 * with the service's name (and the declared aliases) as its network aliases, and `down`
 * removing the networks. Name resolution between containers comes with the dns work; here the
 * aliases are checked as inspect shows them. The host's links are checked unchanged after.
 */
import t from 'tap';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import { composeProject, hostLinks } from '../helpers/compose.js';
import { startEngine } from '../helpers/engine.js';
import { NetworkNamespace } from '../helpers/netns.js';

gateFile(requiresEngine());

const before = hostLinks();

t.test('networks: <project>_default and declared ones, service names as aliases, removed by down', async (t) => {
  const inner = NetworkNamespace.create(t);
  const engine = await startEngine(t, { netns: inner.prefix });
  const { compose } = await composeProject(t, engine, 'net', `
services:
  api:
    image: busybox
    command: sleep 3600
    stop_grace_period: 1s
  web:
    image: busybox
    command: sleep 3600
    stop_grace_period: 1s
    networks:
      default:
      back:
        aliases: [frontend]
    depends_on: [api]
networks:
  back:
    labels: {purpose: test}
`);
  const up = await compose('up', '-d');
  t.equal(up.code, 0, up.stderr);
  t.match(up.stderr, / Network net_default {2}Created/);
  t.match(up.stderr, / Network net_back {2}Created/);
  const back = JSON.parse(await engine.ok(['network', 'inspect', 'net_back']))[0];
  t.match(back.Labels, { 'com.docker.compose.project': 'net', 'com.docker.compose.network': 'back', purpose: 'test' });
  const api = await engine.inspect('net-api-1');
  t.same(Object.keys(api.NetworkSettings.Networks), ['net_default']);
  t.match(api.NetworkSettings.Networks.net_default.Aliases, ['api']);
  const web = await engine.inspect('net-web-1');
  t.same(Object.keys(web.NetworkSettings.Networks).sort(), ['net_back', 'net_default']);
  t.match(web.NetworkSettings.Networks.net_default.Aliases, ['web']);
  t.match(web.NetworkSettings.Networks.net_back.Aliases, ['web', 'frontend']);
  t.equal((await compose('exec', '-T', 'web', 'sh', '-c', 'ip -4 -o addr | grep -c eth')).stdout.trim(), '2', 'web has an interface on each network');

  const down = await compose('down');
  t.equal(down.code, 0, down.stderr);
  t.notMatch(await engine.ok(['network', 'ls', '--format', '{{.Name}}']), /net_/, 'the project\'s networks are gone');
});

t.test('the host\'s links are unchanged', async (t) => {
  t.same(hostLinks(), before);
});
