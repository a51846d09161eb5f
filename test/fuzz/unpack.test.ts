/**
 * The layer unpacker against generated hostile archives: paths with "..", absolute paths,
 * symlinks (to the sentinel dir outside, in chains, across layers), hard links outside and to
 * links, whiteouts, replaced entries, and announced sizes far past the data. Every archive is
 * unpacked or refused with ArchiveError; the sentinel dir outside is byte-for-byte, mode and
 * time unchanged; no temp dir is ever left, and a refused archive leaves no layer.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import t from 'tap';
import { Layout } from '../../runtime/layout.js';
import { ArchiveError, BerthError } from '../../events/errors.js';
import { unpackStream } from '../../runtime/images/layerStore.js';
import { tarBuffer, type HeaderFields } from '../../runtime/images/tarWriter.js';
import { check } from '../helpers/fuzz.js';
import { gateFile, requiresRoot } from '../helpers/gates.js';

gateFile(requiresRoot());

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-fuzz-unpack-'));
t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
const outside = path.join(dir, 'outside');
await fs.mkdir(path.join(outside, 'sub'), { recursive: true });
await fs.writeFile(path.join(outside, 'secret'), 'untouched');
await fs.writeFile(path.join(outside, 'sub', 'deep'), 'deep');
await fs.utimes(path.join(outside, 'secret'), 1000, 1000);
const layout = new Layout(path.join(dir, 'root'), path.join(dir, 'run'));
await fs.mkdir(layout.layersDir, { recursive: true });

/** Everything about the sentinel tree and what sits beside the data root. */
async function fingerprint(): Promise<string> {
  const lines: string[] = [];
  const walk = async (p: string): Promise<void> => {
    const st = await fs.lstat(p);
    lines.push(`${path.relative(dir, p)} ${st.mode} ${st.uid}:${st.gid} ${st.nlink} ${st.size} ${st.mtimeMs}`);
    if (st.isDirectory()) for (const name of (await fs.readdir(p)).sort()) await walk(path.join(p, name));
    else if (st.isFile()) lines.push(await fs.readFile(p, 'utf8'));
  };
  await walk(outside);
  lines.push((await fs.readdir(dir)).sort().join(','), (await fs.readdir(layout.root)).sort().join(','));
  lines.push((await fs.readdir(path.dirname(layout.layersDir))).sort().join(','));
  return lines.join('\n');
}
const before = await fingerprint();

const component = fc.constantFrom('a', 'b', 'c', 'link', '.', '', '.wh.a', '.wh..wh..opq', '.wh.link', 'dev');
const relPath = fc.array(component, { minLength: 1, maxLength: 4 }).map((p) => p.join('/'));
/** Mostly paths that stay inside (so the later checks are reached), sometimes ones that must be refused. */
const entryPath = fc.oneof({ weight: 12, arbitrary: relPath }, fc.constantFrom('..', 'a/../b', '/etc/passwd', `${outside}/secret`, `${outside}/new`, './', '../outside/new', 'a/../../x'));
const ups = fc.nat(6).map((n) => '../'.repeat(n));
const linkTarget = fc.oneof(
  relPath, fc.constant(outside), fc.constant(`${outside}/secret`), fc.constant(`${outside}/sub`),
  ups.map((u) => `${u}outside/secret`), ups.map((u) => `${u}outside`), fc.constant('/'), fc.constant('link'),
);
const entry = fc.oneof(
  fc.record({ path: entryPath, type: fc.constant('file' as const), data: fc.string({ maxLength: 8 }), mode: fc.constantFrom(0o644, 0o4755, 0o777) }),
  fc.record({ path: entryPath, type: fc.constant('dir' as const), mode: fc.constantFrom(0o755, 0o700, 0o777), mtime: fc.nat(2_000_000_000) }),
  fc.record({ path: entryPath, type: fc.constant('symlink' as const), linkpath: linkTarget }),
  fc.record({ path: entryPath, type: fc.constant('hardlink' as const), linkpath: linkTarget }),
  fc.record({ path: entryPath, type: fc.constant('char' as const), devmajor: fc.constantFrom(0, 1), devminor: fc.constantFrom(0, 3) }),
  fc.record({ path: entryPath, type: fc.constant('fifo' as const) }),
  fc.record({ path: relPath, type: fc.constant('file' as const), data: fc.constant('x'), pax: fc.constantFrom<Record<string, string>>({ 'SCHILY.xattr.user.a': 'b' }, { 'SCHILY.xattr.trusted.overlay.opaque': 'y' }, { 'SCHILY.xattr.security.capability': 'x' }) }),
) as fc.Arbitrary<HeaderFields & { data?: string }>;
/** Optionally a last entry whose announced size is far past its data (the archive stops there). */
const huge = fc.option(fc.record({ path: relPath, type: fc.constant('file' as const), size: fc.constantFrom(2 ** 20, 2 ** 33, 2 ** 40, 2 ** 36 + 1), data: fc.constant('x') }), { nil: undefined });
/** One image: up to three layers, unpacked one after another into the same store. */
const image = fc.array(fc.tuple(fc.array(entry, { maxLength: 12 }), huge), { minLength: 1, maxLength: 3 });

let unpacked = 0;
let refused = 0;
t.test('hostile archives: nothing outside changes, no partial or temp layer is left', (t) =>
  check(t, 'unpack', 150, fc.asyncProperty(image, async (layers) => {
    for (const [entries, tail] of layers) {
      const archive = await tarBuffer(tail ? [...entries, tail] : entries);
      const layersBefore = (await fs.readdir(layout.layersDir)).sort();
      try {
        await unpackStream(layout, Readable.from([archive]), 'none', null, (d) => d);
        unpacked++;
      } catch (error) {
        // A malformed security.capability is refused by the kernel (setfattr: EINVAL): a BerthError, not an ArchiveError.
        const xattr = error instanceof BerthError && /^xattr /.test(error.message);
        if (!(error instanceof ArchiveError) && !xattr) throw new Error(`threw ${(error as Error)?.name}: ${(error as Error)?.message}`);
        refused++;
        const after = (await fs.readdir(layout.layersDir)).sort();
        if (after.join() !== layersBefore.join()) throw new Error(`a refused archive left ${after.filter((x) => !layersBefore.includes(x))}`);
      }
      const left = (await fs.readdir(layout.layersDir)).filter((name) => name.startsWith('.tmp-'));
      if (left.length) throw new Error(`temp dirs left: ${left}`);
      const now = await fingerprint();
      if (now !== before) throw new Error(`the sentinel changed:\n${now}\n--- was ---\n${before}`);
    }
  })).then(() => t.comment(`${unpacked} layers unpacked, ${refused} refused`)));
