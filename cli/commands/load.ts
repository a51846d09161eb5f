/** `berth load -i FILE`: images from a docker-archive or an OCI layout (tar or directory). */
import fs from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError, ValidationError } from '../../events/errors.js';
import { connectClient, type GlobalOptions } from '../client.js';

export default async function load(opts: { input?: string; quiet?: boolean }, globals: GlobalOptions): Promise<number> {
  if (!opts.input) throw new ValidationError('load: give the archive with -i FILE (reading stdin is not supported yet)');
  const absolute = path.resolve(opts.input);
  if (!(await fs.stat(absolute).catch(() => null))) throw new NotFoundError(`open ${opts.input}: no such file or directory`);
  const client = await connectClient(globals);
  try {
    const { images } = await client.request({ op: 'image.load', path: absolute }, 60 * 60_000);
    for (const image of images) {
      const lines = image.tags.length ? image.tags.map((tag) => `Loaded image: ${tag}`) : [`Loaded image ID: sha256:${image.id}`];
      process.stdout.write(lines.map((l) => `${l}\n`).join(''));
    }
    return 0;
  } finally {
    await client.close();
  }
}
