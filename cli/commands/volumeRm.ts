/** `berth volume rm`: refused while a container (running or stopped) uses the volume, unless -f. */
import { connectClient, type GlobalOptions } from '../client.js';
import { eachContainer } from './each.js';

export default async function volumeRm(names: string[], opts: { force?: boolean }, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    return await eachContainer(names, (name) => client.request({ op: 'volume.remove', name, force: opts.force ?? false }));
  } finally {
    await client.close();
  }
}
