/** Copy-up: an empty volume mounted where the image has content is filled with it first, owners and modes kept. */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { makeBusyboxRootfs } from '../helpers/busybox.js';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const run = promisify(execFile);
const engine = await startEngine(t);

// An image with content at /srv/app: a dir owned 1000:1001 mode 0750, files and a link.
const rootfs = path.join(engine.dir, 'rootfs');
await makeBusyboxRootfs(rootfs);
const app = path.join(rootfs, 'srv/app');
await fs.mkdir(path.join(app, 'conf'), { recursive: true });
await fs.writeFile(path.join(app, 'conf/settings'), 'debug=false\n');
await fs.writeFile(path.join(app, 'run.sh'), '#!/bin/sh\n');
await fs.symlink('/etc/passwd', path.join(app, 'passwd-link'));
await fs.chown(app, 1000, 1001);
await fs.chmod(app, 0o750);
await fs.chown(path.join(app, 'conf'), 1002, 1003);
await fs.chmod(path.join(app, 'conf'), 0o700);
await fs.chmod(path.join(app, 'conf/settings'), 0o640);
await fs.chown(path.join(app, 'conf/settings'), 1002, 1003);
await fs.chmod(path.join(app, 'run.sh'), 0o4755);
const tar = path.join(engine.dir, 'app.tar');
await run('tar', ['--numeric-owner', '-C', rootfs, '-cf', tar, '.']);
await engine.ok(['import', tar, 'app']);

const listing = 'ls -ln /srv/app /srv/app/conf | awk \'{print $1, $3, $4, $NF}\'; stat -c "%a %u %g" /srv/app';

t.test('an empty named volume gets the image\'s content, owners and modes', async (t) => {
  const expected = await engine.ok(['run', '--rm', 'app', 'sh', '-c', listing]);
  t.match(expected, /drwx------ 1002 1003 conf/);
  t.equal(await engine.ok(['run', '--rm', '-v', 'filled:/srv/app', 'app', 'sh', '-c', listing]), expected, 'the same listing through the volume');
  const data = path.join(engine.root, 'volumes/filled/_data');
  const stat = await fs.stat(data);
  t.same([stat.uid, stat.gid, stat.mode & 0o7777], [1000, 1001, 0o750], 'the volume root takes the dir\'s owner and mode');
  t.equal(await fs.readlink(path.join(data, 'passwd-link')), '/etc/passwd', 'links are copied as links');
  t.equal((await fs.stat(path.join(data, 'run.sh'))).mode & 0o7777, 0o4755, 'setuid kept');
  t.same(await fs.readdir(path.join(engine.root, 'volumes/filled')), ['_data'], 'no temporary copy is left');
});

t.test('a volume with data is not overwritten; anonymous volumes are filled too', async (t) => {
  await engine.ok(['run', '--rm', '-v', 'filled:/srv/app', 'app', 'sh', '-c', 'rm -rf /srv/app/conf; echo mine > /srv/app/mine']);
  t.equal(await engine.ok(['run', '--rm', '-v', 'filled:/srv/app', 'app', 'sh', '-c', 'ls /srv/app']), 'mine\npasswd-link\nrun.sh\n');
  t.equal(await engine.ok(['run', '--rm', '-v', '/srv/app', 'app', 'cat', '/srv/app/conf/settings']), 'debug=false\n');
});

t.test('volume-nocopy and nocopy leave the volume empty', async (t) => {
  t.equal(await engine.ok(['run', '--rm', '--mount', 'type=volume,src=bare,dst=/srv/app,volume-nocopy', 'app', 'ls', '-A', '/srv/app']), '');
  t.equal(await engine.ok(['run', '--rm', '-v', 'bare2:/srv/app:nocopy', 'app', 'ls', '-A', '/srv/app']), '');
  t.equal(await engine.ok(['run', '--rm', '-v', 'nothing-there:/no/such/dir', 'app', 'ls', '-A', '/no/such/dir']), '', 'no content at the path: nothing to copy');
});

t.test('a bind mount is never filled', async (t) => {
  const dir = path.join(engine.dir, 'empty-bind');
  await fs.mkdir(dir);
  t.equal(await engine.ok(['run', '--rm', '-v', `${dir}:/srv/app`, 'app', 'ls', '-A', '/srv/app']), '');
});
