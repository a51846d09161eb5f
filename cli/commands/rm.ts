/** `berth rm`: remove containers; -f kills a running one first, -v removes their anonymous volumes. */
import { connectClient, type GlobalOptions } from '../client.js';
import { eachContainer } from './each.js';

export default async function rm(containers: string[], opts: { force?: boolean; volumes?: boolean }, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    return await eachContainer(containers, (ref) => client.request({ op: 'container.remove', ref, force: opts.force ?? false, volumes: opts.volumes ?? false }));
  } finally {
    await client.close();
  }
}
