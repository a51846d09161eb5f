/**
 * `cp` into a root: a tar's entries written under a path, every parent resolved inside the root
 * (runtime/containers/inRoot.ts), the final component never followed (an existing link is
 * replaced, not written through), files opened O_EXCL|O_NOFOLLOW. Entries with `..` are refused.
 */
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError, ValidationError } from '../../events/errors.js';
import { readTar, type TarEntry } from '../images/tarReader.js';
import { DEFAULT_LIMITS } from '../images/unpack.js';
import { resolveInRoot } from './inRoot.js';

export interface ExtractOptions {
  /** Where the archive goes, inside the root. */
  base: string;
  /** The archive's top entry, which becomes `base` (its children go below); null: every entry goes below `base`. */
  top: string | null;
  /** Keep the archive's uid and gid (cp -a); else files belong to whoever extracts. */
  owners: boolean;
}

/** The entry's path relative to `base` ('.' for base itself), or an error for one outside. */
export function placeEntry(entryPath: string, top: string | null): string {
  const clean = path.posix.normalize(entryPath.replace(/^\/+/, '')).replace(/\/+$/, '') || '.';
  if (clean === '..' || clean.startsWith('../')) throw new ValidationError(`archive entry ${entryPath} points outside the destination; refused`);
  if (top === null || top === '.') return clean;
  if (clean === top) return '.';
  if (clean.startsWith(`${top}/`)) return clean.slice(top.length + 1);
  throw new ValidationError(`archive entry ${entryPath} is not under ${top}; refused`);
}

async function writeEntry(root: string, inside: string, entry: TarEntry, body: AsyncIterable<Buffer>, options: ExtractOptions, top: boolean, dirTimes: Map<string, number>): Promise<void> {
  const parentInside = path.posix.dirname(inside);
  const parent = await resolveInRoot(root, parentInside, true);
  if (!parent.stat) {
    if (top) throw new NotFoundError(`no such directory: ${parentInside}`);
    await fs.mkdir(parent.host, { recursive: true, mode: 0o755 });
  } else if (!parent.stat.isDirectory()) throw new ValidationError(`${parentInside} is not a directory`);
  const final = inside === '/' ? root : path.join(parent.host, path.posix.basename(inside));
  const existing = await fs.lstat(final).catch(() => null);
  if (entry.type === 'dir') {
    if (existing && !existing.isDirectory()) throw new ValidationError(`cannot overwrite non-directory ${inside} with a directory`);
    if (!existing) await fs.mkdir(final, { mode: 0o700 });
    await fs.chmod(final, entry.mode & 0o7777);
  } else {
    if (existing?.isDirectory()) throw new ValidationError(`cannot overwrite directory ${inside} with a non-directory`);
    if (existing) await fs.unlink(final);
    if (entry.type === 'file') {
      const file = await fs.open(final, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try {
        for await (const chunk of body) await file.write(chunk);
        await file.chmod(entry.mode & 0o7777);
      } finally {
        await file.close();
      }
    } else if (entry.type === 'symlink') await fs.symlink(entry.linkpath, final);
    else if (entry.type === 'hardlink') {
      const target = await resolveInRoot(root, path.posix.join(options.base, placeEntry(entry.linkpath, options.top)), false);
      if (!target.stat?.isFile()) throw new ValidationError(`hard link ${entry.path}: ${entry.linkpath} is not a file of the archive`);
      await fs.link(target.host, final);
    } else return; // devices and fifos are not copied
  }
  if (options.owners) await fs.lchown(final, entry.uid, entry.gid);
  if (entry.type === 'dir') dirTimes.set(final, entry.mtime);
  else await fs.lutimes(final, entry.mtime, entry.mtime);
}

/** Extracts `source` (a tar) under `options.base` in `root`; returns the bytes of file content written. */
export async function extractInRoot(root: string, source: AsyncIterable<Uint8Array>, options: ExtractOptions): Promise<number> {
  const dirTimes = new Map<string, number>();
  let size = 0;
  for await (const { entry, body } of readTar(source, DEFAULT_LIMITS)) {
    const rel = placeEntry(entry.path, options.top);
    const inside = path.posix.resolve('/', options.base, rel);
    // The top entry's parent must exist (Docker's rule); below it, missing dirs are made.
    await writeEntry(root, inside, entry, body, options, options.top !== null && rel === '.', dirTimes);
    if (entry.type === 'file') size += entry.size;
  }
  // Dirs last: writing their children moved their times.
  for (const [dir, mtime] of dirTimes) await fs.utimes(dir, mtime, mtime);
  return size;
}

