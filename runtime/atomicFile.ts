/**
 * A file written whole or not at all, where a user asked (`save -o`, `export -o`, `cp` out): into
 * a temp file beside it with a random name, created O_EXCL|O_NOFOLLOW (so a link or file someone
 * placed at a guessed name is never written through), renamed over `file` at the end (rename
 * replaces a link at `file`, never follows it), removed on failure.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;

/** The temp name beside `file`: hidden, random, not guessable from the pid. */
export const tempBeside = (file: string): string => path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(8).toString('hex')}.partial`);

/** Runs `write` on a stream into a fresh temp file beside `file`, then renames it into place. */
export async function writeAtomically<T>(file: string, write: (out: Writable) => Promise<T>): Promise<T> {
  const temp = tempBeside(file);
  const handle = await fs.open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  const out = handle.createWriteStream();
  try {
    const result = await write(out);
    if (!out.closed) await once(out, 'close');
    await fs.rename(temp, file);
    return result;
  } catch (error) {
    out.destroy();
    await handle.close().catch(() => {}); // closed already when its stream was
    await fs.rm(temp, { force: true });
    throw error;
  }
}
