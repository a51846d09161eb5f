import t from 'tap';
import { readTar, type TarEntry } from './tarReader.js';
import { tarBuffer } from './tarWriter.js';

const limits = { maxBytes: 1 << 20, maxEntries: 100 };

async function read(archive: Buffer, chunk = 7, lim = limits): Promise<Array<TarEntry & { data: string }>> {
  async function* chunks() {
    for (let i = 0; i < archive.length; i += chunk) yield archive.subarray(i, i + chunk);
  }
  const out: Array<TarEntry & { data: string }> = [];
  for await (const { entry, body } of readTar(chunks(), lim)) {
    const parts: Buffer[] = [];
    for await (const part of body) parts.push(part);
    out.push({ ...entry, data: Buffer.concat(parts).toString() });
  }
  return out;
}

t.test('what the writer writes the reader reads, in any chunking', async (t) => {
  const long = `deep/${'d'.repeat(120)}/file`;
  const archive = await tarBuffer([
    { path: 'dir/', type: 'dir', mode: 0o750, uid: 1000, gid: 1000, mtime: 1700000000 },
    { path: 'dir/hello', type: 'file', mode: 0o4755, data: 'hello world' },
    { path: 'dir/link', type: 'symlink', linkpath: '../etc/passwd' },
    { path: 'dir/hard', type: 'hardlink', linkpath: 'dir/hello' },
    { path: 'null', type: 'char', devmajor: 1, devminor: 3 },
    { path: long, type: 'file', data: 'x'.repeat(600), pax: { 'SCHILY.xattr.user.k': 'v', uid: '70000' } },
  ]);
  for (const chunk of [1, 7, 512, 100000]) {
    const entries = await read(archive, chunk);
    t.same(entries.map((e) => [e.path, e.type]), [
      ['dir/', 'dir'], ['dir/hello', 'file'], ['dir/link', 'symlink'], ['dir/hard', 'hardlink'], ['null', 'char'], [long, 'file'],
    ], `chunks of ${chunk}`);
    t.equal(entries[0]!.mode, 0o750);
    t.equal(entries[0]!.uid, 1000);
    t.equal(entries[0]!.mtime, 1700000000);
    t.equal(entries[1]!.mode, 0o4755);
    t.equal(entries[1]!.data, 'hello world');
    t.equal(entries[2]!.linkpath, '../etc/passwd');
    t.equal(entries[3]!.linkpath, 'dir/hello');
    t.same([entries[4]!.devmajor, entries[4]!.devminor], [1, 3]);
    t.equal(entries[5]!.data.length, 600);
    t.equal(entries[5]!.uid, 70000, 'a PAX uid');
    t.equal(entries[5]!.xattrs.get('user.k')?.toString(), 'v');
  }
});

t.test('a body the consumer does not read, or reads in part, is skipped', async (t) => {
  const archive = await tarBuffer([
    { path: 'a', type: 'file', data: 'a'.repeat(100000) },
    { path: 'b', type: 'file', data: 'b'.repeat(100000) },
    { path: 'c', type: 'file', data: 'c' },
  ]);
  const seen: string[] = [];
  for await (const { entry, body } of readTar((async function* () { yield archive; })(), limits)) {
    seen.push(entry.path);
    if (entry.path === 'b') for await (const part of body) { t.equal(part[0], 0x62); break; }
  }
  t.same(seen, ['a', 'b', 'c']);
});

t.test('numbers: base-256 is read, negative or garbled ones are refused', async (t) => {
  const archive = await tarBuffer([{ path: 'f', type: 'file', data: 'x' }]);
  const big = Buffer.from(archive);
  big.fill(0, 108, 116);
  big[108] = 0x80;
  big.writeUIntBE(2 ** 40, 110, 6);
  t.equal((await read(fixChecksum(big)))[0]!.uid, 2 ** 40);
  const negative = Buffer.from(archive);
  negative.fill(0xff, 108, 116);
  negative[115] = 0xfe;
  await t.rejects(read(fixChecksum(negative)), { name: 'ArchiveError', message: /bad uid/ });
  const garbled = Buffer.from(archive);
  garbled.write('x7777\0 ', 116, 'latin1');
  await t.rejects(read(fixChecksum(garbled)), { name: 'ArchiveError', message: /bad gid/ });
  const paxSize = await tarBuffer([{ path: 'f', type: 'file', data: 'x', pax: { size: '1x' } }]);
  await t.rejects(read(paxSize), { name: 'ArchiveError', message: /bad PAX size/ });
});

t.test('bad archives are refused', async (t) => {
  await t.rejects(read(Buffer.from('not a tar'.repeat(100))), { name: 'ArchiveError', message: /checksum/ });
  const archive = await tarBuffer([{ path: 'a', type: 'file', data: 'a'.repeat(1000) }]);
  await t.rejects(read(archive.subarray(0, 700)), { name: 'ArchiveError', message: /truncated/ });
  const huge = await tarBuffer([{ path: 'big', type: 'file', size: 2 ** 33 }]);
  t.equal(huge.length, 512, 'just the header');
  await t.rejects(read(huge), /past its limit/, 'an absurd size is refused before anything is read');
  const many = await tarBuffer(Array.from({ length: 5 }, (_, i) => ({ path: `f${i}`, type: 'file' as const })));
  await t.rejects(read(many, 512, { maxBytes: 100, maxEntries: 3 }), /more than 3 entries/);
  const sparse = Buffer.from(archive.subarray(0, 512));
  sparse.write('S', 156);
  await t.rejects(read(Buffer.concat([fixChecksum(sparse), Buffer.alloc(1024)])), /unsupported tar entry type/);
});

function fixChecksum(archive: Buffer): Buffer {
  const block = archive.subarray(0, 512);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return archive;
}
