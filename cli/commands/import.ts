/** `berth import [-c CHANGE]... [-m MSG] FILE|- [REFERENCE]`: a rootfs tarball (or one on stdin) becomes an image; prints its id. */
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { NotFoundError } from '../../events/errors.js';
import { normalizeReference } from '../../runtime/images/reference.js';
import { parseChange } from '../../runtime/images/configChanges.js';
import { connectClient, type EngineClient, type GlobalOptions } from '../client.js';
import { withRunRootFile } from '../runRootFile.js';

interface ImportOptions {
  change: string[];
  message?: string;
}

async function importFile(client: EngineClient, file: string, ref: string | undefined, opts: ImportOptions): Promise<string> {
  return (await client.request({ op: 'image.import', path: file, ref, changes: opts.change, message: opts.message }, 60 * 60_000)).id;
}

export default async function importImage(file: string, reference: string | undefined, opts: ImportOptions, globals: GlobalOptions): Promise<number> {
  for (const change of opts.change) parseChange(change);
  const absolute = path.resolve(file);
  if (file !== '-' && !(await fs.stat(absolute).catch(() => null))?.isFile()) throw new NotFoundError(`open ${file}: no such file`);
  const ref = reference === undefined ? undefined : normalizeReference(reference);
  const client = await connectClient(globals);
  try {
    const id = file !== '-' ? await importFile(client, absolute, ref, opts) : await withRunRootFile(client, 'import', async (temp) => {
      await pipeline(process.stdin, createWriteStream(temp, { mode: 0o600 }));
      return importFile(client, temp, ref, opts);
    });
    process.stdout.write(`sha256:${id}\n`);
    return 0;
  } finally {
    await client.close();
  }
}
