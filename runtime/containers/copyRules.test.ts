import t from 'tap';
import { copyDirection, copyTarget, parseCopyArg, sourceName, writableAt } from './copyRules.js';
import { placeEntry } from './copyExtract.js';

t.test('CONTAINER:PATH or a host path, as Docker splits them', async (t) => {
  t.same(parseCopyArg('web:/etc/hosts'), { container: 'web', path: '/etc/hosts' });
  t.same(parseCopyArg('web:'), { container: 'web', path: '/' });
  t.same(parseCopyArg('/abs/a:b'), { container: null, path: '/abs/a:b' }, 'an absolute path is the host\'s even with a colon');
  t.same(parseCopyArg('./a:b'), { container: null, path: './a:b' });
  t.same(parseCopyArg('plain'), { container: null, path: 'plain' });
  t.same(parseCopyArg('-'), { container: null, path: '-' });
  t.equal(copyDirection(parseCopyArg('c:/a'), parseCopyArg('/b')), 'from');
  t.equal(copyDirection(parseCopyArg('-'), parseCopyArg('c:/b')), 'to');
  t.throws(() => copyDirection(parseCopyArg('c:/a'), parseCopyArg('d:/b')), /between containers/);
  t.throws(() => copyDirection(parseCopyArg('/a'), parseCopyArg('/b')), /at least one container/);
});

t.test('the source\'s top name', async (t) => {
  t.same(sourceName('/etc/nginx'), { name: 'nginx', contentsOnly: false, wantsDir: false });
  t.same(sourceName('/etc/nginx/'), { name: 'nginx', contentsOnly: false, wantsDir: true });
  t.same(sourceName('/etc/nginx/.'), { name: 'nginx', contentsOnly: true, wantsDir: true });
  t.same(sourceName('/'), { name: '.', contentsOnly: false, wantsDir: true });
  t.same(sourceName('a/b/..'), { name: 'a', contentsOnly: false, wantsDir: false });
});

t.test('where the copy lands (Docker\'s table)', async (t) => {
  const file = { name: 'f', isDir: false, contentsOnly: false };
  const dir = { name: 'd', isDir: true, contentsOnly: false };
  t.equal(copyTarget(file, '/x', 'missing'), '/x');
  t.throws(() => copyTarget(file, '/x/', 'missing'), /destination directory \/x\/ does not exist/);
  t.equal(copyTarget(file, '/x', 'file'), '/x');
  t.equal(copyTarget(file, '/x', 'dir'), '/x/f');
  t.equal(copyTarget(dir, '/x', 'missing'), '/x');
  t.throws(() => copyTarget(dir, '/x', 'file'), /cannot copy a directory to a file/);
  t.equal(copyTarget(dir, '/x', 'dir'), '/x/d');
  t.equal(copyTarget({ ...dir, contentsOnly: true }, '/x', 'dir'), '/x');
});

t.test('archive entries are placed under the top, never above it', async (t) => {
  t.equal(placeEntry('d', 'd'), '.');
  t.equal(placeEntry('d/', 'd'), '.');
  t.equal(placeEntry('d/a/b', 'd'), 'a/b');
  t.equal(placeEntry('./a', '.'), 'a');
  t.equal(placeEntry('/a/b', null), 'a/b', 'a leading slash is dropped');
  t.throws(() => placeEntry('../x', null), /outside the destination/);
  t.throws(() => placeEntry('a/../../x', null), /outside the destination/);
  t.throws(() => placeEntry('e/x', 'd'), /not under d/);
});

t.test('a read-only root or mount refuses a copy; the deepest mount decides', async (t) => {
  const mounts = [{ destination: '/data', readOnly: false }, { destination: '/data/ro', readOnly: true }, { destination: '/conf', readOnly: true }];
  t.equal(writableAt('/etc/x', false, mounts), true);
  t.equal(writableAt('/etc/x', true, mounts), false, '--read-only');
  t.equal(writableAt('/data/x', true, mounts), true, 'a writable volume on a read-only root');
  t.equal(writableAt('/data/ro/x', false, mounts), false);
  t.equal(writableAt('/conf', false, mounts), false);
  t.equal(writableAt('/confx', true, mounts), false, 'a prefix is not a parent');
  t.equal(writableAt('/confx', false, mounts), true);
});
