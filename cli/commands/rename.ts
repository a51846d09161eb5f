/** `berth rename CONTAINER NEW_NAME`. */
import { connectClient, type GlobalOptions } from '../client.js';

export default async function rename(container: string, name: string, _opts: object, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    await client.request({ op: 'container.rename', ref: container, name });
    return 0;
  } finally {
    await client.close();
  }
}
