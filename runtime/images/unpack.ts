/**
 * Safe layer unpacking: a tar stream becomes an overlay layer directory. Whiteouts become
 * overlay whiteouts (a 0/0 character device; `trusted.overlay.opaque` for opaque dirs), and
 * hard links, symlinks, modes, owners, times and allowed xattrs are kept. Nothing is written
 * outside the directory: paths with ".." or a leading "/" are refused, no entry is written
 * through a symlink (every parent is lstat'ed; files open with O_EXCL|O_NOFOLLOW), and hard
 * links must name a file already in this layer. Device nodes other than whiteouts are skipped,
 * as rootless engines do: a container has its own /dev. The caller unpacks into a fresh dir
 * and deletes it when this throws (see layerStore.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ArchiveError } from '../../events/errors.js';
import { classifyWhiteout, entryComponents, xattrAllowed } from './entryPath.js';
import { makeFifo, makeWhiteout, markOpaque, setXattr } from './specialFiles.js';
import { readTar, type Body, type TarEntry, type TarLimits } from './tarReader.js';

export interface UnpackResult {
  /** Bytes of file content written. */
  bytes: number;
  entries: number;
  /** Device nodes in the archive that were not created. */
  skippedDevices: number;
}

export const DEFAULT_LIMITS: TarLimits = { maxBytes: 64 * 2 ** 30, maxEntries: 2_000_000 };

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;

/**
 * The filesystem calls are synchronous: a layer is mostly small files, and each async call was a
 * thread-pool round trip (seven a file: about 450 µs a file, 9 s for 20,000 files, here). The
 * unpacking yields to the event loop every SLICE_MS (unpackLayer), so the daemon goes on
 * answering meanwhile.
 */
const SLICE_MS = 4;

class LayerWriter {
  /** Relative dirs known to be real directories (not links) inside the layer. */
  private readonly dirs = new Set<string>(['']);
  /**
   * Every relative path this writer made or found (the layer dir starts empty), directories
   * made on the way included: a path not here does not exist, and needs no lstat before it is
   * made. It outlives `dirs`, which a directory's removal empties.
   */
  private readonly made = new Set<string>();
  private readonly dirTimes: Array<[string[], number]> = [];
  readonly result: UnpackResult = { bytes: 0, entries: 0, skippedDevices: 0 };

  constructor(private readonly root: string) {}

  private abs(components: string[]): string {
    return path.join(this.root, ...components);
  }

  /** Makes sure every parent of `components` is a real directory, creating missing ones (0755) when asked. */
  private async parents(components: string[], create: boolean, entry: string): Promise<void> {
    for (let i = 1; i < components.length; i++) {
      const rel = components.slice(0, i).join('/');
      if (this.dirs.has(rel)) continue;
      const stat = fs.lstatSync(this.abs(components.slice(0, i)), { throwIfNoEntry: false }) ?? null;
      if (stat === null && create) fs.mkdirSync(this.abs(components.slice(0, i)), { mode: 0o755 });
      else if (stat === null) throw new ArchiveError(`${entry}: ${rel} does not exist in this layer`);
      else if (stat.isSymbolicLink()) throw new ArchiveError(`${entry}: refused: its parent ${rel} is a symlink, and writing through it could leave the layer`);
      else if (!stat.isDirectory()) throw new ArchiveError(`${entry}: its parent ${rel} is not a directory`);
      this.dirs.add(rel);
      this.made.add(rel);
    }
  }

  /** Removes what is at the path (a later entry replaces an earlier one); keeps a dir when a dir comes. */
  private clear(components: string[], keepDir: boolean): 'kept' | 'clear' {
    if (!this.made.has(components.join('/')) && components.length > 0) return 'clear';
    const abs = this.abs(components);
    const stat = fs.lstatSync(abs, { throwIfNoEntry: false });
    if (stat === undefined) return 'clear';
    if (stat.isDirectory()) {
      if (keepDir) return 'kept';
      fs.rmSync(abs, { recursive: true, force: true });
      this.dirs.clear();
      this.dirs.add('');
      return 'clear';
    }
    fs.unlinkSync(abs);
    return 'clear';
  }

