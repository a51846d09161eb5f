/**
 * Layer unpacking against the real filesystem: what a good layer becomes, and a hostile set
 * that must be refused with nothing written outside the layer and no partial layer left.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import t from 'tap';
import { Layout } from '../../runtime/layout.js';
import { chainIds, hexOf, sha256 } from '../../runtime/images/digest.js';
import { unpackStream } from '../../runtime/images/layerStore.js';
import { tarBuffer, type HeaderFields } from '../../runtime/images/tarWriter.js';
import { gateFile, requiresProgram, requiresRoot } from '../helpers/gates.js';

gateFile(requiresRoot(), requiresProgram('getfattr', 'apt-get install attr'));

type Entry = HeaderFields & { data?: string };

async function setup(t: { teardown(fn: () => unknown): void }) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-unpack-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const outside = path.join(dir, 'outside');
  await fs.mkdir(outside);
  await fs.writeFile(path.join(outside, 'secret'), 'untouched');
  const layout = new Layout(path.join(dir, 'root'), path.join(dir, 'run'));
  const unpack = (archive: Buffer, expected: string | null = null, gzip = false) =>
    unpackStream(layout, Readable.from([gzip ? gzipSync(archive) : archive]), gzip ? 'gzip' : 'none', expected, (d) => d);
  return { dir, outside, layout, unpack };
}

t.test('a layer keeps modes, owners, links, whiteouts and opaque dirs', async (t) => {
  const { layout, unpack } = await setup(t);
  const archive = await tarBuffer([
    { path: './', type: 'dir', mode: 0o755 },
    { path: 'bin/', type: 'dir', mode: 0o750, uid: 1000, gid: 1001, mtime: 1600000000 },
    { path: 'bin/tool', type: 'file', mode: 0o4755, uid: 0, gid: 0, data: '#!/bin/sh\n', mtime: 1600000001 },
    { path: 'bin/alias', type: 'symlink', linkpath: 'tool', uid: 1000, gid: 1000 },
    { path: 'bin/same', type: 'hardlink', linkpath: 'bin/tool' },
    { path: 'etc/.wh.passwd', type: 'file' },
    { path: 'var/', type: 'dir' },
    { path: 'var/.wh..wh..opq', type: 'file' },
    { path: 'var/new', type: 'file', data: 'n', pax: { 'SCHILY.xattr.user.origin': 'test', 'SCHILY.xattr.trusted.overlay.redirect': '/x' } },
    { path: 'dev/sda', type: 'block', devmajor: 8, devminor: 0 },
    { path: 'dev/gone', type: 'char', devmajor: 0, devminor: 0 },
    { path: 'run/pipe', type: 'fifo', mode: 0o600 },
    { path: 'replaced', type: 'file', data: 'first' },
    { path: 'replaced', type: 'file', data: 'second' },
  ]);
  const diffId = sha256(archive);
  const { diffId: got, size } = await unpack(archive, diffId, true);
  t.equal(got, diffId, 'the diff id is the digest of the uncompressed tar');
  t.equal(size, '#!/bin/sh\n'.length + 1 + 'first'.length + 'second'.length);
  const layer = layout.layer(hexOf(chainIds([diffId])[0]!));
  const bin = await fs.lstat(path.join(layer, 'bin'));
  t.same([bin.mode & 0o7777, bin.uid, bin.gid, bin.mtimeMs / 1000], [0o750, 1000, 1001, 1600000000]);
  const tool = await fs.lstat(path.join(layer, 'bin/tool'));
  t.equal(tool.mode & 0o7777, 0o4755, 'setuid survives the chown');
  t.equal(tool.nlink, 2, 'the hard link shares the inode');
  t.equal(await fs.readlink(path.join(layer, 'bin/alias')), 'tool');
  t.equal((await fs.lstat(path.join(layer, 'bin/alias'))).uid, 1000, 'the symlink itself is chowned');
  const whiteout = await fs.lstat(path.join(layer, 'etc/passwd'));
  t.ok(whiteout.isCharacterDevice() && whiteout.rdev === 0, '.wh.passwd is an overlay whiteout (char 0/0)');
  t.equal(execFileSync('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', path.join(layer, 'var')]).toString(), 'y');
  t.equal(execFileSync('getfattr', ['--only-values', '-n', 'user.origin', path.join(layer, 'var/new')]).toString(), 'test');
  t.throws(() => execFileSync('getfattr', ['-n', 'trusted.overlay.redirect', path.join(layer, 'var/new')], { stdio: 'pipe' }), 'overlay xattrs from an archive are not set');
  await t.rejects(fs.lstat(path.join(layer, 'dev/sda')), 'a real device node is not created');
  t.ok((await fs.lstat(path.join(layer, 'dev/gone'))).isCharacterDevice(), 'a 0/0 char device is a whiteout and kept');
  t.ok((await fs.lstat(path.join(layer, 'run/pipe'))).isFIFO());
  t.equal(await fs.readFile(path.join(layer, 'replaced'), 'utf8'), 'second', 'a later entry replaces an earlier one');
  t.same((await fs.readdir(layout.layersDir)).length, 1, 'no temp dir is left');
});

t.test('a dir made on the way, emptied by a whiteout of its child, is then replaced by a file (found by the fuzz suite)', async (t) => {
  const { layout, unpack } = await setup(t);
  // b and b/a are made as parents of b/a/a; the whiteout of b/a removes that dir; then an entry
  // for "b/." (b itself) is a file, which must replace the dir b that is still there.
  const archive = await tarBuffer([
    { path: 'b/a/a', type: 'char', devmajor: 0, devminor: 0 },
    { path: 'b/.wh.a', type: 'dir', mode: 0o755 },
    { path: 'b/.', type: 'file', data: 'x' },
  ]);
  const { diffId } = await unpack(archive);
  const layer = layout.layer(hexOf(diffId));
  t.equal(await fs.readFile(path.join(layer, 'b'), 'utf8'), 'x', 'b is the file');
});

t.test('a symlink in a lower layer cannot carry a higher layer outside', async (t) => {
  const { layout, outside, unpack } = await setup(t);
  const lower = await unpack(await tarBuffer([{ path: 'etc', type: 'symlink', linkpath: outside }]));
  const upper = await unpack(await tarBuffer([{ path: 'etc/pwned', type: 'file', data: 'x' }]));
  t.same(await fs.readdir(outside), ['secret']);
  const upperDir = layout.layer(hexOf(upper.diffId));
  t.ok((await fs.lstat(path.join(upperDir, 'etc'))).isDirectory(), 'each layer is its own dir: etc is a real dir there');
  t.ok((await fs.lstat(path.join(layout.layer(hexOf(lower.diffId)), 'etc'))).isSymbolicLink());
});

t.test('hostile archives are refused, write nothing outside and leave no layer', async (t) => {
  const { dir, outside, layout, unpack } = await setup(t);
  const cases: Array<[string, Entry[], RegExp]> = [
    ['dot-dot path', [{ path: '../../../../outside/pwned', type: 'file', data: 'x' }], /"\.\." refused/],
    ['dot-dot inside a path', [{ path: 'a/../../pwned', type: 'file', data: 'x' }], /"\.\." refused/],
    ['absolute path', [{ path: `${outside}/pwned`, type: 'file', data: 'x' }], /absolute path refused/],
    ['through a symlink to outside', [
      { path: 'link', type: 'symlink', linkpath: outside },
      { path: 'link/pwned', type: 'file', data: 'x' },
    ], /parent link is a symlink/],
    ['through a relative symlink climbing out', [
      { path: 'up', type: 'symlink', linkpath: '../../../../../../..' + outside },
      { path: 'up/pwned', type: 'file', data: 'x' },
    ], /parent up is a symlink/],
    ['a dir replaced by a symlink, then written through', [
      { path: 'a/', type: 'dir' },
      { path: 'a/first', type: 'file', data: 'ok' },
      { path: 'a', type: 'symlink', linkpath: outside },
      { path: 'a/pwned', type: 'file', data: 'x' },
    ], /parent a is a symlink/],
    ['a file placed over a symlink is not written through it', [
      { path: 'secret', type: 'symlink', linkpath: `${outside}/secret` },
      { path: 'secret', type: 'file', data: 'overwritten?' },
      { path: '../x', type: 'file' },
    ], /"\.\." refused/],
    ['hard link to an outside path', [{ path: 'h', type: 'hardlink', linkpath: '../../../../outside/secret' }], /"\.\." refused/],
    ['hard link to an absolute path', [{ path: 'h', type: 'hardlink', linkpath: `${outside}/secret` }], /absolute path refused/],
    ['hard link through a symlinked dir', [
      { path: 'd', type: 'symlink', linkpath: outside },
      { path: 'h', type: 'hardlink', linkpath: 'd/secret' },
    ], /parent d is a symlink/],
    ['hard link to a file of another layer', [{ path: 'h', type: 'hardlink', linkpath: 'etc/passwd' }], /does not exist in this layer|not in this layer/],
    ['whiteout through a symlink', [
      { path: 'l', type: 'symlink', linkpath: outside },
      { path: 'l/.wh.secret', type: 'file' },
    ], /parent l is a symlink/],
    ['opaque marker through a symlink', [
      { path: 'l', type: 'symlink', linkpath: outside },
      { path: 'l/.wh..wh..opq', type: 'file' },
    ], /parent l is a symlink/],
    ['absurd size', [{ path: 'big', type: 'file', size: 2 ** 40 }], /past its limit/],
    ['a symlink with an empty target', [{ path: 'a', type: 'symlink', linkpath: '' }], /empty target/],
  ];
  for (const [name, entries, message] of cases) {
    const archive = await tarBuffer(entries.map((e) => ({ ...e, size: e.size ?? (e.data ?? '').length })).map((e) =>
      e.size > 1e6 ? { ...e, data: undefined } : e));
    await t.rejects(unpack(archive), { name: 'ArchiveError', message }, name);
    t.same((await fs.readdir(outside)).sort(), ['secret'], `${name}: nothing was written outside`);
    t.equal(await fs.readFile(path.join(outside, 'secret'), 'utf8'), 'untouched', `${name}: the outside file is unchanged`);
    t.same(await fs.readdir(layout.layersDir), [], `${name}: no layer and no temp dir is left`);
  }
  t.same((await fs.readdir(dir)).sort(), ['outside', 'root']);

  const notGzip = Readable.from([Buffer.from('this is no gzip at all')]);
  await t.rejects(unpackStream(layout, notGzip, 'gzip', null, (d) => d), { name: 'ArchiveError', message: /not a valid gzip stream/ });
  await t.rejects(unpack(Buffer.from('this is no tar at all'), null, true), { name: 'ArchiveError', message: /truncated/ });
  const good = await tarBuffer([{ path: 'f', type: 'file', data: 'x' }]);
  await t.rejects(unpack(good, sha256('something else')), /does not match its diff id/);
  t.same(await fs.readdir(layout.layersDir), [], 'a diff id mismatch leaves no layer');
});
