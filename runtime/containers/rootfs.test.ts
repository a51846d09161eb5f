import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { extract } from 'tar-stream';
import { Writable } from 'node:stream';
import { mergedTree, upperChanges, writeTree } from './rootfs.js';
import { requiresRoot } from '../../test/helpers/gates.js';

async function layer(root: string, name: string, build: (dir: string) => Promise<void>): Promise<string> {
  const dir = path.join(root, name);
  await fs.mkdir(dir, { recursive: true });
  await build(dir);
  return dir;
}
const whiteout = (file: string) => execFileSync('mknod', [file, 'c', '0', '0']);
const opaque = (dir: string) => execFileSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', dir]);

t.test('merge and diff with whiteouts and opaque dirs', requiresRoot(), async (t) => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-rootfs-'));
  t.teardown(() => fs.rm(root, { recursive: true, force: true }));
  const base = await layer(root, 'base', async (d) => {
    await fs.mkdir(path.join(d, 'etc'));
    await fs.writeFile(path.join(d, 'etc/passwd'), 'root\n');
    await fs.writeFile(path.join(d, 'etc/gone'), 'x');
    await fs.mkdir(path.join(d, 'opq/sub'), { recursive: true });
    await fs.writeFile(path.join(d, 'opq/old'), 'old');
    await fs.symlink('/etc/passwd', path.join(d, 'link'));
  });
  const second = await layer(root, 'second', async (d) => {
    await fs.mkdir(path.join(d, 'etc'));
    await fs.writeFile(path.join(d, 'etc/hosts'), 'h');
    await fs.mkdir(path.join(d, 'bin'));
  });
  const upper = await layer(root, 'upper', async (d) => {
    await fs.mkdir(path.join(d, 'etc'));
    await fs.writeFile(path.join(d, 'etc/passwd'), 'root\nme\n');
    whiteout(path.join(d, 'etc/gone'));
    whiteout(path.join(d, 'bin'));
    await fs.mkdir(path.join(d, 'opq'));
    opaque(path.join(d, 'opq'));
    await fs.writeFile(path.join(d, 'opq/new'), 'new');
    await fs.writeFile(path.join(d, 'added'), 'a');
  });

  const merged = await mergedTree([base, second], upper);
  t.same([...merged.keys()].sort(), ['added', 'etc', 'etc/hosts', 'etc/passwd', 'link', 'opq', 'opq/new']);
  t.same([merged.get('etc/passwd')!.base, merged.get('etc/passwd')!.rel], [upper, 'etc/passwd']);

  const lower = await mergedTree([base, second], null);
  t.same(await upperChanges(lower, upper), [
    { kind: 'A', path: '/added' },
    { kind: 'D', path: '/bin' },
    { kind: 'C', path: '/etc' },
    { kind: 'D', path: '/etc/gone' },
    { kind: 'C', path: '/etc/passwd' },
    { kind: 'C', path: '/opq' },
    { kind: 'A', path: '/opq/new' },
    { kind: 'D', path: '/opq/old' },
    { kind: 'D', path: '/opq/sub' },
  ]);
  t.same(await upperChanges(lower, path.join(root, 'missing')), [], 'no upper dir: no changes');

  const parts: Buffer[] = [];
  await writeTree(merged, new Writable({ write(chunk, _e, cb) { parts.push(chunk as Buffer); cb(); } }));
  const entries: Array<{ name: string; type: string; body: string; linkname?: string | null }> = [];
  const reader = extract();
  reader.on('entry', (header, stream, next) => {
    const body: Buffer[] = [];
    stream.on('data', (d) => { body.push(d as Buffer); });
    stream.on('end', () => { entries.push({ name: header.name, type: header.type!, body: Buffer.concat(body).toString(), linkname: header.linkname }); next(); });
  });
  const done = new Promise<void>((resolve) => { reader.on('finish', () => resolve()); });
  reader.end(Buffer.concat(parts));
  await done;
  t.same(entries.map((e) => e.name), ['added', 'etc/', 'etc/hosts', 'etc/passwd', 'link', 'opq/', 'opq/new']);
  t.equal(entries.find((e) => e.name === 'etc/passwd')!.body, 'root\nme\n');
  t.equal(entries.find((e) => e.name === 'link')!.type, 'symlink');
  t.equal(entries.find((e) => e.name === 'link')!.linkname, '/etc/passwd', 'symlinks are written, not followed');
});
