/**
 * `cp` out of a root: the file or dir a path names (resolved inside the root), as a tar whose
 * top entry is the path's base name. Below it nothing is followed: links go in as links.
 */
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import type { Writable } from 'node:stream';
import path from 'node:path';
import { NotFoundError, ValidationError } from '../../events/errors.js';
import { resolveInRoot } from './inRoot.js';
import { walk, writeTree, type Tree } from './rootfs.js';
import type { CopySource } from './copyRules.js';
import { sourceName } from './copyRules.js';

/** Kernel filesystems whose contents are not files (proc, sysfs, devpts, mqueue, cgroup, cgroup2, securityfs, debugfs, tracefs, bpf). */
const PSEUDO = new Set([0x9fa0, 0x62656572, 0x1cd1, 0x19800202, 0x27e0eb, 0x63677270, 0x73636673, 0x64626720, 0x74726163, 0xcafe4a11]);

/**
 * Whether to go into a dir: not into a kernel filesystem mounted in the container (its /proc or
 * /sys): as with Docker, which reads the root and the volumes, those come out as empty dirs.
 */
async function descend(dir: string, stat: Stats, rootDev: number): Promise<boolean> {
  if (stat.dev === rootDev) return true;
  const type = (await fs.statfs(dir).catch(() => null))?.type;
  return type === undefined || !PSEUDO.has(type);
}

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
    const rootDev = resolved.stat.dev;
    if (await descend(resolved.host, resolved.stat, -1)) {
      await walk(resolved.host, async (rel, stat) => {
        const entry = `${name}/${rel}`;
        const source = path.join(resolved.host, rel);
        tree.set(entry, { path: entry, source, stat });
        if (stat.isFile()) size += stat.size;
        return stat.isDirectory() ? descend(source, stat, rootDev) : undefined;
      });
    }
  }
  await writeTree(tree, out);
  return { name, isDir, contentsOnly, size };
}
