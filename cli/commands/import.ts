/** `berth import FILE [REFERENCE]`: a rootfs tarball becomes an image; prints its id. */
import path from 'node:path';
import fs from 'node:fs/promises';
import { NotFoundError } from '../../events/errors.js';
import { normalizeReference } from '../../runtime/images/reference.js';
import { connectClient, type GlobalOptions } from '../client.js';

export default async function importImage(file: string, reference: string | undefined, _opts: object, globals: GlobalOptions): Promise<number> {
  const absolute = path.resolve(file);
  if (!(await fs.stat(absolute).catch(() => null))?.isFile()) throw new NotFoundError(`open ${file}: no such file`);
  const ref = reference === undefined ? undefined : normalizeReference(reference);
  const client = await connectClient(globals);
  try {
    const { id } = await client.request({ op: 'image.import', path: absolute, ref });
    process.stdout.write(`sha256:${id}\n`);
    return 0;
  } finally {
    await client.close();
  }
}
