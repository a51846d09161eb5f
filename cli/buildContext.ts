/**
 * The build context as the Docker CLI sends it: the directory as a tar, without what
 * `.dockerignore` excludes (runtime/build/contextEntries.ts). Owners go as 0:0 (the builder
 * ignores them); modes, mtimes and links as they are.
 */
import { createReadStream, readFileSync, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { contextEntries } from '../runtime/build/contextEntries.js';
import { pack, type Pack } from 'tar-stream';

/** Files up to this size go into the tar from one read; larger ones are streamed. */
const WHOLE_FILE_BYTES = 1 << 20;

async function addEntry(archive: Pack, dir: string, rel: string, stat: Stats): Promise<void> {
  const common = { name: rel, mode: stat.mode & 0o7777, mtime: stat.mtime, uid: 0, gid: 0 };
  const file = path.join(dir, rel);
  if (stat.isDirectory()) await new Promise<void>((resolve, reject) => archive.entry({ ...common, type: 'directory' }, (e) => (e ? reject(e) : resolve())));
  else if (stat.isSymbolicLink()) {
    const linkname = await fs.readlink(file);
    await new Promise<void>((resolve, reject) => archive.entry({ ...common, type: 'symlink', linkname }, (e) => (e ? reject(e) : resolve())));
  } else if (stat.isFile() && stat.size <= WHOLE_FILE_BYTES) {
    // Small files whole, read in one call: a stream per file costs far more than its bytes.
    const body = readFileSync(file);
    if (body.length !== stat.size) throw new Error(`${file} changed while the context was read`);
    await new Promise<void>((resolve, reject) => archive.entry({ ...common, type: 'file', size: stat.size }, body, (e) => (e ? reject(e) : resolve())));
  } else if (stat.isFile()) {
    const sink = archive.entry({ ...common, type: 'file', size: stat.size });
    await pipeline(createReadStream(file), sink);
  }
}

/** The context tar of `dir`, streamed as it is read. */
export function contextTar(dir: string, dockerfile: string): Readable {
  const archive = pack();
  const out = new PassThrough();
  archive.pipe(out);
  void (async () => {
    for (const { rel, stat } of await contextEntries(dir, dockerfile)) await addEntry(archive, dir, rel, stat);
    archive.finalize();
  })().catch((error: Error) => out.destroy(error));
  return out;
}
