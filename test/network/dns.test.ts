/**
 * Container DNS through the real parts, the engine inside a network namespace of the test: the
 * embedded resolver on a user network's gateway answers names, short ids and aliases, relays
 * other names to the host's resolver (a fake one in the outside namespace, named by
 * BERTH_RESOLV_CONF, so no query leaves the machine), and follows renames, removals, live
 * connects and a daemon SIGKILL; on the default bridge names do not resolve.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { startEngine, until, type Engine } from '../helpers/engine.js';
import { startFakeResolver } from '../helpers/fakeResolver.js';
import { NetworkNamespace } from '../helpers/netns.js';

/**
 * The addresses busybox nslookup found for a name (from a running container), or null when it
 * found none. (Busybox asks only NAME.SEARCH for a name without a dot when resolv.conf has a
 * search line, so the containers that look up have none.)
 */
async function lookup(engine: Engine, container: string, name: string): Promise<string[] | null> {
  const result = await engine.berth(['exec', container, 'nslookup', '-type=a', name]);
  const answers = [...result.stdout.matchAll(/^Name:\s+(\S+)\nAddress: (\d+\.\d+\.\d+\.\d+)$/gm)].filter((match) => match[1] === name).map((match) => match[2]);
  return answers.length > 0 ? answers : null;
}

t.test('names on a user network, the host resolver for the rest, nothing on the default bridge', async (t) => {
  const inner = NetworkNamespace.create(t);
  const world = inner.outside(t);
  const upstream = await startFakeResolver(t, world.namespace.name, world.address, { 'outside.example': '10.200.0.99' });
  const engine = await startEngine(t, { netns: inner.prefix, daemon: false, image: false });
  const resolvConf = path.join(engine.dir, 'host-resolv.conf');
  await fs.writeFile(resolvConf, `nameserver ${world.address}\noptions timeout:2\n`);
  engine.env.BERTH_RESOLV_CONF = resolvConf;
  await engine.startDaemon();
  await engine.importBusybox();

  await engine.ok(['network', 'create', '--subnet', '10.77.0.0/24', 'web']);
  const db = (await engine.ok(['run', '-d', '--name', 'db', '--network', 'web', '--network-alias', 'store', 'busybox', 'sleep', '600'])).trim();
  await engine.ok(['run', '-d', '--name', 'client', '--network', 'web', 'busybox', 'sleep', '600']);
  t.equal(await engine.ok(['exec', 'client', 'cat', '/etc/resolv.conf']), 'nameserver 10.77.0.1\noptions timeout:2 ndots:0\n', "the gateway is the container's resolver");

  t.same(await lookup(engine, 'client', 'db'), ['10.77.0.2'], 'by name');
  t.same(await lookup(engine, 'client', 'store'), ['10.77.0.2'], 'by --network-alias');
  t.same(await lookup(engine, 'client', db.slice(0, 12)), ['10.77.0.2'], 'by short id');
  t.same(await lookup(engine, 'client', 'db.web'), ['10.77.0.2'], 'NAME.NETWORK');
  t.same(await lookup(engine, 'db', 'client'), ['10.77.0.3'], 'both ways');
  t.same(await lookup(engine, 'client', 'outside.example'), ['10.200.0.99'], 'another name: from the host resolver');
  t.ok(upstream.asked().includes('outside.example'), 'which was asked');
  t.notOk(upstream.asked().includes('db'), 'a container name never leaves');
  t.equal(await lookup(engine, 'client', 'nowhere.example'), null, "the upstream's NXDOMAIN");

  // The default bridge: the host's resolvers, and no names.
  await engine.ok(['run', '-d', '--name', 'plain', '--dns-search', 'corp.test', '--dns-option', 'ndots:2', '--add-host', 'host.docker.internal:host-gateway', 'busybox', 'sleep', '600']);
  await engine.ok(['run', '-d', '--name', 'plain2', 'busybox', 'sleep', '600']);
  t.equal(await engine.ok(['exec', 'plain', 'cat', '/etc/resolv.conf']), `search corp.test\nnameserver ${world.address}\noptions ndots:2\n`, '--dns-search and --dns-option');
  t.match(await engine.ok(['exec', 'plain', 'cat', '/etc/hosts']), /^172\.17\.0\.1\thost\.docker\.internal$/m, '--add-host NAME:host-gateway');
  t.equal(await lookup(engine, 'plain2', 'plain'), null, 'no name resolves on the default bridge');
  t.same(await lookup(engine, 'plain', 'outside.example'), ['10.200.0.99']);

  // A live connect: the resolver answers for the new network, and /etc/hosts has the new address.
  await engine.ok(['network', 'create', '--subnet', '10.78.0.0/24', 'back']);
  await engine.ok(['run', '-d', '--name', 'cache', '--network', 'back', 'busybox', 'sleep', '600']);
  t.equal(await lookup(engine, 'client', 'cache'), null, 'not on a network it does not share');
  await engine.ok(['network', 'connect', '--alias', 'front', 'back', 'client']);
  t.same(await lookup(engine, 'client', 'cache'), ['10.78.0.2'], 'after network connect');
  t.same(await lookup(engine, 'cache', 'front'), ['10.78.0.3'], 'connect --alias');
  t.match(await engine.ok(['exec', 'client', 'cat', '/etc/hosts']), /^10\.78\.0\.3\t/m, '/etc/hosts lists the new address, live');
  await engine.ok(['network', 'disconnect', 'back', 'client']);
  t.equal(await lookup(engine, 'cache', 'front'), null, 'and not after disconnect');
  t.notMatch(await engine.ok(['exec', 'client', 'cat', '/etc/hosts']), /^10\.78\./m, 'nor in /etc/hosts');

  // SIGKILL: the resolver is back with the daemon, its names rebuilt from the log.
  await engine.killDaemon('SIGKILL');
  await engine.startDaemon();
  t.same(await lookup(engine, 'client', 'db'), ['10.77.0.2'], 'after a daemon SIGKILL and restart');
  t.same(await lookup(engine, 'client', 'store'), ['10.77.0.2']);

  // Renamed, then removed.
  await engine.ok(['rename', 'db', 'pg']);
  t.equal(await lookup(engine, 'client', 'db'), null, 'the old name is gone');
  t.same(await lookup(engine, 'client', 'pg'), ['10.77.0.2'], 'the new name resolves');
  await engine.ok(['rm', '-f', 'pg']);
  await until('the lease released', async () => Object.keys(JSON.parse(await engine.ok(['network', 'inspect', 'web']))[0].Containers).length === 1);
  t.equal(await lookup(engine, 'client', 'pg'), null, 'a removed container does not resolve');
  t.equal(await lookup(engine, 'client', 'store'), null, 'nor its alias');
});
