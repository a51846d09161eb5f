/**
 * `cp` out of a root: the file or dir a path names (resolved inside the root), as a tar whose
 * top entry is the path's base name. Below it nothing is followed: links go in as links. The
 * walk and the reads go through open dirs (openDir.ts, treeReader.ts), so a link swapped in
 * while the copy runs (by another container sharing a volume, or a host writer on a bind mount)
 * leaves its entry out instead of leading to the host.
 */
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { NotFoundError, ValidationError } from '../../events/errors.js';
import { resolveInRoot } from './inRoot.js';
import { openDirIn, OpenDir } from './openDir.js';
import { walkDir, writeTree, type Tree } from './rootfs.js';
import type { CopySource } from './copyRules.js';
import { sourceName } from './copyRules.js';

/** Kernel filesystems whose contents are not files (proc, sysfs, devpts, mqueue, cgroup, cgroup2, securityfs, debugfs, tracefs, bpf). */
const PSEUDO = new Set([0x9fa0, 0x62656572, 0x1cd1, 0x19800202, 0x27e0eb, 0x63677270, 0x73636673, 0x64626720, 0x74726163, 0xcafe4a11]);

/**
 * Whether to go into a dir: not into a kernel filesystem mounted in the container (its /proc or
 * /sys): as with Docker, which reads the root and the volumes, those come out as empty dirs.
 * `at` reaches the dir through its parent's open dir.
 */
async function descend(at: string, stat: Stats, rootDev: number): Promise<boolean> {
  if (stat.dev === rootDev) return true;
  const type = (await fs.statfs(at).catch(() => null))?.type;
  return type === undefined || !PSEUDO.has(type);
}

/** Writes the archive of `inside` to `out`; `follow`: a symlink named by the path is copied as what it points to (cp -L). */
export async function archiveInRoot(root: string, inside: string, follow: boolean, out: Writable): Promise<CopySource & { size: number }> {
  const { name, contentsOnly, wantsDir } = sourceName(inside);
  const rootDir = await OpenDir.open(root);
  try {
    const resolved = await resolveInRoot(rootDir, inside, follow || wantsDir);
    if (!resolved.stat) throw new NotFoundError(`Could not find the file ${inside}`);
    const isDir = resolved.stat.isDirectory();
    if (wantsDir && !isDir) throw new ValidationError(`${inside}: not a directory`);
    const top = resolved.inside.slice(1);
    const tree: Tree = new Map([[name, { path: name, base: root, rel: top || '.', stat: resolved.stat }]]);
    let size = resolved.stat.isFile() ? resolved.stat.size : 0;
    if (isDir) {
      const rootDev = resolved.stat.dev;
      const dir = await openDirIn(rootDir, resolved.inside);
      try {
        if (await descend(dir.at(), resolved.stat, -1)) {
          await walkDir(dir, async (rel, stat, at) => {
            const entry = `${name}/${rel}`;
            tree.set(entry, { path: entry, base: root, rel: top ? `${top}/${rel}` : rel, stat });
            if (stat.isFile()) size += stat.size;
            return stat.isDirectory() ? descend(at, stat, rootDev) : undefined;
          });
        }
      } finally {
        await dir.close();
      }
    }
    await writeTree(tree, out);
    return { name, isDir, contentsOnly, size };
  } finally {
    await rootDir.close();
  }
}
