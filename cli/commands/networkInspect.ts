/** `berth network inspect`: Docker-shaped JSON. */
import { networkJson } from '../../client/views/network.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { inspectEach } from './each.js';

export default async function networkInspect(refs: string[], _opts: object, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    return await inspectEach(refs, async (ref) => networkJson(await client.request({ op: 'network.inspect', ref })));
  } finally {
    await client.close();
  }
}
