/**
 * `cp` on a container's root (a host path that reaches it, see Worker.withContainerRoot): out to
 * a tar file, and in from one, with Docker's rules for where things land (copyRules.ts).
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ConflictError, ValidationError } from '../../events/errors.js';
import { archiveInRoot } from './copyArchive.js';
import { extractInRoot } from './copyExtract.js';
import { copyTarget, writableAt, type CopySource } from './copyRules.js';
import { resolveInRoot } from './inRoot.js';

/** What of the container is read-only: its root filesystem (--read-only) and some mounts. */
export interface ReadOnlyParts {
  root: boolean;
  mounts: Array<{ destination: string; readOnly: boolean }>;
}
const NOTHING_READ_ONLY: ReadOnlyParts = { root: false, mounts: [] };

/** Writes the archive of `inside` to `file` (through a temp file renamed at the end). */
export async function copyOut(root: string, inside: string, follow: boolean, file: string): Promise<CopySource & { size: number }> {
  const temp = `${file}.partial-${process.pid}`;
  // Opened before the archive starts: a write stream would open its file asynchronously, and a
  // path not found fails sooner, so the removal below could come before the file existed.
  const handle = await fs.open(temp, 'w', 0o600);
  try {
    const source = await archiveInRoot(root, inside, follow, handle.createWriteStream());
    await fs.rename(temp, file);
    return source;
  } catch (error) {
    await handle.close().catch(() => {}); // closed already when its stream was
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/**
 * Extracts the tar `file` at `dest` in the root. `source` describes the archive's top entry (a
 * copied host path); null for a plain tar (`cp - CONTAINER:DIR`), whose entries go below `dest`,
 * which must be a dir. Returns where it went and the bytes written.
 */
export async function copyIn(root: string, dest: string, file: string, source: CopySource | null, owners: boolean, readOnly: ReadOnlyParts = NOTHING_READ_ONLY): Promise<{ target: string; size: number }> {
  const resolved = await resolveInRoot(root, dest, true);
  if (!writableAt(resolved.inside, readOnly.root, readOnly.mounts)) {
    throw new ConflictError(`cannot copy to ${dest}: it is read-only in the container (--read-only, or a read-only mount)`);
  }
  const kind = !resolved.stat ? 'missing' : resolved.stat.isDirectory() ? 'dir' : 'file';
  if (!source && kind !== 'dir') throw new ValidationError(`destination ${dest} must be a directory`);
  const target = source ? copyTarget(source, dest, kind) : dest;
  const size = await extractInRoot(root, createReadStream(file), { base: path.posix.resolve('/', target), top: source ? source.name : null, owners });
  return { target, size };
}
