import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { credentialKey, findCredentials, removeCredentials, storeCredentials } from './credentials.js';
import { insecureAllowed } from './registryClient.js';
import { normalizeServer } from './store.js';

t.test('credentials in Docker config.json format', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-auth-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'auth', 'config.json');
  t.equal(await findCredentials(file, 'r.example:5000'), null, 'no file: no credentials');
  await storeCredentials(file, 'r.example:5000', { username: 'u', password: 'p:w' });
  await storeCredentials(file, 'docker.io', { username: 'hub', password: 'x' });
  t.equal((await fs.stat(file)).mode & 0o777, 0o600);
  t.same(await findCredentials(file, 'r.example:5000'), { username: 'u', password: 'p:w' }, 'a colon in the password survives');
  t.same(Object.keys(JSON.parse(await fs.readFile(file, 'utf8')).auths), ['r.example:5000', 'https://index.docker.io/v1/']);
  t.same(await findCredentials(file, 'docker.io'), { username: 'hub', password: 'x' });
  await fs.writeFile(file, JSON.stringify({ auths: { 'https://other.example/v2/': { auth: Buffer.from('a:b').toString('base64') } }, credsStore: 'x' }));
  t.same(await findCredentials(file, 'other.example'), { username: 'a', password: 'b' }, 'a key written with a scheme matches too');
  t.equal(await removeCredentials(file, 'nothere'), false);
  await storeCredentials(file, 'r.example:5000', { username: 'u', password: 'p' });
  t.equal(await removeCredentials(file, 'r.example:5000'), true);
  t.equal(JSON.parse(await fs.readFile(file, 'utf8')).credsStore, 'x', 'other settings are kept');
  t.equal(credentialKey('docker.io'), 'https://index.docker.io/v1/');
});

t.test('servers and plain HTTP', async (t) => {
  t.equal(normalizeServer(undefined), 'docker.io');
  t.equal(normalizeServer('https://index.docker.io/v1/'), 'docker.io');
  t.equal(normalizeServer('http://127.0.0.1:5000/'), '127.0.0.1:5000');
  t.ok(insecureAllowed('127.0.0.1:5000', []));
  t.ok(insecureAllowed('127.5.6.7', []));
  t.ok(insecureAllowed('localhost:5000', []));
  t.notOk(insecureAllowed('10.0.0.1:5000', []));
  t.notOk(insecureAllowed('registry.example', []));
  t.ok(insecureAllowed('registry.example:5000', ['registry.example:5000']));
  t.ok(insecureAllowed('registry.example:5000', ['registry.example']));
});
