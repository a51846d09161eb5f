import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { resolveInRoot } from './inRoot.js';
import { OpenDir } from './openDir.js';

t.test('links resolve inside the root, and .. stops at it', async (t) => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-inroot-'));
  t.teardown(() => fs.rm(root, { recursive: true, force: true }));
  await fs.mkdir(path.join(root, 'etc'));
  await fs.writeFile(path.join(root, 'etc', 'passwd'), 'inside\n');
  await fs.symlink('/etc', path.join(root, 'abs'));
  await fs.symlink('../../../../etc', path.join(root, 'up'));
  await fs.symlink('loop2', path.join(root, 'loop1'));
  await fs.symlink('loop1', path.join(root, 'loop2'));
  await fs.symlink('passwd', path.join(root, 'etc', 'link'));

  const dir = await OpenDir.open(root);
  t.teardown(() => dir.close());
  const viaAbs = await resolveInRoot(dir, '/abs/passwd', false);
  t.equal(viaAbs.inside, '/etc/passwd', 'an absolute link starts at the root, not the host\'s /');
  t.equal(viaAbs.stat?.size, 7);
  t.equal((await resolveInRoot(dir, 'up/passwd', false)).inside, '/etc/passwd', 'a relative link cannot climb out');
  t.equal((await resolveInRoot(dir, '/../../etc/passwd', false)).inside, '/etc/passwd');
  t.ok((await resolveInRoot(dir, '/etc/link', false)).stat?.isSymbolicLink(), 'the final link is not followed unless asked');
  t.equal((await resolveInRoot(dir, '/etc/link', true)).inside, '/etc/passwd');
  const missing = await resolveInRoot(dir, '/abs/new/../file', false);
  t.same([missing.inside, missing.stat], ['/etc/file', null], 'a missing part ends the lookup; the rest is joined');
  t.ok((await resolveInRoot(dir, '/', false)).stat?.isDirectory());
  await t.rejects(resolveInRoot(dir, '/loop1/x', false), /too many levels of symbolic links/);
  await t.rejects(resolveInRoot(dir, '/etc/passwd/x', false), /is not a directory/);
});
