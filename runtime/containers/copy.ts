/**
 * `cp` on a container's root (a host path that reaches it, see Worker.withContainerRoot): out to
 * a tar file, and in from one, with Docker's rules for where things land (copyRules.ts).
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { ConflictError, ValidationError } from '../../events/errors.js';
import type { UserNamespace } from '../../events/userNamespace.js';
import { writeAtomically } from '../atomicFile.js';
import { archiveInRoot } from './copyArchive.js';
import { extractInRoot } from './copyExtract.js';
import { copyTarget, writableAt, type CopySource } from './copyRules.js';
import { resolveInRoot } from './inRoot.js';
import { OpenDir } from './openDir.js';

/** What of the container is read-only: its root filesystem (--read-only) and some mounts. */
export interface ReadOnlyParts {
  root: boolean;
  mounts: Array<{ destination: string; readOnly: boolean }>;
}
const NOTHING_READ_ONLY: ReadOnlyParts = { root: false, mounts: [] };

/** Writes the archive of `inside` to `file` (through a temp file renamed at the end). */
export function copyOut(root: string, inside: string, follow: boolean, file: string): Promise<CopySource & { size: number }> {
  return writeAtomically(file, (out) => archiveInRoot(root, inside, follow, out));
}

/**
 * Extracts the tar `file` at `dest` in the root. `source` describes the archive's top entry (a
 * copied host path); null for a plain tar (`cp - CONTAINER:DIR`), whose entries go below `dest`,
 * which must be a dir. Returns where it went and the bytes written.
 */
export async function copyIn(root: string, dest: string, file: string, source: CopySource | null, owners: boolean, readOnly: ReadOnlyParts = NOTHING_READ_ONLY, idMap?: UserNamespace): Promise<{ target: string; size: number }> {
  const rootDir = await OpenDir.open(root);
  const resolved = await resolveInRoot(rootDir, dest, true).finally(() => rootDir.close());
  if (!writableAt(resolved.inside, readOnly.root, readOnly.mounts)) {
    throw new ConflictError(`cannot copy to ${dest}: it is read-only in the container (--read-only, or a read-only mount)`);
  }
  const kind = !resolved.stat ? 'missing' : resolved.stat.isDirectory() ? 'dir' : 'file';
  if (!source && kind !== 'dir') throw new ValidationError(`destination ${dest} must be a directory`);
  const target = source ? copyTarget(source, dest, kind) : dest;
  const size = await extractInRoot(root, createReadStream(file), { base: path.posix.resolve('/', target), top: source ? source.name : null, owners, ...(idMap ? { idMap } : {}) });
  return { target, size };
}
