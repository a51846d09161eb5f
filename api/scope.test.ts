import t from 'tap';
import { dockerApiScope } from './scope.js';

t.test('the embedded NATS: this host; docker-api-creds there is refused in one line', async (t) => {
  t.same(dockerApiScope({ cluster: false }), { kind: 'host' });
  t.same(dockerApiScope({ cluster: false, daemonCreds: '/h.creds' }), { kind: 'host' });
  t.throws(() => dockerApiScope({ cluster: false, apiCreds: '/u.creds' }), { name: 'ValidationError', message: /--nats/ });
});

t.test('a cluster: the whole cluster only over credentials that may command every host', async (t) => {
  t.same(dockerApiScope({ cluster: true }), { kind: 'cluster', connection: 'daemon' }, 'no per-principal permissions: the daemon\'s own connection');
  t.same(dockerApiScope({ cluster: true, apiCreds: '/u.creds' }), { kind: 'cluster', connection: 'own', credsFile: '/u.creds' });
  t.same(dockerApiScope({ cluster: true, daemonCreds: '/h.creds', apiCreds: '/u.creds' }), { kind: 'cluster', connection: 'own', credsFile: '/u.creds' });
  const hostOnly = dockerApiScope({ cluster: true, daemonCreds: '/h.creds' });
  t.equal(hostOnly.kind, 'host', 'a host\'s creds alone: its own host');
  t.match(hostOnly, { why: /docker-api-creds/ }, 'and it says how to serve the cluster');
});
