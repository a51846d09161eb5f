/** `berth network rm`: refused while containers are on the network. */
import { connectClient, type GlobalOptions } from '../client.js';
import { eachContainer } from './each.js';

export default async function networkRm(refs: string[], _opts: object, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    return await eachContainer(refs, (ref) => client.request({ op: 'network.remove', ref }));
  } finally {
    await client.close();
  }
}
