/**
 * Pull from a real registry (Debian's docker-registry on 127.0.0.1), images pushed by skopeo
 * from OCI layouts built here: pull then run, implicit pull, auth, a two-platform index, a
 * tampered blob.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import t from 'tap';
import { makeBusyboxTar } from '../helpers/busybox.js';
import { startEngine, type Engine } from '../helpers/engine.js';
import { pushLayout, registryBlob, startRegistry, writeOciLayout, type ImageSpec } from '../helpers/registry.js';
import { runInPty } from '../helpers/pty.js';
import { startProxy } from '../helpers/registryProxy.js';
import { sha256 } from '../../runtime/images/digest.js';
import { tarBuffer } from '../../runtime/images/tarWriter.js';
import { gateFile, requiresEngine, requiresRegistry } from '../helpers/gates.js';

gateFile(requiresEngine(), requiresRegistry());

const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

async function busyboxLayer(engine: Engine): Promise<Buffer> {
  const file = path.join(engine.dir, 'busybox.tar');
  await makeBusyboxTar(file);
  return fs.readFile(file);
}

const secondLayer = (text: string) => tarBuffer([
  { path: 'etc/', type: 'dir' },
  { path: 'etc/motd', type: 'file', data: `${text}\n` },
  { path: '.wh.var', type: 'file' },
]);

async function publish(engine: Engine, destination: string, images: ImageSpec[], creds?: { username: string; password: string }): Promise<void> {
  const layout = path.join(engine.dir, `oci-${Math.random().toString(16).slice(2)}`);
  await writeOciLayout(layout, 'v1', images);
  await pushLayout(layout, 'v1', destination, creds);
}

/**
 * One engine for the four tests that need no store of their own, in this order: the tampered
 * blob first, while it is empty ('leaves nothing' and no image); each has its own registry.
 * The first test, the resumed pull and the live lines count the layers they fetch, so they keep
 * a fresh engine each.
 */
let sharedEngine: Promise<Engine> | null = null;
const shared = () => (sharedEngine ??= startEngine(t, { image: false }));

