/**
 * The Docker API socket of one host in a cluster sees and routes like the CLI without --host:
 * its own host's containers are answered in process (client/bus.ts, `local`), the others' over
 * NATS, and a change made on another host right before a read is seen.
 *
 * Its daemon runs with its host's credentials and, for the socket, a CLI user's
 * (`--docker-api-creds`, api/scope.ts): a host's own may command no other host
 * (nats/cluster/permissions.ts). A daemon without them serves its own host only, at once.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import t from 'tap';
import { startCluster } from '../helpers/cluster.js';
import { gateFile, requiresCluster } from '../helpers/gates.js';

gateFile(requiresCluster());

function api(socketPath: string, method: string, urlPath: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path: urlPath, method }, (res) => {
      let text = '';
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end();
  });
}

t.test('one host\'s socket lists, inspects and removes the containers of every host', async (t) => {
  const cluster = await startCluster(t);
  await cluster.importBusybox(false);
  await cluster.killDaemon('h1', 'SIGTERM');
  await cluster.startDaemon('h1', ['--docker-api-creds', cluster.cliCreds]);
  const socket = path.join(cluster.host('h1').runRoot, 'docker.sock');
  const far = (await cluster.ok('h1', ['run', '-d', '--name', 'far', '--constraint', 'host=h2', 'busybox', 'sleep', '300'])).trim();
  const near = (await cluster.ok('h2', ['create', '--name', 'near', '--constraint', 'host=h1', 'busybox', 'true'])).trim();

  const version = await api(socket, 'GET', '/version');
  t.equal(version.status, 200, version.status === 200 ? 'version' : JSON.stringify(version.body));
  t.equal(version.body?.Components?.[0]?.Details?.Host, 'h1', 'the socket\'s own host answers');
  const info = await api(socket, 'GET', '/info');
  t.equal(info.status, 200, info.status === 200 ? 'info' : JSON.stringify(info.body));
  t.equal(info.body?.ID, 'h1', 'info is the socket\'s own host\'s');
  const listed = await api(socket, 'GET', '/containers/json?all=1');
  t.equal(listed.status, 200, listed.status === 200 ? 'listed' : JSON.stringify(listed.body));
  t.same(listed.body.map((c: { Names: string[] }) => c.Names[0]).sort(), ['/far', '/near'], 'both hosts\' containers');
  t.same((await api(socket, 'GET', '/containers/json')).body.map((c: { Id: string }) => c.Id), [far], 'running only, without all');

  const farInspected = await api(socket, 'GET', '/containers/far/json');
  t.equal(farInspected.status, 200);
  t.equal(farInspected.body.Id, far);
  t.equal(farInspected.body.State.Status, 'running');
  t.equal((await api(socket, 'GET', '/containers/near/json')).body.Id, near);

  // A change made on another host, right before the read.
  await cluster.ok('h3', ['rename', 'far', 'farther']);
  t.same((await api(socket, 'GET', '/containers/json')).body.map((c: { Names: string[] }) => c.Names), [['/farther']]);
  t.equal((await api(socket, 'GET', '/containers/far/json')).status, 404);

  // h2's socket, with its host's credentials alone: its own host only, answered at once (it
  // waited out the request timeout on the first other host before), and the daemon says why.
  const h2 = path.join(cluster.host('h2').runRoot, 'docker.sock');
  t.same((await api(h2, 'GET', '/containers/json?all=1')).body.map((c: { Names: string[] }) => c.Names), [['/farther']], 'h2\'s socket lists h2\'s container only');
  t.equal((await api(h2, 'GET', '/containers/near/json')).status, 404, 'a container of h1 is not h2\'s socket\'s');
  t.equal((await api(h2, 'GET', '/info')).body?.ID, 'h2');
  t.match(await fs.readFile(path.join(cluster.host('h2').dir, 'berthd.log'), 'utf8'), /serves this host only.*docker-api-creds/, 'h2\'s daemon said why');

  t.equal((await api(socket, 'DELETE', '/containers/farther?force=1')).status, 204);
  t.equal((await api(socket, 'DELETE', '/containers/near')).status, 204);
  t.equal((await cluster.ok('h3', ['ps', '-a', '-q'])).trim(), '', 'the CLI on another host sees both removed');
});
