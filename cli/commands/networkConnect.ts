/** `berth network connect NETWORK CONTAINER`: leases an address on the network for the container. */
import { connectClient, type GlobalOptions } from '../client.js';

export default async function networkConnect(ref: string, container: string, opts: { alias: string[]; ip?: string; ip6?: string }, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    await client.request({ op: 'network.connect', ref, container, aliases: opts.alias, ...(opts.ip ? { ip: opts.ip } : {}), ...(opts.ip6 ? { ip6: opts.ip6 } : {}) });
    return 0;
  } finally {
    await client.close();
  }
}
