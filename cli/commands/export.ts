/**
 * `berth export CONTAINER [-o FILE]`: the container's flattened root filesystem as a tar. The
 * daemon builds it from the layers and the upper dir (the container need not run); without -o
 * it goes to stdout, which must not be a terminal.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ValidationError } from '../../events/errors.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { withRunRootFile } from '../runRootFile.js';

export default async function exportContainer(container: string, opts: { output?: string }, globals: GlobalOptions): Promise<number> {
  if (!opts.output && process.stdout.isTTY) {
    throw new ValidationError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
  }
  const client = await connectClient(globals);
  try {
    if (opts.output) {
      await client.request({ op: 'container.export', ref: container, path: path.resolve(opts.output) }, 60 * 60_000);
      return 0;
    }
    // To stdout: the daemon writes under the run root, and the file is streamed out and removed.
    await withRunRootFile(client, 'export', async (temp) => {
      await client.request({ op: 'container.export', ref: container, path: temp }, 60 * 60_000);
      await pipeline(createReadStream(temp), process.stdout, { end: false });
    });
    return 0;
  } finally {
    await client.close();
  }
}
