/** `berth save -o FILE IMAGE...`: images to a docker-archive (default) or an OCI layout tar. */
import path from 'node:path';
import { ValidationError } from '../../events/errors.js';
import { connectClient, type GlobalOptions } from '../client.js';

export default async function save(images: string[], opts: { output?: string; format?: string }, globals: GlobalOptions): Promise<number> {
  if (!opts.output) throw new ValidationError('save: give the file with -o FILE (writing to stdout is not supported yet)');
  const format = opts.format ?? 'docker-archive';
  if (format !== 'docker-archive' && format !== 'oci-archive') throw new ValidationError(`save: unknown --format ${format}: use docker-archive or oci-archive`);
  const client = await connectClient(globals);
  try {
    await client.request({ op: 'image.save', refs: images, path: path.resolve(opts.output), format }, 60 * 60_000);
    return 0;
  } finally {
    await client.close();
  }
}
