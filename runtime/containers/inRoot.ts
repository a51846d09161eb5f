/**
 * Paths resolved inside a root, as if the process were chrooted there: each component is
 * lstat'ed, a symlink is read and its target followed from the root (an absolute target) or
 * from its own dir, and `..` never climbs above the root. The kernel is only ever handed the
 * resolved path, which holds no symlink, `.` or `..`; so a link inside a container's root can
 * never lead outside it. (Race-free only while nothing changes the tree meanwhile: cp freezes a
 * running container; a stopped one has no processes.)
 */
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import { NotFoundError, ValidationError } from '../../events/errors.js';

const MAX_LINKS = 40;

export interface Resolved {
  /** The resolved path inside the root ('/etc/passwd'). */
  inside: string;
  /** The same on the host (root + inside). */
  host: string;
  /** lstat of the final component, null when it does not exist. */
  stat: Stats | null;
}

/** The host path of `inside` under `root`. */
export const hostPath = (root: string, inside: string): string => (inside === '/' ? root : `${root.replace(/\/$/, '')}${inside}`);

const lstat = (file: string): Promise<Stats | null> => fs.lstat(file).catch((error: NodeJS.ErrnoException) => {
  if (error.code === 'ENOENT') return null;
  throw error;
});

/**
 * Resolves `inside` (absolute or relative to the root) under `root`. The final component is
 * followed when it is a symlink only with `followFinal`. A missing component ends the lookup:
 * the rest is joined as written (`..` still clamped) and `stat` is null.
 */
export async function resolveInRoot(root: string, inside: string, followFinal: boolean): Promise<Resolved> {
  const done: string[] = [];
  let todo = inside.split('/');
  let links = 0;
  let missing = false;
  while (todo.length > 0) {
    const part = todo.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      done.pop();
      continue;
    }
    if (missing) {
      done.push(part);
      continue;
    }
    const candidate = hostPath(root, `/${[...done, part].join('/')}`);
    const stat = await lstat(candidate);
    const last = todo.every((p) => p === '' || p === '.');
    if (!stat) {
      missing = true;
      done.push(part);
      continue;
    }
    if (stat.isSymbolicLink() && (!last || followFinal)) {
      if (++links > MAX_LINKS) throw new ValidationError(`${inside}: too many levels of symbolic links`);
      const target = await fs.readlink(candidate);
      if (target.startsWith('/')) done.length = 0;
      todo = [...target.split('/'), ...todo];
      continue;
    }
    if (!last && !stat.isDirectory()) throw new NotFoundError(`${inside}: /${[...done, part].join('/')} is not a directory`);
    done.push(part);
  }
  const resolved = `/${done.join('/')}`;
  const host = hostPath(root, resolved);
  // `..` may have stepped back after the last lookup: the final stat is of what was resolved.
  // The root itself may be a link to follow (/proc/<pid>/root); nothing below it is followed.
  const stat = missing ? null : done.length === 0 ? await fs.stat(root) : await lstat(host);
  return { inside: resolved, host, stat };
}
