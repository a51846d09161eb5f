/** `berth network prune`: removes every user-defined network no container is on, after Docker's confirmation unless -f. */
import { connectClient, type GlobalOptions } from '../client.js';
import { networkPruneFilters } from '../networkPruneFilter.js';
import { confirm } from '../prune.js';

export default async function networkPrune(opts: { filter: string[]; force?: boolean }, globals: GlobalOptions): Promise<number> {
  const filters = networkPruneFilters(opts.filter);
  if (!(await confirm('WARNING! This will remove all custom networks not used by at least one container.', opts.force))) return 0;
  const client = await connectClient(globals);
  try {
    const { removed } = await client.request({ op: 'network.prune', ...filters });
    if (removed.length > 0) process.stdout.write(`Deleted Networks:\n${removed.map((name) => `${name}\n`).join('')}`);
    return 0;
  } finally {
    await client.close();
  }
}
