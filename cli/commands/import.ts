/** `berth import FILE|- [REFERENCE]`: a rootfs tarball (or one on stdin) becomes an image; prints its id. */
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { NotFoundError } from '../../events/errors.js';
import { normalizeReference } from '../../runtime/images/reference.js';
import { connectClient, type Client, type GlobalOptions } from '../client.js';
import { withRunRootFile } from '../runRootFile.js';

async function importFile(client: Client, file: string, ref: string | undefined): Promise<string> {
  return (await client.request({ op: 'image.import', path: file, ref }, 60 * 60_000)).id;
}

export default async function importImage(file: string, reference: string | undefined, _opts: object, globals: GlobalOptions): Promise<number> {
  const absolute = path.resolve(file);
  if (file !== '-' && !(await fs.stat(absolute).catch(() => null))?.isFile()) throw new NotFoundError(`open ${file}: no such file`);
  const ref = reference === undefined ? undefined : normalizeReference(reference);
  const client = await connectClient(globals);
  try {
    const id = file !== '-' ? await importFile(client, absolute, ref) : await withRunRootFile(client, 'import', async (temp) => {
      await pipeline(process.stdin, createWriteStream(temp, { mode: 0o600 }));
      return importFile(client, temp, ref);
    });
    process.stdout.write(`sha256:${id}\n`);
    return 0;
  } finally {
    await client.close();
  }
}
