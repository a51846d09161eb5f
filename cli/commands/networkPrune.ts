/** `berth network prune`: removes every user-defined network no container is on. */
import { connectClient, type GlobalOptions } from '../client.js';

export default async function networkPrune(opts: { filter: string[] }, globals: GlobalOptions): Promise<number> {
  const labels = opts.filter.map((filter) => filter.replace(/^label=/, ''));
  const client = await connectClient(globals);
  try {
    const { removed } = await client.request({ op: 'network.prune', labels });
    if (removed.length > 0) process.stdout.write(`Deleted Networks:\n${removed.map((name) => `${name}\n`).join('')}`);
    return 0;
  } finally {
    await client.close();
  }
}
