/**
 * Docker's `cp` rules, pure: which side is the container (`CONTAINER:PATH`), and where the
 * copied file or dir lands at the destination.
 */
import path from 'node:path';
import { NotFoundError, ValidationError } from '../../events/errors.js';

export interface CopyEndpoint {
  /** The container's name or id, or null for a host path (or `-`). */
  container: string | null;
  path: string;
}

/** `CONTAINER:PATH` or a host path: absolute paths and paths starting with `.` are the host's, as in Docker. */
export function parseCopyArg(arg: string): CopyEndpoint {
  if (arg.startsWith('/') || arg.startsWith('.')) return { container: null, path: arg };
  const colon = arg.indexOf(':');
  if (colon <= 0) return { container: null, path: arg };
  return { container: arg.slice(0, colon), path: arg.slice(colon + 1) || '/' };
}

/** Exactly one side must be a container. */
export function copyDirection(source: CopyEndpoint, destination: CopyEndpoint): 'from' | 'to' {
  if (source.container && destination.container) throw new ValidationError('copying between containers is not supported');
  if (!source.container && !destination.container) throw new ValidationError('must specify at least one container source (CONTAINER:PATH)');
  return source.container ? 'from' : 'to';
}

/** What is copied: the archive's top entry is `name`. */
export interface CopySource {
  /** The base name of the source path ('.' for a root). */
  name: string;
  isDir: boolean;
  /** The source path ended in `/.`: a dir's contents, not the dir. */
  contentsOnly: boolean;
}

/** The name a source path gives its archive's top entry, and whether it asks for the contents only. */
export function sourceName(sourcePath: string): { name: string; contentsOnly: boolean; wantsDir: boolean } {
  const contentsOnly = /(^|\/)\.$/.test(sourcePath);
  const wantsDir = contentsOnly || sourcePath.endsWith('/');
  const base = path.posix.basename(path.posix.normalize(sourcePath.replace(/\/+$/, '') || '/'));
  return { name: base === '' || base === '/' || base === '..' ? '.' : base, contentsOnly, wantsDir };
}

export type DestinationKind = 'dir' | 'file' | 'missing';

/**
 * The path the source's top entry becomes at the destination (Docker's rules): a file into an
 * existing dir keeps its name, over a file replaces it, else is created as `dest`; a dir into an
 * existing dir is put inside it (or its contents, for `SRC/.`), else created as `dest`.
 */
export function copyTarget(source: CopySource, dest: string, kind: DestinationKind): string {
  const trailing = dest.endsWith('/') || /(^|\/)\.$/.test(dest);
  if (!source.isDir) {
    if (kind === 'dir') return path.posix.join(dest, source.name);
    if (kind === 'missing' && trailing) throw new NotFoundError(`destination directory ${dest} does not exist`);
    if (kind === 'file' && trailing) throw new ValidationError(`destination ${dest} is not a directory`);
    return dest;
  }
  if (kind === 'file') throw new ValidationError(`cannot copy a directory to a file: ${dest}`);
  if (kind === 'missing' || source.contentsOnly || source.name === '.') return dest;
  return path.posix.join(dest, source.name);
}

/**
 * Whether a path (resolved, inside the container) may be written: the mount it is under decides
 * (the deepest one), else the root filesystem's --read-only. Docker refuses such a copy too.
 */
export function writableAt(inside: string, readOnlyRoot: boolean, mounts: Array<{ destination: string; readOnly: boolean }>): boolean {
  const under = mounts
    .filter((m) => inside === m.destination || inside.startsWith(`${m.destination.replace(/\/$/, '')}/`))
    .sort((a, b) => b.destination.length - a.destination.length)[0];
  return under ? !under.readOnly : !readOnlyRoot;
}
