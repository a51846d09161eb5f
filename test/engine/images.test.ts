/** Image import, listing, inspect and removal; and a first CLI call that starts the daemon. */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

// One engine for the file: the first test's command starts its daemon, and the others use it,
// in this order: the refused file first, while the store is still empty.
const engine = await startEngine(t, { daemon: false, image: false });

t.test('the first command starts a daemon when none runs', async (t) => {
  delete engine.env.BERTH_NO_AUTOSTART;
  const first = await engine.berth(['images']);
  t.equal(first.code, 0, first.stderr);
  t.match(first.stderr, /no daemon was running; started one in the background \(pid \d+/);
  t.equal(first.stdout, 'REPOSITORY   TAG   IMAGE ID   CREATED   SIZE\n');
  const info = await engine.daemonInfo();
  t.ok(info?.pid, 'the daemon wrote its info');
  const second = await engine.berth(['images']);
  t.equal(second.stderr, '', 'the second command finds it');
});

t.test('a file that is not a tar is refused and leaves nothing', async (t) => {
  const junk = path.join(engine.dir, 'junk.tar');
  await fs.writeFile(junk, 'this is not a tar archive at all'.repeat(100));
  const result = await engine.berth(['import', junk, 'junk']);
  t.equal(result.code, 125);
  t.match(result.stderr, /not a valid tar archive/);
  t.same(await fs.readdir(path.join(engine.root, 'images', 'layers')), []);
  t.equal(await engine.ok(['images', '-q']), '');
});

t.test('import stores content-addressed blobs and layers, shared between images', async (t) => {
  const tar = path.join(engine.dir, 'rootfs.tar');
  const { makeBusyboxTar } = await import('../helpers/busybox.js');
  await makeBusyboxTar(tar);
  const diffId = `sha256:${createHash('sha256').update(await fs.readFile(tar)).digest('hex')}`;

  const id = (await engine.ok(['import', tar, 'first:1.0'])).trim();
  t.match(id, /^sha256:[a-f0-9]{64}$/);
  const again = (await engine.ok(['image', 'import', tar, 'second'])).trim();
  t.not(again, id, 'each import is an image of its own (a new created time), as docker import does');
  t.equal((await fs.readdir(path.join(engine.root, 'images', 'layers'))).length, 1, 'but the layer is stored once');
  t.ok(await fs.access(path.join(engine.root, 'images', 'blobs', 'sha256', diffId.slice(7))).then(() => true), 'the blob is named by its digest');

  execFileSync('gzip', ['-k', tar]);
  const gz = (await engine.ok(['import', `${tar}.gz`, 'zipped'])).trim();
  const zipped = JSON.parse(await engine.ok(['inspect', gz]))[0];
  t.same(zipped.RootFS.Layers, [diffId], 'a gzip tarball has the diff id of its uncompressed tar');
  t.same(zipped.RepoTags, ['zipped:latest']);
  const untagged = (await engine.ok(['import', tar])).trim();

  const table = await engine.ok(['images']);
  t.match(table, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\n/);
  t.match(table, new RegExp(`first\\s+1\\.0\\s+${id.slice(7, 19)}\\s+.*ago\\s+[\\d.]+MB`));
  t.match(table, new RegExp(`<none>\\s+<none>\\s+${untagged.slice(7, 19)}`));
  const json = (await engine.ok(['image', 'ls', '--format', 'json'])).trim().split('\n').map((l) => JSON.parse(l));
  t.same(json.map((i) => i.Repository).sort(), ['<none>', 'first', 'second', 'zipped']);
  t.equal((await engine.ok(['images', '-q'])).trim().split('\n').length, 4);

  // A tag moves to the newest image that claims it.
  const moved = (await engine.ok(['import', tar, 'first:1.0'])).trim();
  t.same(JSON.parse(await engine.ok(['inspect', moved]))[0].RepoTags, ['first:1.0']);
  t.same(JSON.parse(await engine.ok(['inspect', id]))[0].RepoTags, [], 'the old image lost the tag');

  // rmi: refused while a container uses the image, then removed.
  await engine.ok(['run', '--name', 'user', 'zipped', 'true']);
  const refused = await engine.berth(['rmi', 'zipped']);
  t.equal(refused.code, 1);
  t.match(refused.stderr, /container [a-f0-9]{12} uses it/);
  await engine.ok(['rm', 'user']);
  await engine.ok(['rmi', 'zipped']);
  const gone = await engine.berth(['inspect', '--type', 'image', 'zipped']);
  t.equal(gone.code, 1);
  await t.rejects(fs.access(path.join(engine.root, 'images', 'blobs', 'sha256', gz.slice(7))), 'its config blob is deleted');
  t.equal((await fs.readdir(path.join(engine.root, 'images', 'layers'))).length, 1, 'the shared layer stays for the others');
});
