/** `berth tag SOURCE TARGET`: one more name for an image. */
import { connectClient, type GlobalOptions } from '../client.js';

export default async function tag(source: string, target: string, _opts: object, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    await client.request({ op: 'image.tag', source, target });
    return 0;
  } finally {
    await client.close();
  }
}
