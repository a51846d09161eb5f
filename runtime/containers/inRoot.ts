/**
 * Paths resolved inside a root, as if the process were chrooted there: each component is
 * looked up in the open dir of the one before (runtime/containers/openDir.ts), a symlink is read
 * and its target followed from the root (an absolute target) or from its own dir, and `..`
 * never climbs above the root. The kernel never walks a path with a link in it: every lookup is
 * one name in an open dir, and a dir is entered by opening it O_NOFOLLOW (a link swapped in
 * between the lstat and the open fails the open, and the component is looked at again). The
 * result is a path with no link, `.` or `..`; whoever acts on it opens it again the same way
 * (openDirIn), so a link swapped in later makes that fail instead of leading out of the root.
 */
import type { Stats } from 'node:fs';
import { ConflictError, NotFoundError, ValidationError } from '../../events/errors.js';
import { type OpenDir } from './openDir.js';

const MAX_LINKS = 40;
/** Lookups of a component that keeps changing between its lstat and its open, before giving up. */
const MAX_RETRIES = 100;

export interface Resolved {
  /** The resolved path inside the root ('/etc/passwd'). */
  inside: string;
  /** lstat of the final component (of the root for '/'), null when it does not exist. */
  stat: Stats | null;
}

const retried = (error: unknown) => ['ELOOP', 'ENOTDIR', 'ENOENT'].includes((error as NodeJS.ErrnoException).code ?? '');

/**
 * Resolves `inside` (absolute or relative to the root) under `root`. The final component is
 * followed when it is a symlink only with `followFinal`. A missing component ends the lookup:
 * the rest is joined as written (`..` still clamped) and `stat` is null.
 */
export async function resolveInRoot(root: OpenDir, inside: string, followFinal: boolean): Promise<Resolved> {
  const done: string[] = [];
  /** dirs[i]: the open dir of done[0..i]. */
  const dirs: OpenDir[] = [];
  const here = () => dirs.at(-1) ?? root;
  let todo = inside.split('/');
  let links = 0;
  let retries = 0;
  let missing = false;
  try {
    while (todo.length > 0) {
      const part = todo.shift()!;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        done.pop();
        if (dirs.length > done.length) await dirs.pop()!.close();
        continue;
      }
      if (missing) {
        done.push(part);
        continue;
      }
      const last = todo.every((p) => p === '' || p === '.');
      const stat = await here().lstat(part);
      if (!stat) {
        missing = true;
        done.push(part);
        continue;
      }
      if (stat.isSymbolicLink() && (!last || followFinal)) {
        if (++links > MAX_LINKS) throw new ValidationError(`${inside}: too many levels of symbolic links`);
        const target = await here().readlink(part).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EINVAL' && error.code !== 'ENOENT') throw error;
          return null; // no longer a link: look again
        });
        if (target === null) {
          if (++retries > MAX_RETRIES) throw new ConflictError(`${inside}: changed while being resolved`);
          todo.unshift(part);
          continue;
        }
        if (target.startsWith('/')) {
          done.length = 0;
          for (const dir of dirs.splice(0)) await dir.close();
        }
        todo = [...target.split('/'), ...todo];
        continue;
      }
      if (!last) {
        if (!stat.isDirectory()) throw new NotFoundError(`${inside}: /${[...done, part].join('/')} is not a directory`);
        const next = await here().openDir(part).catch((error: unknown) => {
          if (!retried(error)) throw error;
          if (++retries > MAX_RETRIES) throw new ConflictError(`${inside}: changed while being resolved`);
          return null;
        });
        if (!next) {
          todo.unshift(part);
          continue;
        }
        dirs.push(next);
      }
      done.push(part);
    }
    // `..` may have stepped back after the last lookup: the final stat is of what was resolved.
    const stat = missing ? null
      : done.length === 0 ? await root.stat()
        : dirs.length === done.length ? await here().stat()
          : await here().lstat(done.at(-1)!);
    return { inside: `/${done.join('/')}`, stat };
  } finally {
    for (const dir of dirs) await dir.close();
  }
}
