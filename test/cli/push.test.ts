/**
 * push through the real CLI to a real registry (Debian's docker-registry on 127.0.0.1): the
 * blobs and the manifest arrive (skopeo reads them back), a second engine pulls and runs the
 * image, a second push sends nothing again, basic auth as pull uses it, and the error paths.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { startRegistry } from '../helpers/registry.js';
import { gateFile, requiresEngine, requiresRegistry } from '../helpers/gates.js';

gateFile(requiresEngine(), requiresRegistry());

const run = promisify(execFile);

async function skopeoInspect(ref: string, creds?: string): Promise<{ Digest: string; Layers: string[] }> {
  const args = ['inspect', '--tls-verify=false', ...(creds ? ['--creds', creds] : []), `docker://${ref}`];
  const { stdout } = await run('skopeo', args, { env: { ...process.env, HOME: '/nonexistent' } });
  return JSON.parse(stdout);
}

// One engine pushes in both tests, each to a registry of its own.
const engine = await startEngine(t);

t.test('push, read back by skopeo, pulled and run by a second engine; a second push sends nothing', async (t) => {
  // The second engine starts while the first pushes: nothing it does comes before the pull.
  const starting = startEngine(t, { image: false });
  const registry = await startRegistry(t, path.join(engine.dir, 'reg'));
  const ref = `${registry.host}/test/busybox:v1`;
  const missing = await engine.berth(['push', ref]);
  t.equal(missing.code, 125);
  t.match(missing.stderr, `An image does not exist locally with the tag: ${ref}`);

  await engine.ok(['tag', 'busybox', ref]);
  const pushed = await engine.berth(['push', ref]);
  t.equal(pushed.code, 0, pushed.stderr);
  const lines = pushed.stdout.split('\n');
  t.equal(lines[0], `The push refers to repository [${registry.host}/test/busybox]`);
  t.match(lines[1], /^[a-f0-9]{12}: Pushed$/);
  const digest = /^v1: digest: (sha256:[a-f0-9]{64}) size: \d+$/m.exec(pushed.stdout)?.[1];
  t.ok(digest, pushed.stdout);

  const remote = await skopeoInspect(ref);
  t.equal(remote.Digest, digest, 'the registry serves the manifest under the digest push printed');
  t.equal(remote.Layers.length, 1);
  const image = await engine.inspect(ref);
  t.ok(image.RepoDigests.includes(`${registry.host}/test/busybox@${digest}`), 'the push is recorded in RepoDigests');
  const events = await engine.ok(['events', '--since', '10m', '--until', '0s', '--filter', 'event=push', '--format', 'json']);
  t.match(JSON.parse(events.split('\n')[0]!), { Type: 'image', Action: 'push', Actor: { Attributes: { name: ref } } });

  const again = await engine.ok(['image', 'push', ref]);
  t.match(again, /^[a-f0-9]{12}: Layer already exists$/m, 'the registry has the layer: HEAD, nothing sent');
  t.match(again, `v1: digest: ${digest}`);

  const other = await starting;
  t.equal(await other.ok(['run', '--rm', ref, 'echo', 'pulled back']), 'pulled back\n');
  t.equal((await other.inspect(ref)).Id, image.Id, 'the same config: the same image id');

  // -a: every tag of the repository.
  await engine.ok(['tag', 'busybox', `${registry.host}/test/busybox:v2`]);
  t.equal(await engine.ok(['push', '-a', '-q', `${registry.host}/test/busybox`]), `${registry.host}/test/busybox:v1\n${registry.host}/test/busybox:v2\n`);
  t.equal((await skopeoInspect(`${registry.host}/test/busybox:v2`)).Digest, digest);
  const all = await other.ok(['pull', '-a', `${registry.host}/test/busybox`]);
  t.match(all, /^v1: Image is up to date, digest sha256:[a-f0-9]{64}\nv2: Downloaded \(0 layers fetched\)/m, 'pull -a: every tag, v1 already there');
  t.equal(await other.ok(['images', '--format', '{{.Tag}}', `${registry.host}/test/busybox`]), 'v1\nv2\n');
  const tagged = await other.berth(['pull', '-a', `${registry.host}/test/busybox:v1`]);
  t.equal(tagged.code, 125);
  t.match(tagged.stderr, /tag can't be used with --all-tags/);

  const byDigest = await engine.berth(['push', `${registry.host}/test/busybox@${digest}`]);
  t.equal(byDigest.code, 125);
  t.match(byDigest.stderr, /push a tag, not a digest/);
});

t.test('push with basic auth: refused without login, then as the login user', async (t) => {
  const creds = { username: 'alice', password: 's3cret' };
  const registry = await startRegistry(t, path.join(engine.dir, 'reg-auth'), creds);
  const ref = `${registry.host}/private/busybox:v1`;
  await engine.ok(['tag', 'busybox', ref]);
  const anonymous = await engine.berth(['push', ref]);
  t.equal(anonymous.code, 125);
  t.match(anonymous.stderr, /unauthorized: authentication required/);
  await engine.ok(['login', registry.host, '-u', 'alice', '-p', 's3cret']);
  const pushed = await engine.berth(['push', ref]);
  t.equal(pushed.code, 0, pushed.stderr);
  t.equal((await skopeoInspect(ref, 'alice:s3cret')).Layers.length, 1);
});
