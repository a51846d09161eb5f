/** `berth load -i FILE`: images from a docker-archive or an OCI layout (tar or directory); live lines per layer on a terminal. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError, ValidationError } from '../../events/errors.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { terminalOnly } from '../progress.js';
import { followProgress } from '../../client/progressInbox.js';

export default async function load(opts: { input?: string; quiet?: boolean }, globals: GlobalOptions): Promise<number> {
  if (!opts.input) throw new ValidationError('load: give the archive with -i FILE (reading stdin is not supported yet)');
  const absolute = path.resolve(opts.input);
  if (!(await fs.stat(absolute).catch(() => null))) throw new NotFoundError(`open ${opts.input}: no such file or directory`);
  const client = await connectClient(globals);
  try {
    const progress = await followProgress(client, opts.quiet ? null : terminalOnly(process.stdout));
    let images;
    try {
      ({ images } = await client.request({ op: 'image.load', path: absolute, progress: progress.inbox }, 60 * 60_000));
    } finally {
      await progress.finish();
    }
    for (const image of images) {
      const lines = image.tags.length ? image.tags.map((tag) => `Loaded image: ${tag}`) : [`Loaded image ID: sha256:${image.id}`];
      process.stdout.write(lines.map((l) => `${l}\n`).join(''));
    }
    return 0;
  } finally {
    await client.close();
  }
}
