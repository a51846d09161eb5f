/**
 * `berth export CONTAINER [-o FILE]`: the container's flattened root filesystem as a tar. The
 * daemon builds it from the layers and the upper dir (the container need not run); without -o
 * it goes to stdout, which must not be a terminal.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { ValidationError } from '../../events/errors.js';
import { connectClient, type GlobalOptions } from '../client.js';

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
    await fs.mkdir(client.layout.runRoot, { recursive: true });
    const temp = path.join(client.layout.runRoot, `export-${randomUUID()}.tar`);
    try {
      await client.request({ op: 'container.export', ref: container, path: temp }, 60 * 60_000);
      await pipeline(createReadStream(temp), process.stdout, { end: false });
    } finally {
      await fs.rm(temp, { force: true });
    }
    return 0;
  } finally {
    await client.close();
  }
}