  async write(entry: TarEntry, body: Body): Promise<void> {
    this.result.entries++;
    const components = entryComponents(entry.path);
    const name = JSON.stringify(entry.path);
    const whiteout = classifyWhiteout(components);
    if (whiteout.kind === 'ignore') return;
    if (whiteout.kind === 'opaque') {
      await this.parents([...whiteout.dir, '.'], true, name);
      await markOpaque(this.abs(whiteout.dir));
      return;
    }
    if (whiteout.kind === 'whiteout') return this.whiteout(whiteout.target, name);
    if (components.length === 0) {
      if (entry.type !== 'dir') throw new ArchiveError(`${name}: the layer's root must be a directory`);
      return this.directory(components, entry);
    }
    await this.parents(components, true, name);
    if (entry.type === 'dir') return this.directory(components, entry);
    this.clear(components, false);
    const abs = this.abs(components);
    this.made.add(components.join('/'));
    switch (entry.type) {
      case 'file': return this.file(abs, entry, body);
      case 'symlink':
        // Linux makes no link to an empty target (ENOENT): the archive is refused, in its terms.
        if (entry.linkpath === '') throw new ArchiveError(`${name}: a symlink with an empty target`);
        fs.symlinkSync(entry.linkpath, abs);
        fs.lchownSync(abs, entry.uid, entry.gid);
        fs.lutimesSync(abs, entry.mtime, entry.mtime);
        return;
      case 'hardlink': await this.hardlink(abs, entry, name); return;
      case 'char':
      case 'block':
        if (entry.type === 'char' && entry.devmajor === 0 && entry.devminor === 0) await makeWhiteout(abs);
        else this.result.skippedDevices++;
        return;
      case 'fifo': await makeFifo(abs, entry.mode); break;
    }
    await this.metadata(abs, entry);
  }

  private async whiteout(target: string[], name: string): Promise<void> {
    await this.parents(target, true, name);
    this.clear(target, false);
    this.made.add(target.join('/'));
    await makeWhiteout(this.abs(target));
  }

  private async directory(components: string[], entry: TarEntry): Promise<void> {
    const abs = this.abs(components);
    if (this.clear(components, true) === 'clear') fs.mkdirSync(abs, { mode: 0o700 });
    this.dirs.add(components.join('/'));
    this.made.add(components.join('/'));
    await this.metadata(abs, entry);
    this.dirTimes.push([components, entry.mtime]);
  }

  /** A regular file: content, then owner, mode (chown clears setuid), xattrs and time, through its descriptor. */
  private async file(abs: string, entry: TarEntry, body: Body): Promise<void> {
    const fd = fs.openSync(abs, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    try {
      for await (const chunk of body) {
        for (let done = 0; done < chunk.length;) done += fs.writeSync(fd, chunk, done);
        this.result.bytes += chunk.length;
      }
      fs.fchownSync(fd, entry.uid, entry.gid);
      fs.fchmodSync(fd, entry.mode);
      for (const [key, value] of entry.xattrs) if (xattrAllowed(key)) await setXattr(abs, key, value);
      fs.futimesSync(fd, entry.mtime, entry.mtime);
    } finally {
      fs.closeSync(fd);
    }
  }

  private async hardlink(abs: string, entry: TarEntry, name: string): Promise<void> {
    const target = entryComponents(entry.linkpath, `hard link ${name} target`);
    await this.parents(target, false, `hard link ${name}`);
    const stat = fs.lstatSync(this.abs(target), { throwIfNoEntry: false });
    if (stat === undefined) throw new ArchiveError(`hard link ${name}: its target ${entry.linkpath} is not in this layer`);
    if (stat.isDirectory()) throw new ArchiveError(`hard link ${name}: its target ${entry.linkpath} is a directory`);
    fs.linkSync(this.abs(target), abs);
  }

  /** Owner, then mode (chown clears setuid), xattrs and time; the path is known not to be a symlink. */
  private async metadata(abs: string, entry: TarEntry): Promise<void> {
    fs.lchownSync(abs, entry.uid, entry.gid);
    fs.chmodSync(abs, entry.mode);
    for (const [key, value] of entry.xattrs) if (xattrAllowed(key)) await setXattr(abs, key, value);
    if (entry.type !== 'dir') fs.lutimesSync(abs, entry.mtime, entry.mtime);
  }

  /** Directory times last, deepest first, since writing into a dir changes its time. */
  async finish(): Promise<void> {
    for (const [components, mtime] of this.dirTimes.reverse()) {
      // Later entries may have replaced it: only a dir reached through dirs gets its time.
      const still = await this.parents([...components, '.'], false, '').then(() => true, () => false);
      if (!still) continue;
      fs.lutimesSync(this.abs(components), mtime, mtime);
    }
  }
}

/** Unpacks an uncompressed tar stream into `dir`, a fresh empty directory. Throws ArchiveError for a bad archive. */
export async function unpackLayer(source: AsyncIterable<Uint8Array>, dir: string, limits: TarLimits = DEFAULT_LIMITS): Promise<UnpackResult> {
  const writer = new LayerWriter(dir);
  let slice = performance.now();
  for await (const { entry, body } of readTar(source, limits)) {
    await writer.write(entry, body);
    if (performance.now() - slice < SLICE_MS) continue;
    await new Promise((resolve) => setImmediate(resolve));
    slice = performance.now();
  }
  await writer.finish();
  return writer.result;
}
