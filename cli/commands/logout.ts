/** `berth logout [SERVER]`: forgets the credentials kept for a registry. */
import { connectClient, type GlobalOptions } from '../client.js';

export default async function logout(server: string | undefined, _opts: object, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    const { registry, removed } = await client.request({ op: 'image.logout', server });
    process.stdout.write(removed ? `Removing login credentials for ${registry}\n` : `Not logged in to ${registry}\n`);
    return 0;
  } finally {
    await client.close();
  }
}
