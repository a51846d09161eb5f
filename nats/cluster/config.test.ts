import t from 'tap';
import { nodeConfig, type ClusterPlan } from './config.js';
import { parseNode } from './init.js';
import { cliPermissions, hostPermissions } from './permissions.js';
import { clusterSizeOf, replicasFor } from '../server/clusterSize.js';

const plan: ClusterPlan = {
  cluster: 'c1',
  nodes: ['a=10.0.0.1', 'b=10.0.0.2:4333', 'c=10.0.0.3:4222:7000'].map(parseNode),
  principals: [
    { name: 'h1', nkey: 'UAH1', permissions: hostPermissions('h1') },
    { name: 'admin', nkey: 'UADMIN', permissions: cliPermissions() },
  ],
  routeUser: 'route',
  routePassword: 'secret',
};

t.test('node specs: name=address[:client[:cluster]]', async (t) => {
  t.same(parseNode('a=10.0.0.1'), { name: 'a', address: '10.0.0.1', clientPort: 4222, clusterPort: 6222 });
  t.same(parseNode('c=nats-c.example:4333:7000'), { name: 'c', address: 'nats-c.example', clientPort: 4333, clusterPort: 7000 });
  t.throws(() => parseNode('10.0.0.1'), /invalid node "10.0.0.1"/);
});

t.test('a node routes to every other node, not to itself', async (t) => {
  const text = nodeConfig(plan, 'b', '/var/lib/nats/b');
  t.match(text, 'listen: "10.0.0.2:4333"');
  t.match(text, 'nats-route://route:secret@10.0.0.1:6222');
  t.match(text, 'nats-route://route:secret@10.0.0.3:7000');
  t.notMatch(text, '@10.0.0.2:');
  t.match(text, 'store_dir: "/var/lib/nats/b"');
  t.match(text, 'jetstream: enabled');
  t.throws(() => nodeConfig(plan, 'z', '/x'), /no node z/);
});

t.test('TLS files per node, {node} replaced', async (t) => {
  const text = nodeConfig({ ...plan, tls: { cert: '/c/{node}.pem', key: '/c/{node}-key.pem', ca: '/c/ca.pem' } }, 'c', '/x');
  t.equal(text.split('cert_file: "/c/c.pem", key_file: "/c/c-key.pem", ca_file: "/c/ca.pem"').length, 3, 'for clients and for routes');
});

t.test('a host publishes only its own subjects and takes only its own commands', async (t) => {
  const h1 = hostPermissions('h1');
  t.ok(h1.publish.includes('berth.evt.h1.>'));
  t.notOk(h1.publish.some((s) => s.startsWith('berth.evt.h2') || s === 'berth.evt.>' || s.startsWith('berth.cmd')));
  t.same(h1.subscribe, ['berth.cmd.h1.>', '_INBOX_h1.>']);
  t.ok(h1.allowResponses);
  const cli = cliPermissions();
  t.ok(cli.publish.includes('berth.cmd.>'));
  t.notOk(cli.publish.some((s) => s.startsWith('berth.evt') || s.startsWith('$KV.')));
  t.ok(cli.subscribe.includes('berth.evt.>'));
  const text = nodeConfig(plan, 'a', '/x');
  t.match(text, /nkey: "UAH1"\n\s+permissions: \{\n\s+publish: \{ allow: \["berth\.evt\.h1\.>"/);
});

t.test('replicas are min(3, cluster size), the size from the INFO', async (t) => {
  t.equal(clusterSizeOf(undefined), 1);
  t.equal(clusterSizeOf({ cluster: undefined, connect_urls: ['a:1'] } as never), 1);
  t.equal(clusterSizeOf({ cluster: 'c', connect_urls: ['a:1', 'b:1'] } as never), 2);
  t.equal(replicasFor(1), 1);
  t.equal(replicasFor(2), 2);
  t.equal(replicasFor(5), 3);
});

t.test('clients and routes get the handshake limits of handshake.ts', async (t) => {
  const tls = { cert: '/c/{node}.pem', key: '/c/{node}-key.pem', ca: '/c/ca.pem' };
  const text = nodeConfig({ ...plan, tls }, 'a', '/var/lib/nats/a');
  t.match(text, /^authorization \{ timeout: 6 \}$/m, 'clients: auth, counted from the accept');
  t.match(text, /^ {2}authorization \{ user: "route", password: "secret", timeout: 6 \}$/m, 'routes');
  t.equal(text.match(/tls: \{[^}]*timeout: 5 \}/g)?.length, 2, 'the TLS upgrade, clients and routes');
});
