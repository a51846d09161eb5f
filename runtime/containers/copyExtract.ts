/**
 * `cp` into a root: a tar's entries written under a path, every parent resolved inside the root
 * (runtime/containers/inRoot.ts) and then opened one component at a time without following a
 * link (openDir.ts), and the entry made in that open dir: the final component is never followed
 * (an existing link is replaced, not written through), files are opened O_EXCL|O_NOFOLLOW, and
 * modes, owners and times are set on the open file or on the entry itself. So a link another
 * container swaps in meanwhile fails the copy; it never leads outside the root. Entries with
 * `..` are refused.
 */
import { constants } from 'node:fs';
import path from 'node:path';
import { NotFoundError, ValidationError } from '../../events/errors.js';
import { hostIdOf, type UserNamespace } from '../../events/userNamespace.js';
import { readTar, type TarEntry } from '../images/tarReader.js';
import { DEFAULT_LIMITS } from '../images/unpack.js';
import { resolveInRoot } from './inRoot.js';
import { openDirIn, OpenDir } from './openDir.js';

export interface ExtractOptions {
  /** Where the archive goes, inside the root. */
  base: string;
  /** The archive's top entry, which becomes `base` (its children go below); null: every entry goes below `base`. */
  top: string | null;
  /** Keep the archive's uid and gid (cp -a); else files belong to whoever extracts. */
  owners: boolean;
  /** --userns-remap: ids are the container's, so they go through its mapping, and "whoever extracts" is its root. */
  idMap?: UserNamespace;
}

/** The host uid and gid an entry gets; null: left as made (the extracting host root's). */
function ownerOf(entry: TarEntry, options: ExtractOptions): [number, number] | null {
  if (!options.idMap) return options.owners ? [entry.uid, entry.gid] : null;
  const [uid, gid] = options.owners ? [entry.uid, entry.gid] : [0, 0];
  return [hostIdOf(options.idMap.uidMap, uid), hostIdOf(options.idMap.gidMap, gid)];
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

/** The open dir that is to hold `inside` (made when missing, below the top entry), and the name in it. */
async function parentOf(root: OpenDir, inside: string, top: boolean): Promise<{ dir: OpenDir; name: string; resolved: string }> {
  if (inside === '/') return { dir: await root.openDir('.'), name: '.', resolved: '/' };
  const parentInside = path.posix.dirname(inside);
  const parent = await resolveInRoot(root, parentInside, true);
  if (!parent.stat && top) throw new NotFoundError(`no such directory: ${parentInside}`);
  if (parent.stat && !parent.stat.isDirectory()) throw new ValidationError(`${parentInside} is not a directory`);
  const name = path.posix.basename(inside);
  return { dir: await openDirIn(root, parent.inside, true), name, resolved: path.posix.join(parent.inside, name) };
}

async function writeFile(dir: OpenDir, name: string, entry: TarEntry, body: AsyncIterable<Buffer>, owner: [number, number] | null): Promise<void> {
  const file = await dir.openFile(name, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    for await (const chunk of body) await file.write(chunk);
    if (owner) await file.chown(...owner); // first: a chown clears set-id bits
    await file.chmod(entry.mode & 0o7777);
    await file.utimes(entry.mtime, entry.mtime);
  } finally {
    await file.close();
  }
}

async function writeEntry(root: OpenDir, inside: string, entry: TarEntry, body: AsyncIterable<Buffer>, options: ExtractOptions, top: boolean, dirTimes: Map<string, number>): Promise<void> {
  const { dir, name, resolved } = await parentOf(root, inside, top);
  const owner = ownerOf(entry, options);
  try {
    const existing = await dir.lstat(name);
    if (entry.type === 'dir') {
      if (existing && !existing.isDirectory()) throw new ValidationError(`cannot overwrite non-directory ${inside} with a directory`);
      if (!existing) await dir.mkdir(name, 0o700);
      const made = await dir.openDir(name);
      try {
        if (owner) await made.chown(...owner);
        await made.chmod(entry.mode & 0o7777);
      } finally {
        await made.close();
      }
      dirTimes.set(resolved, entry.mtime);
      return;
    }
    if (existing?.isDirectory()) throw new ValidationError(`cannot overwrite directory ${inside} with a non-directory`);
    if (existing) await dir.unlink(name);
    if (entry.type === 'file') return await writeFile(dir, name, entry, body, owner);
    if (entry.type === 'symlink') await dir.symlink(entry.linkpath, name);
    else if (entry.type === 'hardlink') {
      const targetInside = path.posix.join(options.base, placeEntry(entry.linkpath, options.top));
      const target = await resolveInRoot(root, targetInside, false);
      if (!target.stat?.isFile()) throw new ValidationError(`hard link ${entry.path}: ${entry.linkpath} is not a file of the archive`);
      const from = await openDirIn(root, path.posix.dirname(target.inside));
      await dir.link(from, path.posix.basename(target.inside), name).finally(() => from.close());
    } else return; // devices and fifos are not copied
    if (owner) await dir.lchown(name, ...owner);
    await dir.lutimes(name, entry.mtime);
  } finally {
    await dir.close();
  }
}

/** Sets a dir's times last: writing its children moved them. A dir that is not there as one any more is left. */
async function setDirTime(root: OpenDir, inside: string, mtime: number): Promise<void> {
  const dir = await openDirIn(root, inside).catch(() => null);
  if (!dir) return;
  try {
    await dir.utimes(mtime);
  } finally {
    await dir.close();
  }
}

/** Extracts `source` (a tar) under `options.base` in `root`; returns the bytes of file content written. */
export async function extractInRoot(root: string, source: AsyncIterable<Uint8Array>, options: ExtractOptions): Promise<number> {
  const rootDir = await OpenDir.open(root);
  try {
    const dirTimes = new Map<string, number>();
    let size = 0;
    for await (const { entry, body } of readTar(source, DEFAULT_LIMITS)) {
      const rel = placeEntry(entry.path, options.top);
      const inside = path.posix.resolve('/', options.base, rel);
      // The top entry's parent must exist (Docker's rule); below it, missing dirs are made.
      await writeEntry(rootDir, inside, entry, body, options, options.top !== null && rel === '.', dirTimes);
      if (entry.type === 'file') size += entry.size;
    }
    for (const [inside, mtime] of dirTimes) await setDirTime(rootDir, inside, mtime);
    return size;
  } finally {
    await rootDir.close();
  }
}
