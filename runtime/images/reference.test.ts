import t from 'tap';
import { chainIds, sha256 } from './digest.js';
import { hasExplicitTag, normalizeReference, parseReference, registryEndpoint, splitReference } from './reference.js';

t.test('references', async (t) => {
  t.equal(normalizeReference('busybox'), 'busybox:latest');
  t.equal(normalizeReference('busybox:1.35'), 'busybox:1.35');
  t.equal(normalizeReference('localhost:5000/team/app'), 'localhost:5000/team/app:latest');
  t.equal(normalizeReference('localhost:5000/team/app:v2'), 'localhost:5000/team/app:v2');
  t.throws(() => normalizeReference('BusyBox'), /invalid reference format/);
  t.throws(() => normalizeReference('a:b:c'), /invalid reference format/);
  t.throws(() => normalizeReference('app:-bad'), /bad tag/);
  t.same(splitReference('localhost:5000/app:v2'), { repository: 'localhost:5000/app', tag: 'v2' });
});

t.test('chain ids follow the OCI rule', async (t) => {
  const a = sha256('a');
  const b = sha256('b');
  t.same(chainIds([a]), [a]);
  t.same(chainIds([a, b]), [a, sha256(`${a} ${b}`)]);
});

t.test('remote references', async (t) => {
  t.same(parseReference('busybox'), { registry: 'docker.io', repository: 'library/busybox', tag: 'latest', digest: null, name: 'busybox' });
  t.same(parseReference('docker.io/library/busybox:1.36'), { registry: 'docker.io', repository: 'library/busybox', tag: '1.36', digest: null, name: 'busybox' });
  t.same(parseReference('team/app'), { registry: 'docker.io', repository: 'team/app', tag: 'latest', digest: null, name: 'team/app' });
  const digest = `sha256:${'a'.repeat(64)}`;
  t.same(parseReference(`127.0.0.1:5000/a/b@${digest}`), { registry: '127.0.0.1:5000', repository: 'a/b', tag: null, digest, name: '127.0.0.1:5000/a/b' });
  t.same(parseReference(`localhost/app:v1@${digest}`).tag, 'v1');
  t.equal(normalizeReference('docker.io/library/busybox'), 'busybox:latest');
  t.throws(() => normalizeReference(`app@${digest}`), /not a digest/);
  t.throws(() => parseReference('app@sha256:zz'), /bad digest/);
  t.throws(() => parseReference('Registry.example.com/App'), /lowercase/);
  t.equal(registryEndpoint('docker.io'), 'registry-1.docker.io');
  t.equal(registryEndpoint('127.0.0.1:5000'), '127.0.0.1:5000');
});

t.test('an explicit tag, or latest by default', async (t) => {
  t.equal(hasExplicitTag('busybox'), false);
  t.equal(hasExplicitTag('busybox:1'), true);
  t.equal(hasExplicitTag('127.0.0.1:5000/team/app'), false, 'a registry port is not a tag');
  t.equal(hasExplicitTag('127.0.0.1:5000/team/app:v2'), true);
  t.equal(hasExplicitTag(`app@sha256:${'a'.repeat(64)}`), false);
});
