/**
 * `cp` out of a root: the file or dir a path names (resolved inside the root), as a tar whose
 * top entry is the path's base name. Below it nothing is followed: links go in as links.
 */
import type { Writable } from 'node:stream';
import path from 'node:path';
import { NotFoundError, ValidationError } from '../../events/errors.js';
import { resolveInRoot } from './inRoot.js';
import { walk, writeTree, type Tree } from './rootfs.js';
import type { CopySource } from './copyRules.js';
import { sourceName } from './copyRules.js';

/** Writes the archive of `inside` to `out`; `follow`: a symlink named by the path is copied as what it points to (cp -L). */
export async function archiveInRoot(root: string, inside: string, follow: boolean, out: Writable): Promise<CopySource & { size: number }> {
  const { name, contentsOnly, wantsDir } = sourceName(inside);
  const resolved = await resolveInRoot(root, inside, follow || wantsDir);
  if (!resolved.stat) throw new NotFoundError(`Could not find the file ${inside}`);
  const isDir = resolved.stat.isDirectory();
  if (wantsDir && !isDir) throw new ValidationError(`${inside}: not a directory`);
  const tree: Tree = new Map([[name, { path: name, source: resolved.host, stat: resolved.stat }]]);
  let size = resolved.stat.isFile() ? resolved.stat.size : 0;
  if (isDir) {
    await walk(resolved.host, (rel, stat) => {
      const entry = `${name}/${rel}`;
      tree.set(entry, { path: entry, source: path.join(resolved.host, rel), stat });
      if (stat.isFile()) size += stat.size;
    });
  }
  await writeTree(tree, out);
  return { name, isDir, contentsOnly, size };
}
