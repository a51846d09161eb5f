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
import fs from 'node:fs/promises';
import path from 'node:path';
import { ArchiveError } from '../../events/errors.js';
import { classifyWhiteout, entryComponents, xattrAllowed } from './entryPath.js';
import { makeFifo, makeWhiteout, markOpaque, setXattr } from './specialFiles.js';
import { readTar, type Body, type TarEntry, type TarLimits } from './tarReader.js';
import { writeBatched } from '../batchedWrite.js';

export interface UnpackResult {
  /** Bytes of file content written. */
  bytes: number;
  entries: number;
  /** Device nodes in the archive that were not created. */
  skippedDevices: number;
}

export const DEFAULT_LIMITS: TarLimits = { maxBytes: 64 * 2 ** 30, maxEntries: 2_000_000 };

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;

class LayerWriter {
  /** Relative dirs known to be real directories (not links) inside the layer. */
  private readonly dirs = new Set<string>(['']);
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
      const stat = await fs.lstat(this.abs(components.slice(0, i))).catch(() => null);
      if (stat === null && create) await fs.mkdir(this.abs(components.slice(0, i)), { mode: 0o755 });
      else if (stat === null) throw new ArchiveError(`${entry}: ${rel} does not exist in this layer`);
      else if (stat.isSymbolicLink()) throw new ArchiveError(`${entry}: refused: its parent ${rel} is a symlink, and writing through it could leave the layer`);
      else if (!stat.isDirectory()) throw new ArchiveError(`${entry}: its parent ${rel} is not a directory`);
      this.dirs.add(rel);
    }
  }

  /** Removes what is at the path (a later entry replaces an earlier one); keeps a dir when a dir comes. */
  private async clear(components: string[], keepDir: boolean): Promise<'kept' | 'clear'> {
    const abs = this.abs(components);
    const stat = await fs.lstat(abs).catch(() => null);
    if (stat === null) return 'clear';
    if (stat.isDirectory()) {
      if (keepDir) return 'kept';
      await fs.rm(abs, { recursive: true, force: true });
      this.dirs.clear();
      this.dirs.add('');
      return 'clear';
    }
    await fs.unlink(abs);
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
    await this.clear(components, false);
    const abs = this.abs(components);
    switch (entry.type) {
      case 'file': await this.file(abs, entry, body); break;
      case 'symlink':
        await fs.symlink(entry.linkpath, abs);
        await fs.lchown(abs, entry.uid, entry.gid);
        await fs.lutimes(abs, entry.mtime, entry.mtime);
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
    await this.clear(target, false);
    await makeWhiteout(this.abs(target));
  }

  private async directory(components: string[], entry: TarEntry): Promise<void> {
    const abs = this.abs(components);
    if ((await this.clear(components, true)) === 'clear') await fs.mkdir(abs, { mode: 0o700 });
    this.dirs.add(components.join('/'));
    await this.metadata(abs, entry);
    this.dirTimes.push([components, entry.mtime]);
  }

  private async file(abs: string, entry: TarEntry, body: Body): Promise<void> {
    const handle = await fs.open(abs, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    try {
      this.result.bytes += await writeBatched(handle, body);
    } finally {
      await handle.close();
    }
  }

  private async hardlink(abs: string, entry: TarEntry, name: string): Promise<void> {
    const target = entryComponents(entry.linkpath, `hard link ${name} target`);
    await this.parents(target, false, `hard link ${name}`);
    const stat = await fs.lstat(this.abs(target)).catch(() => null);
    if (stat === null) throw new ArchiveError(`hard link ${name}: its target ${entry.linkpath} is not in this layer`);
    if (stat.isDirectory()) throw new ArchiveError(`hard link ${name}: its target ${entry.linkpath} is a directory`);
    await fs.link(this.abs(target), abs);
  }

  /** Owner, then mode (chown clears setuid), xattrs and time; the path is known not to be a symlink. */
  private async metadata(abs: string, entry: TarEntry): Promise<void> {
    await fs.lchown(abs, entry.uid, entry.gid);
    await fs.chmod(abs, entry.mode);
    for (const [key, value] of entry.xattrs) if (xattrAllowed(key)) await setXattr(abs, key, value);
    if (entry.type !== 'dir') await fs.lutimes(abs, entry.mtime, entry.mtime);
  }

  /** Directory times last, deepest first, since writing into a dir changes its time. */
  async finish(): Promise<void> {
    for (const [components, mtime] of this.dirTimes.reverse()) {
      // Later entries may have replaced it: only a dir reached through dirs gets its time.
      const still = await this.parents([...components, '.'], false, '').then(() => true, () => false);
      if (!still) continue;
      await fs.lutimes(this.abs(components), mtime, mtime);
    }
  }
}

/** Unpacks an uncompressed tar stream into `dir`, a fresh empty directory. Throws ArchiveError for a bad archive. */
export async function unpackLayer(source: AsyncIterable<Uint8Array>, dir: string, limits: TarLimits = DEFAULT_LIMITS): Promise<UnpackResult> {
  const writer = new LayerWriter(dir);
  for await (const { entry, body } of readTar(source, limits)) await writer.write(entry, body);
  await writer.finish();
  return writer.result;
}
