/** `berth volume inspect`: Docker-shaped JSON. */
import { connectClient, type GlobalOptions } from '../client.js';
import { inspectEach } from './each.js';
import { volumeJson } from '../../client/views/volume.js';

export default async function volumeInspect(names: string[], _opts: object, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    return await inspectEach(names, async (name) => volumeJson(await client.request({ op: 'volume.inspect', name })));
  } finally {
    await client.close();
  }
}