t.test('pull, then run with the image config; pull again and implicitly', async (t) => {
  const engine = await startEngine(t, { image: false });
  const registry = await startRegistry(t, path.join(engine.dir, 'reg'));
  const ref = `${registry.host}/test/busybox:v1`;
  const config = {
    Env: [PATH, 'GREETING=hi'], Entrypoint: ['/bin/sh', '-c'], Cmd: ['echo $GREETING; cat /etc/motd'], WorkingDir: '/tmp',
    User: '0:0', ExposedPorts: { '80/tcp': {} }, Volumes: { '/data': {} }, StopSignal: 'SIGQUIT', Labels: { team: 'berth' },
  };
  await publish(engine, ref, [{ layers: [await busyboxLayer(engine), await secondLayer('hello from layer two')], config }]);

  const started = process.hrtime.bigint();
  const pulled = await engine.ok(['pull', ref]);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  t.comment(`pull of a 2-layer busybox image from a local registry: ${ms.toFixed(0)} ms (the CLI and the daemon included)`);
  t.match(pulled, /^v1: Pulling from test\/busybox\n(?:[a-f0-9]{12}: .*\n)+Digest: sha256:[a-f0-9]{64}\nStatus: Downloaded newer image for 127\.0\.0\.1:\d+\/test\/busybox:v1 \(2 layers fetched/);
  // Not a terminal: a plain line at each layer's status change, as Docker prints them.
  const layerLines = (out: string, status: string) => out.split('\n').filter((line) => new RegExp(`^[a-f0-9]{12}: ${status}$`).test(line)).length;
  t.same(['Pulling fs layer', 'Download complete', 'Pull complete'].map((status) => layerLines(pulled, status)), [2, 2, 2], 'each of the two layers: fs layer, downloaded, complete');

  const [image] = JSON.parse(await engine.ok(['inspect', ref]));
  t.same(image.RepoTags, [ref]);
  t.match(image.RepoDigests[0], new RegExp(`^${registry.host}/test/busybox@sha256:`));
  t.same([image.Architecture, image.Os, image.Config.User, image.Config.StopSignal], ['amd64', 'linux', '0:0', 'SIGQUIT']);
  t.same([image.Config.ExposedPorts, image.Config.Volumes, image.Config.Labels], [{ '80/tcp': {} }, { '/data': {} }, { team: 'berth' }]);
  t.equal(image.RootFS.Layers.length, 2);

  const run = await engine.berth(['run', '--rm', ref]);
  t.equal(run.stdout, 'hi\nhello from layer two\n', `Entrypoint + Cmd + Env from the image (${run.stderr})`);
  const cmd = await engine.ok(['run', '--rm', ref, 'pwd; ls /var 2>/dev/null || echo var is whited out']);
  t.equal(cmd, '/tmp\nvar is whited out\n', 'a run command replaces Cmd and keeps the Entrypoint; WorkingDir applies; the whiteout hides /var');

  const again = await engine.ok(['pull', ref]);
  t.match(again, /Status: Image is up to date/);
  t.equal(layerLines(again, 'Already exists'), 2, 'both layers already exist');
  t.equal(layerLines(again, 'Pull complete'), 0);

  const events = await engine.ok(['events', '--since', '10m', '--until', '0s', '--format', 'json']);
  t.ok(events.split('\n').filter(Boolean).map((l) => JSON.parse(l)).some((e) => e.Type === 'image' && e.Action === 'pull'), 'a pull event');

  // Removed, then run: the implicit pull finds the blobs in the store and fetches nothing.
  await engine.ok(['rmi', ref]);
  const implicit = await engine.berth(['run', '--rm', ref, 'cat /etc/motd']);
  t.equal(implicit.code, 0, implicit.stderr);
  t.equal(implicit.stdout, 'hello from layer two\n');
  const missing = await engine.berth(['run', '--rm', `${registry.host}/test/nothing:v1`]);
  t.equal(missing.code, 125);
  t.match(missing.stderr, /Unable to find image .*locally; pulling it failed: manifest for .* not found/);
});

t.test('a tampered blob is refused by its digest and leaves nothing', async (t) => {
  const engine = await shared();
  const registry = await startRegistry(t, path.join(engine.dir, 'reg-tampered'));
  const ref = `${registry.host}/tampered/busybox:v1`;
  const layer = await secondLayer('original');
  await publish(engine, ref, [{ layers: [await busyboxLayer(engine), layer] }]);
  await fs.writeFile(registryBlob(registry, sha256(gzipSync(layer))), gzipSync(await secondLayer('evil')));
  const result = await engine.berth(['pull', ref]);
  t.equal(result.code, 125);
  t.match(result.stderr, /blob sha256:[a-f0-9]{64}: the content received .* does not match its digest; refused/);
  const blobs = await fs.readdir(path.join(engine.root, 'images', 'blobs', 'sha256'));
  t.notOk(blobs.some((b) => b === sha256(gzipSync(layer)).slice(7) || b.startsWith('.partial')), 'the tampered blob is not stored');
  t.notOk((await fs.readdir(path.join(engine.root, 'images', 'layers'))).some((d) => d.startsWith('.tmp')), 'no partial layer');
  t.equal(await engine.ok(['images', '-q']), '');
});

t.test('basic auth: refused without credentials, login, pull, logout', async (t) => {
  const engine = await shared();
  const creds = { username: 'alice', password: 's3cret' };
  const registry = await startRegistry(t, path.join(engine.dir, 'reg-auth'), creds);
  const ref = `${registry.host}/private/busybox:v1`;
  await publish(engine, ref, [{ layers: [await busyboxLayer(engine)], config: { Cmd: ['echo', 'private'] } }], creds);

  const anonymous = await engine.berth(['pull', ref]);
  t.equal(anonymous.code, 125);
  t.match(anonymous.stderr, /unauthorized: authentication required/);
  const wrong = await engine.berth(['login', registry.host, '-u', 'alice', '-p', 'wrong']);
  t.equal(wrong.code, 125);
  t.match(wrong.stderr, /unauthorized/);
  const login = await engine.berth(['login', registry.host, '-u', 'alice', '-p', 's3cret']);
  t.equal(login.code, 0, login.stderr);
  t.equal(login.stdout, 'Login Succeeded\n');
  const file = path.join(engine.root, 'auth', 'config.json');
  t.equal((await fs.stat(file)).mode & 0o777, 0o600, 'credentials are kept in a 0600 file');
  t.same(JSON.parse(await fs.readFile(file, 'utf8')), { auths: { [registry.host]: { auth: Buffer.from('alice:s3cret').toString('base64') } } });
  t.equal(await engine.ok(['run', '--rm', ref]), 'private\n');
  t.equal(await engine.ok(['logout', registry.host]), `Removing login credentials for ${registry.host}\n`);
  t.same(JSON.parse(await fs.readFile(file, 'utf8')), { auths: {} });
});

t.test('a two-platform index: the host platform by default, --platform chooses', async (t) => {
  const engine = await shared();
  const registry = await startRegistry(t, path.join(engine.dir, 'reg-multi'));
  const ref = `${registry.host}/multi/busybox:v1`;
  const busybox = await busyboxLayer(engine);
  await publish(engine, ref, [
    { layers: [busybox, await secondLayer('amd64')], architecture: 'amd64', config: { Cmd: ['cat', '/etc/motd'] } },
    { layers: [await tarBuffer([{ path: 'etc/motd', type: 'file', data: 'arm64\n' }])], architecture: 'arm64', plain: true },
  ]);
  t.equal(await engine.ok(['run', '--rm', ref]), 'amd64\n');
  await engine.ok(['pull', '--platform', 'linux/arm64', ref]);
  const [arm] = JSON.parse(await engine.ok(['inspect', ref]));
  t.equal(arm.Architecture, 'arm64', 'the tag moved to the arm64 image');
  t.equal(arm.RootFS.Layers[0], sha256(await tarBuffer([{ path: 'etc/motd', type: 'file', data: 'arm64\n' }])), 'an uncompressed layer');
  const none = await engine.berth(['pull', '--platform', 'linux/s390x', ref]);
  t.equal(none.code, 125);
  t.match(none.stderr, /no matching manifest for linux\/s390x in the manifest list \(it has: linux\/amd64, linux\/arm64\)/);
});

t.test('bearer token auth: the token flow with the kept credentials', async (t) => {
  const engine = await shared();
  const registry = await startRegistry(t, path.join(engine.dir, 'reg-token'));
  const creds = { username: 'bob', password: 'hunter2' };
  const proxy = await startProxy(t, registry.host, { bearer: creds });
  await publish(engine, `${registry.host}/tok/busybox:v1`, [{ layers: [await busyboxLayer(engine)], config: { Cmd: ['echo', 'token'] } }]);
  const ref = `${proxy.host}/tok/busybox:v1`;
  const anonymous = await engine.berth(['pull', ref]);
  t.match(anonymous.stderr, /unauthorized: authentication required/, 'no credentials: the token server says no');
  await engine.ok(['login', proxy.host, '-u', 'bob', '-p', 'hunter2']);
  t.equal(await engine.ok(['run', '--rm', ref]), 'token\n');
  t.ok(proxy.tokensIssued >= 1, `tokens were issued (${proxy.tokensIssued})`);
});

t.test('an interrupted pull resumes without fetching the completed bytes again', async (t) => {
  const engine = await startEngine(t, { image: false });
  const registry = await startRegistry(t, path.join(engine.dir, 'reg'));
  const busyboxTar = await busyboxLayer(engine);
  const busybox = gzipSync(busyboxTar);
  const digest = sha256(busybox);
  const half = Math.floor(busybox.length / 2);
  const proxy = await startProxy(t, registry.host, { cut: { digest, after: half } });
  await publish(engine, `${registry.host}/resume/busybox:v1`, [{ layers: [busyboxTar, await secondLayer('resumed')], config: { Cmd: ['cat', '/etc/motd'] } }]);
  const ref = `${proxy.host}/resume/busybox:v1`;

  const first = await engine.berth(['pull', ref]);
  t.equal(first.code, 125);
  t.match(first.stderr, new RegExp(`fetching blob ${digest}: interrupted after \\d+ of ${busybox.length} bytes .*pull again to resume`));
  const partial = path.join(engine.root, 'images', 'blobs', 'sha256', `.partial-${digest.slice(7)}`);
  const kept = (await fs.stat(partial)).size;
  t.ok(kept > 0 && kept <= half, `the bytes received are kept (${kept} of the ${half} sent)`);

  const second = await engine.berth(['pull', ref]);
  t.equal(second.code, 0, second.stderr);
  t.same(proxy.ranges.get(digest), [`bytes=${kept}-`], 'the second pull asked for the rest only');
  t.same(proxy.sent.get(digest), [half, busybox.length - kept], 'the second transfer carried only the missing bytes');
  t.equal(await engine.ok(['run', '--rm', ref]), 'resumed\n');
});

t.test('on a terminal, pull draws a live line per layer', async (t) => {
  const engine = await startEngine(t, { image: false });
  const registry = await startRegistry(t, path.join(engine.dir, 'reg'));
  const ref = `${registry.host}/live/busybox:v1`;
  await publish(engine, ref, [{ layers: [await busyboxLayer(engine), await secondLayer('live')] }]);
  const cli = fileURLToPath(new URL('../../cli/main.cjs', import.meta.url));
  const r = await runInPty([process.execPath, cli, 'pull', ref], engine.env, [{ expect: 'Status: Downloaded newer image', timeoutMs: 60_000 }]);
  t.equal(r.failed, null, r.transcript);
  t.equal(r.code, 0, r.transcript);
  t.match(r.transcript, /\x1b\[/, 'drawn with terminal control sequences');
  t.equal(r.transcript.match(/[a-f0-9]{12}: Pull complete/g)?.length, 2, 'both layers end complete');
});
