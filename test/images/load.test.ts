/**
 * load: archives written by a real `skopeo copy` (docker-archive: and oci-archive:) and an OCI
 * layout dir, then run; tag and history; a hostile archive refused.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { makeBusyboxTar } from '../helpers/busybox.js';
import { startEngine } from '../helpers/engine.js';
import { writeOciLayout } from '../helpers/registry.js';
import { tarBuffer } from '../../runtime/images/tarWriter.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const run = promisify(execFile);

// One engine for the file, its tests in this order: the refused archives first, while the store
// is empty ('leaves nothing' is checked against an empty store); save removes every image it
// lists before it loads its archives back.
const engine = await startEngine(t, { image: false });

t.test('a hostile or broken archive is refused and leaves nothing', async (t) => {
  const evil = path.join(engine.dir, 'evil.tar');
  await fs.writeFile(evil, await tarBuffer([
    { path: 'manifest.json', type: 'file', data: JSON.stringify([{ Config: 'c.json', RepoTags: ['evil:1'], Layers: ['l/layer.tar'] }]) },
    { path: 'c.json', type: 'symlink', linkpath: '/etc/passwd' },
  ]));
  const refused = await engine.berth(['load', '-i', evil]);
  t.equal(refused.code, 125);
  t.match(refused.stderr, /points outside the archive; refused/);
  const traversal = path.join(engine.dir, 'traversal.tar');
  await fs.writeFile(traversal, await tarBuffer([{ path: '../../escape', type: 'file', data: 'x' }]));
  const escaped = await engine.berth(['load', '-i', traversal]);
  t.match(escaped.stderr, /"\.\." refused/);
  t.same(await fs.readdir(path.join(engine.root, 'tmp')), [], 'no extraction dir is left');
  t.equal(await engine.ok(['images', '-q']), '');
});

t.test('archives written by skopeo load and run; tag and history', async (t) => {
  const tar = path.join(engine.dir, 'busybox.tar');
  await makeBusyboxTar(tar);
  const layout = path.join(engine.dir, 'oci');
  const motd = await tarBuffer([{ path: 'etc/motd', type: 'file', data: 'loaded\n' }]);
  await writeOciLayout(layout, 'v1', [{ layers: [await fs.readFile(tar), motd], config: { Cmd: ['cat', '/etc/motd'] } }]);
  const dockerArchive = path.join(engine.dir, 'docker.tar');
  const ociArchive = path.join(engine.dir, 'oci.tar');
  const env = { ...process.env, HOME: engine.dir };
  await run('skopeo', ['copy', '--quiet', `oci:${layout}:v1`, `docker-archive:${dockerArchive}:saved/busybox:v1`], { env });
  await run('skopeo', ['copy', '--quiet', `oci:${layout}:v1`, `oci-archive:${ociArchive}:ociname/busybox:v2`], { env });

  t.equal(await engine.ok(['load', '-i', dockerArchive]), 'Loaded image: saved/busybox:v1\n');
  t.equal(await engine.ok(['run', '--rm', 'saved/busybox:v1']), 'loaded\n');
  t.equal(await engine.ok(['image', 'load', '-i', ociArchive]), 'Loaded image: ociname/busybox:v2\n');
  t.equal(await engine.ok(['run', '--rm', 'ociname/busybox:v2']), 'loaded\n');
  const layers = await fs.readdir(path.join(engine.root, 'images', 'layers'));
  t.equal(layers.length, 2, 'both archives hold the same layers: stored once');
  const fromDir = await engine.ok(['load', '-i', layout]);
  t.match(fromDir, /^Loaded image(: | ID: sha256:)/, 'an OCI layout dir loads too');

  await engine.ok(['tag', 'saved/busybox:v1', 'again:latest']);
  const tags = JSON.parse(await engine.ok(['inspect', 'again']))[0].RepoTags.sort();
  t.same(tags, ['again:latest', 'ociname/busybox:v2', 'saved/busybox:v1'], 'one config, one image: every archive added its tag');
  const history = await engine.ok(['history', 'again']);
  t.match(history, /^IMAGE\s+CREATED\s+CREATED BY\s+COMMENT\n[a-f0-9]{12}\s+.*layer 1\n<missing>\s+.*layer 0\n$/);
  const events = (await engine.ok(['events', '--since', '10m', '--until', '0s', '--format', 'json'])).trim().split('\n').map((l) => JSON.parse(l));
  t.ok(events.some((e) => e.Action === 'load'), 'a load event');
  t.ok(events.some((e) => e.Action === 'tag' && e.Actor.Attributes.name === 'again:latest'), 'a tag event');
});

t.test('save in both formats; skopeo reads them, and they load back and run', async (t) => {
  const tar = path.join(engine.dir, 'busybox.tar');
  await makeBusyboxTar(tar);
  await engine.ok(['import', tar, 'base:1']);
  const layout = path.join(engine.dir, 'oci-saved');
  await writeOciLayout(layout, 'v1', [{ layers: [await fs.readFile(tar), await tarBuffer([{ path: 'etc/motd', type: 'file', data: 'saved\n' }])], config: { Cmd: ['cat', '/etc/motd'] } }]);
  const loaded = await engine.ok(['load', '-i', layout]);
  const id = /^Loaded image ID: (sha256:[a-f0-9]{64})\n$/.exec(loaded)?.[1];
  t.ok(id, 'a layout whose ref name is a bare tag loads untagged, as its id');
  await engine.ok(['tag', id!, 'two:layers']);
  const env = { ...process.env, HOME: engine.dir };
  for (const format of ['docker-archive', 'oci-archive']) {
    const file = path.join(engine.dir, `${format}.tar`);
    await engine.ok(['save', '-o', file, '--format', format, 'base:1', 'two:layers']);
    const skopeoRef = format === 'docker-archive' ? `docker-archive:${file}:two:layers` : `oci-archive:${file}:two:layers`;
    const { stdout } = await run('skopeo', ['inspect', '--raw', skopeoRef], { env });
    t.ok(JSON.parse(stdout).layers, `skopeo reads the ${format} berth wrote`);
  }
  const ids = (await engine.ok(['images', '-q'])).trim().split('\n');
  await engine.ok(['rmi', '-f', ...ids]);
  t.equal(await engine.ok(['images', '-q']), '');
  t.equal(await engine.ok(['load', '-i', path.join(engine.dir, 'docker-archive.tar')]), 'Loaded image: base:1\nLoaded image: two:layers\n');
  t.equal(await engine.ok(['run', '--rm', 'two:layers']), 'saved\n');
  await engine.ok(['rmi', '-f', 'base:1', 'two:layers']);
  t.equal(await engine.ok(['load', '-i', path.join(engine.dir, 'oci-archive.tar')]), 'Loaded image: base:1\nLoaded image: two:layers\n');
  t.equal(await engine.ok(['run', '--rm', 'base:1', 'echo', 'imported, saved and loaded']), 'imported, saved and loaded\n');
});
