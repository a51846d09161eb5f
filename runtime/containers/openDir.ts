/**
 * A directory held open, and every operation on a name in it made relative to that open
 * directory, as openat(2) and its kin would: through `/proc/self/fd/<fd>/<name>`, where the
 * kernel jumps to the open directory itself and then looks up one name. A name is one path
 * component (no `/`, never `..`), and nothing here follows a symlink in it: opens carry
 * O_NOFOLLOW, and the rest are the calls that act on a link itself (lstat, readlink, mkdir,
 * symlink, unlink, lchown, lutimes, link). So whatever a container swaps into a dir meanwhile,
 * an operation can only reach that dir's own entries, never a path the kernel walks from `/`.
 * Node has no openat; this is the same lookup without it.
 */
import { constants, type Stats } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import { ValidationError } from '../../events/errors.js';

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = constants;

/** Whether an error says a name changed under us: a link where a dir was, or gone. */
export const isSwapped = (error: unknown): boolean => ['ELOOP', 'ENOTDIR', 'ENOENT', 'EINVAL'].includes((error as NodeJS.ErrnoException).code ?? '');

function checkName(name: string): string {
  if (name === '' || name === '..' || name.includes('/')) throw new ValidationError(`${JSON.stringify(name)} is not a name in a directory`);
  return name;
}

export class OpenDir {
  private constructor(private readonly handle: FileHandle) {}

  /** Opens the dir at `path`, a path the caller trusts (a layer dir, /proc/<pid>/root). */
  static async open(path: string): Promise<OpenDir> {
    return new OpenDir(await fs.open(path, O_RDONLY | O_DIRECTORY));
  }

  /** The path that reaches `name` in this dir (the dir itself without a name or with '.'). */
  at(name = '.'): string {
    return `/proc/self/fd/${this.handle.fd}/${checkName(name)}`;
  }

  /** lstat of `name`; null when it is not there. */
  lstat(name: string): Promise<Stats | null> {
    return fs.lstat(this.at(name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
  }

  stat(): Promise<Stats> {
    return this.handle.stat();
  }

  async names(): Promise<string[]> {
    return (await fs.readdir(this.at())).sort();
  }

  readlink(name: string): Promise<string> {
    return fs.readlink(this.at(name));
  }

  /** The dir `name`; fails (ELOOP, ENOTDIR) when it is a link or not a dir. */
  async openDir(name: string): Promise<OpenDir> {
    return new OpenDir(await fs.open(this.at(name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
  }

  /** The file `name` with `flags` (O_NOFOLLOW added; O_NONBLOCK so that a fifo swapped in does not block). */
  openFile(name: string, flags: number, mode = 0o600): Promise<FileHandle> {
    return fs.open(this.at(name), flags | O_NOFOLLOW | O_NONBLOCK, mode);
  }

  mkdir(name: string, mode: number): Promise<void> {
    return fs.mkdir(this.at(name), { mode }).then(() => {});
  }

  symlink(target: string, name: string): Promise<void> {
    return fs.symlink(target, this.at(name));
  }

  unlink(name: string): Promise<void> {
    return fs.unlink(this.at(name));
  }

  lchown(name: string, uid: number, gid: number): Promise<void> {
    return fs.lchown(this.at(name), uid, gid);
  }

  lutimes(name: string, seconds: number): Promise<void> {
    return fs.lutimes(this.at(name), seconds, seconds);
  }

  /** A hard link `name` here to `from`'s entry `fromName` (the entry itself, never what a link names). */
  link(from: OpenDir, fromName: string, name: string): Promise<void> {
    return fs.link(from.at(fromName), this.at(name));
  }

  /** The dir's own mode, owner and times, set on the open dir. */
  chmod(mode: number): Promise<void> {
    return this.handle.chmod(mode);
  }

  chown(uid: number, gid: number): Promise<void> {
    return this.handle.chown(uid, gid);
  }

  utimes(seconds: number): Promise<void> {
    return this.handle.utimes(seconds, seconds);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/**
 * The dir at `inside` (a path already resolved: no links, `.` or `..` meant to be in it) under
 * `root`, opened one component at a time without following any link; with `create`, missing
 * components are made (mode 0755). A component that is a link now, or not a dir, fails.
 */
export async function openDirIn(root: OpenDir, inside: string, create = false): Promise<OpenDir> {
  let dir = await root.openDir('.');
  for (const part of inside.split('/').filter((p) => p !== '' && p !== '.')) {
    try {
      const next = await dir.openDir(part).catch(async (error: NodeJS.ErrnoException) => {
        if (!create || error.code !== 'ENOENT') throw error;
        await dir.mkdir(part, 0o755).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e; });
        return dir.openDir(part);
      });
      await dir.close();
      dir = next;
    } catch (error) {
      await dir.close();
      throw error;
    }
  }
  return dir;
}
