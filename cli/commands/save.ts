/** `berth save [-o FILE] IMAGE...`: images to a docker-archive (default) or an OCI layout tar; to stdout without -o.
 * Live lines per layer go to stderr when it is a terminal. */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ValidationError } from '../../events/errors.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { withRunRootFile } from '../runRootFile.js';
import { terminalOnly } from '../progress.js';
import { followProgress } from '../../client/progressInbox.js';

const SAVE_TIMEOUT_MS = 60 * 60_000;

export default async function save(images: string[], opts: { output?: string; format?: string }, globals: GlobalOptions): Promise<number> {
  if (!opts.output && process.stdout.isTTY) throw new ValidationError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
  const format = opts.format ?? 'docker-archive';
  if (format !== 'docker-archive' && format !== 'oci-archive') throw new ValidationError(`save: unknown --format ${format}: use docker-archive or oci-archive`);
  const client = await connectClient(globals);
  const saveTo = async (file: string) => {
    const progress = await followProgress(client, terminalOnly(process.stderr));
    try {
      await client.request({ op: 'image.save', refs: images, path: file, format, progress: progress.inbox }, SAVE_TIMEOUT_MS);
    } finally {
      await progress.finish();
    }
  };
  try {
    if (opts.output) await saveTo(path.resolve(opts.output));
    else {
      await withRunRootFile(client, 'save', async (temp) => {
        await saveTo(temp);
        await pipeline(createReadStream(temp), process.stdout, { end: false });
      });
    }
    return 0;
  } finally {
    await client.close();
  }
}
