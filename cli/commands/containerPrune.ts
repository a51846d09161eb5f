/** `berth container prune [-f]`: every container that is not running. */
import { connectClient, type GlobalOptions } from '../client.js';
import { confirm, pruneContainers, reclaimed } from '../prune.js';

export default async function containerPrune(opts: { force?: boolean }, globals: GlobalOptions): Promise<number> {
  if (!(await confirm('WARNING! This will remove all stopped containers.', opts.force))) return 0;
  const client = await connectClient(globals);
  try {
    reclaimed(await pruneContainers(client));
    return 0;
  } finally {
    await client.close();
  }
}
