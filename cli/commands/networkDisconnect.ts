/** `berth network disconnect NETWORK CONTAINER`: frees the container's address on the network. */
import { connectClient, type GlobalOptions } from '../client.js';

export default async function networkDisconnect(ref: string, container: string, opts: { force?: boolean }, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    await client.request({ op: 'network.disconnect', ref, container, force: opts.force ?? false });
    return 0;
  } finally {
    await client.close();
  }
}
