/** `berth rmi`: untag, or delete when the last tag goes (or by id). */
import { connectClient, type GlobalOptions } from '../client.js';
import { eachContainer } from './each.js';

export default async function rmi(images: string[], opts: { force?: boolean }, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    return await eachContainer(images, (ref) => client.request({ op: 'image.remove', ref, force: opts.force ?? false }));
  } finally {
    await client.close();
  }
}
