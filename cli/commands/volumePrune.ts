/** `berth volume prune`: unused anonymous volumes, or every unused volume with -a. */
import { ValidationError } from '../../events/errors.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { humanSize } from '../output.js';

export default async function volumePrune(opts: { all?: boolean; filter: string[] }, globals: GlobalOptions): Promise<number> {
  const labels = opts.filter.map((filter) => {
    if (!filter.startsWith('label=')) throw new ValidationError(`invalid filter '${filter.split('=')[0]}'`);
    return filter.slice('label='.length);
  });
  const client = await connectClient(globals);
  try {
    const { removed, reclaimedBytes } = await client.request({ op: 'volume.prune', all: opts.all ?? false, labels });
    if (removed.length > 0) process.stdout.write(`Deleted Volumes:\n${removed.map((name) => `${name}\n`).join('')}\n`);
    process.stdout.write(`Total reclaimed space: ${humanSize(reclaimedBytes)}\n`);
    return 0;
  } finally {
    await client.close();
  }
}
